"""What if: where an indicator ends the period if a rep (or the team) does N more a week from now,
when the target would be reached, and which weekly pace reaches it.

Indicators that add up (sums, actions completed) follow the target's distribution: the pace so
far continues (the engine's run-rate) and "+N a week" is N in an average week of the period,
more in a heavy month and less in a light one, as the monthly weights say (even spread: N each
week). So the projection at the period's end is the engine's forecast plus N x the weeks of the
period x the share of the distribution still to come, and the target is reached on the first
day the running projection meets it.

Levels (averages, last values, rates, scales, shares of a category) move by N a week from
their current level, evenly: projected = current + N x weeks left.

"What weekly pace reaches the target" is the pace from tomorrow on (in an average week) that
lands exactly on the target at the period's end; for an additive indicator also the pace so
far, in the same unit, to compare. When lower is better, an additive target is a ceiling: the
pace is the most that stays under it, and no date "reaches" it; a level reaches it by going
down (a negative N).

``what_if_asked`` reads the question (a page's or the API's query string) for a user: the reps
they may ask about are those whose figures they see; another rep is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.http import Http404

from .forms import WhatIfForm
from .models import Indicator
from .progress import _is_additive, distribution_share, percent_of_target, progress_for
from .selectors import sees_all_reps

SEVEN = Decimal(7)
_CENT = Decimal("0.01")


@dataclass
class WhatIf:
    indicator: Indicator
    rep: object | None  # None: the team
    today: date
    extra_per_week: Decimal
    period_start: date
    period_end: date
    actual: Decimal | None
    target: Decimal | None
    projected: Decimal | None  # value at the period's end
    projected_percent: Decimal | None  # % of the target it reaches
    reached_on: date | None  # the day the target is reached (None: not within the period)
    current_per_week: Decimal | None  # pace so far, in an average week (additive only)
    needed_per_week: Decimal | None  # the pace from tomorrow that lands on the target
    frozen: bool = False

    def as_dict(self) -> dict:
        def num(value):
            return None if value is None else str(value)

        return {
            "indicator": self.indicator.pk,
            "rep": None if self.rep is None else self.rep.pk,
            "today": self.today.isoformat(),
            "extra_per_week": num(self.extra_per_week),
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "actual": num(self.actual),
            "target": num(self.target),
            "projected": num(self.projected),
            "projected_percent": num(self.projected_percent),
            "reached_on": None if self.reached_on is None else self.reached_on.isoformat(),
            "current_per_week": num(self.current_per_week),
            "needed_per_week": num(self.needed_per_week),
            "frozen": self.frozen,
        }


def what_if_asked(indicator: Indicator, user, params, *, today: date):
    """``(form, result)`` for the question in ``params`` (``rep``, ``extra_per_week``) about
    ``indicator``, already visible to ``user``; ``result`` is None when the form is refused. A
    rep id the user may not ask about is a 404, as if it did not exist. Without ``params``,
    the question of the empty form (a rep: themselves; otherwise the team; nothing more)."""
    reps = _askable_reps(indicator, user)
    raw = str(params.get("rep", "") or "")
    if raw.isdigit() and len(raw) <= 12 and not reps.filter(pk=int(raw)).exists():
        raise Http404
    if not params:
        form = what_if_form(indicator, user, reps=reps)
        rep = reps.filter(pk=form.initial.get("rep")).first() if form.initial else None
        return form, what_if(indicator, rep=rep, extra_per_week=Decimal(0), today=today)
    form = WhatIfForm(params, reps=reps)
    if not form.is_valid():
        return form, None
    result = what_if(
        indicator,
        rep=form.cleaned_data["rep"],
        extra_per_week=form.cleaned_data["extra_per_week"] or Decimal(0),
        today=today,
    )
    return form, result


def what_if_form(indicator: Indicator, user, *, reps=None) -> WhatIfForm:
    """The empty question: a rep asks about themselves, a manager about the team."""
    reps = _askable_reps(indicator, user) if reps is None else reps
    initial = {} if sees_all_reps(user, indicator.plan.team) else {"rep": user.pk}
    return WhatIfForm(reps=reps, initial=initial)


def _askable_reps(indicator: Indicator, user):
    team = indicator.plan.team
    reps = team.members.order_by("first_name", "last_name", "username")
    return reps if sees_all_reps(user, team) else reps.filter(pk=user.pk)


def what_if(indicator: Indicator, *, rep=None, extra_per_week: Decimal, today: date) -> WhatIf:
    """The projection of ``indicator`` for ``rep`` (None: the team) with ``extra_per_week``
    more from tomorrow (see the module docstring). Queries: the progress engine's."""
    progress = progress_for(indicator, rep=rep, today=today)
    result = WhatIf(
        indicator=indicator,
        rep=rep,
        today=today,
        extra_per_week=extra_per_week,
        period_start=progress.period_start,
        period_end=progress.period_end,
        actual=progress.actual,
        target=progress.target_value,
        projected=progress.actual,
        projected_percent=progress.percent,
        reached_on=None,
        current_per_week=None,
        needed_per_week=None,
        frozen=progress.frozen,
    )
    if progress.frozen or progress.target is None or today > progress.period_end:
        return result  # nothing left to change
    if _is_additive(indicator):
        _project_additive(result, progress.target, progress.target_value)
    else:
        _project_level(result)
    result.projected_percent = percent_of_target(indicator, result.projected, result.target)
    return result


def _project_additive(result: WhatIf, target, target_value: Decimal) -> None:
    start, end, today = result.period_start, result.period_end, result.today
    actual = result.actual or Decimal(0)
    weeks = Decimal((end - start).days + 1) / SEVEN  # of the period: an average week is 1/weeks
    elapsed = distribution_share(target, start, today) if today >= start else Decimal(0)
    # Per unit of the distribution: the pace so far (the engine's run-rate) and the extra.
    pace = actual / elapsed if elapsed else Decimal(0)
    per_share = pace + result.extra_per_week * weeks
    since = max(today + timedelta(days=1), start)

    def running(day: date) -> Decimal:
        return actual + per_share * distribution_share(target, since, day)

    result.projected = _cent(running(end))
    result.current_per_week = _cent(pace / weeks) if elapsed else None
    remaining = distribution_share(target, since, end)
    if remaining:
        result.needed_per_week = _cent((target_value - actual) / remaining / weeks)
    if result.indicator.lower_is_better:
        return
    if actual >= target_value:
        result.reached_on = today
        return
    day = since
    while day <= end:
        if running(day) >= target_value:
            result.reached_on = day
            return
        day += timedelta(days=1)


def _project_level(result: WhatIf) -> None:
    if result.actual is None:
        result.projected = None
        return
    current, target, today, end = result.actual, result.target, result.today, result.period_end
    weeks_left = Decimal((end - today).days) / SEVEN
    result.projected = _cent(current + result.extra_per_week * weeks_left)
    if weeks_left:
        result.needed_per_week = _cent((target - current) / weeks_left)
    lower = result.indicator.lower_is_better
    if (current <= target) if lower else (current >= target):
        result.reached_on = today
        return
    step = result.extra_per_week if not lower else -result.extra_per_week
    if step <= 0:
        return
    # Reached after the first whole number of days whose rise covers the gap.
    gap = abs(target - current)
    days = int((gap / step * SEVEN).to_integral_value(rounding="ROUND_CEILING"))
    day = today + timedelta(days=days)
    result.reached_on = day if day <= end else None


def _cent(value: Decimal) -> Decimal:
    return value.quantize(_CENT)
