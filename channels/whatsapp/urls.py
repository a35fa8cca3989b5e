"""Mounted at /channels/whatsapp/ (channels.urls): the one callback URL configured in the Meta app dashboard."""

from django.urls import path

from channels.whatsapp.views import WebhookView

urlpatterns = [
    path("webhook/", WebhookView.as_view(), name="whatsapp-webhook"),
]
