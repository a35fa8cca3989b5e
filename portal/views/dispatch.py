"""The Kabid's dispatch board: unassigned cases beside the teams, their posts, members, who is on duty now, and load."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from complaints.selectors import queue_for, team_board
from duty.selectors import with_on_duty
from roles.policy import may_dispatch
from roles.roles import Role

BOARD_LIMIT = 100


@login_required
def board(request: HttpRequest) -> HttpResponse:
    return board_response(request)


def board_response(request: HttpRequest, *, alert: str = "", status: int = 200) -> HttpResponse:
    if not may_dispatch(request.user):
        raise PermissionDenied(_("Papan penugasan hanya untuk Kabid."))
    waiting = list(queue_for(request.user, Role.KABID)[:BOARD_LIMIT])
    context = {
        "waiting": waiting,
        "teams": with_on_duty(list(team_board())),
        "alert": alert,
        "nav_key": "dispatch",
        "board_limit": BOARD_LIMIT,
    }
    template = "portal/dispatch.html#board" if request.htmx else "portal/dispatch.html"
    return render(request, template, context, status=status)
