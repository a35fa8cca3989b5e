from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_groups(sender, **kwargs) -> None:
    # Sent once per migrated app; the groups must exist whichever app migrated last.
    from roles.setup import ensure_role_groups

    ensure_role_groups()


class RolesConfig(AppConfig):
    name = "roles"
    verbose_name = "Roles"

    def ready(self) -> None:
        post_migrate.connect(_ensure_groups, dispatch_uid="roles.ensure_groups")
