"""The progress engine: the one place that says how far an indicator is, for a rep or the team.

Pages, the API, the reminder sweep (``targets_at_risk``) and incentives (``progress_for``) all
call these functions, so a figure means the same everywhere.

Vocabulary
    actual      the indicator's value over the period, by its aggregation: sum of the values,
                their average, or the last value; a rate is the ratio of the *sums* of its
                numerator and denominator (x100); a categories indicator is the share (%) of its
                ``target_category``; a scale is the average level. ``None`` means "n/a" (no figure
                yet, or a rate whose denominator is zero).
    target      the target value for the period (a rep's own, or the team's; with no team
                target, the sum of the reps' targets for additive indicators).
    expected    where the actual should be today if the target is followed: for additive
                indicators (sum, actions completed) the target times the share of the period's
                distribution elapsed (even, or monthly weights); for levels (average, last,
                rates, scales) the line from the baseline to the target (the target itself
                when the baseline is unknown).
    percent     % of the target achieved (for lower-is-better: target / actual).
    status      on track / at risk / off track, from actual vs expected (inverted for
                lower-is-better) and the thresholds ``settings.INDICATOR_STATUS_THRESHOLDS``
                (default ``{"on_track": 0.95, "at_risk": 0.8}``); ``no_target`` and ``no_data``
                when it cannot be judged. A frozen (closed) target keeps its final status.
    forecast    the value expected at the period's end from the run-rate: additive indicators
                extrapolate the actual by the elapsed share of the distribution; levels keep
                their current value.

Aggregations run in SQL: one grouped query per kind of fact (sums / averages / counts with the
last values beside them, or apart on PostgreSQL; category counts, action counts) and per
distinct target period, whatever the number of reps, indicators and measurements.
"""

from __future__ import annotations

import calendar
import functools
import operator
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils.translation import pgettext_lazy

from plans.models import Action, ActionStatus, PlanStatus
from teams import team_cache

from .models import (
    ADDITIVE_UNITS,
    Aggregation,
    Computation,
    Indicator,
    Kind,
    Measurement,
    Target,
)

HUNDRED = Decimal(100)
DEFAULT_THRESHOLDS = {"on_track": 0.95, "at_risk": 0.8}


class Status:
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_TARGET = "no_target"
    NO_DATA = "no_data"

    LABELS = {
        # A context of their own: "On track" means something else for a milestone (plans).
        ON_TRACK: pgettext_lazy("progress status", "On track"),
        AT_RISK: pgettext_lazy("progress status", "At risk"),
        OFF_TRACK: pgettext_lazy("progress status", "Off track"),
        NO_TARGET: pgettext_lazy("progress status", "No target"),
        NO_DATA: pgettext_lazy("progress status", "No data"),
    }
    # Bootstrap colour and icon: the status is never shown by colour alone.
    COLOURS = {
        ON_TRACK: "success",
        AT_RISK: "warning",
        OFF_TRACK: "danger",
        NO_TARGET: "secondary",
        NO_DATA: "secondary",
    }
    ICONS = {
        ON_TRACK: "check-circle-fill",
        AT_RISK: "exclamation-triangle-fill",
        OFF_TRACK: "x-octagon-fill",
        NO_TARGET: "dash-circle",
        NO_DATA: "question-circle",
    }
    # Sort order of the dashboard (worst first when sorting by status).
    RANK = {OFF_TRACK: 0, AT_RISK: 1, ON_TRACK: 2, NO_DATA: 3, NO_TARGET: 4}
    JUDGED = (ON_TRACK, AT_RISK, OFF_TRACK)


@dataclass
class Progress:
    """Where one indicator stands for one rep (``rep``) or the whole team (``rep is None``)."""

    indicator: Indicator
    rep: object | None
    target: Target | None
    period_start: date
    period_end: date
    actual: Decimal | None
    target_value: Decimal | None
    expected: Decimal | None
    percent: Decimal | None
    status: str
    forecast: Decimal | None
    frozen: bool = False
    count: int = 0
    distribution: dict[str, int] | None = None
    # Why an at-risk or off-track status: set by ``indicators.reasons.attach_reasons``.
    reasons: list[str] = field(default_factory=list)

    @property
    def status_label(self):
        return Status.LABELS[self.status]

    @property
    def status_colour(self) -> str:
        return Status.COLOURS[self.status]

    @property
    def status_icon(self) -> str:
        return Status.ICONS[self.status]

    @property
    def rep_id(self) -> int | None:
        return self.rep if isinstance(self.rep, int) or self.rep is None else self.rep.pk

    @property
    def forecast_percent(self) -> Decimal | None:
        """% of target the forecast would reach at the current pace."""
        return percent_of_target(self.indicator, self.forecast, self.target_value)

    @property
    def ceiling_margin(self) -> Decimal | None:
        """Lower is better: how far the actual is from the target (a ceiling), whichever side;
        ``within_ceiling`` says which. None when there is nothing to compare."""
        if not self.indicator.lower_is_better or None in (self.actual, self.target_value):
            return None
        return abs(Decimal(self.target_value) - Decimal(self.actual))

    @property
    def within_ceiling(self) -> bool:
        return self.ceiling_margin is not None and self.actual <= self.target_value

    @property
    def is_reached(self) -> bool:
        return self.percent is not None and self.percent >= HUNDRED

    def as_dict(self) -> dict:
        """Plain data for the API and json_script (Decimals as strings, like DRF)."""

        def num(value):
            return None if value is None else str(value)

        return {
            "indicator": self.indicator.pk,
            "rep": self.rep_id,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "actual": num(self.actual),
            "target": num(self.target_value),
            "expected": num(self.expected),
            "percent": num(self.percent),
            "status": self.status,
            "forecast": num(self.forecast),
            "frozen": self.frozen,
            "count": self.count,
            "distribution": self.distribution,
            "reasons": [str(r) for r in self.reasons],
        }


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------


