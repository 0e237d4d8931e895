from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from plans.signals import plan_activating, plan_closed, plan_duplicated


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicators")

    def ready(self):
        # Models are loaded only now. The plans app sends these signals, so it never imports
        # the indicators (above it): activating a plan checks its indicators, closing it
        # freezes its targets, a copy gets its own.
        from .duplication import copy_indicators
        from .services import freeze_closed_plan
        from .smart import activation_missing

        plan_closed.connect(freeze_closed_plan, dispatch_uid="indicators-freeze-on-close")
        plan_activating.connect(activation_missing, dispatch_uid="indicators-activation-checks")
        plan_duplicated.connect(copy_indicators, dispatch_uid="indicators-copy-on-duplicate")
