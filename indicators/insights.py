"""What worked this period: how the linked indicators moved after the actions were done.

A **case** is one rep doing one thing in one week of the plan (weeks counted from the plan's
first day): an action of a lever completed (counted for its lever and for its lever's aim, the
kind of action), or, passed in by ``coaching`` (which sits above this app), a training
attended or a challenge taken part in. For each case and each indicator linked to it (an
action: its own and its lever's indicators; a training or a challenge: the challenge's
indicator, else every indicator the report measures):

- **before / after**: the rep's indicator over the ``WINDOW_WEEKS`` weeks before the case's
  week and the ``WINDOW_WEEKS`` weeks after it (the week itself mixes both and is left out);
  a sum per week, an average or a scale as the mean, a rate as the ratio of its parts' sums;
  both windows must be whole weeks of the plan's period up to today, else the case is left
  out;
- **the others**: the same change over the same weeks for the team's reps who did not do that
  thing at all in the period (their mean);
- **movement**: the rep's change minus the others' (a difference in differences), so a season
  that lifts everyone is not credited to the action.

A line (lever, kind of action, training or challenge x indicator) gives the mean movement and
the number of cases behind it; below ``MIN_CASES`` cases no movement is given and no
conclusion drawn. Indicators by "last value", categories and the ones computed from actions
are not measured (their movement after an action says nothing about it).

Cost: indicators (1) + the team (1) + links (2) + done actions per (rep, lever, week) (1) +
one ``GROUP BY`` of the plan's figures per (indicator, rep, week); the rest is arithmetic on
running sums of weeks (bench/insight.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate

from django.db.models import Count, FloatField, Sum
from django.utils import timezone

from plans.models import Action, ActionStatus, LeverAim, Plan

from .models import Aggregation, Indicator, Kind, Measurement
from .progress import WeeksSince

WINDOW_WEEKS = 4
MIN_CASES = 5
GROUPS = ("lever", "kind", "training", "challenge")


def week_of(plan: Plan, day: date) -> int:
    """The plan's week (0: its first seven days) of ``day``."""
    return (day - plan.start_date).days // 7


def plan_origin(plan: Plan) -> datetime:
    """The plan's first moment, local midnight: weeks of datetimes count from it."""
    return timezone.make_aware(datetime.combine(plan.start_date, time.min))


@dataclass(frozen=True)
class Event:
    """``count`` cases: ``rep_id`` did ``label`` (a ``group`` with its ``key``) in the plan's
    week ``week``."""

    group: str
    key: str
    label: str
    rep_id: int
    week: int
    # The indicators it is linked to; None: every indicator the report measures.
    indicator_ids: frozenset | None = None
    order: int = 0  # position among the lines of its group
    count: int = 1


@dataclass
class Line:
    group: str
    key: str
    label: str
    indicator: Indicator
    cases: int
    movement: Decimal | None  # None below MIN_CASES
    before: Decimal | None = None  # the reps' mean level before (per week for sums)
    after: Decimal | None = None
    others: Decimal | None = None  # the others' mean change over the same weeks
    order: int = 0

    def as_dict(self) -> dict:
        def num(value):
            return None if value is None else str(value)

        return {
            "group": self.group,
            "key": self.key,
            "label": self.label,
            "indicator": self.indicator.pk,
            "indicator_name": str(self.indicator),
            "cases": self.cases,
            "conclusive": self.conclusive,
            "movement": num(self.movement),
            "before": num(self.before),
            "after": num(self.after),
            "others": num(self.others),
            "verdict": self.verdict,
        }

    @property
    def conclusive(self) -> bool:
        return self.movement is not None

    @property
    def verdict(self) -> str | None:
        """``better``, ``worse`` or ``same`` than the others, with the indicator's direction."""
        if self.movement is None:
            return None
        if not self.movement:
            return "same"
        up = self.movement > 0
        return "better" if up != self.indicator.lower_is_better else "worse"


@dataclass
class Report:
    plan: Plan
    start: date
    end: date
    window_weeks: int = WINDOW_WEEKS
    min_cases: int = MIN_CASES
    indicators: list[Indicator] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)


