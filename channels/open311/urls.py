"""Open311 GeoReport v2, mounted at /open311/v2/ (namespace "open311")."""

from django.urls import path, re_path

from channels.open311 import views

app_name = "open311"
urlpatterns = [
    path("discovery.json", views.DiscoveryView.as_view(), name="discovery"),
    path("services.json", views.ServiceListView.as_view(), name="services"),
    path("services/<str:service_code>.json", views.ServiceDefinitionView.as_view(), name="service"),
    path("requests.json", views.RequestsView.as_view(), name="requests"),
    path("requests/<str:service_request_id>.json", views.RequestDetailView.as_view(), name="request"),
    re_path(r"^.+\.xml$", views.XmlNotSupportedView.as_view(), name="xml"),
]