def progress_for(
    indicator: Indicator,
    *,
    rep=None,
    today: date,
    start: date | None = None,
    end: date | None = None,
) -> Progress:
    """Progress of ``indicator`` for ``rep`` (or the team when ``rep`` is None) as of ``today``.

    ``start`` / ``end`` narrow the period (e.g. one month for an incentive): the target is then
    the share of the target's distribution falling in that window (levels keep their target).
    Without them, the period is the target's (the plan's when there is no target).
    """
    rep_ids = None if rep is None else [rep.pk]
    results = compute([indicator], rep_ids=rep_ids, today=today, start=start, end=end)
    result = results.get((indicator.pk, None if rep is None else rep.pk))
    if result is not None and rep is not None:
        result.rep = rep
    return result


def compute(
    indicators,
    *,
    rep_ids=None,
    include_team: bool | None = None,
    today: date,
    start: date | None = None,
    end: date | None = None,
    team_id=None,
) -> dict[tuple[int, int | None], Progress]:
    """Progress of many indicators at once: ``{(indicator_id, rep_id or None): Progress}``.

    ``rep_ids`` None: every rep with a target, plus the team (key ``None``), whose actual
    combines all the reps' figures. A list: those reps, plus the team if ``include_team``.
    ``Progress.rep`` holds the rep's id here; callers put the User in when they have it.
    Queries: targets (1) + per distinct period: aggregates with the last values (1; on
    PostgreSQL the last values apart, +1 if any), category counts (1, if any), action counts
    (1, if any internal indicator); +1 for rates' parts not in ``indicators``. Indicators without a
    target use their plan's period: load ``plan`` with ``select_related``. ``team_id``: the
    entered figures' aggregates are kept per indicator in that team's cache (see
    ``series_for``).
    """
    indicators = list(indicators)
    if not indicators:
        return {}
    by_id = {ind.pk: ind for ind in indicators}
    if include_team is None:
        include_team = rep_ids is None
    targets_by = _targets_by(by_id, rep_ids)
    chosen = _choose_periods(indicators, targets_by, rep_ids, include_team, today, start, end)
    facts = _facts_per_period(
        chosen,
        by_id,
        _rate_parts(indicators, by_id),
        None if include_team else rep_ids,
        today,
        team_id,
    )
    # Grouped once per call: scanning every fact and target per team cell cost O(indicators x
    # reps) each (bench/dashboard.py).
    team_facts = {
        period: _team_facts_by_indicator(period_facts) for period, period_facts in facts.items()
    }
    reps_targets = defaultdict(list)  # the first target of each rep, per indicator
    for (i, rep_id), ts in targets_by.items():
        if rep_id is not None and ts:
            reps_targets[i].append(ts[0])
    thresholds = _thresholds()

    results = {}
    for (ind_id, rep_id), (target, p_start, p_end) in chosen.items():
        ind = by_id[ind_id]
        if rep_id is None:
            if target is None:
                target = _team_target_from_reps(ind, reps_targets[ind_id], p_start)
            fact_of = team_facts[(p_start, p_end)].get
        else:
            period_facts = facts[(p_start, p_end)]
            fact_of = lambda i, pf=period_facts, r=rep_id: pf.get((i, r))  # noqa: E731
        results[(ind_id, rep_id)] = _evaluate(
            ind,
            rep_id,
            target,
            p_start,
            p_end,
            lambda i, get=fact_of: get(i) or _EMPTY,
            today,
            thresholds,
        )
    return results


def _rate_parts(indicators: list, by_id: dict) -> dict:
    """A rate's parts: taken from ``indicators`` when there, else fetched in one query."""
    part_ids = {
        pid
        for ind in indicators
        if ind.kind == Kind.RATE
        for pid in (ind.numerator_id, ind.denominator_id)
        if pid is not None
    }
    parts = {pid: by_id[pid] for pid in part_ids if pid in by_id}
    missing = part_ids - set(parts)
    if missing:
        parts.update({p.pk: p for p in Indicator.objects.filter(pk__in=missing)})
    return parts