def what_worked(plan: Plan, *, today: date, events=()) -> Report:
    """The report of ``plan`` as of ``today``: the actions' cases plus ``events`` (trainings,
    challenges: ``coaching.insights``)."""
    end = min(plan.end_date, today)
    report = Report(plan=plan, start=plan.start_date, end=end)
    measured = [i for i in Indicator.objects.filter(plan=plan) if _measured(i)]
    report.indicators = measured
    weeks = ((end - plan.start_date).days + 1) // 7  # whole weeks measured so far
    if not measured or weeks < 2 * WINDOW_WEEKS + 1:
        return report
    members = set(plan.team.members.values_list("pk", flat=True))
    cases = [e for e in (*action_events(plan, end=end), *events) if e.rep_id in members]
    series = _Series(plan, measured, weeks)
    report.lines = _lines(cases, measured, members, series)
    return report


def action_events(plan: Plan, *, end: date) -> list[Event]:
    """The actions of ``plan`` completed up to ``end``, per (rep, lever, week), twice: for the
    lever and for its aim (the kind of action)."""
    lever_links = defaultdict(set)
    for lever_id, ind_id in Indicator.levers.through.objects.filter(lever__plan=plan).values_list(
        "lever_id", "indicator_id"
    ):
        lever_links[lever_id].add(ind_id)
    linked_actions = defaultdict(set)  # indicators linked to actions, per action's lever
    for lever_id, ind_id in Indicator.actions.through.objects.filter(
        indicator__plan=plan
    ).values_list("action__lever_id", "indicator_id"):
        linked_actions[lever_id].add(ind_id)
    aims = {code: str(label) for code, label in LeverAim.choices}  # translated once
    rows = (
        Action.objects.filter(
            lever__plan=plan,
            status=ActionStatus.DONE,
            completed_at__gte=plan_origin(plan),
            completed_at__lt=plan_origin(plan) + timedelta(days=(end - plan.start_date).days + 1),
        )
        .values("assignee_id", "lever_id", "lever__name", "lever__aim", "lever__position")
        .annotate(week=WeeksSince("completed_at", plan_origin(plan)), n=Count("id"))
        .order_by()
    )
    events = []
    for row in rows:
        lever_id = row["lever_id"]
        # An action's own links count with its lever's (kept per lever: one grouped query).
        linked = frozenset(lever_links[lever_id] | linked_actions[lever_id])
        if not linked:
            continue
        rep, week, n = row["assignee_id"], row["week"], row["n"]
        name, aim, position = row["lever__name"], row["lever__aim"], row["lever__position"]
        events.append(Event("lever", str(lever_id), name, rep, week, linked, position, n))
        events.append(Event("kind", aim, aims.get(aim, aim), rep, week, linked, 0, n))
    return events


def _measured(indicator: Indicator) -> bool:
    if indicator.computation or indicator.uses_categories:
        return False
    if indicator.kind == Kind.RATE:
        return bool(indicator.numerator_id and indicator.denominator_id)
    return indicator.effective_aggregation in (Aggregation.SUM, Aggregation.AVERAGE)


