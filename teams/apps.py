from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from .roles import sync_role_permissions


def _sync_roles(sender, apps=None, **kwargs):
    # A flush (transactional tests) emits post_migrate without the migration's apps.
    sync_role_permissions(apps or global_apps)


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Teams")

    def ready(self):
        # Models can be imported only once the registry is ready, hence here.
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed

        from .audit import on_groups_changed

        # Models added after the roles migration get their permissions on the next migrate.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="plans-sync-roles")
        # Role changes (User.groups) go to the audit log, whoever makes them.
        m2m_changed.connect(
            on_groups_changed,
            sender=get_user_model().groups.through,
            dispatch_uid="pac_audit_roles",
        )
