"""Staff notifications: steps that ran past their time, in the user's own step or one they supervise."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints.models import StaffNotification
from complaints.selectors import notifications_for
from roles.principals import user_roles

PAGE_SIZE = 50


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    if not user_roles(request.user):
        raise PermissionDenied(_("Akun Anda belum memiliki peran."))
    page = Paginator(notifications_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/notifications.html", {"page": page, "nav_key": "notifications"})


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    StaffNotification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("portal:notifications")
