from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, apps=None, **kwargs):
    from django.apps import apps as global_apps

    from .roles import sync_role_permissions

    # A flush (transactional tests) emits post_migrate without the migration's apps.
    sync_role_permissions(apps or global_apps)


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans")

    def ready(self):
        # Models added after the roles migration get their permissions on the next migrate.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="plans-sync-roles")