def _targets_by(by_id: dict, rep_ids) -> dict:
    """(indicator id, rep id or None) -> its targets, earliest first (one query)."""
    targets_q = Target.objects.filter(indicator_id__in=list(by_id))
    if rep_ids is not None:
        targets_q = targets_q.filter(Q(rep_id__in=rep_ids) | Q(rep__isnull=True))
    targets_by = defaultdict(list)
    for target in targets_q.order_by("period_start", "id"):
        targets_by[(target.indicator_id, target.rep_id)].append(target)
    return targets_by


def _choose_periods(indicators, targets_by, rep_ids, include_team, today, start, end) -> dict:
    """(indicator id, rep id or None) -> (its target, period start, period end)."""
    chosen: dict[tuple[int, int | None], tuple[Target | None, date, date]] = {}
    for ind in indicators:
        if rep_ids is None:
            keys = {rep_id for (i, rep_id) in targets_by if i == ind.pk} | {None}
        else:
            keys = set(rep_ids) | ({None} if include_team else set())
        for rep_id in keys:
            target = _pick_target(targets_by.get((ind.pk, rep_id), []), today, start)
            p_start, p_end = _period(ind, target, start, end)
            chosen[(ind.pk, rep_id)] = (target, p_start, p_end)
    return chosen


def _facts_per_period(chosen: dict, by_id: dict, parts: dict, rep_ids, today, team_id) -> dict:
    """One set of aggregate queries per distinct period, for its indicators and rates' parts.
    ``team_id``: the team whose cache keeps the figures' aggregates, or None."""
    periods = defaultdict(set)
    for (ind_id, _rep_id), (_t, p_start, p_end) in chosen.items():
        periods[(p_start, p_end)].add(ind_id)
    facts: dict[tuple[date, date], dict] = {}
    for (p_start, p_end), ind_ids in periods.items():
        needed = {i: by_id[i] for i in ind_ids}
        for i in ind_ids:
            ind = by_id[i]
            if ind.kind == Kind.RATE:
                for pid in (ind.numerator_id, ind.denominator_id):
                    if pid is not None:
                        needed[pid] = parts[pid]
        facts[(p_start, p_end)] = _collect(
            list(needed.values()), p_start, p_end, rep_ids, today, team_id
        )
    return facts


def _team_facts_by_indicator(period_facts: dict) -> dict:
    per_indicator = defaultdict(list)
    for (i, _rep_id), f in period_facts.items():
        per_indicator[i].append(f)
    return {i: _team_facts(fs) for i, fs in per_indicator.items()}


def targets_at_risk(*, today: date, team_ids=None) -> list[Progress]:
    """Targets of active plans forecast to be missed: status "at risk" or "off track" today.

    One row per target whose period contains ``today`` and that is not frozen; ``row.rep`` is
    the rep (a User) or None for a team target; ``row.indicator.plan.team`` is loaded. Sorted by
    team, indicator, then rep (team rows first). ``team_ids`` limits the sweep to those teams.
    Used by the reminder sweep ("at risk" stage). Queries: targets (1) + ``compute``'s.
    """
    qs = Target.objects.filter(
        indicator__plan__status=PlanStatus.ACTIVE,
        period_start__lte=today,
        period_end__gte=today,
        closed_at__isnull=True,
    )
    if team_ids is not None:
        qs = qs.filter(indicator__plan__team_id__in=list(team_ids))
    pairs = list(qs.values_list("indicator_id", "rep_id"))
    if not pairs:
        return []
    indicators = list(
        Indicator.objects.filter(pk__in={i for i, _r in pairs}).select_related(
            "plan__team", "numerator", "denominator"
        )
    )
    rep_ids = sorted({r for _i, r in pairs if r is not None})
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=rep_ids)}
    results = compute(indicators, rep_ids=None, today=today)
    rows = []
    for ind_id, rep_id in set(pairs):
        row = results.get((ind_id, rep_id))
        if row is None or row.status not in (Status.AT_RISK, Status.OFF_TRACK):
            continue
        row.rep = users.get(rep_id) if rep_id else None
        rows.append(row)
    rows.sort(
        key=lambda r: (
            r.indicator.plan.team.name,
            r.indicator.position,
            r.indicator.pk,
            r.rep is not None,
            getattr(r.rep, "pk", 0),
        )
    )
    return rows


def series(indicator: Indicator, *, rep_ids, start: date, end: date) -> dict:
    """Weekly points of one indicator for charts: ``{rep_id: [(week_start, value), ...]}``.

    See ``series_for``; rep ``None`` holds the team's line.
    """
    return series_for([indicator], rep_ids=rep_ids, start=start, end=end).get(indicator.pk, {})


