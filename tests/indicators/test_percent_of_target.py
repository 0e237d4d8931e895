"""Percent of target has one formula (``indicators.progress.percent_of_target``): the
incentives' and challenges' forecast percent is that formula, at the edges too."""

from datetime import date
from decimal import Decimal

import pytest

from coaching.progress_bridge import indicator_results
from indicators.models import Measurement
from indicators.progress import percent_of_target, progress_for

from .conftest import END, START, TODAY, make_indicator, make_target


@pytest.fixture
def lost_deals(plan):
    """A lower-is-better indicator: fewer lost deals is better."""
    return make_indicator(
        plan, name="Lost deals", unit="count", aggregation="sum", direction="lower", baseline=None
    )


@pytest.mark.parametrize(
    ("actual", "target", "expected"),
    [
        (Decimal(0), Decimal(5), Decimal(100)),
        (Decimal(0), Decimal(0), Decimal(100)),
        (Decimal(0), Decimal(-2), None),  # a target below zero cannot be met by zero
        (Decimal(10), Decimal(5), Decimal("50.0")),
        (None, Decimal(5), None),
    ],
)
def test_lower_is_better_edges(lost_deals, actual, target, expected):
    assert percent_of_target(lost_deals, actual, target) == expected


@pytest.mark.django_db
def test_incentive_forecast_percent_is_the_engine_formula(lost_deals, rep, rep2):
    # Given a rep with no lost deal against a target below zero, and one with a few.
    make_target(lost_deals, rep, Decimal(-2))
    make_target(lost_deals, rep2, Decimal(6))
    Measurement.objects.create(indicator=lost_deals, rep=rep, date=date(2026, 2, 1), value=0)
    Measurement.objects.create(indicator=lost_deals, rep=rep2, date=date(2026, 2, 1), value=4)

    # When the incentives read the forecast percent.
    results = indicator_results(lost_deals, [rep, rep2], START, END, today=TODAY)

    # Then it is the engine's percent of the same forecast, for both.
    for person in (rep, rep2):
        progress = progress_for(lost_deals, rep=person, today=TODAY, start=START, end=END)
        engine = percent_of_target(lost_deals, progress.forecast, progress.target_value)
        assert results[person.pk] == (progress.percent, engine)
    assert results[rep.pk][1] is None  # was 100 % in the old copy of the formula
