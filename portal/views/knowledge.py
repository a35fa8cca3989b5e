"""The knowledge base: its own page for the Operator and Kepala, and the picker in the answer form of an
information request (fill the answer from an entry, then edit it before sending)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from complaints.action_forms import ActionForm
from complaints.errors import StaleVersion, WorkflowError
from complaints.knowledge import knowledge_answers, search_knowledge
from complaints.models import Complaint, KnowledgeAnswer, KnowledgeTopic
from complaints.models.knowledge import KNOWLEDGE_ANSWER_LIMIT, KNOWLEDGE_TITLE_LIMIT
from complaints.services.knowledge import KnowledgeInput, save_knowledge_answer, set_knowledge_answer_active
from complaints.workflow import Field
from portal.views.cases import case_context, visible_case
from portal.views.queues import _query_without_page
from roles.policy import check_action, may_edit_knowledge

PAGE_SIZE = 25


def require_knowledge(user) -> None:
    if not may_edit_knowledge(user):
        raise PermissionDenied(_("Basis pengetahuan hanya untuk Operator dan Kepala."))


# The page ------------------------------------------------------------------------------------------------------

class KnowledgeFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Cari"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    topic = forms.ChoiceField(label=gettext_lazy("Topik"), required=False,
                              choices=[("", gettext_lazy("Semua topik")), *KnowledgeTopic.choices])
    inactive = forms.BooleanField(label=gettext_lazy("Tampilkan yang nonaktif"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class KnowledgeForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Judul/pertanyaan"), max_length=KNOWLEDGE_TITLE_LIMIT)
    topic = forms.ChoiceField(label=gettext_lazy("Topik"), choices=KnowledgeTopic.choices)
    answer = forms.CharField(
        label=gettext_lazy("Jawaban"), max_length=KNOWLEDGE_ANSWER_LIMIT,
        widget=forms.Textarea(attrs={"rows": 10, "maxlength": KNOWLEDGE_ANSWER_LIMIT}),
        help_text=gettext_lazy("Teks yang diterima pelapor lewat WhatsApp/Telegram, paling banyak %(limit)s karakter.")
        % {"limit": KNOWLEDGE_ANSWER_LIMIT},
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", "kb_%s")
        super().__init__(*args, **kwargs)

    def knowledge_input(self) -> KnowledgeInput:
        data = self.cleaned_data
        return KnowledgeInput(title=data["title"], topic=data["topic"], answer=data["answer"])


@login_required
def knowledge_list(request: HttpRequest) -> HttpResponse:
    require_knowledge(request.user)
    form = KnowledgeFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    data = form.cleaned_data if form.is_bound and valid else {}
    rows = knowledge_answers(
        topic=data.get("topic", ""), query=data.get("q", ""), include_inactive=bool(data.get("inactive")),
    ) if valid else KnowledgeAnswer.objects.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter_form": form, "page": page, "query": _query_without_page(request), "nav_key": "knowledge"}
    template = "portal/knowledge.html#results" if request.htmx and not request.htmx.boosted else "portal/knowledge.html"
    return render(request, template, context, status=200 if valid else 400)


def _entry(pk: int) -> KnowledgeAnswer:
    entry = KnowledgeAnswer.objects.select_related("updated_by").filter(pk=pk).first()
    if entry is None:
        raise Http404(_("Entri basis pengetahuan tidak ditemukan."))
    return entry


def _edit_page(request: HttpRequest, form: KnowledgeForm, entry: KnowledgeAnswer | None, *, status: int = 200,
               alert: str = "") -> HttpResponse:
    context = {"form": form, "entry": entry, "alert": alert, "nav_key": "knowledge"}
    return render(request, "portal/knowledge_form.html", context, status=status)


@login_required
def knowledge_new(request: HttpRequest) -> HttpResponse:
    require_knowledge(request.user)
    if request.method != "POST":
        return _edit_page(request, KnowledgeForm(), None)
    form = KnowledgeForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, form, None, status=422)
    entry = save_knowledge_answer(user=request.user, data=form.knowledge_input())
    messages.success(request, _("Entri “%(title)s” ditambahkan.") % {"title": entry.title})
    return redirect("portal:knowledge")


@login_required
def knowledge_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_knowledge(request.user)
    entry = _entry(pk)
    if request.method != "POST":
        initial = {"title": entry.title, "topic": entry.topic, "answer": entry.answer, "version": entry.version}
        return _edit_page(request, KnowledgeForm(initial=initial), entry)
    form = KnowledgeForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, form, entry, status=422)
    try:
        entry = save_knowledge_answer(
            user=request.user, data=form.knowledge_input(), entry_id=entry.pk, expected_version=form.cleaned_data["version"],
        )
    except StaleVersion as error:
        # Show what the other person saved; what this user typed is lost only if they choose not to copy it back.
        fresh = _entry(pk)
        initial = {"title": fresh.title, "topic": fresh.topic, "answer": fresh.answer, "version": fresh.version}
        return _edit_page(request, KnowledgeForm(initial=initial), fresh, status=error.status, alert=str(error))
    messages.success(request, _("Entri “%(title)s” disimpan.") % {"title": entry.title})
    return redirect("portal:knowledge")


@login_required
@require_POST
def knowledge_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate (out of the picker) or reactivate an entry. There is no delete: sent answers name their entry."""
    require_knowledge(request.user)
    entry = _entry(pk)
    version = request.POST.get("version", "")
    active = request.POST.get("active") == "1"
    try:
        entry = set_knowledge_answer_active(
            user=request.user, entry_id=entry.pk, active=active, expected_version=int(version) if version.isdigit() else None,
        )
    except StaleVersion as error:
        messages.error(request, str(error))
    else:
        done = _("Entri “%(title)s” diaktifkan kembali.") if active else _("Entri “%(title)s” dinonaktifkan.")
        messages.success(request, done % {"title": entry.title})
    # Back to the list as it was filtered; re-encoded, so the value cannot smuggle anything into the header.
    back = QueryDict(request.POST.get("query", "")).urlencode()
    url = reverse("portal:knowledge")
    return redirect(f"{url}?{back}" if back else url)


