#!/usr/bin/env python3
"""Fail when the English catalog is stale or incomplete.

    python scripts/check_messages.py [makemessages options]

Checks, using the GNU gettext tools (msgfmt, msgattrib, msgmerge, xgettext) and the project's venv:

1. locale/en/LC_MESSAGES/django.po is valid (msgfmt --check: syntax, header, placeholders).
2. No entry is untranslated or fuzzy (msgattrib --untranslated / --only-fuzzy).
3. The catalog lists exactly the strings the code marks for translation: makemessages is re-run on a
   temporary copy of the source tree and catalog (the working tree is never written to), and its msgids
   are compared with the committed ones.
4. django.mo is what compiling django.po gives now (same bytes, or at least the same messages).

The makemessages options come from the command line (the Makefile passes the ones `make messages`
uses), so both always agree. Exits 1 naming every string to fix, 2 when a tool is missing.
"""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = "en"
PO = ROOT / "locale" / LOCALE / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
DEFAULT_OPTIONS = ["-l", LOCALE, "--ignore=.venv", "--ignore=staticfiles", "--ignore=tests", "--no-obsolete"]
# Not copied into the temporary tree: nothing in them is scanned, or they are big.
SKIP_DIRS = {".git", ".venv", "locale", "tests", "staticfiles", "media", "node_modules", "__pycache__",
             ".pytest_cache", ".ruff_cache", "test-artifacts"}
TOOLS = ("msgfmt", "msgattrib", "msgmerge", "msguniq", "xgettext")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    def describe(self) -> str:
        text = f'"{self.msgid}"'
        if self.msgctxt is not None:
            text = f'[{self.msgctxt}] {text}'
        if self.msgid_plural is not None:
            text += f' / plural "{self.msgid_plural}"'
        if self.refs:
            more = f" +{len(self.refs) - 1}" if len(self.refs) > 1 else ""
            text += f"  ({self.refs[0]}{more})"
        return text


def _unquote(s: str) -> str:
    s = s.strip()
    if not (len(s) >= 2 and s[0] == s[-1] == '"'):
        raise ValueError(f"not a PO string: {s!r}")
    out, chars = [], iter(s[1:-1])
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    for ch in chars:
        out.append((lambda c: escapes.get(c, c))(next(chars, "")) if ch == "\\" else ch)
    return "".join(out)


def parse_po(text: str) -> list[Entry]:
    """Entries of a PO file as the gettext tools write it: one blank-line-separated block per entry.

    Obsolete ('#~') lines are skipped; the header is the entry with msgid "".
    """
    entries = []
    for block in text.split("\n\n"):
        entry, target = Entry(), None
        for raw in block.splitlines():
            line = raw.strip()
            if not line or line.startswith("#~"):
                continue
            if line.startswith("#:"):
                entry.refs.extend(line[2:].split())
            elif line.startswith("#,"):
                entry.flags.update(f.strip() for f in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and target is not None:
                value = _unquote(line)
                if target.startswith("msgstr"):
                    entry.msgstr[-1] += value
                else:
                    setattr(entry, target, (getattr(entry, target) or "") + value)
            else:
                keyword, _, rest = line.partition(" ")
                if keyword not in ("msgctxt", "msgid", "msgid_plural") and not keyword.startswith("msgstr"):
                    raise ValueError(f"unexpected line in PO file: {raw!r}")
                target = keyword
                if keyword.startswith("msgstr"):
                    entry.msgstr.append(_unquote(rest))
                else:
                    setattr(entry, keyword, _unquote(rest))
        if entry.msgstr:
            entries.append(entry)
    return entries


def messages(entries: list[Entry]) -> dict[tuple[str | None, str], Entry]:
    return {e.key: e for e in entries if e.msgid != ""}


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)  # noqa: S603


def entries_from(tool_args: list[str]) -> list[Entry]:
    result = run(tool_args)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(tool_args)} failed:\n{result.stderr}")
    return [e for e in parse_po(result.stdout) if e.msgid != ""]


