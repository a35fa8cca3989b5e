"""Direct foreign-key object permission tables for django-guardian.

Guardian finds these by the `content_object` foreign key; filtering joins one indexed table
instead of the generic (content_type, object_pk text) pair, which matters at a million rows.
"""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from complaints.models.complaint import Complaint


class ComplaintUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Complaint, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        constraints = [
            models.UniqueConstraint(fields=["user", "permission", "content_object"], name="complaint_user_perm_unique")
        ]


class ComplaintGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Complaint, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        constraints = [
            models.UniqueConstraint(fields=["group", "permission", "content_object"], name="complaint_group_perm_unique")
        ]