# The picker in an information request's answer form ----------------------------------------------------------

def _answerable(request: HttpRequest, code: str) -> tuple[Complaint, object]:
    """The case and its answer transition, if this user may answer it now (otherwise the workflow's own refusal)."""
    complaint = visible_case(request, code)
    return complaint, check_action(request.user, complaint, "answer")


@login_required
def case_knowledge(request: HttpRequest, code: str) -> HttpResponse:
    """GET (htmx): the entries for a topic and words. POST: 'Cari' without JavaScript re-renders the case with the
    list narrowed; 'Gunakan' fills the answer with an entry's text (htmx: just the answer field), nothing is sent."""
    try:
        complaint, transition = _answerable(request, code)
    except WorkflowError as error:
        return _refused(request, code, error)
    params = request.POST if request.method == "POST" else request.GET
    knowledge = search_knowledge(params.get("kb_topic", ""), params.get("kb_q", ""))
    if request.method != "POST":
        return render(request, "portal/knowledge_answer_fields.html#kb-results", {"knowledge": knowledge, "complaint": complaint})

    form = _answer_form(transition, complaint, answer=params.get(Field.ANSWER, ""), entry_id=params.get(Field.KNOWLEDGE_ANSWER, ""))
    status = 200
    choice = params.get("use_knowledge", "")
    if choice:
        entry = KnowledgeAnswer.objects.filter(pk=choice, is_active=True).first() if choice.isdigit() else None
        if entry is None:
            form.knowledge_error = _("Entri ini tidak ada atau sudah dinonaktifkan; pilih entri lain.")
            status = 422
        else:
            form = _answer_form(transition, complaint, answer=entry.answer, entry_id=entry.pk)
            form.knowledge_entry = entry
        if request.htmx:
            context = {"form": form, "complaint": complaint}
            return render(request, "portal/knowledge_answer_fields.html#answer-fill", context, status=status)
    template = "portal/case.html#case-body" if request.htmx else "portal/case.html"
    return render(request, template, case_context(request, complaint, prefilled=form, knowledge=knowledge), status=status)


def _answer_form(transition, complaint: Complaint, *, answer: str, entry_id) -> ActionForm:
    form = ActionForm(
        transition=transition, complaint=complaint, initial={Field.ANSWER: answer, Field.KNOWLEDGE_ANSWER: entry_id or None},
        auto_id="id_answer_%s", label_suffix="",
    )
    form.knowledge_entry = None
    form.knowledge_error = ""
    return form


def _refused(request: HttpRequest, code: str, error: WorkflowError) -> HttpResponse:
    """The case changed under the Operator (answered by a colleague, say): the fresh case with the reason."""
    complaint = visible_case(request, code)
    if not request.htmx:
        return render(request, "portal/case.html", case_context(request, complaint, alert=str(error)), status=error.status)
    response = render(request, "portal/case.html#case-body", case_context(request, complaint, alert=str(error)), status=error.status)
    return reswap(retarget(response, "#case-body"), "outerHTML")