def series_for(indicators, *, rep_ids, start: date, end: date, per_rep=True, team_id=None) -> dict:
    """Weekly points of many indicators: ``{indicator_id: {rep_id: [(week, value), ...]}}``.

    Additive indicators give the running total, rates the running ratio of sums, categories
    the running share of the category aimed at, levels the week's average. One grouped query
    for all of them (rates' parts included); the team's line is under rep ``None``.
    ``per_rep``: ``True`` gives every rep's line too; a set of indicator ids gives theirs
    only, the others the team's line alone (summed in SQL: a year of a team's figures grouped
    per rep and week was most of the dashboard's trend charts' time). ``team_id``: the weeks
    of each indicator's figures are kept in the team's cache (``team_cache.per_indicator``),
    and only those of the indicators whose figures changed are read again.
    """
    indicators = list(indicators)
    # Weeks counted in whole weeks from the Monday of ``start``'s week: a number the database
    # works out faster than a date (a team's year of figures: bench/pages.py, dashboard-cold).
    origin = start - timedelta(days=start.weekday())
    ids = set()
    for ind in indicators:
        ids.add(ind.pk)
        if ind.kind == Kind.RATE:
            ids.update(i for i in (ind.numerator_id, ind.denominator_id) if i)
    # Per figure's indicator: whether its rows stay per rep, and the category aimed at.
    aims = {i.pk: i.target_category for i in indicators if i.uses_categories}
    apart = {pk: per_rep is True or bool(per_rep and pk in per_rep) for pk in ids}

    def read(wanted) -> list:
        return list(_weekly_rows(wanted, rep_ids, start, end, apart, aims, origin))

    kept = _kept(team_id, (start, end), rep_ids)
    if kept is None:
        rows = read(ids)
    else:
        rows = kept("weeks", {pk: f"{apart[pk]}|{aims.get(pk)}" for pk in ids}, read)
    out: dict[int, dict] = defaultdict(dict)
    for who, weeks in _weekly_cells(rows, origin).items():
        for ind_id, line in _running_lines(indicators, weeks).items():
            out[ind_id][who] = line
    return dict(out)


def _weekly_rows(ids, rep_ids, start: date, end: date, apart: dict, aims: dict, origin: date):
    """One row per (figure's indicator, rep or None, week) of the figures ``series_for``
    reads, as (indicator id, rep id or None, week, total, average, count, hits)."""
    qs = Measurement.objects.filter(indicator_id__in=ids, date__range=(start, end))
    if rep_ids is not None:
        qs = qs.filter(rep_id__in=rep_ids)
    per_rep = sorted(pk for pk in ids if apart[pk])
    if len(per_rep) == len(ids):
        who = F("rep_id")
    elif per_rep:
        who = Case(When(indicator_id__in=per_rep, then=F("rep_id")), default=None)
    else:
        who = Value(None, output_field=IntegerField())
    # A figure in the category aimed at, for the categories indicators (the only ones that
    # read it): their aims written into the query rather than joined from each row's indicator.
    hit = [Q(indicator=pk, category=aim) for pk, aim in aims.items() if pk in ids]
    hits = Count("id", filter=functools.reduce(operator.or_, hit)) if hit else Value(0)
    return (
        qs.annotate(week=WeeksSince("date", origin), who=who)
        .values("indicator_id", "who", "week")
        .annotate(total=Sum("value"), avg=Avg("value"), n=Count("id"), hits=hits)
        .values_list("indicator_id", "who", "week", "total", "avg", "n", "hits")
        .order_by()  # the weeks are sorted by _running_lines
    )


def _weekly_cells(rows, origin: date) -> dict:
    """``{who: {week's Monday: {indicator_id: [total, n, hits, sum of averages x n]}}}``, each
    row counted for its rep and for the team (``None``)."""
    weekly = defaultdict(lambda: defaultdict(lambda: defaultdict(lambda: [Decimal(0), 0, 0, 0])))
    mondays = {}
    for ind_id, row_who, row_week, total, avg, n, hits in rows:
        week = mondays.get(row_week)
        if week is None:
            week = mondays[row_week] = origin + timedelta(weeks=row_week)
        for who in {row_who, None}:
            cell = weekly[who][week][ind_id]
            cell[0] += _dec(total) or Decimal(0)
            cell[1] += n
            cell[2] += hits
            if avg is not None:
                cell[3] += _dec(avg) * n
    return weekly


def _running_lines(indicators, weeks: dict) -> dict:
    """One person's (or the team's) ``{indicator_id: [(week, value), ...]}``, weeks in order,
    each value from the running sums up to that week."""
    running = defaultdict(lambda: [Decimal(0), 0, 0])
    points = defaultdict(list)
    for week in sorted(weeks):
        cells = weeks[week]
        for ind_id, (total, n, hits, _weighted) in cells.items():
            running[ind_id][0] += total
            running[ind_id][1] += n
            running[ind_id][2] += hits
        for ind in indicators:
            if ind.kind == Kind.RATE:
                if ind.numerator_id not in cells and ind.denominator_id not in cells:
                    continue
            elif ind.pk not in cells:
                continue
            points[ind.pk].append((week, _round(_week_value(ind, cells.get(ind.pk), running))))
    return points


