"""Reads of the knowledge base: the Operator's picker on an information request and the /knowledge/ page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from complaints.models import ComplaintEvent, KnowledgeAnswer, KnowledgeTopic

# The picker sits inside the answer form on a phone as well: a short list, narrowed by topic and words.
PICKER_LIMIT = 12
QUERY_LIMIT = 100

# The SOP's order (tugas, fungsi, wewenang, program, lainnya), not the alphabet's.
TOPIC_ORDER = Case(
    *[When(topic=topic, then=Value(index)) for index, topic in enumerate(KnowledgeTopic.values)],
    default=Value(len(KnowledgeTopic.values)), output_field=IntegerField(),
)


def knowledge_answers(*, topic: str = "", query: str = "", include_inactive: bool = False) -> QuerySet[KnowledgeAnswer]:
    """Entries of a topic (or all) whose title or text contains every word of `query`, in the SOP's topic order."""
    entries = KnowledgeAnswer.objects.select_related("updated_by")
    if not include_inactive:
        entries = entries.filter(is_active=True)
    if topic:
        entries = entries.filter(topic=topic)
    for word in query.split()[:10]:
        entries = entries.filter(Q(title__icontains=word) | Q(answer__icontains=word))
    return entries.order_by(TOPIC_ORDER, "title", "pk")


@dataclass(frozen=True)
class KnowledgeSearch:
    """What the picker shows: the filter as given, the first matching active entries, and whether there are more."""

    topic: str = ""
    query: str = ""
    entries: list[KnowledgeAnswer] = field(default_factory=list)
    more: bool = False
    topics: tuple[tuple[str, str], ...] = ()


def search_knowledge(topic: str = "", query: str = "") -> KnowledgeSearch:
    """The picker's list. An unknown topic counts as none: it comes from the page's own select or a hand-made URL."""
    topic = topic if topic in KnowledgeTopic.values else ""
    query = query.strip()[:QUERY_LIMIT]
    found = list(knowledge_answers(topic=topic, query=query)[: PICKER_LIMIT + 1])
    return KnowledgeSearch(
        topic=topic, query=query, entries=found[:PICKER_LIMIT], more=len(found) > PICKER_LIMIT,
        topics=tuple((value, str(label)) for value, label in KnowledgeTopic.choices),
    )


def knowledge_answer_used(entry_id: int) -> bool:
    """Whether an answer event names this entry: such an entry is deactivated, never deleted."""
    return ComplaintEvent.objects.filter(action="answer", payload__knowledge_answer_id=entry_id).exists()
