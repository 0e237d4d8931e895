"""The SMART check, letter by letter, and the plan activation it blocks."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from indicators.smart import smart_check

from .conftest import START, make_indicator, make_target

pytestmark = pytest.mark.django_db


@pytest.fixture
def smart_revenue(plan, lever, action, rep):
    ind = make_indicator(plan)
    ind.levers.add(lever)
    ind.actions.add(action)
    make_target(ind, rep, 2500)
    return ind


def test_a_complete_indicator_is_smart(smart_revenue):
    check = smart_check(smart_revenue)
    assert check.is_smart, check.reasons
    assert check.warnings == []


def test_specific_needs_a_definition_and_a_clear_scope(smart_revenue, plan):
    smart_revenue.definition = ""
    smart_revenue.save()
    assert smart_check(smart_revenue).missing == ["S"]
    smart_revenue.definition = "Signed revenue"
    smart_revenue.save()
    twin = make_indicator(plan)
    assert "S" in smart_check(smart_revenue).missing
    twin.segment = "SMB"
    twin.save()
    assert "S" not in smart_check(smart_revenue).missing


def test_measurable_needs_a_unit_and_a_target(smart_revenue):
    smart_revenue.unit = ""
    smart_revenue.save()
    assert smart_check(smart_revenue).missing == ["M"]
    smart_revenue.unit = "eur"
    smart_revenue.save()
    smart_revenue.targets.all().delete()
    assert smart_check(smart_revenue).missing == ["M", "T"]


def test_achievable_needs_a_baseline_and_warns_beyond_three_times(smart_revenue):
    assert not smart_check(smart_revenue).warnings  # 2500 vs 1000
    smart_revenue.targets.update(value=3500)
    check = smart_check(smart_revenue)
    assert check.is_smart and len(check.warnings) == 1
    smart_revenue.baseline = None
    smart_revenue.save()
    assert smart_check(smart_revenue).missing == ["A"]


def test_relevant_needs_a_link_to_a_lever_or_an_action(smart_revenue):
    smart_revenue.levers.clear()
    assert smart_check(smart_revenue).is_smart  # the action is enough
    smart_revenue.actions.clear()
    assert smart_check(smart_revenue).missing == ["R"]


def test_time_bound_needs_a_cadence_and_a_period_in_the_plan(smart_revenue):
    smart_revenue.cadence = ""
    smart_revenue.save()
    assert smart_check(smart_revenue).missing == ["T"]


def test_missing_letters_are_spelled_out(plan):
    ind = make_indicator(plan, definition="", baseline=None)
    with translation.override("en"):
        assert smart_check(ind).missing_text() == (
            "S (Specific), M (Measurable), A (Achievable), R (Relevant), T (Time-bound)"
        )


def test_activation_is_refused_for_unlinked_actions_and_non_smart_indicators(plan, lever, action):
    from plans.services import plan_activate

    ind = make_indicator(plan, baseline=None)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        plan_activate(plan=plan)
    messages = exc.value.messages
    assert "The action “Call 20 prospects” is linked to no indicator." in messages
    assert any(
        "“Revenue” is not SMART yet: missing M (Measurable), A (Achievable)" in m for m in messages
    ), messages
    plan.refresh_from_db()
    assert plan.status == "draft"
    # Fix everything: the plan activates.
    ind.actions.add(action)
    ind.baseline = 1000
    ind.save()
    make_target(ind, action.assignee, 2000, period_start=START)
    plan_activate(plan=plan)
    assert plan.status == "active"
