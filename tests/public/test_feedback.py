"""The reporter's rating: once per complaint, after the outcome, through the message's link or the API with that
link's token (or the reporter's own channel with its key), never with the tracking code alone; and the
satisfaction figure the dashboard reads."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from complaints.models import Channel, ChannelKind, Complaint
from public.links import feedback_path, feedback_token, receipt_token
from public.models import Feedback
from public.selectors import satisfaction

pytestmark = pytest.mark.django_db


def api_url(complaint: Complaint) -> str:
    return f"/api/v1/public/track/{complaint.code}/feedback/"


def with_link(complaint: Complaint, **body) -> dict:
    """A rating as the reporter sends it through the API: with the token of the link in their outcome message."""
    return {"token": feedback_token(complaint.code), **body}


def test_the_link_rates_a_closed_case_once(build, client):
    complaint = build("closed")
    page = client.get(feedback_path(complaint.code))
    assert page.status_code == 200 and 'name="rating"' in page.content.decode()
    response = client.post(feedback_path(complaint.code), {"rating": "4", "comment": "  Cepat ditangani.  "})
    assert response.status_code == 302 and response["Location"] == f"/lacak/{complaint.code}/#penilaian"
    feedback = Feedback.objects.get(complaint=complaint)
    assert (feedback.rating, feedback.comment) == (4, "Cepat ditangani.")
    after = client.get(response["Location"]).content.decode()
    assert "Penilaian Anda sudah kami terima" in after and "Nilai 4 dari 5." in after
    assert 'name="rating"' not in after
    assert "Cepat ditangani." not in after  # the comment is the reporter's, not for whoever holds the code


def test_a_second_rating_is_refused(build, client):
    complaint = build("closed_returned")
    client.post(feedback_path(complaint.code), {"rating": "2"})
    again = client.post(feedback_path(complaint.code), {"rating": "5"})
    assert again.status_code == 409
    assert "Aduan ini sudah dinilai. Penilaian hanya dapat diberikan sekali." in again.content.decode()
    assert Feedback.objects.get().rating == 2


@pytest.mark.parametrize("rating", ["0", "6", "x", "", "4.5"])
def test_a_bad_rating_is_refused_on_the_page(build, client, rating):
    complaint = build("closed_answered")
    response = client.post(feedback_path(complaint.code), {"rating": rating})
    assert response.status_code == 400
    assert "Pilih nilai 1 sampai 5." in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_comment_too_long_is_refused(build, client, api):
    complaint = build("closed")
    assert client.post(feedback_path(complaint.code), {"rating": "3", "comment": "x" * 1001}).status_code == 400
    response = api.post(api_url(complaint), with_link(complaint, rating=3, comment="x" * 1001), format="json")
    assert response.status_code == 400 and "comment" in response.json()["errors"]
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("state", ["submitted", "screening", "verification", "dispatch_assigned", "head_review"])
def test_an_open_case_cannot_be_rated_yet(build, client, api, state):
    complaint = build(state)
    page = client.get(f"/lacak/{complaint.code}/").content.decode()
    assert 'name="rating"' not in page and "Setelah hasil penanganan disampaikan" in page
    assert client.post(feedback_path(complaint.code), {"rating": "5"}).status_code == 409
    response = api.post(api_url(complaint), with_link(complaint, rating=5), format="json")
    assert response.status_code == 409 and response.json()["code"] == "feedback_not_open"
    assert not Feedback.objects.exists()


def test_the_outcome_message_comes_in_step_8_and_its_link_works_then(build, client):
    complaint = build("notification")
    assert 'name="rating"' in client.get(feedback_path(complaint.code)).content.decode()
    assert client.post(feedback_path(complaint.code), {"rating": "5"}).status_code == 302


def test_a_duplicate_is_rated_once_the_incident_is_closed(build, api):
    main = build("dispatch")
    duplicate = build("closed_duplicate", main=main)
    url = api_url(duplicate)
    assert api.post(url, with_link(duplicate, rating=3), format="json").json()["code"] == "feedback_not_open"
    Complaint.objects.filter(pk=main.pk).update(status="closed", outcome="resolved")
    assert api.post(url, with_link(duplicate, rating=3), format="json").status_code == 201


@pytest.mark.parametrize(
    "token",
    ["ABCDE-FGHJK.forged", "nonsense", "__receipt__", "__someone_elses_case__"],
)
def test_a_bad_link_rates_nothing(build, client, token):
    complaint = build("closed")
    if token == "__receipt__":
        token = receipt_token(complaint.code)  # a signature for another purpose
    if token == "__someone_elses_case__":
        token = feedback_token(complaint.code).replace(complaint.code, "ZZZZZ-ZZZZZ")  # someone else's case
    assert client.get(f"/nilai/{token}/").status_code == 404
    response = client.post(f"/nilai/{token}/", {"rating": "1"})
    assert response.status_code == 404 and "Tautan tidak berlaku" in response.content.decode()
    assert not Feedback.objects.exists()


def test_the_api_rates_once_with_the_reporters_link(build, api):
    complaint = build("closed")
    url = f"/api/v1/public/track/{complaint.code.lower()}/feedback/"
    first = api.post(url, with_link(complaint, rating=5, comment="Terima kasih"), format="json")
    assert first.status_code == 201 and first.json()["rating"] == 5 and set(first.json()) == {"rating", "created_at"}
    second = api.post(url, with_link(complaint, rating=1), format="json")
    assert second.status_code == 409 and second.json()["code"] == "already_rated"
    assert api.get(f"/api/v1/public/track/{complaint.code}/").json()["feedback"]["rating"] == 5


# --- the tracking code alone does not rate (issue 14, item 6) ---------------------------------------------------------


@pytest.mark.parametrize("body", [
    {"rating": 1},
    {"rating": 1, "token": ""},
    {"rating": 1, "token": "__receipt__"},
    {"rating": 1, "token": "__someone_elses_case__"},
    {"rating": 1, "token": "ABCDE-FGHJK.forged"},
])
def test_a_code_without_the_reporters_link_rates_nothing(build, api, body):
    complaint, other = build("closed"), build("closed_returned")
    body = dict(body)
    if body.get("token") == "__receipt__":
        body["token"] = receipt_token(complaint.code)  # a signature for another purpose
    if body.get("token") == "__someone_elses_case__":
        body["token"] = feedback_token(other.code)  # a real link, to another case
    refused = api.post(api_url(complaint), body, format="json")
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    problem = refused.json()
    assert problem["code"] == "feedback_link_required"
    assert problem["detail"] == (
        "Hanya pelapor yang dapat menilai aduan ini: gunakan tautan penilaian dalam pesan hasil penanganan "
        "yang dikirim kepada pelapor."
    )
    assert not Feedback.objects.exists()
    # The reporter's own link still rates, once.
    assert api.post(api_url(complaint), with_link(complaint, rating=4), format="json").status_code == 201
    assert Feedback.objects.get().rating == 4


def test_the_tracking_page_offers_no_rating_and_no_link(build, client):
    complaint = build("closed")
    page = client.get(f"/lacak/{complaint.code}/").content.decode()
    assert page.count("Penilaian Anda") == 1  # the section is there, saying where to rate
    assert 'name="rating"' not in page and "/nilai/" not in page and feedback_token(complaint.code) not in page
    assert "tautan penilaian" in page
    assert not Feedback.objects.exists()


def test_the_reporters_channel_rates_with_its_key(build, api, channel):
    complaint = build("closed")
    Complaint.objects.filter(pk=complaint.pk).update(channel=channel)
    other = Channel.objects.create(name="Bot lain", kind=ChannelKind.API)
    other_key = other.rotate_api_key()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {other_key}")
    refused = api.post(api_url(complaint), {"rating": 2}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "feedback_link_required"
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {channel.raw_key}")
    accepted = api.post(api_url(complaint), {"rating": 5, "comment": "Lewat bot"}, format="json")
    assert accepted.status_code == 201
    assert (Feedback.objects.get().rating, Feedback.objects.get().comment) == (5, "Lewat bot")


def test_a_staff_login_does_not_rate_for_the_reporter(build, api_as):
    from roles.roles import Role

    complaint = build("closed")
    refused = api_as(Role.OPERATOR).post(api_url(complaint), {"rating": 5}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "feedback_link_required"
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("body", [{"rating": 0}, {"rating": 6}, {"rating": "lima"}, {}, {"rating": None}])
def test_the_api_refuses_a_bad_rating(build, api, body):
    complaint = build("closed")
    response = api.post(api_url(complaint), with_link(complaint, **body), format="json")
    assert response.status_code == 400 and "rating" in response.json()["errors"]
    assert not Feedback.objects.exists()


def test_ratings_are_rate_limited(build, api, client, settings):
    settings.TRECKK_RATE_LIMITS = {**settings.TRECKK_RATE_LIMITS, "feedback": "2/h"}
    complaint = build("closed")
    url = api_url(complaint)
    assert api.post(url, with_link(complaint, rating=9), format="json").status_code == 400
    assert api.post(url, with_link(complaint, rating=9), format="json").status_code == 400
    assert api.post(url, with_link(complaint, rating=4), format="json").status_code == 429
    assert client.post(feedback_path(complaint.code), {"rating": "4"}).status_code == 429
    assert not Feedback.objects.exists()


def test_the_database_holds_one_rating_per_case_from_1_to_5(build):
    complaint = build("closed")
    Feedback.objects.create(complaint=complaint, rating=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.create(complaint=complaint, rating=4)
    other = build("closed_returned")
    for rating in (0, 6):
        with pytest.raises(IntegrityError), transaction.atomic():
            Feedback.objects.create(complaint=other, rating=rating)


def test_satisfaction_over_the_complaints_given(build):
    first, second, third, elsewhere = (build("closed") for _ in range(4))
    for complaint, rating in ((first, 5), (second, 4), (third, 4), (elsewhere, 1)):
        Feedback.objects.create(complaint=complaint, rating=rating)
    chosen = Complaint.objects.exclude(pk=elsewhere.pk)
    with CaptureQueriesContext(connection) as queries:
        figure = satisfaction(chosen)
    assert len(queries) == 1
    assert figure == {"count": 3, "average": 4.33, "distribution": {1: 0, 2: 0, 3: 0, 4: 2, 5: 1}}
    assert satisfaction(Complaint.objects.none()) == {
        "count": 0, "average": None, "distribution": {1: 0, 2: 0, 3: 0, 4: 0, 5: 0},
    }