def _week_value(ind, this_week, running) -> Decimal | None:
    """The indicator's point for a week that has figures, from the running sums."""
    if ind.kind == Kind.RATE:
        den = running[ind.denominator_id][0]
        return running[ind.numerator_id][0] / den * HUNDRED if den else None
    if ind.uses_categories:
        n = running[ind.pk][1]
        return Decimal(running[ind.pk][2]) / n * HUNDRED if n else None
    if _is_additive(ind):
        return running[ind.pk][0]
    return this_week[3] / this_week[1] if this_week[1] else None


class WeeksSince(Func):
    """Whole weeks from ``origin`` (a date, or an aware datetime) to a date or datetime column,
    computed by the database: the charts (``series_for``) and the "what worked" report group by
    it instead of reading every day. On SQLite a number is worked out faster than a date
    (``date(..., 'weekday 1')``) or than Django's ``TruncWeek``, which calls Python per row."""

    output_field = IntegerField()

    def __init__(self, column: str, origin):
        if isinstance(origin, datetime):
            origin = Value(origin.astimezone(UTC).replace(tzinfo=None).isoformat(" "))
            self.moment = True
        else:
            origin = Value(origin, output_field=DateField())
            self.moment = False
        super().__init__(F(column), origin)

    def as_sqlite(self, compiler, connection, **extra):
        template = "CAST((julianday(%(expressions)s) - julianday(%(origin)s)) / 7 AS INTEGER)"
        column, origin = self.source_expressions
        col_sql, col_params = compiler.compile(column)
        origin_sql, origin_params = compiler.compile(origin)
        sql = template % {"expressions": col_sql, "origin": origin_sql}
        return sql, (*col_params, *origin_params)

    def as_postgresql(self, compiler, connection, **extra):
        column, origin = self.source_expressions
        col_sql, col_params = compiler.compile(column)
        origin_sql, origin_params = compiler.compile(origin)
        if self.moment:
            sql = f"FLOOR(EXTRACT(EPOCH FROM ({col_sql} - {origin_sql}::timestamp)) / 604800)::int"
        else:
            sql = f"(({col_sql} - {origin_sql}::date) / 7)"
        return sql, (*col_params, *origin_params)


def expected_line(target: Target, *, indicator: Indicator, weeks: list[date]) -> list:
    """The target line for charts: the expected value at the end of each week."""
    values = []
    for week in weeks:
        day = min(week + timedelta(days=6), target.period_end)
        values.append(_round(_expected(indicator, target, target.value, target.period_start, day)))
    return values


def distribution_share(target: Target, start: date, end: date) -> Decimal:
    """Share (0..1) of ``target``'s distribution falling between ``start`` and ``end``.

    Even spread: days in the window / days in the period. Monthly weights: each month carries
    its weight, spread evenly over its days inside the period.
    """
    weights = target.monthly_weights or ()
    return _share(target.period_start, target.period_end, tuple(weights), start, end)


@functools.lru_cache(maxsize=4096)
def _share(p_start: date, p_end: date, weights: tuple, start: date, end: date) -> Decimal:
    # Cached: a dashboard asks the same few (period, window) pairs for every cell, and the
    # Decimal arithmetic per call was a good part of its Python time (bench/dashboard.py).
    a, b = max(start, p_start), min(end, p_end)
    if b < a:
        return Decimal(0)
    total_days = (p_end - p_start).days + 1
    weights = [Decimal(str(w)) for w in weights]
    if not weights or sum(weights) <= 0:
        return Decimal((b - a).days + 1) / Decimal(total_days)
    covered = Decimal(0)
    month_start = p_start
    index = 0
    while month_start <= p_end:
        last_day = calendar.monthrange(month_start.year, month_start.month)[1]
        month_end = min(date(month_start.year, month_start.month, last_day), p_end)
        weight = weights[index] if index < len(weights) else Decimal(0)
        lo, hi = max(a, month_start), min(b, month_end)
        if hi >= lo and weight:
            covered += (
                weight * Decimal((hi - lo).days + 1) / Decimal((month_end - month_start).days + 1)
            )
        month_start = month_end + timedelta(days=1)
        index += 1
    return covered / sum(weights)


