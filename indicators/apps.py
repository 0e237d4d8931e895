from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _freeze_on_close(sender, instance, **kwargs):
    """Closing (or archiving) a plan freezes its targets, whichever code path saved it."""
    from plans.models import PlanStatus

    from .services import period_close

    if instance.status in (PlanStatus.CLOSED, PlanStatus.ARCHIVED):
        period_close(plan=instance)


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicators")

    def ready(self):
        from plans.models import Plan

        post_save.connect(_freeze_on_close, sender=Plan, dispatch_uid="indicators-freeze")
        from plans.signals import plan_duplicated

        from .duplication import copy_indicators

        plan_duplicated.connect(copy_indicators, dispatch_uid="indicators-copy-on-duplicate")
        self._connect_cache_versions()

    def _connect_cache_versions(self):
        """Every write the cached pages depend on replaces a version token (indicators/cache.py).

        No ``post_delete`` receiver on measurements and targets: Django would then load every
        row a plan's deletion cascades to, one by one; their services say so instead.
        """
        from django.contrib.auth import get_user_model

        from plans.models import Action, Lever, Plan, Team

        from . import cache
        from .models import Indicator, Measurement, Target

        def connect(signal, receiver, sender, name):
            signal.connect(receiver, sender=sender, dispatch_uid=f"indicators-cache-{name}")

        connect(post_save, cache.on_indicator_child, Measurement, "measurement")
        connect(post_save, cache.on_indicator_child, Target, "target")
        for model in (Indicator, Lever):
            connect(post_save, cache.on_plan_child, model, f"{model.__name__}-saved")
            connect(post_delete, cache.on_plan_child, model, f"{model.__name__}-deleted")
        connect(post_save, cache.on_action, Action, "action-saved")
        connect(post_delete, cache.on_action_delete, Action, "action-deleted")
        connect(post_save, cache.on_plan, Plan, "plan-saved")
        connect(post_delete, cache.on_plan, Plan, "plan-deleted")
        connect(post_save, cache.on_team, Team, "team-saved")
        connect(m2m_changed, cache.on_members, Team.members.through, "members")
        connect(m2m_changed, cache.on_links, Indicator.actions.through, "action-links")
        connect(m2m_changed, cache.on_links, Indicator.levers.through, "lever-links")
        connect(post_save, cache.on_user, get_user_model(), "user")
