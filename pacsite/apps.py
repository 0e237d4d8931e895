from django.apps import AppConfig


class PacsiteConfig(AppConfig):
    name = "pacsite"
    verbose_name = "PAC"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed

        from . import checks  # noqa: F401 (importing registers the deploy checks)
        from .audit import on_groups_changed

        # Role changes (User.groups) go to the audit log, whoever makes them.
        m2m_changed.connect(
            on_groups_changed,
            sender=get_user_model().groups.through,
            dispatch_uid="pac_audit_roles",
        )