class _Series:
    """Per (indicator, rep): the level before and after each week, and the change."""

    def __init__(self, plan, indicators, weeks: int):
        self.weeks = weeks
        ids = {i.pk for i in indicators}
        for ind in indicators:
            if ind.kind == Kind.RATE:
                ids.update((ind.numerator_id, ind.denominator_id))
        totals, counts = self._load(plan, sorted(ids), weeks)
        self.before: dict = {}
        self.after: dict = {}
        reps = {rep for (_i, rep) in totals}
        for ind in indicators:
            for rep in reps:
                self._levels(ind, rep, totals, counts)

    @staticmethod
    def _load(plan, ids, weeks):
        """The report's one query over the figures: sums and counts per (indicator, rep, week)
        of the whole weeks so far, as running sums."""
        last = plan.start_date + timedelta(days=7 * weeks - 1)
        rows = (
            Measurement.objects.filter(
                indicator_id__in=ids, date__range=(plan.start_date, last), value__isnull=False
            )
            .values("indicator_id", "rep_id")
            .annotate(
                week=WeeksSince("date", plan.start_date),
                total=Sum("value", output_field=FloatField()),
                n=Count("value"),
            )
            .values_list("indicator_id", "rep_id", "week", "total", "n")
            .order_by()
        )
        weekly_total = defaultdict(lambda: [0.0] * weeks)
        weekly_count = defaultdict(lambda: [0] * weeks)
        for ind_id, rep_id, week, total, n in rows:
            weekly_total[(ind_id, rep_id)][week] = total
            weekly_count[(ind_id, rep_id)][week] = n
        totals = {k: list(accumulate(v, initial=0.0)) for k, v in weekly_total.items()}
        counts = {k: list(accumulate(v, initial=0)) for k, v in weekly_count.items()}
        return totals, counts

    def _levels(self, ind, rep, totals, counts) -> None:
        """``before[(ind, rep)][k]`` / ``after[...][k]``: the level over the ``WINDOW_WEEKS``
        weeks before / after week ``k`` (None: nothing to say)."""
        w = WINDOW_WEEKS
        ks = range(w, self.weeks - w)
        if ind.kind == Kind.RATE:
            num = totals.get((ind.numerator_id, rep))
            den = totals.get((ind.denominator_id, rep))
            if num is None or den is None:
                return

            def level(lo, hi):
                d = den[hi] - den[lo]
                return (num[hi] - num[lo]) / d * 100 if d else None

        else:
            total = totals.get((ind.pk, rep))
            if total is None:
                return
            if ind.effective_aggregation == Aggregation.SUM:

                def level(lo, hi):
                    return (total[hi] - total[lo]) / w

            else:
                count = counts[(ind.pk, rep)]

                def level(lo, hi):
                    n = count[hi] - count[lo]
                    return (total[hi] - total[lo]) / n if n else None

        self.before[(ind.pk, rep)] = {k: level(k - w, k) for k in ks}
        self.after[(ind.pk, rep)] = {k: level(k + 1, k + 1 + w) for k in ks}

    def change(self, ind_id, rep_id, k):
        """(before, after) of week ``k``, or None."""
        before = self.before.get((ind_id, rep_id))
        if before is None:
            return None
        b, a = before.get(k), self.after[(ind_id, rep_id)].get(k)
        return None if b is None or a is None else (b, a)


def _lines(cases: list[Event], indicators, members: set, series: _Series) -> list[Line]:
    by_id = {i.pk: i for i in indicators}
    every = frozenset(by_id)
    doers = defaultdict(set)  # (group, key) -> reps who did it in the period
    for e in cases:
        doers[(e.group, e.key)].add(e.rep_id)
    sums = defaultdict(lambda: [0, 0.0, 0.0, 0.0])  # (group, key, ind) -> n, before, after, others
    labels = {}
    others_cache = {}
    for e in cases:
        labels[(e.group, e.key)] = (e.label, e.order)
        for ind_id in (e.indicator_ids or every) & every:
            mine = series.change(ind_id, e.rep_id, e.week)
            if mine is None:
                continue  # outside the weeks measured, or no figure on one side
            key = (e.group, e.key, ind_id, e.week)
            if key not in others_cache:
                others_cache[key] = _others_change(
                    series, ind_id, members - doers[(e.group, e.key)], e.week
                )
            others = others_cache[key]
            if others is None:
                continue
            acc = sums[(e.group, e.key, ind_id)]
            acc[0] += e.count
            acc[1] += mine[0] * e.count
            acc[2] += mine[1] * e.count
            acc[3] += others * e.count
    lines = [
        _line(group, key, *labels[(group, key)], by_id[ind_id], acc)
        for (group, key, ind_id), acc in sums.items()
    ]
    lines.sort(
        key=lambda ln: (
            GROUPS.index(ln.group),
            ln.order,
            ln.label,
            ln.indicator.position,
            ln.indicator.pk,
        )
    )
    return lines


def _others_change(series: _Series, ind_id: int, others: set, k: int):
    changes = [c[1] - c[0] for rep in others if (c := series.change(ind_id, rep, k))]
    return sum(changes) / len(changes) if changes else None


def _line(group, key, label, order, indicator, acc) -> Line:
    n, before, after, others = acc
    line = Line(group, key, label, indicator, cases=n, movement=None, order=order)
    if n < MIN_CASES:
        return line
    line.before, line.after, line.others = _dec(before / n), _dec(after / n), _dec(others / n)
    line.movement = _dec((after - before - others) / n)
    return line


def _dec(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))
