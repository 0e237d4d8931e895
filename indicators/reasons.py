"""Why a target is at risk or off track: the reasons shown next to the status.

Every cell of the progress engine whose status is "at risk" or "off track" gets
``Progress.reasons``, a list of translated sentences (in the active language), found by these
rules, in this order:

1. **Pace.** How far the actual is from where the target needs it today (the engine's
   ``expected``): "run rate 72 % of what the target needs" for indicators that add up,
   "level at 85 % of what the target needs by now" for levels, "12 % above what the target
   allows by now" when lower is better. A closed (frozen) target says where it closed instead.
2. **Overdue actions.** Open actions due before today, linked to the indicator (directly or
   through their lever) and, for a rep, assigned to them; one sentence per lever, the most
   overdue first: "3 actions of lever Prospection overdue".
3. **No recent figure.** For indicators the reps enter (a rate: its parts), no figure since
   more than the cadence allows (weekly 7 days, monthly 31, quarterly 92): "no figure recorded
   for 9 days", or "no figure recorded yet" when there is none in the period.
4. **Slipped milestones.** Milestones whose date is past with an open action left
   (``MilestoneQuerySet.slipped``, the rule of every page), among the actions of rule 2's
   scope: "milestone Kick-off slipped 12 days".

``attach_reasons`` costs a constant number of queries whatever the number of cells (links to
levers and actions 2, late actions 1, latest figures 1), and none when no cell is at risk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Exists, Max, OuterRef, Q
from django.utils.translation import gettext, ngettext

from plans.models import OPEN_STATUSES, Action, Milestone, overdue_q

from .models import Cadence, Indicator, Kind, Measurement, Target
from .progress import Progress, Status, _is_additive, compute

EXPLAINED = (Status.AT_RISK, Status.OFF_TRACK)
# Days without a figure after which a figure is "missing", by the indicator's cadence.
STALE_DAYS = {Cadence.WEEKLY: 7, Cadence.MONTHLY: 31, Cadence.QUARTERLY: 92}


def attach_reasons(cells: Iterable[Progress], *, today: date) -> None:
    """Set ``reasons`` on every cell: the sentences of the module's rules for an at-risk or
    off-track cell, an empty list for the others. ``cell.indicator.plan_id`` is read; the
    cells may come from several plans."""
    cells = list(cells)
    for cell in cells:
        cell.reasons = []
    explained = [c for c in cells if c.status in EXPLAINED]
    if not explained:
        return
    indicators = {c.indicator.pk: c.indicator for c in explained}
    scope = _action_scope(indicators)
    late = _late_actions(indicators, scope, today)
    last_figures = _last_figures(explained, indicators, today)
    for cell in explained:
        cell.reasons = _reasons_of(cell, scope, late, last_figures, today)


def _reasons_of(cell: Progress, scope, late, last_figures, today: date) -> list[str]:
    reasons = [_pace_reason(cell)]
    if cell.frozen:
        return [r for r in reasons if r]
    levers, actions = scope[cell.indicator.pk]
    mine = [
        a
        for a in late
        if (a["lever_id"] in levers or a["id"] in actions)
        and (cell.rep_id is None or a["assignee_id"] == cell.rep_id)
    ]
    reasons += _overdue_reasons(mine, today)
    reasons.append(_figure_reason(cell, last_figures, today))
    reasons += _milestone_reasons(mine, today)
    return [r for r in reasons if r]


def _pace_reason(cell: Progress) -> str | None:
    if cell.frozen:
        if cell.percent is None:
            return None
        return gettext("period closed at %(percent)s %% of the target") % {
            "percent": _whole(cell.percent)
        }
    actual, expected = cell.actual, cell.expected
    if actual is None or expected is None:
        return None
    indicator = cell.indicator
    if indicator.lower_is_better:
        if not expected:
            return gettext("%(actual)s where the target allows %(expected)s by now") % {
                "actual": _whole(actual),
                "expected": _whole(expected),
            }
        over = (actual / expected - 1) * 100
        return gettext("%(percent)s %% above what the target allows by now") % {
            "percent": _whole(over)
        }
    if not expected:
        return None
    percent = _whole(actual / expected * 100)
    if _is_additive(indicator):
        return gettext("run rate %(percent)s %% of what the target needs") % {"percent": percent}
    return gettext("level at %(percent)s %% of what the target needs by now") % {"percent": percent}


def _overdue_reasons(actions: list[dict], today: date) -> list[str]:
    per_lever: dict[tuple[int, str], int] = defaultdict(int)
    for a in actions:
        if a["due_date"] < today:
            per_lever[(a["lever_id"], a["lever__name"])] += 1
    ordered = sorted(per_lever.items(), key=lambda item: (-item[1], item[0][1]))
    return [
        ngettext(
            "%(count)d action of lever %(lever)s overdue",
            "%(count)d actions of lever %(lever)s overdue",
            n,
        )
        % {"count": n, "lever": name}
        for (_pk, name), n in ordered
    ]


def _figure_reason(cell: Progress, last_figures: dict, today: date) -> str | None:
    indicator = cell.indicator
    entered = _entered_ids(indicator)
    if not entered or today < cell.period_start:
        return None
    dates = [
        d
        for (ind_id, rep_id), d in last_figures.items()
        if ind_id in entered and (cell.rep_id is None or rep_id == cell.rep_id)
    ]
    last = max((d for d in dates if d >= cell.period_start), default=None)
    if last is None:
        return gettext("no figure recorded yet")
    days = (today - last).days
    if days <= STALE_DAYS.get(indicator.cadence, STALE_DAYS[Cadence.WEEKLY]):
        return None
    return ngettext(
        "no figure recorded for %(days)d day", "no figure recorded for %(days)d days", days
    ) % {"days": days}


def _milestone_reasons(actions: list[dict], today: date) -> list[str]:
    slipped = {}
    for a in actions:
        if a["milestone_slipped"]:
            slipped[a["milestone_id"]] = (a["milestone__date"], a["milestone__title"])
    return [
        ngettext(
            "milestone %(milestone)s slipped %(days)d day",
            "milestone %(milestone)s slipped %(days)d days",
            (today - day).days,
        )
        % {"milestone": title, "days": (today - day).days}
        for day, title in sorted(slipped.values())
    ]


def _entered_ids(indicator: Indicator) -> set[int]:
    """The indicators whose figures the reps type for ``indicator`` (none if computed)."""
    if indicator.computation:
        return set()
    if indicator.kind == Kind.RATE:
        return {i for i in (indicator.numerator_id, indicator.denominator_id) if i}
    return {indicator.pk}


def _action_scope(indicators: dict) -> dict[int, tuple[set[int], set[int]]]:
    """Indicator id -> (its levers' ids, its own actions' ids): two queries."""
    scope = {pk: (set(), set()) for pk in indicators}
    ids = list(indicators)
    for ind_id, lever_id in Indicator.levers.through.objects.filter(
        indicator_id__in=ids
    ).values_list("indicator_id", "lever_id"):
        scope[ind_id][0].add(lever_id)
    for ind_id, action_id in Indicator.actions.through.objects.filter(
        indicator_id__in=ids
    ).values_list("indicator_id", "action_id"):
        scope[ind_id][1].add(action_id)
    return scope


def _late_actions(indicators: dict, scope: dict, today: date) -> list[dict]:
    """Open actions of those levers or actions that are overdue or under a slipped milestone."""
    levers = set().union(*(s[0] for s in scope.values()))
    actions = set().union(*(s[1] for s in scope.values()))
    if not levers and not actions:
        return []
    slipped = Milestone.objects.slipped(today).filter(pk=OuterRef("milestone_id"))
    return list(
        Action.objects.filter(Q(lever_id__in=levers) | Q(pk__in=actions))
        .filter(status__in=OPEN_STATUSES, lever__archived_at__isnull=True)
        .annotate(milestone_slipped=Exists(slipped))
        .filter(overdue_q(today) | Q(milestone_slipped=True))
        .values(
            "id",
            "lever_id",
            "lever__name",
            "assignee_id",
            "due_date",
            "milestone_id",
            "milestone__title",
            "milestone__date",
            "milestone_slipped",
        )
        .order_by()
    )


def _last_figures(cells: list[Progress], indicators: dict, today: date) -> dict:
    """(indicator id, rep id) -> date of the latest figure up to ``today`` (one query)."""
    entered = set().union(*(_entered_ids(i) for i in indicators.values()))
    if not entered:
        return {}
    qs = Measurement.objects.filter(indicator_id__in=entered, date__lte=today)
    if all(c.rep_id is not None for c in cells):
        qs = qs.filter(rep_id__in={c.rep_id for c in cells})
    return {
        (row["indicator_id"], row["rep_id"]): row["last"]
        for row in qs.values("indicator_id", "rep_id").annotate(last=Max("date")).order_by()
    }


def _whole(value) -> str:
    return str(Decimal(value).quantize(Decimal(1)))


def target_reasons(target_ids: Iterable[int], *, today: date) -> dict[int, list[str]]:
    """Target id -> the reasons of its status today (the reminder digests' "at risk" items).

    Queries: targets (1), the progress engine's, ``attach_reasons``'s; constant in the number
    of targets. A target that is no longer the one in force, or no longer at risk, gets none.
    """
    targets = list(
        Target.objects.filter(pk__in=list(target_ids)).select_related(
            "indicator__plan", "indicator__numerator", "indicator__denominator"
        )
    )
    if not targets:
        return {}
    indicators = {t.indicator_id: t.indicator for t in targets}
    results = compute(list(indicators.values()), rep_ids=None, today=today)
    cells = {}
    for target in targets:
        cell = results.get((target.indicator_id, target.rep_id))
        if cell is not None and cell.target is not None and cell.target.pk == target.pk:
            cells[target.pk] = cell
    attach_reasons(cells.values(), today=today)
    return {pk: cell.reasons for pk, cell in cells.items()}
