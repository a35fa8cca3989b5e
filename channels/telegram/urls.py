"""Telegram Bot API webhook, mounted at /channels/telegram/ (name "channels:telegram-webhook")."""

from django.urls import path

from channels.telegram import views

urlpatterns = [
    path("webhook/", views.webhook, name="telegram-webhook"),
]
