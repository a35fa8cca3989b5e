"""The direction of imports DESIGN.md section 5 sets: faces (api, portal, channels, public, duty, audit, demo) import
the core (complaints, roles, common), never the reverse, and faces never import each other.

The tree does not meet it yet: KNOWN_CROSSINGS lists, file by file, every import that crosses today (issue 18 moves
the shared infrastructure to a package of its own, the demo data to its own app and the inbox decisions into
channels). The test is a ratchet: a new crossing fails it, and so does a listed one that is gone, so the list only
shrinks and says what is left.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = frozenset({"complaints", "roles", "common"})
FACES = frozenset({"api", "portal", "channels", "public", "duty", "audit", "demo"})

# (importing file, imported app) as of this test's writing.
KNOWN_CROSSINGS = frozenset({
    ("api/channel_views.py", "channels"),
    ("api/channel_webhooks.py", "channels"),
    ("api/serializers.py", "channels"), ("api/serializers.py", "public"),
    ("api/token.py", "audit"),
    ("api/views.py", "channels"), ("api/views.py", "public"),
    ("channels/complaint_view.py", "public"), ("channels/notifications.py", "api"),
    ("channels/open311/auth.py", "api"), ("channels/open311/selectors.py", "public"),
    ("channels/open311/serializers.py", "public"), ("channels/open311/views.py", "api"),
    ("channels/open311/views.py", "public"), ("channels/texts.py", "public"),
    ("complaints/demo.py", "channels"), ("complaints/demo.py", "duty"), ("complaints/demo.py", "public"),
    ("portal/forms.py", "channels"), ("portal/navigation.py", "channels"), ("portal/urls.py", "audit"),
    ("portal/views/cases.py", "channels"), ("portal/views/cases.py", "public"), ("portal/views/dashboard.py", "public"),
    ("portal/views/dispatch.py", "duty"), ("portal/views/inbox.py", "channels"), ("portal/views/lapor.py", "channels"),
    ("portal/views/outbox.py", "channels"),
    ("public/api.py", "api"),
})


def crossings() -> set[tuple[str, str]]:
    found = set()
    for app in sorted(CORE | FACES):
        for path in sorted((ROOT / app).rglob("*.py")) if (ROOT / app).is_dir() else []:
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    imported = module.split(".")[0]
                    if imported != app and imported in FACES and (app in CORE or app in FACES):
                        found.add((str(path.relative_to(ROOT)), imported))
    return found


def test_no_new_import_crosses_the_layers():
    new = crossings() - KNOWN_CROSSINGS
    assert not new, f"imports against DESIGN.md section 5 (core -> face, or face -> face): {sorted(new)}"


def test_the_list_of_known_crossings_only_shrinks():
    gone = KNOWN_CROSSINGS - crossings()
    assert not gone, f"these crossings are gone: take them off KNOWN_CROSSINGS: {sorted(gone)}"


def test_the_scan_sees_a_crossing():
    """The scanner is not vacuous: the demo loader's imports of the faces are found."""
    assert ("complaints/demo.py", "public") in crossings()
