from django.urls import path

from duty import views

app_name = "duty"
urlpatterns = [
    path("roster/", views.roster_index, name="roster"),
    path("roster/<slug:slug>/", views.roster_week, name="roster-week"),
    path("roster/<slug:slug>/print/", views.roster_print, name="roster-print"),
    path("roster/<slug:slug>/entries/", views.roster_add, name="roster-add"),
    path("roster/<slug:slug>/entries/<int:pk>/delete/", views.roster_remove, name="roster-remove"),
    path("roster/<slug:slug>/copy/", views.roster_copy, name="roster-copy"),
    path("log/", views.log_list, name="log"),
    path("log/print/", views.log_print, name="log-print"),
    path("log/new/", views.log_new, name="log-new"),
    path("log/<int:pk>/", views.log_entry, name="log-entry"),
    path("log/<int:pk>/corrections/", views.log_correct, name="log-correct"),
    path("log/<int:pk>/photos/<int:photo_pk>/", views.log_photo, name="log-photo"),
    path("log/<int:pk>/photos/<int:photo_pk>/thumbnail/", views.log_photo_thumbnail, name="log-photo-thumbnail"),
]