def months_of(start: date, end: date) -> int:
    """Number of calendar months a period touches (the length of its monthly weights)."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


# --------------------------------------------------------------------------------------------
# Internals
# --------------------------------------------------------------------------------------------


@dataclass
class _Facts:
    total: Decimal | None = None  # sum of values
    n: int = 0  # number of measurements
    n_values: int = 0  # measurements with a value
    last: Decimal | None = None  # latest value ("last value" indicators)
    categories: Counter = field(default_factory=Counter)
    done: int = 0  # internal indicators: actions completed in the period
    due: int = 0  # actions due so far
    on_time: int = 0  # of which done by their first due date


_EMPTY = _Facts()


class _PerGroup(Subquery):
    """A subquery correlated on the GROUP BY columns only: evaluated once per group.

    Django groups by any non-aggregate annotation, which would evaluate the subquery for every
    row (and group by its result); its outer references are grouped columns already, so it
    adds nothing to the GROUP BY.
    """

    def get_group_by_cols(self):
        return []


def _dec(value) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


_CENT = Decimal("0.01")


def _round(value) -> Decimal | None:
    if value is None:
        return None
    return (value if isinstance(value, Decimal) else Decimal(value)).quantize(_CENT)


def _thresholds() -> tuple[float, float]:
    conf = {**DEFAULT_THRESHOLDS, **getattr(settings, "INDICATOR_STATUS_THRESHOLDS", {})}
    return float(conf["on_track"]), float(conf["at_risk"])


def _is_additive(indicator: Indicator) -> bool:
    if indicator.computation == Computation.ACTIONS_COMPLETED:
        return True
    if indicator.computation == Computation.ACTIONS_ON_TIME:
        return False
    return indicator.kind == Kind.QUANTITATIVE and indicator.aggregation == Aggregation.SUM


def _pick_target(targets: list[Target], today: date, start: date | None) -> Target | None:
    """The target in force: the one covering ``start`` (or today), else the latest begun."""
    if not targets:
        return None
    day = start or today
    for target in targets:
        if target.period_start <= day <= target.period_end:
            return target
    begun = [t for t in targets if t.period_start <= day]
    return begun[-1] if begun else targets[0]


def _period(indicator, target, start, end) -> tuple[date, date]:
    if target is not None:
        p_start, p_end = target.period_start, target.period_end
    else:
        p_start, p_end = indicator.plan.start_date, indicator.plan.end_date
    return (start or p_start), (end or p_end)


def _collect(indicators, start: date, end: date, rep_ids, today: date, team_id=None) -> dict:
    """Facts per (indicator_id, rep_id) over [start, end], in at most four grouped queries."""
    facts: dict[tuple[int, int], _Facts] = defaultdict(_Facts)
    typed = [i for i in indicators if not i.computation and i.kind != Kind.RATE]
    base = Measurement.objects.filter(date__range=(start, end))
    if rep_ids is not None:
        base = base.filter(rep_id__in=rep_ids)
    if typed:
        _collect_figures(facts, base, typed, _kept(team_id, (start, end), rep_ids))
        _collect_categories(facts, base, [i.pk for i in typed if i.uses_categories])
    internal = [i for i in indicators if i.computation]
    if internal:
        _collect_actions(facts, internal, start, end, rep_ids, today)
    return dict(facts)


def _kept(team_id, period, rep_ids):
    """What keeps a query's rows per indicator in the team's cache (None: no team, read them):
    ``kept(name, {indicator_id: what its rows depend on}, read)``, ``read(ids)`` giving the rows
    of those indicators, each row starting with its indicator's id."""
    if team_id is None:
        return None
    reps = ",".join(map(str, sorted(rep_ids))) if rep_ids is not None else "all"

    def kept(name: str, extras: dict, read) -> list:
        keys = {
            pk: team_cache.part_key(
                name,
                team_id=team_id,
                indicator_id=pk,
                extra=f"{period[0]}|{period[1]}|{reps}|{extra}",
            )
            for pk, extra in sorted(extras.items())
        }

        def compute(missing) -> dict:
            by_indicator = {pk: [] for pk in missing}
            for row in read(missing):
                by_indicator[row[0]].append(row)
            return by_indicator

        rows = team_cache.per_indicator(team_id, keys, compute)
        return [row for pk in keys for row in rows[pk]]

    return kept


