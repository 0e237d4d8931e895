"""What a plan still lacks before it can be activated.

``missing_for_activation(plan)`` returns one translated, human-readable line per missing item
(an empty list when nothing is missing). ``plan_activate`` in ``plans.services`` refuses to
activate while any line is returned, showing the whole list to the manager (page) or as
``{"missing": [...]}`` (API).

The checks, in the order their lines are shown: a plan with no lever; a lever with no action;
an action linked to no indicator; an indicator that is not SMART yet (the last two are the
indicators app's, ``indicators.smart``). Each costs a bounded number of queries whatever the
plan's size and writes nothing.
"""

from django.db.models import Count
from django.utils.translation import gettext as _

from indicators.smart import activation_actions_without_indicator, activation_missing_letters
from pacsite.archive import live


def missing_for_activation(plan) -> list[str]:
    """Every line of every check, in the order above."""
    return [
        *plan_has_levers(plan),
        *every_lever_has_an_action(plan),
        *activation_actions_without_indicator(plan),
        *activation_missing_letters(plan),
    ]


def plan_has_levers(plan) -> list[str]:
    if not plan.levers.exists():
        return [_("The plan has no lever yet.")]
    return []


def every_lever_has_an_action(plan) -> list[str]:
    counts = plan.levers.annotate(n=Count("actions", filter=live("actions__")))
    empty = counts.filter(n=0).values_list("name", flat=True)
    return [_("The lever “%(name)s” has no action.") % {"name": name} for name in empty]
