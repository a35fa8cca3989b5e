from __future__ import annotations

import pytest

from complaints.models import Team
from complaints.services.transitions import perform_action
from complaints.workflow import Status
from tests.channels.sp4n_lapor.fake_lapor import AGENCY, TOKEN, FakeLapor, start_fake_lapor
from tests.factories import ORDER, PATH_TO, _post_member


@pytest.fixture
def lapor(settings) -> FakeLapor:
    fake = start_fake_lapor()
    settings.SP4N_LAPOR_BASE_URL = fake.url
    settings.SP4N_LAPOR_API_TOKEN = TOKEN
    settings.SP4N_LAPOR_AGENCY_ID = AGENCY
    settings.SP4N_LAPOR_PAGE_SIZE = 2
    yield fake
    fake.stop()


@pytest.fixture
def walk(users, team_paringin):
    """Take a complaint (e.g. one the pull created) along the SOP path to `status`, by the real services."""

    def run(complaint, status: str):
        member = next(u for u in users.values() if Team.objects.filter(pk=team_paringin.pk, group__user=u).exists())
        for step in ORDER[ORDER.index(_position(complaint)) + 1 : ORDER.index(status) + 1]:
            for action, actor, data in PATH_TO[step]:
                user = _post_member(users, complaint.district) if actor == "post" else member if actor == "team" else users[actor]
                payload = {k: (team_paringin.slug if v == "__team__" else v) for k, v in data.items()}
                complaint = perform_action(user=user, complaint_id=complaint.pk, action=action, data=payload)
        return complaint

    return run


def _position(complaint) -> str:
    if complaint.status == Status.DISPATCH and complaint.assigned_team_id:
        return "dispatch_assigned"
    return complaint.status
