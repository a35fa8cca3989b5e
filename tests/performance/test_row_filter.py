"""The policy's row filter reads guardian's direct foreign-key tables itself: same rows as guardian's own answer."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from guardian.shortcuts import assign_perm, get_objects_for_user

from complaints.models import Complaint
from complaints.volume import generate
from portal import pagination
from roles.policy import _row_granted, visible_complaints

pytestmark = pytest.mark.django_db


def _guardian(user, perm: str) -> set[int]:
    return set(get_objects_for_user(
        user, perm, klass=Complaint.objects.all(), use_groups=True, with_superuser=False, accept_global_perms=False,
    ).values_list("pk", flat=True))


def test_visible_rows_and_row_grants_match_guardian():
    generate(300, seed=8, batch_size=100, open_each=8)
    users = get_user_model().objects
    extra = Complaint.objects.filter(status="closed").first()
    trc = users.get(username="trc-paringin")
    assign_perm("complaints.view_complaint", trc, extra)  # an explicit share to the user, not through a team
    for user in users.filter(username__startswith="trc-"):
        mine = set(visible_complaints(user).values_list("pk", flat=True))
        assert mine == _guardian(user, "complaints.view_complaint"), user.username
        changeable = _guardian(user, "complaints.change_complaint")
        for complaint in Complaint.objects.filter(pk__in=mine | {extra.pk}):
            fresh = users.get(pk=user.pk)
            assert _row_granted(fresh, complaint) == (complaint.pk in changeable), (user.username, complaint.code)
    assert extra.pk in set(visible_complaints(trc).values_list("pk", flat=True))


def test_long_lists_count_up_to_a_cap(client, monkeypatch):
    generate(120, seed=9, batch_size=60, open_each=2)
    monkeypatch.setattr(pagination.CappedPaginator, "cap", 25)
    client.force_login(get_user_model().objects.get(username="kepala"))
    response = client.get("/cases/", {"status": "closed"})
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.capped and page.paginator.count == 26
    assert "Lebih dari 25 aduan" in response.content.decode()
    assert len(page.object_list) == 26  # the first page, up to the capped count
    short = client.get("/cases/", {"status": "dispatch"})
    assert not short.context["page"].paginator.capped
    assert short.context["page"].paginator.count == Complaint.objects.filter(status="dispatch").count()
