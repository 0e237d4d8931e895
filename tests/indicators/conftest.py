"""Fixtures of the indicators tests: the persona team's plan, a lever, an action, indicators."""

from datetime import date

import pytest

from indicators.models import Indicator, Target
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
