"""The SMART check of an indicator: which of the five letters are met, and why not.

S  Specific    the definition is written, and the scope is clear: no other indicator of the
               plan has the same name and the same segment / product line.
M  Measurable  a unit (a rate: its two parts; a scale: its range; categories: the list and the
               category aimed at) and at least one target.
A  Achievable  the baseline is known; a target beyond 3x the baseline (below a third of it
               when lower is better) is a warning, not a missing letter.
R  Relevant    linked to at least one lever or action.
T  Time-bound  a cadence, and a target whose period lies within the plan's.

``smart_checks(indicators)`` checks many at once in three queries (indicators with their link
counts, targets, names of the plan's indicators).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plans.models import Action
from teams.archive import live

from .models import Direction, Indicator, Kind, QualitativeMode, Target

LETTERS = ("S", "M", "A", "R", "T")
LETTER_NAMES = {
    "S": gettext_lazy("Specific"),
    "M": gettext_lazy("Measurable"),
    "A": gettext_lazy("Achievable"),
    "R": gettext_lazy("Relevant"),
    "T": gettext_lazy("Time-bound"),
}
SANE_MULTIPLE = Decimal(3)


@dataclass
class SmartCheck:
    indicator: Indicator
    reasons: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    warnings: list[str] = field(default_factory=list)
    # How many of the reasons a target would settle (set on the indicator's page, not its form).
    target_reasons: int = 0

    @property
    def letters(self) -> list[dict]:
        return [
            {
                "letter": letter,
                "name": LETTER_NAMES[letter],
                "met": not self.reasons.get(letter),
                "reasons": self.reasons.get(letter, []),
            }
            for letter in LETTERS
        ]

    @property
    def missing(self) -> list[str]:
        return [letter for letter in LETTERS if self.reasons.get(letter)]

    @property
    def is_smart(self) -> bool:
        return not self.missing

    def missing_text(self) -> str:
        """ "S (Specific), A (Achievable)": the missing letters spelled out."""
        return ", ".join(f"{letter} ({LETTER_NAMES[letter]})" for letter in self.missing)


def smart_check(indicator: Indicator) -> SmartCheck:
    return smart_checks([indicator])[indicator.pk]


def smart_checks(indicators) -> dict[int, SmartCheck]:
    """SMART checks of ``indicators`` (of one or more plans), in three queries."""
    ids = [i.pk for i in indicators]
    if not ids:
        return {}
    # The caller chose the rows (archived ones too, for the API's ?archived=true).
    rows = {
        i.pk: i
        for i in Indicator.all_objects.filter(pk__in=ids)
        .select_related("plan")
        .annotate(
            n_levers=Count("levers", distinct=True, filter=live("levers__")),
            n_actions=Count("actions", distinct=True, filter=live("actions__")),
        )
    }
    targets = defaultdict(list)
    for target in Target.objects.filter(indicator_id__in=ids):
        targets[target.indicator_id].append(target)
    plan_ids = {i.plan_id for i in rows.values()}
    scopes = defaultdict(int)
    for name, segment, line, plan_id in Indicator.objects.filter(plan_id__in=plan_ids).values_list(
        "name", "segment", "product_line", "plan_id"
    ):
        scopes[(plan_id, name.strip().lower(), segment.strip().lower(), line.strip().lower())] += 1
    return {pk: _check(ind, targets[pk], scopes) for pk, ind in rows.items()}


def _check(ind: Indicator, targets: list[Target], scopes) -> SmartCheck:
    check = SmartCheck(indicator=ind)
    r = check.reasons
    # S
    if not ind.definition.strip():
        r["S"].append(_("Write the definition: what exactly is counted."))
    key = (
        ind.plan_id,
        ind.name.strip().lower(),
        ind.segment.strip().lower(),
        ind.product_line.strip().lower(),
    )
    if scopes.get(key, 0) > 1:
        r["S"].append(
            _(
                "Another indicator of the plan has the same name and scope: set a segment or a "
                "product line."
            )
        )
    # M
    if ind.kind == Kind.RATE:
        if ind.numerator_id is None or ind.denominator_id is None:
            r["M"].append(_("Choose the numerator and the denominator of the rate."))
    elif ind.kind == Kind.QUALITATIVE:
        if ind.qualitative_mode == QualitativeMode.SCALE:
            if ind.scale_min is None or ind.scale_max is None or ind.scale_min >= ind.scale_max:
                r["M"].append(_("Give the scale's range (for example 1 to 5)."))
        elif ind.qualitative_mode == QualitativeMode.CATEGORIES:
            if not ind.categories:
                r["M"].append(_("List the categories."))
            if not ind.target_category:
                r["M"].append(_("Choose the category the target is about."))
        else:
            r["M"].append(_("Choose a scale or a list of categories."))
    elif not ind.unit:
        r["M"].append(_("Choose a unit."))
    if not targets:
        r["M"].append(_("Set a target."))
        check.target_reasons += 1
    # A
    if ind.baseline is None:
        r["A"].append(_("Enter the baseline (the value before the plan)."))
    elif ind.baseline > 0:
        for target in targets:
            if ind.direction == Direction.LOWER:
                too_far = target.value * SANE_MULTIPLE < ind.baseline
            else:
                too_far = target.value > ind.baseline * SANE_MULTIPLE
            if too_far:
                check.warnings.append(
                    _(
                        "The target %(target)s is more than 3 times away from the baseline "
                        "%(baseline)s: is it achievable?"
                    )
                    % {"target": target.value, "baseline": ind.baseline}
                )
                break
    # R
    if not (ind.n_levers or ind.n_actions):
        r["R"].append(_("Link it to at least one lever or action."))
    # T
    if not ind.cadence:
        r["T"].append(_("Choose a cadence (weekly, monthly, quarterly)."))
    plan = ind.plan
    if targets and not any(
        plan.start_date <= t.period_start and t.period_end <= plan.end_date for t in targets
    ):
        r["T"].append(_("Give a target a period within the plan's dates."))
        check.target_reasons += 1
    elif not targets:
        r["T"].append(_("Set a target with its period and deadline."))
        check.target_reasons += 1
    check.reasons = {k: v for k, v in r.items() if v}
    return check


def activation_missing(sender=None, *, plan, **kwargs) -> list[tuple[str, str, str]]:
    """Receiver of ``plans.signals.plan_activating``: the actions linked to no indicator, then
    the indicators not SMART yet (plans.activation shows them in this order)."""
    return [*activation_actions_without_indicator(plan), *activation_missing_letters(plan)]


def activation_missing_letters(plan) -> list[tuple[str, str, str]]:
    """Activation check: per indicator of ``plan`` missing a SMART letter, its line, the words
    of the link that fixes it and the link: the targets of its page when only a target is
    missing, else its form."""
    indicators = list(Indicator.objects.filter(plan=plan).only("pk"))
    checks = smart_checks(indicators)
    lines = []
    for ind in sorted(checks.values(), key=lambda c: (c.indicator.position, c.indicator.pk)):
        if ind.is_smart:
            continue
        text = _("The indicator “%(name)s” is not SMART yet: missing %(letters)s.") % {
            "name": ind.indicator,
            "letters": ind.missing_text(),
        }
        pk = ind.indicator.pk
        if ind.target_reasons == sum(len(r) for r in ind.reasons.values()):
            fix = (_("Set its target"), reverse("indicators:detail", args=[pk]) + "#set-target")
        else:
            fix = (_("Complete the indicator"), reverse("indicators:edit", args=[pk]))
        lines.append((text, *fix))
    return lines


def activation_actions_without_indicator(plan) -> list[tuple[str, str, str]]:
    """Activation check: per action of ``plan`` linked to no indicator (one query), its line,
    the words of the link that fixes it and the link (its indicators' page)."""
    links = Indicator.actions.through.objects
    rows = (
        Action.objects.filter(lever__plan=plan)
        .exclude(status="cancelled")
        # Linked to a live indicator (an archived one no longer counts).
        .exclude(Exists(links.filter(action_id=OuterRef("pk"), indicator__archived_at=None)))
        .values_list("pk", "title")
    )
    return [
        (
            _("The action “%(title)s” is linked to no indicator.") % {"title": title},
            _("Link it to an indicator"),
            reverse("indicators:action", args=[pk]),
        )
        for pk, title in rows
    ]
