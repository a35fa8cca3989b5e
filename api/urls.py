from django.urls import path

from api import channel_views, channel_webhooks, views
from api.token import StaffTokenView

app_name = "api"

urlpatterns = [
    path("complaints/", views.ComplaintListCreateView.as_view(), name="complaint-list"),
    path("complaints/<str:code>/", views.ComplaintDetailView.as_view(), name="complaint-detail"),
    path("complaints/<str:code>/events/", views.ComplaintEventsView.as_view(), name="complaint-events"),
    path("complaints/<str:code>/actions/", views.AvailableActionsView.as_view(), name="complaint-actions"),
    path("complaints/<str:code>/attachments/", views.AttachmentListCreateView.as_view(), name="complaint-attachments"),
    path(
        "complaints/<str:code>/attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment-download"
    ),
    *[
        path(f"complaints/<str:code>/actions/{action}/", view.as_view(), name=f"complaint-action-{action}")
        for action, view in views.ACTION_VIEWS.items()
    ],
    path("queue/", views.QueueView.as_view(), name="queue"),
    path("channel/messages/", channel_views.InboundMessageView.as_view(), name="channel-messages"),
    path("channel/webhooks/", channel_webhooks.WebhookEndpointListView.as_view(), name="channel-webhooks"),
    path("channel/webhooks/<int:pk>/", channel_webhooks.WebhookEndpointDetailView.as_view(), name="channel-webhook"),
    path("channel/webhooks/<int:pk>/test/", channel_webhooks.WebhookEndpointTestView.as_view(), name="channel-webhook-test"),
    path(
        "channel/webhooks/<int:pk>/rotate-secret/", channel_webhooks.WebhookEndpointRotateView.as_view(),
        name="channel-webhook-rotate",
    ),
    path("districts/", views.DistrictListView.as_view(), name="district-list"),
    path("villages/", views.VillageListView.as_view(), name="village-list"),
    path("categories/", views.CategoryListView.as_view(), name="category-list"),
    path("teams/", views.TeamListView.as_view(), name="team-list"),
    path("workflow/", views.WorkflowView.as_view(), name="workflow"),
    path("me/", views.MeView.as_view(), name="me"),
    path("auth/token/", StaffTokenView.as_view(), name="token"),
]
