from django.contrib.auth import views as auth_views
from django.urls import path

from portal.views import cases, dashboard, dispatch, inbox, intake, knowledge, notifications, outbox, queues, register, reports

app_name = "portal"
urlpatterns = [
    path("notifications/", notifications.notifications, name="notifications"),
    path("notifications/read/", notifications.mark_all_read, name="notifications-read"),
    path("", queues.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("queue/<str:role>/", queues.role_queue, name="queue"),
    path("cases/", queues.cases, name="cases"),
    path("register/", register.register, name="register"),
    path("reports/daily/", reports.daily, name="daily-report"),
    path("reports/monthly/", reports.monthly, name="monthly-recap"),
    path("register.csv", register.register_csv, name="register-csv"),
    path("register.xlsx", register.register_xlsx, name="register-xlsx"),
    path("cases/<str:code>/", cases.case_detail, name="case"),
    path("cases/<str:code>/actions/<str:action>/", cases.case_action, name="case-action"),
    path("cases/<str:code>/photos/", cases.case_photos, name="case-photos"),
    path("cases/<str:code>/attachments/<int:pk>/", cases.attachment_file, name="attachment"),
    path("cases/<str:code>/attachments/<int:pk>/thumbnail/", cases.attachment_thumbnail, name="attachment-thumbnail"),
    path("cases/<str:code>/receipt/", intake.receipt, name="receipt"),
    path("cases/<str:code>/knowledge/", knowledge.case_knowledge, name="case-knowledge"),
    path("dispatch/", dispatch.board, name="dispatch"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("intake/", intake.walk_in, name="intake"),
    path("intake/villages/", intake.villages, name="villages"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<int:pk>/", inbox.conversation, name="conversation"),
    path("inbox/<int:pk>/reply/", inbox.reply_view, name="conversation-reply"),
    path("inbox/<int:pk>/complaint/", inbox.create, name="conversation-complaint"),
    path("inbox/<int:pk>/link/", inbox.link, name="conversation-link"),
    path("inbox/<int:pk>/messages/<int:message_id>/media/<int:index>/", inbox.media_file, name="inbox-media"),
    path("inbox/<int:pk>/messages/<int:message_id>/media/<int:index>/thumbnail/", inbox.media_thumbnail, name="inbox-media-thumbnail"),
    path("knowledge/", knowledge.knowledge_list, name="knowledge"),
    path("knowledge/new/", knowledge.knowledge_new, name="knowledge-new"),
    path("knowledge/<int:pk>/", knowledge.knowledge_edit, name="knowledge-edit"),
    path("knowledge/<int:pk>/active/", knowledge.knowledge_active, name="knowledge-active"),
    path("outbox/", outbox.outbox, name="outbox"),
    path("outbox/<int:pk>/retry/", outbox.retry, name="outbox-retry"),
]
