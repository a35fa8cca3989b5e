"""Pages a citizen reaches without logging in, and the public API under /api/v1/public/."""

from django.urls import path

from public import api, views

app_name = "public"
urlpatterns = [
    path("lapor/", views.report, name="report"),
    path("lapor/desa/", views.villages, name="villages"),
    path("lapor/terkirim/<str:token>/", views.report_done, name="report-done"),
    path("lacak/", views.track, name="track"),
    path("lacak/<str:code>/", views.track, name="track-code"),
    path("nilai/<str:token>/", views.feedback, name="feedback"),
    path("api/v1/public/track/<str:code>/", api.PublicTrackingView.as_view(), name="api-track"),
    path("api/v1/public/track/<str:code>/feedback/", api.PublicFeedbackView.as_view(), name="api-feedback"),
]
