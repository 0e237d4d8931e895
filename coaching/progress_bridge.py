"""The one place where coaching reads the indicators app's progress engine.

Challenges and incentive schemes may rank or pay on an indicator; everything else in this
app works from plan data alone. Each function makes one call to ``indicators.progress.compute``
for all the reps given, so a leaderboard or a payout table costs the same at any size.
"""

from __future__ import annotations

from decimal import Decimal

from indicators.progress import compute


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
        out[rep.pk] = (progress.percent, progress.forecast_percent)
    return out
