"""The one place where coaching reads the indicators app's progress engine.

Challenges and incentive schemes may rank or pay on an indicator; everything else in this
app works from plan data alone. Each function makes one call to ``indicators.progress.compute``
for all the reps given, so a leaderboard or a payout table costs the same at any size.
"""

from __future__ import annotations

from decimal import Decimal

from indicators.progress import HUNDRED, compute


def _forecast_percent(indicator, forecast, target_value) -> Decimal | None:
    """% of target the forecast would reach (inverted when lower is better), like the engine."""
    if forecast is None or target_value is None:
        return None
    if indicator.lower_is_better:
        if not forecast:
            return HUNDRED
        return (Decimal(target_value) / Decimal(forecast) * HUNDRED).quantize(Decimal("0.1"))
    if not target_value:
        return None
    return (Decimal(forecast) / Decimal(target_value) * HUNDRED).quantize(Decimal("0.1"))


def indicator_actuals(indicator, reps: list, start, end, *, today) -> dict[int, Decimal]:
    """rep id -> the rep's actual value of ``indicator`` over ``start``..``end`` (0 if none)."""
    results = compute(
        [indicator], rep_ids=[r.pk for r in reps], today=min(today, end), start=start, end=end
    )
    return {
        rep.pk: (
            results[(indicator.pk, rep.pk)].actual
            if (indicator.pk, rep.pk) in results
            and results[(indicator.pk, rep.pk)].actual is not None
            else Decimal(0)
        )
        for rep in reps
    }


def indicator_results(indicator, reps: list, start, end, *, today) -> dict:
    """rep id -> (% of target achieved, forecast % of target at the current pace)."""
    results = compute(
        [indicator], rep_ids=[r.pk for r in reps], today=min(today, end), start=start, end=end
    )
    out = {}
    for rep in reps:
        progress = results.get((indicator.pk, rep.pk))
        if progress is None:
            out[rep.pk] = (None, None)
            continue
        out[rep.pk] = (
            progress.percent,
            _forecast_percent(indicator, progress.forecast, progress.target_value),
        )
    return out