def code_catalog(options: list[str]) -> list[Entry]:
    """Re-run makemessages on a temporary copy of the source tree and the catalog; return the merged catalog."""
    with tempfile.TemporaryDirectory(prefix="treckk-messages-") as tmp:
        tree = Path(tmp) / "src"
        shutil.copytree(
            ROOT, tree, symlinks=True,
            ignore=lambda d, names: [n for n in names if n in SKIP_DIRS or n.endswith((".pyc", ".sqlite3"))],
        )
        copy = tree / PO.relative_to(ROOT)
        copy.parent.mkdir(parents=True)
        shutil.copy2(PO, copy)
        python = ROOT / ".venv" / "bin" / "python"
        env = {**os.environ, "DEBUG": "1"}
        result = run([str(python if python.exists() else sys.executable), "manage.py", "makemessages", *options],
                     cwd=tree, env=env)
        if result.returncode != 0:
            raise SystemExit(f"makemessages failed on the temporary copy:\n{result.stdout}{result.stderr}")
        return parse_po(copy.read_text(encoding="utf-8"))


def compiled_catalog(path: Path) -> dict:
    with path.open("rb") as fp:
        return dict(gettext.GNUTranslations(fp)._catalog)


def main(argv: list[str]) -> int:
    options = argv or DEFAULT_OPTIONS
    missing_tools = [t for t in TOOLS if shutil.which(t) is None]
    if missing_tools:
        print(f"check_messages: GNU gettext tools not found ({', '.join(missing_tools)}); "
              "install them (Debian: apt-get install gettext).", file=sys.stderr)
        return 2
    rel = PO.relative_to(ROOT)
    if not PO.exists():
        print(f"{rel} does not exist: run 'make messages'.", file=sys.stderr)
        return 1

    problems: list[str] = []

    def section(title: str, items: list[str]) -> None:
        if items:
            problems.append(f"{title} ({len(items)}):")
            problems.extend(f"    - {item}" for item in items)

    with tempfile.TemporaryDirectory(prefix="treckk-mo-") as tmp:
        fresh_mo = Path(tmp) / "django.mo"
        # The same msgfmt call as compilemessages, plus the header and placeholder checks.
        result = run(["msgfmt", "--check", "--statistics", "-o", str(fresh_mo), str(PO)])
        if result.returncode != 0:
            problems.append(f"msgfmt --check rejects {rel}:")
            problems.extend(f"    {line}" for line in result.stderr.splitlines())
        else:
            if not MO.exists():
                problems.append(f"{MO.relative_to(ROOT)} is missing: run 'make messages' and commit it.")
            elif MO.read_bytes() != fresh_mo.read_bytes() and compiled_catalog(MO) != compiled_catalog(fresh_mo):
                problems.append(f"{MO.relative_to(ROOT)} does not match {rel}: run 'make messages' and commit both.")

    committed = messages(parse_po(PO.read_text(encoding="utf-8")))
    untranslated = messages(entries_from(["msgattrib", "--untranslated", "--no-wrap", str(PO)]))
    # msgattrib counts a plural entry as translated when msgstr[0] is; every form must be.
    untranslated.update({k: e for k, e in committed.items() if not all(e.msgstr)})
    section("Untranslated in the catalog (write the English msgstr)", [e.describe() for e in untranslated.values()])
    section("Fuzzy in the catalog (check the translation, then remove the 'fuzzy' flag)",
            [e.describe() for e in entries_from(["msgattrib", "--only-fuzzy", "--no-wrap", str(PO)])])

    current = messages(code_catalog(options))
    section("In the code but not in the catalog (run 'make messages', then translate)",
            [current[k].describe() for k in current if k not in committed])
    section("In the catalog but no longer in the code (run 'make messages')",
            [committed[k].describe() for k in committed if k not in current])
    section("Plural forms changed in the code (run 'make messages', then translate)",
            [current[k].describe() for k in current if k in committed and current[k].msgid_plural != committed[k].msgid_plural])

    if problems:
        print(f"The {LOCALE} translation catalog is stale or incomplete ({rel}):", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"{rel}: {len(committed)} messages, all translated; django.mo is current.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
