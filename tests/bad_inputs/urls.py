"""The real URLs plus two views that fail unexpectedly, to see what a bug looks like from outside."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.request import Request
from rest_framework.views import APIView

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as real_urlpatterns

SECRET_DETAIL = "SELECT name, nik FROM complaints_reporter WHERE id = 7 -- /work/main/secret.py line 12"


class BrokenApiView(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    def get(self, request: Request) -> HttpResponse:
        raise RuntimeError(SECRET_DETAIL)


def broken_page(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET_DETAIL)


urlpatterns = [
    path("api/v1/rusak/", BrokenApiView.as_view()),
    path("channels/rusak/", broken_page),
    path("rusak/", broken_page),
    *real_urlpatterns,
]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