def _collect_figures(facts, base, typed, kept=None) -> None:
    """Entered figures: total, counts and, for a "last value" indicator, the latest value.
    ``kept``: see ``_kept``."""
    aggregates = {"total": Sum("value"), "n": Count("*"), "n_values": Count("value")}
    last_ids = {i.pk for i in typed if i.aggregation == Aggregation.LAST and not i.uses_scale}
    # SQLite: the latest value of each group in the same grouped query, a correlated
    # subquery seeking one row per (indicator, rep) on ``measurement_ind_rep_date``; a
    # window function over every figure of the period cost a second query and a sort
    # (bench/dashboard.py). It runs for every group (narrowing it to the "last value"
    # indicators with ``IN`` made SQLite slower); the others' result is unused.
    # PostgreSQL keeps the window query: its planner overestimates the groups (thousands
    # for 150), so the subquery's estimated cost crosses ``jit_above_cost`` and JIT
    # compilation alone took ~45 ms, more than the window query costs.
    fold_last = bool(last_ids) and connection.vendor != "postgresql"
    if fold_last:
        aggregates["last"] = _PerGroup(
            base.filter(
                indicator_id=OuterRef("indicator_id"),
                rep_id=OuterRef("rep_id"),
                value__isnull=False,
            )
            .order_by("-date", "-id")
            .values("value")[:1]
        )
    columns = ["indicator_id", "rep_id", "total", "n", "n_values", *(["last"] if fold_last else [])]

    def read(ids):
        return (
            base.filter(indicator_id__in=list(ids))
            .values("indicator_id", "rep_id")
            .annotate(**aggregates)
            .values_list(*columns)
            .order_by()
        )

    ids = [i.pk for i in typed]
    rows = read(ids) if kept is None else kept("figures", dict.fromkeys(ids, fold_last), read)
    for ind_id, rep_id, total, n, n_values, *last in rows:
        f = facts[(ind_id, rep_id)]
        f.total, f.n, f.n_values = _dec(total), n, n_values
        if fold_last and ind_id in last_ids:
            f.last = _dec(last[0])
    if last_ids and not fold_last:
        _collect_last_values(facts, base, last_ids)


def _collect_last_values(facts, base, last_ids) -> None:
    """The latest value of each (indicator, rep), ranked by a window query (PostgreSQL)."""
    ranked = (
        base.filter(indicator_id__in=last_ids, value__isnull=False)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("indicator_id"), F("rep_id")],
                order_by=[F("date").desc(), F("id").desc()],
            )
        )
        .filter(rank=1)
        .values_list("indicator_id", "rep_id", "value")
    )
    for ind_id, rep_id, value in ranked:
        facts[(ind_id, rep_id)].last = _dec(value)


def _collect_categories(facts, base, cat_ids) -> None:
    """How many figures fell in each category, for the categories indicators."""
    if not cat_ids:
        return
    for row in (
        base.filter(indicator_id__in=cat_ids)
        .exclude(category="")
        .values("indicator_id", "rep_id", "category")
        .annotate(n=Count("id"))
        .order_by()
    ):
        facts[(row["indicator_id"], row["rep_id"])].categories[row["category"]] = row["n"]


def _collect_actions(facts, internal, start: date, end: date, rep_ids, today: date) -> None:
    """Indicators computed from their levers' actions: done, due so far, done on time."""
    done = Q(status=ActionStatus.DONE)
    done_in = done & Q(completed_at__date__range=(start, end))
    due_so_far = Q(original_due_date__range=(start, min(end, today))) & ~Q(
        status=ActionStatus.CANCELLED
    )
    on_time = due_so_far & done & Q(completed_at__date__lte=F("original_due_date"))
    actions = Action.objects.filter(lever__indicators__in=[i.pk for i in internal])
    if rep_ids is not None:
        actions = actions.filter(assignee_id__in=rep_ids)
    for row in (
        actions.values("lever__indicators", "assignee_id")
        .annotate(
            done=Count("id", filter=done_in),
            due=Count("id", filter=due_so_far),
            on_time=Count("id", filter=on_time),
        )
        .order_by()
    ):
        f = facts[(row["lever__indicators"], row["assignee_id"])]
        f.done, f.due, f.on_time = row["done"], row["due"], row["on_time"]


def _team_facts(reps_facts: list[_Facts]) -> _Facts:
    """The team's facts: every rep's figures of one indicator combined (no extra query)."""
    team = _Facts()
    lasts = []
    for f in reps_facts:
        if f.total is not None:
            team.total = (team.total or Decimal(0)) + f.total
        team.n += f.n
        team.n_values += f.n_values
        team.categories.update(f.categories)
        team.done += f.done
        team.due += f.due
        team.on_time += f.on_time
        if f.last is not None:
            lasts.append(f.last)
    if lasts:
        team.last = sum(lasts)
        team.last_values = len(lasts)  # type: ignore[attr-defined]
    return team


def _team_target_from_reps(indicator, reps: list[Target], p_start) -> Target | None:
    """With no team target, an additive indicator's team target is the sum of the reps'
    (``reps``: each rep's first target of the indicator)."""
    if not _is_additive(indicator):
        return None
    reps = [t for t in reps if t.period_start == p_start] or reps
    if not reps:
        return None
    first = reps[0]
    return Target(
        indicator=indicator,
        rep=None,
        value=sum(t.value for t in reps),
        period_start=first.period_start,
        period_end=first.period_end,
        monthly_weights=first.monthly_weights,
    )


