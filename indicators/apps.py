from django.apps import AppConfig
from django.db.models.signals import post_save
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

        from .smart import activation_actions_without_indicator, activation_missing_letters

        try:
            from plans.activation import register_activation_check
        except ImportError:  # pragma: no cover - plans without activation checks
            pass
        else:
            register_activation_check(activation_actions_without_indicator)
            register_activation_check(activation_missing_letters)
        post_save.connect(_freeze_on_close, sender=Plan, dispatch_uid="indicators-freeze")
