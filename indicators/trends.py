"""The dashboard's trend charts: each indicator of the plan week by week, for the team or one
rep, beside the target line.

Queries, whatever the number of reps and indicators: the entered figures (and the rates'
parts) in one grouped query (``progress.series_for``), the actions behind the internal
indicators in one more, only when the plan has such an indicator. The targets come from the
dashboard already computed (each cell carries its target), so they cost nothing here.

A week with no figure has no point (``None``): the chart shows a gap there and the table a
dash, never a zero, since "nothing recorded" is not "zero done". The same holds for the weeks
still to come.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q
from django.db.models.functions import TruncWeek
from django.utils.formats import date_format

from plans.models import Action, ActionStatus
from plans.weeks import weeks_between

from .models import ADDITIVE_UNITS, Aggregation, Computation, Kind
from .progress import HUNDRED, Progress, expected_line, series_for


@dataclass
class Trend:
    """One indicator's chart: ``actual[i]`` and ``target[i]`` for week ``weeks[i]`` (None: no
    figure, or no target that week); ``better[i]`` says whether the actual is on the target
    line or on its good side (below it for a lower-is-better indicator)."""

    cell: Progress
    weeks: list[date]
    actual: list[Decimal | None]
    target: list[Decimal | None]
    today: date

    @property
    def indicator(self):
        return self.cell.indicator

    @property
    def better(self) -> list[bool | None]:
        lower = self.indicator.lower_is_better
        return [
            None if a is None or t is None else (a <= t if lower else a >= t)
            for a, t in zip(self.actual, self.target, strict=True)
        ]

    @property
    def rows(self) -> list[tuple]:
        """(week, actual, target, better) up to this week, for the summary under the chart
        (the weeks to come have no figure; the summary gives the final target)."""
        rows = zip(self.weeks, self.actual, self.target, self.better, strict=True)
        return [row for row in rows if row[0] <= self.today]

    @property
    def final_target(self) -> Decimal | None:
        return self.cell.target_value

    @property
    def latest(self) -> tuple | None:
        """The last week with a figure, as a row, for the one-line summary."""
        return next((row for row in reversed(self.rows) if row[1] is not None), None)


def dashboard_trends(board, *, rep=None) -> list[Trend]:
    """The trend of each of ``board``'s indicators over its plan, for the team (``rep`` None:
    the reps of the board together) or for ``rep`` (one of the board's rows)."""
    plan = board.plan
    if plan is None or not board.indicators:
        return []
    # One rep's figures alone make the team line of a series narrowed to that rep.
    if rep is None:
        rep_ids, cells = [row.rep.pk for row in board.rows], board.team_cells
    else:
        row = next(r for r in board.rows if r.rep.pk == rep.pk)
        rep_ids, cells = [rep.pk], row.cells
    start, end = plan.start_date, plan.end_date
    weeks = weeks_between(start, end)
    # Apart per rep only where the team's figure needs each rep's (their last values).
    apart = {i.pk for i in board.indicators if rep is None and _sums_last_values(i)}
    lines = series_for(
        board.indicators,
        rep_ids=rep_ids,
        start=start,
        end=end,
        per_rep=apart,
        team_id=board.team.pk,
    )
    internal = [i for i in board.indicators if i.computation]
    if internal:
        lines.update(_action_series(internal, rep_ids, start, min(end, board.today)))
    trends = []
    for cell in cells:
        ind = cell.indicator
        per_rep = lines.get(ind.pk, {})
        if ind.pk in apart:
            by_week = _summed_last_values(per_rep, rep_ids)
        else:
            by_week = dict(per_rep.get(None, []))
        target = [None] * len(weeks)
        if cell.target is not None:
            target = _target_line(cell, weeks)
        actual = [by_week.get(w) for w in weeks]
        trends.append(
            Trend(cell=cell, weeks=weeks, actual=actual, target=target, today=board.today)
        )
    return trends


def _sums_last_values(indicator) -> bool:
    """A team's "last value" of counts or money is the sum of its reps' (as in the grid)."""
    return (
        indicator.aggregation == Aggregation.LAST
        and indicator.unit in ADDITIVE_UNITS
        and not indicator.computation
        and indicator.kind == Kind.QUANTITATIVE
    )


def _summed_last_values(per_rep: dict, rep_ids) -> dict:
    """{week: sum of each rep's latest figure so far}, for the weeks someone gave a figure."""
    latest: dict[int, Decimal] = {}
    by_rep_week = defaultdict(dict)
    for rep_id in rep_ids:
        for week, value in per_rep.get(rep_id, []):
            by_rep_week[week][rep_id] = value
    out = {}
    for week in sorted(by_rep_week):
        latest.update({k: v for k, v in by_rep_week[week].items() if v is not None})
        out[week] = sum(latest.values()) if latest else None
    return out


def _target_line(cell: Progress, weeks: list[date]) -> list:
    """The expected value at the end of each week of the target's period (None outside it)."""
    t = cell.target
    inside = [w for w in weeks if w + timedelta(days=6) >= t.period_start and w <= t.period_end]
    values = dict(
        zip(inside, expected_line(t, indicator=cell.indicator, weeks=inside), strict=True)
    )
    return [values.get(w) for w in weeks]


def _action_series(internal, rep_ids, start: date, end: date) -> dict:
    """Weekly points of the indicators computed from their levers' actions, in one query:
    ``{indicator_id: {None: [(week, value), ...]}}``, the reps of ``rep_ids`` together.

    Actions completed: the running count, a point for each week something was completed.
    Done on time: the running share of the actions due so far that were done by their
    original due date, a point for each week an action fell due.
    """
    done = Q(status=ActionStatus.DONE)
    due = Q(original_due_date__range=(start, end)) & ~Q(status=ActionStatus.CANCELLED)
    rows = (
        Action.objects.filter(
            lever__indicators__in=[i.pk for i in internal], assignee_id__in=rep_ids
        )
        .annotate(done_week=TruncWeek("completed_at"), due_week=TruncWeek("original_due_date"))
        .values("lever__indicators", "done_week", "due_week")
        .annotate(
            done=Count("id", filter=done & Q(completed_at__date__range=(start, end))),
            due=Count("id", filter=due),
            on_time=Count(
                "id", filter=due & done & Q(completed_at__date__lte=F("original_due_date"))
            ),
        )
        .order_by()
    )
    # per indicator: {week: [done, due, on time]}
    weekly = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for row in rows:
        counts = weekly[row["lever__indicators"]]
        if row["done"]:
            counts[_day(row["done_week"])][0] += row["done"]
        if row["due"]:
            counts[_day(row["due_week"])][1] += row["due"]
            counts[_day(row["due_week"])][2] += row["on_time"]
    out = {}
    for ind in internal:
        done_so_far = due_so_far = on_time_so_far = 0
        points = []
        for week, (d, n, ok) in sorted(weekly[ind.pk].items()):
            done_so_far, due_so_far, on_time_so_far = (
                done_so_far + d,
                due_so_far + n,
                on_time_so_far + ok,
            )
            if ind.computation == Computation.ACTIONS_COMPLETED and d:
                points.append((week, Decimal(done_so_far)))
            elif ind.computation == Computation.ACTIONS_ON_TIME and n:
                points.append((week, round(Decimal(on_time_so_far) / due_so_far * HUNDRED, 2)))
        out[ind.pk] = {None: points}
    return out


def _day(value) -> date:
    """TruncWeek gives a datetime for a datetime field (a date on some backends)."""
    return value.date() if hasattr(value, "date") else value


def chart_data(trends: list[Trend], labels: dict) -> dict:
    """What the page's script draws, for ``json_script``: the weeks (ISO and as the axis shows
    them, and as the table dates them), and per indicator its name, unit, direction and the
    three series. ``labels``: the translated words of the chart and its table."""
    weeks = trends[0].weeks if trends else []
    return {
        "weeks": [w.isoformat() for w in weeks],
        # Day and short month ("21 Sep"): a full date per tick crowds a phone's axis.
        "labels": [date_format(w, "j M") for w in weeks],
        # The table's rows: each week's full date, up to this week (none to come has figures).
        "dates": [date_format(w, "SHORT_DATE_FORMAT") for w in weeks],
        "shown": sum(1 for w in weeks if trends[0].today >= w) if trends else 0,
        "names": labels,
        "charts": [
            {
                "indicator": t.indicator.pk,
                "name": str(t.indicator),
                "unit": t.indicator.display_unit,
                "lower_is_better": t.indicator.lower_is_better,
                "actual": [None if v is None else float(v) for v in t.actual],
                "target": [None if v is None else float(v) for v in t.target],
                "better": t.better,
            }
            for t in trends
        ],
    }
