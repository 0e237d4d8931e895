"""Fixtures of the indicators tests: the persona team's plan, a lever, an action, indicators."""

from datetime import date

import pytest

from indicators.models import Indicator, Measurement, Target
from plans.models import Action, Lever, Plan

# The plan runs over the first half of 2026; "today" is in the middle of it unless a test says.
START, END = date(2026, 1, 1), date(2026, 6, 30)
TODAY = date(2026, 3, 31)


@pytest.fixture
def plan(team, manager):
    return Plan.objects.create(
        team=team, title="PAC S1", start_date=START, end_date=END, created_by=manager
    )


@pytest.fixture
def other_plan(other_team, other_manager):
    return Plan.objects.create(team=other_team, title="PAC RA", start_date=START, end_date=END)


@pytest.fixture
def lever(plan):
    return Lever.objects.create(plan=plan, name="Conquête", aim="prospect")


@pytest.fixture
def action(lever, rep):
    return Action.objects.create(
        lever=lever, title="Call 20 prospects", assignee=rep, due_date=TODAY
    )


def make_indicator(plan, **kwargs) -> Indicator:
    defaults = {
        "name": "Revenue",
        "kind": "quantitative",
        "unit": "eur",
        "direction": "higher",
        "aggregation": "sum",
        "cadence": "weekly",
        "definition": "Signed revenue, excl. VAT",
        "source": "CRM",
        "baseline": 1000,
    }
    defaults.update(kwargs)
    return Indicator.objects.create(plan=plan, **defaults)


def make_target(indicator, rep, value, **kwargs) -> Target:
    defaults = {"period_start": START, "period_end": END}
    defaults.update(kwargs)
    return Target.objects.create(indicator=indicator, rep=rep, value=value, **defaults)


@pytest.fixture
def revenue(plan):
    return make_indicator(plan)


@pytest.fixture
def active(plan):
    plan.status = "active"
    plan.save()
    return plan


@pytest.fixture
def grid(active, rep, rep2, lever, action):
    """Revenue of the active plan, linked to ``action``: rep at 95,000 (on track on 31 March),
    rep2 at 40,000 (off track), each with a target of 181,000."""
    revenue = make_indicator(active)
    revenue.actions.add(action)
    make_target(revenue, rep, 181_000)
    make_target(revenue, rep2, 181_000)
    Measurement.objects.create(indicator=revenue, rep=rep, date=date(2026, 2, 1), value=95_000)
    Measurement.objects.create(indicator=revenue, rep=rep2, date=date(2026, 2, 1), value=40_000)
    return revenue
