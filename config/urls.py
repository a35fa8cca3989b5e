from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from api import docs
from config.health import health

urlpatterns = [
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", docs.swagger_ui, name="api-docs"),  # with a CSP relaxed for these two pages only
    path("api/redoc/", docs.redoc, name="api-redoc"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("channels/", include("channels.urls")),
    path("open311/v2/", include("channels.open311.urls")),
    path("duty/", include("duty.urls")),
    path("", include("public.urls")),
    path("", include("portal.urls")),
]

# Errors: problem+json under /api/ and /channels/, the portal's pages elsewhere (config/error_views.py).
handler400 = "config.error_views.bad_request"
handler403 = "config.error_views.permission_denied"
handler404 = "config.error_views.page_not_found"
handler500 = "config.error_views.server_error"
