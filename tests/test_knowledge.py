"""The knowledge base behind information requests: the seeded answers, the API's answer action with
`knowledge_answer`, refusals that write nothing, the write service's permission, and no delete once used."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from channels import texts
from complaints.errors import ActionNotAllowed, StaleVersion
from complaints.models import Complaint, ComplaintEvent, KnowledgeAnswer, KnowledgeTopic
from complaints.models.knowledge import KNOWLEDGE_ANSWER_LIMIT
from complaints.services.knowledge import KnowledgeInput, save_knowledge_answer, set_knowledge_answer_active
from complaints.workflow import Outcome, Status
from roles.roles import Role
from tests.helpers import action_url, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(complaint_in, info_category) -> Complaint:
    """An information request waiting for its answer (step 2)."""
    return complaint_in(Status.SCREENING, category=info_category)


@pytest.fixture
def duties() -> KnowledgeAnswer:
    return KnowledgeAnswer.objects.get(topic=KnowledgeTopic.DUTIES)


def _last_event(complaint: Complaint) -> ComplaintEvent:
    return complaint.events.order_by("-id").first()


def test_the_migration_seeds_real_answers_on_every_topic():
    entries = list(KnowledgeAnswer.objects.all())
    assert len(entries) >= 8
    assert {e.topic for e in entries} == set(KnowledgeTopic.values)
    assert all(e.is_active and 0 < len(e.answer) <= KNOWLEDGE_ANSWER_LIMIT for e in entries)
    texts_by_topic = {topic: " ".join(e.answer for e in entries if e.topic == topic) for topic in KnowledgeTopic.values}
    assert "Nomor 16 Tahun 2018" in texts_by_topic["duties"]
    assert "menegakkan Peraturan Daerah" in texts_by_topic["duties"]
    assert "penertiban nonyustisial" in texts_by_topic["authority"]
    assert "TRECKK" in texts_by_topic["programs"] and "La-Lisa" in texts_by_topic["programs"]


def test_api_answer_from_the_knowledge_base_sends_the_entry_text(question, duties, api_as):
    response = api_as(Role.OPERATOR).post(action_url(question, "answer"), {"knowledge_answer": duties.pk}, format="json")

    assert response.status_code == 200, response.content
    question.refresh_from_db()
    assert (question.status, question.outcome, question.answer) == (Status.CLOSED, Outcome.ANSWERED, duties.answer)
    event = _last_event(question)
    assert event.action == "answer"
    assert event.payload == {"knowledge_answer_id": duties.pk, "knowledge_answer_edited": False}
    # What the reporter reads over the channel.
    assert duties.answer in texts.answered(question)


def test_api_answer_edited_before_sending_keeps_the_edit_and_says_so(question, duties, api_as):
    edited = duties.answer + "\n\nUntuk Kecamatan Halong, hubungi pos TRECKK di kantor kecamatan."
    response = api_as(Role.OPERATOR).post(
        action_url(question, "answer"), {"knowledge_answer": duties.pk, "answer": edited}, format="json"
    )

    assert response.status_code == 200, response.content
    question.refresh_from_db()
    assert question.answer == edited
    assert _last_event(question).payload == {"knowledge_answer_id": duties.pk, "knowledge_answer_edited": True}


def test_api_answer_typed_by_hand_names_no_entry(question, api_as):
    response = api_as(Role.OPERATOR).post(action_url(question, "answer"), {"answer": "Satpol PP menegakkan Perda."}, format="json")
    assert response.status_code == 200, response.content
    assert _last_event(question).payload == {}


def test_a_later_edit_of_the_entry_does_not_change_the_answer_sent(question, duties, api_as, users):
    sent = duties.answer
    api_as(Role.OPERATOR).post(action_url(question, "answer"), {"knowledge_answer": duties.pk}, format="json")
    save_knowledge_answer(
        user=users[Role.OPERATOR], entry_id=duties.pk,
        data=KnowledgeInput(title=duties.title, topic=duties.topic, answer="Teks baru."),
    )
    question.refresh_from_db()
    assert question.answer == sent


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"knowledge_answer": "INACTIVE"}, "knowledge_answer", "sudah dinonaktifkan"),
        ({"knowledge_answer": 999999}, "knowledge_answer", "Tidak ada entri basis pengetahuan dengan nomor ini."),
        ({"knowledge_answer": "tugas"}, "knowledge_answer", "Tidak ada entri basis pengetahuan dengan nomor ini."),
        ({"knowledge_answer": "INACTIVE", "answer": "Teks sendiri."}, "knowledge_answer", "sudah dinonaktifkan"),
        ({}, "answer", "Tulis jawaban atau pilih dari basis pengetahuan."),
        ({"answer": "   "}, "answer", "Tulis jawaban atau pilih dari basis pengetahuan."),
        ({"answer": "x" * 4001}, "answer", "4000"),
    ],
)
def test_api_bad_answer_input_is_400_with_a_message_and_writes_nothing(question, duties, api_as, users, body, field, message):
    if body.get("knowledge_answer") == "INACTIVE":
        set_knowledge_answer_active(user=users[Role.OPERATOR], entry_id=duties.pk, active=False)
        body = {**body, "knowledge_answer": duties.pk}
    before = snapshot(question)

    response = api_as(Role.OPERATOR).post(action_url(question, "answer"), body, format="json")

    assert response.status_code == 400, response.content
    problem = response.json()
    assert problem["code"] == "invalid_input"
    assert set(problem["errors"]) == {field}
    assert message in " ".join(problem["errors"][field])
    assert snapshot(question) == before


@pytest.mark.parametrize(("who", "status"), [(Role.KEPALA, 403), (Role.KASI, 404), (Role.KABID, 404), (Role.TRC, 404)])
def test_only_the_operator_answers_even_from_the_knowledge_base(question, duties, api_as, who, status):
    before = snapshot(question)
    response = api_as(who).post(action_url(question, "answer"), {"knowledge_answer": duties.pk}, format="json")
    assert response.status_code == status, response.content
    assert snapshot(question) == before


def test_a_complaint_is_not_answered_from_the_knowledge_base(complaint_in, duties, api_as):
    complaint = complaint_in(Status.SCREENING)
    response = api_as(Role.OPERATOR).post(action_url(complaint, "answer"), {"knowledge_answer": duties.pk}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"


def test_the_workflow_table_and_openapi_describe_the_field(api):
    answer = next(t for t in api.get("/api/v1/workflow/").json() if t["action"] == "answer")
    assert answer["optional"] == ["answer", "knowledge_answer"]
    assert "knowledge_answer" in answer["description"]


# The write service ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", [Role.KASI, Role.KABID, Role.TRC, "nobody"])
def test_only_operator_and_kepala_write_the_knowledge_base(users, duties, who):
    data = KnowledgeInput(title="Judul", topic=KnowledgeTopic.OTHER, answer="Isi.")
    with pytest.raises(ActionNotAllowed):
        save_knowledge_answer(user=users[who], data=data)
    with pytest.raises(ActionNotAllowed):
        set_knowledge_answer_active(user=users[who], entry_id=duties.pk, active=False)
    assert KnowledgeAnswer.objects.get(pk=duties.pk).is_active


@pytest.mark.parametrize("who", [Role.OPERATOR, Role.KEPALA])
def test_saving_records_who_and_bumps_the_version(users, duties, who):
    entry = save_knowledge_answer(
        user=users[who], entry_id=duties.pk, expected_version=duties.version,
        data=KnowledgeInput(title=" Tugas Satpol PP ", topic=KnowledgeTopic.DUTIES, answer="Baris satu.\r\nBaris dua.\r\n"),
    )
    entry.refresh_from_db()
    assert (entry.title, entry.answer, entry.updated_by, entry.version) == (
        "Tugas Satpol PP", "Baris satu.\nBaris dua.", users[who], duties.version + 1,
    )


def test_a_stale_edit_is_refused(users, duties):
    data = KnowledgeInput(title=duties.title, topic=duties.topic, answer="Versi Operator.")
    save_knowledge_answer(user=users[Role.OPERATOR], entry_id=duties.pk, expected_version=duties.version, data=data)
    with pytest.raises(StaleVersion):
        save_knowledge_answer(
            user=users[Role.KEPALA], entry_id=duties.pk, expected_version=duties.version,
            data=KnowledgeInput(title=duties.title, topic=duties.topic, answer="Versi Kepala."),
        )
    assert KnowledgeAnswer.objects.get(pk=duties.pk).answer == "Versi Operator."


# The admin -----------------------------------------------------------------------------------------------------

@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    return client


def test_admin_deletes_an_unused_entry_but_not_one_an_answer_was_sent_from(admin_client, question, duties, api_as):
    unused = KnowledgeAnswer.objects.create(title="Salah ketik", topic=KnowledgeTopic.OTHER, answer="Keliru.")
    api_as(Role.OPERATOR).post(action_url(question, "answer"), {"knowledge_answer": duties.pk}, format="json")

    assert admin_client.get(f"/admin/complaints/knowledgeanswer/{duties.pk}/delete/").status_code == 403
    assert admin_client.post(f"/admin/complaints/knowledgeanswer/{duties.pk}/delete/", {"post": "yes"}).status_code == 403
    assert KnowledgeAnswer.objects.filter(pk=duties.pk).exists()

    response = admin_client.post(f"/admin/complaints/knowledgeanswer/{unused.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not KnowledgeAnswer.objects.filter(pk=unused.pk).exists()
    # No bulk delete action on the list either.
    assert b"delete_selected" not in admin_client.get("/admin/complaints/knowledgeanswer/").content
