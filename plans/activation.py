"""What a plan still lacks before it can be activated, and where each gap is filled.

``missing_for_activation(plan)`` returns one ``Missing`` per missing item (an empty list when
nothing is missing): a translated, human-readable line that also carries ``fix``, the words
of a link, and ``url``, the page where the manager fills that gap. ``plan_activate`` in
``plans.services`` refuses to activate while any line is returned, raising
``ActivationRefused``: the page shows each line with its link, the API answers
``{"missing": [...], "reasons": [{"text", "fix", "url"}, ...]}``.

The checks, in the order their lines are shown: a plan with no lever (add one); a lever with
no action (add one to it); an action linked to no indicator (link it, on the action's
indicators page); an indicator that is not SMART yet (its form, or its targets when a target
is all it lacks). The last two are the indicators app's (``indicators.smart``), which answers
the ``plans.signals.plan_activating`` signal: plans sits below indicators and does not import
it. Each costs a bounded number of queries whatever the plan's size and writes nothing.
"""

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from teams.archive import live

from .signals import plan_activating


class Missing(str):
    """A line of what is missing, still a plain string to whoever reads it as one, with the
    link that fixes it: ``fix`` (its words) and ``url``."""

    fix: str
    url: str

    def __new__(cls, text: str, fix: str, url: str):
        line = super().__new__(cls, text)
        line.fix, line.url = fix, url
        return line

    def as_dict(self) -> dict:
        return {"text": str(self), "fix": self.fix, "url": self.url}


class ActivationRefused(ValidationError):
    """The plan lacks something: ``messages`` are the lines, ``missing`` the ``Missing``."""

    def __init__(self, missing: list[Missing]):
        super().__init__([str(line) for line in missing], code="incomplete")
        self.missing = missing


def missing_for_activation(plan) -> list[Missing]:
    """Every line of every check, in the order above."""
    lines = [*plan_has_levers(plan), *every_lever_has_an_action(plan)]
    for _receiver, found in plan_activating.send(sender=type(plan), plan=plan):
        lines += [Missing(*line) for line in found]
    return lines


def plan_has_levers(plan) -> list[Missing]:
    if not plan.levers.exists():
        url = reverse("plans:lever-create", args=[plan.pk])
        return [Missing(_("The plan has no lever yet."), _("Add a lever"), url)]
    return []


def every_lever_has_an_action(plan) -> list[Missing]:
    counts = plan.levers.annotate(n=Count("actions", filter=live("actions__")))
    empty = counts.filter(n=0).values_list("pk", "name")
    add = reverse("plans:action-create", args=[plan.pk])
    return [
        Missing(
            _("The lever “%(name)s” has no action.") % {"name": name},
            _("Add an action to it"),
            f"{add}?lever={pk}",
        )
        for pk, name in empty
    ]
