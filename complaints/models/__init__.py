from complaints.models.attachment import Attachment, AttachmentKind
from complaints.models.breach import SlaBreach, StaffNotification
from complaints.models.calendar import Holiday, HolidayKind
from complaints.models.channel import Channel, ChannelKind
from complaints.models.complaint import Complaint
from complaints.models.event import AppendOnlyError, ComplaintEvent
from complaints.models.field_report import FieldReport, FieldResult
from complaints.models.geography import District, Village
from complaints.models.knowledge import KnowledgeAnswer, KnowledgeTopic
from complaints.models.permissions import ComplaintGroupObjectPermission, ComplaintUserObjectPermission
from complaints.models.reporter import Reporter
from complaints.models.sla import SlaPolicy
from complaints.models.step_span import StepDay, StepDayBucket, StepSpan
from complaints.models.taxonomy import Category, ComplaintKind
from complaints.models.team import Team

__all__ = [
    "AppendOnlyError",
    "Attachment",
    "AttachmentKind",
    "Category",
    "Channel",
    "ChannelKind",
    "Complaint",
    "ComplaintEvent",
    "ComplaintGroupObjectPermission",
    "ComplaintKind",
    "ComplaintUserObjectPermission",
    "District",
    "FieldReport",
    "FieldResult",
    "Holiday",
    "HolidayKind",
    "KnowledgeAnswer",
    "KnowledgeTopic",
    "Reporter",
    "SlaBreach",
    "SlaPolicy",
    "StaffNotification",
    "StepDay",
    "StepDayBucket",
    "StepSpan",
    "Team",
    "Village",
]
