import pytest

from complaints.workflow import Status

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [*Status.values, "dispatch_assigned"])
def test_factory_reaches_every_status(complaint_in, status):
    complaint = complaint_in(status)
    assert complaint.status == ("dispatch" if status == "dispatch_assigned" else status)
    assert complaint.events.count() >= 1
