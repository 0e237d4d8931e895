"""What a plan still lacks before it can be activated, as an extensible list of checks.

A check is a function ``check(plan) -> list[str]`` returning one translated, human-readable
line per missing item (an empty list when nothing is missing). ``plan_activate`` in
``plans.services`` runs every registered check and refuses to activate while any line is
returned, showing the whole list to the manager (page) or as ``{"missing": [...]}`` (API).

This app registers its own checks below (a plan with no lever; a lever with no action).
Another app adds its checks from its ``AppConfig.ready()``, for example in ``indicators``::

    def ready(self):
        from plans.activation import register_activation_check
        from .checks import actions_without_indicator

        register_activation_check(actions_without_indicator)

Checks should cost a bounded number of queries whatever the plan's size (one aggregate query
each is the habit) and must not write anything.
"""

from collections.abc import Callable

from django.utils.translation import gettext as _

ActivationCheck = Callable[["Plan"], list[str]]  # noqa: F821 - Plan is imported lazily

ACTIVATION_CHECKS: list[ActivationCheck] = []


def register_activation_check(fn: ActivationCheck) -> ActivationCheck:
    """Add ``fn`` to the checks run before activation (once, even if called twice).

    Returns ``fn`` so it can be used as a decorator.
    """
    if fn not in ACTIVATION_CHECKS:
        ACTIVATION_CHECKS.append(fn)
    return fn


def missing_for_activation(plan) -> list[str]:
    """Every line of every registered check, in registration order."""
    missing: list[str] = []
    for check in ACTIVATION_CHECKS:
        missing.extend(check(plan))
    return missing


@register_activation_check
def plan_has_levers(plan) -> list[str]:
    if not plan.levers.exists():
        return [_("The plan has no lever yet.")]
    return []


@register_activation_check
def every_lever_has_an_action(plan) -> list[str]:
    from django.db.models import Count

    empty = plan.levers.annotate(n=Count("actions")).filter(n=0).values_list("name", flat=True)
    return [_("The lever “%(name)s” has no action.") % {"name": name} for name in empty]
