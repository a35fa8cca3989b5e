"""Staff see the reporter's rating on the case page; the login page points citizens to the public pages."""

from __future__ import annotations

import pytest

from complaints.workflow import Status
from public.links import feedback_token
from public.services import leave_feedback
from roles.roles import Role

pytestmark = pytest.mark.django_db


def test_the_case_page_shows_the_reporters_rating_and_comment(portal_as, complaint_in):
    complaint = complaint_in(Status.CLOSED)
    leave_feedback(complaint=complaint, rating=2, comment="Petugas datang <terlambat>.", token=feedback_token(complaint.code))
    html = portal_as(Role.KEPALA).get(f"/cases/{complaint.code}/").content.decode()
    assert "Penilaian pelapor" in html and "2/5" in html
    assert "Petugas datang &lt;terlambat&gt;." in html  # escaped like every citizen's text


def test_an_unrated_case_has_no_rating_line(portal_as, complaint_in):
    complaint = complaint_in(Status.CLOSED)
    assert "Penilaian pelapor" not in portal_as(Role.KEPALA).get(f"/cases/{complaint.code}/").content.decode()


def test_the_login_page_links_to_the_web_form_and_tracking(client):
    html = client.get("/login/").content.decode()
    assert 'href="/lapor/"' in html and 'href="/lacak/"' in html
