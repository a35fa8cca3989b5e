"""The knowledge base in the portal: its page for the Operator and Kepala only, and the Operator's answer form on an
information request, which fills the answer from an entry (htmx, or a plain "Gunakan" submit) and lets it be edited."""

from __future__ import annotations

import re
from html import unescape

import pytest

from complaints.models import Complaint, KnowledgeAnswer, KnowledgeTopic
from complaints.models.knowledge import KNOWLEDGE_ANSWER_LIMIT
from complaints.workflow import Outcome, Status
from roles.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(complaint_in, info_category) -> Complaint:
    return complaint_in(Status.SCREENING, category=info_category)


@pytest.fixture
def duties() -> KnowledgeAnswer:
    return KnowledgeAnswer.objects.get(topic=KnowledgeTopic.DUTIES)


def _textarea(html: str) -> str:
    match = re.search(r'<textarea name="answer"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, "no answer textarea"
    return match.group(1).strip()


def _hidden_entry(html: str) -> str:
    match = re.search(r'<input type="hidden" name="knowledge_answer"(?: value="(\d*)")?', html)
    assert match, "no knowledge_answer input"
    return match.group(1) or ""


# The page ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", [Role.OPERATOR, Role.KEPALA])
def test_operator_and_kepala_open_the_page_from_the_nav(portal_as, who, duties):
    response = portal_as(who).get("/knowledge/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/knowledge/" class="active" aria-current="page">Basis pengetahuan' in html
    assert duties.title in html and f"#{duties.pk}" in html


@pytest.mark.parametrize("who", [Role.KASI, Role.KABID, Role.TRC, "nobody"])
def test_other_roles_get_403(portal_as, who, duties):
    client = portal_as(who)
    for response in (
        client.get("/knowledge/"), client.get("/knowledge/new/"), client.get(f"/knowledge/{duties.pk}/"),
        client.post("/knowledge/new/", {"title": "X", "topic": "other", "answer": "Y"}),
        client.post(f"/knowledge/{duties.pk}/active/", {"active": "0"}),
    ):
        assert response.status_code == 403
        assert "Basis pengetahuan hanya untuk Operator dan Kepala." in response.content.decode()
    assert b'href="/knowledge/"' not in client.get("/notifications/").content
    assert KnowledgeAnswer.objects.get(pk=duties.pk).is_active
    assert not KnowledgeAnswer.objects.filter(title="X").exists()


def test_anonymous_is_sent_to_login(client):
    for url in ("/knowledge/", "/knowledge/new/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_search_and_topic_narrow_the_list(portal_as):
    client = portal_as(Role.OPERATOR)
    html = client.get("/knowledge/", {"topic": "programs"}).content.decode()
    assert "TRECKK" in html and "La-Lisa" in html and "Apa tugas Satuan" not in html
    html = client.get("/knowledge/", {"q": "nonyustisial"}).content.decode()
    assert "Apa wewenang Satpol PP?" in html and "1 entri" in html
    assert client.get("/knowledge/", {"topic": "rahasia"}).status_code == 400


def test_create_an_entry(portal_as, users):
    response = portal_as(Role.OPERATOR).post(
        "/knowledge/new/", {"title": "Jam layanan", "topic": "other", "answer": "Layanan aduan 24 jam.\r\nTerima kasih."}
    )
    assert response.status_code == 302 and response["Location"] == "/knowledge/"
    entry = KnowledgeAnswer.objects.get(title="Jam layanan")
    assert (entry.answer, entry.updated_by, entry.is_active) == ("Layanan aduan 24 jam.\nTerima kasih.", users[Role.OPERATOR], True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "topic": "other", "answer": "Isi."}, "Bidang ini harus diisi."),
        ({"title": "Judul", "topic": "rahasia", "answer": "Isi."}, "Masukkan pilihan yang valid."),
        ({"title": "Judul", "topic": "other", "answer": "x" * (KNOWLEDGE_ANSWER_LIMIT + 1)}, str(KNOWLEDGE_ANSWER_LIMIT)),
    ],
)
def test_bad_entry_is_422_with_a_message(portal_as, data, message):
    before = KnowledgeAnswer.objects.count()
    response = portal_as(Role.KEPALA).post("/knowledge/new/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert KnowledgeAnswer.objects.count() == before


def test_edit_an_entry_and_a_stale_edit_is_refused(portal_as, duties, users):
    operator, kepala = portal_as(Role.OPERATOR), portal_as(Role.KEPALA)
    page = operator.get(f"/knowledge/{duties.pk}/").content.decode()
    assert f'name="version" value="{duties.version}"' in page and duties.answer.split("\n")[0] in page
    data = {"title": duties.title, "topic": duties.topic, "version": duties.version}

    response = kepala.post(f"/knowledge/{duties.pk}/", {**data, "answer": "Versi Kepala."})
    assert response.status_code == 302
    response = operator.post(f"/knowledge/{duties.pk}/", {**data, "answer": "Versi Operator."})

    assert response.status_code == 412
    html = response.content.decode()
    assert "sudah diubah oleh orang lain" in html and "Versi Kepala." in html
    duties.refresh_from_db()
    assert (duties.answer, duties.updated_by, duties.version) == ("Versi Kepala.", users[Role.KEPALA], data["version"] + 1)


def test_unknown_entry_is_404(portal_as):
    assert portal_as(Role.OPERATOR).get("/knowledge/999999/").status_code == 404


def test_deactivate_and_reactivate_there_is_no_delete(portal_as, duties):
    client = portal_as(Role.OPERATOR)
    response = client.post(f"/knowledge/{duties.pk}/active/", {"active": "0", "version": duties.version, "query": "topic=duties"})
    assert response.status_code == 302 and response["Location"] == "/knowledge/?topic=duties"
    assert not KnowledgeAnswer.objects.get(pk=duties.pk).is_active
    page = client.get("/knowledge/").content.decode()
    assert "dinonaktifkan" in page and f'id="kb-{duties.pk}"' not in page
    html = client.get("/knowledge/", {"inactive": "on"}).content.decode()
    assert f'<li class="card kb-inactive" id="kb-{duties.pk}">' in html

    client.post(f"/knowledge/{duties.pk}/active/", {"active": "1"})
    assert KnowledgeAnswer.objects.get(pk=duties.pk).is_active
    assert client.get(f"/knowledge/{duties.pk}/active/").status_code == 405
    assert client.post(f"/knowledge/{duties.pk}/delete/").status_code == 404


# The answer form on an information request --------------------------------------------------------------------

def test_information_request_opens_the_answer_form_with_the_knowledge_base(portal_as, question, duties):
    html = portal_as(Role.OPERATOR).get(f"/cases/{question.code}/").content.decode()
    assert re.search(r'<details class="action action-answer" open>', html)
    assert '<details class="action action-return">' in html
    assert "Pilih dari basis pengetahuan" in html and duties.title in html
    assert f'name="use_knowledge" value="{duties.pk}"' in html
    assert _textarea(html) == "" and _hidden_entry(html) == ""


def test_a_complaint_has_no_knowledge_base_picker(portal_as, complaint_in):
    html = portal_as(Role.OPERATOR).get(f"/cases/{complaint_in(Status.SCREENING).code}/").content.decode()
    assert "Pilih dari basis pengetahuan" not in html


def test_picker_filters_by_topic_and_words_over_htmx(htmx_as, question):
    client = htmx_as(Role.OPERATOR)
    response = client.get(f"/cases/{question.code}/knowledge/", {"kb_topic": "programs"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="kb-results"')
    assert "TRECKK" in html and "La-Lisa" in html and "Apa tugas" not in html
    # The fragment's buttons post to the picker, not to the page they land on.
    assert html.count(f'hx-post="/cases/{question.code}/knowledge/"') == html.count('name="use_knowledge"') == 2
    html = client.get(f"/cases/{question.code}/knowledge/", {"kb_q": "rahasia identitas"}).content.decode()
    assert html.count('name="use_knowledge"') == 1 and "Apakah identitas pelapor dirahasiakan?" in html
    html = client.get(f"/cases/{question.code}/knowledge/", {"kb_q": "zzzz"}).content.decode()
    assert "Tidak ada entri yang cocok." in html


def test_use_fills_the_answer_over_htmx_then_the_edited_text_is_sent(htmx_as, question, duties):
    client = htmx_as(Role.OPERATOR)
    response = client.post(
        f"/cases/{question.code}/knowledge/",
        {"use_knowledge": duties.pk, "answer": "", "knowledge_answer": "", "version": question.version},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="answer-fill">')
    assert unescape(_textarea(html)) == duties.answer  # the entry's text, as it will be sent
    assert _hidden_entry(html) == str(duties.pk)
    assert "Dari basis pengetahuan" in html
    question.refresh_from_db()
    assert question.status == Status.SCREENING  # nothing was sent

    edited = unescape(_textarea(html)) + "\r\nTerima kasih."
    response = client.post(
        f"/cases/{question.code}/actions/answer/",
        {"answer": edited, "knowledge_answer": duties.pk, "version": question.version},
    )
    assert response.status_code == 200  # the Operator still sees the closed case
    question.refresh_from_db()
    assert (question.status, question.outcome) == (Status.CLOSED, Outcome.ANSWERED)
    assert question.answer.endswith("Terima kasih.")
    assert question.events.order_by("-id").first().payload == {"knowledge_answer_id": duties.pk, "knowledge_answer_edited": True}


def test_use_without_javascript_rerenders_the_case_prefilled(portal_as, question, duties):
    client = portal_as(Role.OPERATOR)
    response = client.post(
        f"/cases/{question.code}/knowledge/",
        {"use_knowledge": duties.pk, "answer": "teks lama", "kb_topic": "", "kb_q": "", "version": question.version},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and '<details class="action action-answer" open>' in html
    assert _hidden_entry(html) == str(duties.pk) and "Periksa dan ubah" in html
    assert "Satpol PP" in _textarea(html) and "teks lama" not in _textarea(html)

    # Sent unchanged (a browser sends CRLF line ends): recorded as not edited.
    response = client.post(
        f"/cases/{question.code}/actions/answer/",
        {"answer": duties.answer.replace("\n", "\r\n"), "knowledge_answer": duties.pk, "version": question.version},
    )
    assert response.status_code == 302
    assert question.events.order_by("-id").first().payload == {"knowledge_answer_id": duties.pk, "knowledge_answer_edited": False}


def test_search_without_javascript_keeps_what_was_typed(portal_as, question):
    response = portal_as(Role.OPERATOR).post(
        f"/cases/{question.code}/knowledge/",
        {"kb_search": "1", "kb_topic": "authority", "kb_q": "", "answer": "Sudah saya ketik.", "version": question.version},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert _textarea(html) == "Sudah saya ketik."
    assert '<option value="authority" selected>' in html
    assert "Apa wewenang Satpol PP?" in html and "Apa itu TRECKK" not in html


@pytest.mark.parametrize("htmx", [True, False])
def test_use_of_a_deactivated_entry_is_422(portal_as, htmx_as, question, duties, htmx):
    KnowledgeAnswer.objects.filter(pk=duties.pk).update(is_active=False)
    client = htmx_as(Role.OPERATOR) if htmx else portal_as(Role.OPERATOR)
    response = client.post(f"/cases/{question.code}/knowledge/", {"use_knowledge": duties.pk, "answer": "Ketikan saya."})
    assert response.status_code == 422
    html = response.content.decode()
    assert "tidak ada atau sudah dinonaktifkan" in html and _textarea(html) == "Ketikan saya."


def test_answer_with_an_entry_deactivated_meanwhile_is_422_and_nothing_is_sent(portal_as, question, duties):
    KnowledgeAnswer.objects.filter(pk=duties.pk).update(is_active=False)
    response = portal_as(Role.OPERATOR).post(
        f"/cases/{question.code}/actions/answer/",
        {"answer": duties.answer, "knowledge_answer": duties.pk, "version": question.version},
    )
    assert response.status_code == 422
    assert "sudah dinonaktifkan" in response.content.decode()
    question.refresh_from_db()
    assert question.status == Status.SCREENING and question.answer == ""


def test_answer_needs_text_or_an_entry(portal_as, question):
    response = portal_as(Role.OPERATOR).post(f"/cases/{question.code}/actions/answer/", {"answer": "", "version": question.version})
    assert response.status_code == 422
    assert "Tulis jawaban atau pilih dari basis pengetahuan." in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [(Role.KEPALA, 403), (Role.KASI, 404), (Role.TRC, 404)])
def test_only_the_operator_uses_the_picker(portal_as, question, duties, who, status):
    client = portal_as(who)
    assert client.get(f"/cases/{question.code}/knowledge/").status_code == status
    assert client.post(f"/cases/{question.code}/knowledge/", {"use_knowledge": duties.pk}).status_code == status


def test_picker_refuses_a_case_already_answered(htmx_as, portal_as, question, duties):
    portal_as(Role.OPERATOR).post(f"/cases/{question.code}/actions/answer/", {"answer": "Sudah.", "version": question.version})
    response = htmx_as(Role.OPERATOR).post(f"/cases/{question.code}/knowledge/", {"use_knowledge": duties.pk})
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#case-body"
    assert "Tindakan ini tidak tersedia" in response.content.decode()
