from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from complaints.selectors import queue_for
from roles.principals import user_roles

QUEUE_PAGE_LIMIT = 200


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The user's own queue, most urgent first."""
    rows = list(queue_for(request.user)[:QUEUE_PAGE_LIMIT])
    roles = sorted(role.label for role in user_roles(request.user))
    return render(request, "portal/home.html", {"rows": rows, "roles": roles, "now": timezone.now()})