def _actual(indicator, f: _Facts, fact_of, team: bool) -> Decimal | None:
    if indicator.computation == Computation.ACTIONS_COMPLETED:
        return Decimal(f.done)
    if indicator.computation == Computation.ACTIONS_ON_TIME:
        return (Decimal(f.on_time) / Decimal(f.due) * HUNDRED) if f.due else None
    if indicator.kind == Kind.RATE:
        if indicator.numerator_id is None or indicator.denominator_id is None:
            return None
        num = fact_of(indicator.numerator_id).total or Decimal(0)
        den = fact_of(indicator.denominator_id).total or Decimal(0)
        return (num / den * HUNDRED) if den else None  # zero denominator: "n/a"
    if indicator.uses_categories:
        total = sum(f.categories.values())
        if not total:
            return None
        return Decimal(f.categories.get(indicator.target_category, 0)) / Decimal(total) * HUNDRED
    aggregation = indicator.effective_aggregation
    if aggregation == Aggregation.SUM:
        return f.total or Decimal(0)
    if aggregation == Aggregation.AVERAGE:
        return (f.total / f.n_values) if f.n_values and f.total is not None else None
    # Last value: a team adds its reps' last values for counts and money, else averages them.
    if f.last is None:
        return None
    if team and indicator.unit not in ADDITIVE_UNITS:
        return f.last / getattr(f, "last_values", 1)
    return f.last


def _expected(indicator, target, value, start: date, today: date) -> Decimal:
    """Where the actual should stand on ``today`` (see the module docstring)."""
    share = distribution_share(target, start, today) if today >= start else Decimal(0)
    if _is_additive(indicator):
        return value * share
    baseline = indicator.baseline
    if baseline is None:
        return value
    return baseline + (value - baseline) * share


def _status(indicator, actual, expected, thresholds) -> str:
    on_track, at_risk = thresholds
    if indicator.lower_is_better:
        if actual <= expected:
            return Status.ON_TRACK
        ratio = float(expected / actual) if actual else 1.0
    else:
        if actual >= expected:
            return Status.ON_TRACK
        ratio = float(actual / expected) if expected else 1.0
    if ratio >= on_track:
        return Status.ON_TRACK
    if ratio >= at_risk:
        return Status.AT_RISK
    return Status.OFF_TRACK


def _evaluate(ind, rep_id, target, p_start, p_end, fact_of, today, thresholds) -> Progress:
    f = fact_of(ind.pk)
    count = f.n if not ind.computation else f.done
    distribution = dict(f.categories) if ind.uses_categories else None
    actual = _actual(ind, f, fact_of, team=rep_id is None)
    if ind.kind == Kind.RATE:
        count = fact_of(ind.denominator_id).n if ind.denominator_id else 0
    if target is not None and target.is_frozen:
        return Progress(
            indicator=ind,
            rep=rep_id,
            target=target,
            period_start=p_start,
            period_end=p_end,
            actual=_round(target.final_actual),
            target_value=target.value,
            expected=target.value,
            percent=percent_of_target(ind, target.final_actual, target.value),
            status=target.final_status or Status.NO_DATA,
            forecast=_round(target.final_actual),
            frozen=True,
            count=count,
            distribution=distribution,
        )
    if target is None:
        return Progress(
            indicator=ind,
            rep=rep_id,
            target=None,
            period_start=p_start,
            period_end=p_end,
            actual=_round(actual),
            target_value=None,
            expected=None,
            percent=None,
            status=Status.NO_TARGET,
            forecast=None,
            count=count,
            distribution=distribution,
        )
    additive = _is_additive(ind)
    # Share of the target's distribution inside the window, and elapsed by today.
    window = distribution_share(target, p_start, p_end)
    elapsed = distribution_share(target, p_start, today) if today >= p_start else Decimal(0)
    if additive:
        value = target.value * window
        expected = target.value * elapsed
    else:
        value = target.value
        expected = _expected(ind, target, value, target.period_start, min(today, p_end))
    forecast = None
    if actual is not None:  # run-rate for additive indicators, current level otherwise
        forecast = (actual * window / elapsed if elapsed else None) if additive else actual
    status = Status.NO_DATA if actual is None else _status(ind, actual, expected, thresholds)
    return Progress(
        indicator=ind,
        rep=rep_id,
        target=target,
        period_start=p_start,
        period_end=p_end,
        actual=_round(actual),
        target_value=_round(value),
        expected=_round(expected),
        percent=percent_of_target(ind, actual, value),
        status=status,
        forecast=_round(forecast),
        count=count,
        distribution=distribution,
    )


def percent_of_target(indicator, actual, target_value) -> Decimal | None:
    """% of ``target_value`` that ``actual`` reaches, to one decimal; for lower-is-better
    indicators target / actual (0 against a target of 0 or more is 100 %). None when there is
    nothing to compare. The one formula: dashboards, challenges and incentives all use it."""
    if actual is None or target_value is None:
        return None
    if indicator.lower_is_better:
        if not actual:
            return HUNDRED if target_value >= 0 else None
        return (Decimal(target_value) / Decimal(actual) * HUNDRED).quantize(Decimal("0.1"))
    if not target_value:
        return None
    return (Decimal(actual) / Decimal(target_value) * HUNDRED).quantize(Decimal("0.1"))
