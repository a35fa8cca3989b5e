"""Open311 GeoReport v2, mounted at /open311/v2/ (namespace "open311"): every resource as `.xml` (the spec's
required format) and `.json`; the suffix (`response_format`) is the format the views answer in."""

from django.urls import path, register_converter

from channels.open311 import views


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311_format")

app_name = "open311"
urlpatterns = [
    path("discovery.<open311_format:response_format>", views.DiscoveryView.as_view(), name="discovery"),
    path("services.<open311_format:response_format>", views.ServiceListView.as_view(), name="services"),
    path("services/<str:service_code>.<open311_format:response_format>", views.ServiceDefinitionView.as_view(), name="service"),
    path("requests.<open311_format:response_format>", views.RequestsView.as_view(), name="requests"),
    path("requests/<str:service_request_id>.<open311_format:response_format>", views.RequestDetailView.as_view(), name="request"),
]
