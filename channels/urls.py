"""Provider webhooks. Each adapter owns its sub-path; the generic channel API lives under /api/v1/."""

from django.urls import include, path

app_name = "channels"
urlpatterns = [
    path("whatsapp/", include("channels.whatsapp.urls")),
    path("telegram/", include("channels.telegram.urls")),
]
