"""Duplicating a plan copies its steering: indicators (rates with their own parts), their links
to the copied levers and actions, and their targets moved with the period (indicators/
duplication.py, on plans.signals.plan_duplicated)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Measurement, Target
from plans import services
from plans.activation import missing_for_activation
from plans.models import Action, ActionStatus, Plan

from .conftest import END, START, TODAY, make_indicator, make_target

pytestmark = pytest.mark.django_db


@pytest.fixture
def steered(plan, lever, action, rep, rep2):
    """Revenue and deals, a conversion rate of the two, linked and with targets; a figure."""
    revenue = make_indicator(plan)
    deals = make_indicator(plan, name="Deals", unit="count")
    leads = make_indicator(plan, name="Leads", unit="count")
    rate = make_indicator(
        plan, name="Conversion", kind="rate", unit="percent", numerator=deals, denominator=leads
    )
    for indicator in (revenue, deals, leads, rate):
        indicator.levers.add(lever)
        indicator.actions.add(action)
    make_target(revenue, rep, 90_000)
    make_target(revenue, None, 200_000)  # the team's own
    closed = make_target(deals, rep, 12, period_end=START + timedelta(days=30))
    closed.final_actual, closed.final_status = 10, "off_track"
    closed.save()
    Measurement.objects.create(indicator=revenue, rep=rep, date=TODAY, value=10)
    return plan


def _copy_through_the_page(login, manager, plan):
    new_start = END + timedelta(days=1)
    response = login(manager).post(
        f"/plans/{plan.pk}/duplicate/", {"title": "PAC S2", "start_date": new_start.isoformat()}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Plan.objects.get(title="PAC S2"), new_start - START


def test_the_copy_brings_indicators_links_and_moved_targets(login, manager, steered, rep):
    copy, shift = _copy_through_the_page(login, manager, steered)

    names = set(copy.indicators.values_list("name", flat=True))
    assert names == {"Revenue", "Deals", "Leads", "Conversion"}
    rate = copy.indicators.get(name="Conversion")
    assert (rate.numerator.plan, rate.numerator.name) == (copy, "Deals")
    assert (rate.denominator.plan, rate.denominator.name) == (copy, "Leads")
    new_action = Action.objects.get(lever__plan=copy)
    for indicator in copy.indicators.all():
        assert list(indicator.actions.all()) == [new_action]
        assert [lv.plan_id for lv in indicator.levers.all()] == [copy.pk]

    targets = Target.objects.filter(indicator__plan=copy)
    assert targets.count() == 3
    revenue = targets.get(indicator__name="Revenue", rep=rep)
    assert (revenue.value, revenue.period_start, revenue.period_end) == (
        90_000,
        START + shift,
        END + shift,
    )
    reopened = targets.get(indicator__name="Deals")
    assert (reopened.final_actual, reopened.final_status, reopened.closed_at) == (None, "", None)
    # Figures belong to the period they were measured in.
    assert not Measurement.objects.filter(indicator__plan=copy).exists()
    # The source is untouched.
    assert steered.indicators.count() == 4
    assert Target.objects.filter(indicator__plan=steered).count() == 3


def test_a_copy_of_a_ready_plan_is_ready_to_activate(login, manager, steered, rep):
    for indicator in steered.indicators.all():
        make_target(indicator, rep, 100, period_start=START + timedelta(days=31))
    assert missing_for_activation(steered) == []
    copy, _ = _copy_through_the_page(login, manager, steered)
    assert missing_for_activation(copy) == []


def test_a_cancelled_action_leaves_no_link_behind(login, manager, steered, lever, rep):
    gone = Action.objects.create(
        lever=lever, title="Dropped", assignee=rep, due_date=TODAY, status=ActionStatus.CANCELLED
    )
    steered.indicators.get(name="Revenue").actions.add(gone)
    copy, _ = _copy_through_the_page(login, manager, steered)
    linked = copy.indicators.get(name="Revenue").actions.values_list("title", flat=True)
    assert list(linked) == ["Call 20 prospects"]


def test_the_copy_costs_the_same_queries_whatever_the_number_of_indicators(
    steered, manager, lever, rep
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            services.plan_duplicate(plan=steered, start_date=END + timedelta(days=1), by=manager)
        return len(captured.captured_queries)

    small = queries()
    for n in range(20):
        extra = make_indicator(steered, name=f"Extra {n}")
        extra.levers.add(lever)
        make_target(extra, rep, 10)
    assert queries() == small
