"""The API documentation pages (Swagger UI and ReDoc, served offline from drf-spectacular-sidecar) under a
Content-Security-Policy relaxed for these two views only.

Swagger UI: its start script is served as a file (SpectacularSwaggerSplitView, no inline script); the page and the
UI write inline styles. ReDoc: its page (templates/api/redoc.html) loads no web fonts and has no inline script;
the UI injects <style> elements and runs its search in a Web Worker made from a blob: URL. Everything is still
loaded from this site only.
"""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

SWAGGER_CSP = {"style-src": [UNSAFE_INLINE]}
REDOC_CSP = {"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}

swagger_ui = csp_update(SWAGGER_CSP)(SpectacularSwaggerSplitView.as_view(url_name="schema"))
redoc = csp_update(REDOC_CSP)(SpectacularRedocView.as_view(url_name="schema", template_name="api/redoc.html"))
