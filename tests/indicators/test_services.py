"""Writes: bad input refused with a clear message and nothing saved; who may enter what."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from indicators.forms import IndicatorForm
from indicators.models import Measurement, Target
from indicators.progress import Status, progress_for
from indicators.serializers import IndicatorSerializer
from indicators.services import (
    INDICATOR_FIELDS,
    indicator_create,
    measurement_create,
    measurements_bulk_create,
    target_set,
    target_set_for_all_reps,
    week_save,
)
from plans.services import plan_close

from .conftest import TODAY, make_indicator, make_target

pytestmark = pytest.mark.django_db


def errors_of(call, **kwargs):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        call(**kwargs)
    return exc.value.message_dict if hasattr(exc.value, "error_dict") else exc.value.messages


@pytest.fixture
def deals(plan):
    return make_indicator(plan, name="Deals", unit="count")


@pytest.fixture
def satisfaction(plan):
    return make_indicator(
        plan,
        name="Satisfaction",
        kind="qualitative",
        unit="score",
        qualitative_mode="scale",
        scale_min=1,
        scale_max=5,
    )


@pytest.fixture
def causes(plan):
    return make_indicator(
        plan,
        name="Causes",
        kind="qualitative",
        unit="percent",
        qualitative_mode="categories",
        categories=["price", "timing"],
        target_category="price",
    )


def test_text_where_a_number_is_due(deals, rep):
    errors = errors_of(
        measurement_create, indicator=deals, rep=rep, date=TODAY, value="ten", by=rep
    )
    assert errors == {"value": ["Enter a number."]}
    assert not Measurement.objects.exists()


def test_a_negative_count(deals, rep):
    errors = errors_of(measurement_create, indicator=deals, rep=rep, date=TODAY, value=-1, by=rep)
    assert errors == {"value": ["This value cannot be negative."]}


def test_a_score_outside_its_scale(satisfaction, rep):
    errors = errors_of(
        measurement_create, indicator=satisfaction, rep=rep, date=TODAY, value=6, by=rep
    )
    assert errors == {"value": ["The level must be a whole number from 1 to 5."]}


def test_a_category_not_in_the_list(causes, rep):
    errors = errors_of(
        measurement_create, indicator=causes, rep=rep, date=TODAY, category="weather", by=rep
    )
    assert errors == {"category": ["“weather” is not one of the categories: price, timing."]}


def test_a_measurement_dated_outside_the_period(deals, rep):
    errors = errors_of(
        measurement_create, indicator=deals, rep=rep, date=date(2026, 7, 1), value=1, by=rep
    )
    assert errors == {"date": ["Must fall within the plan's period (01/01/2026 – 30/06/2026)."]}  # noqa: RUF001


def test_a_target_of_zero_for_a_rate(plan, deals, manager, rep):
    quotes = make_indicator(plan, name="Quotes", unit="count")
    rate = indicator_create(
        plan=plan,
        by=manager,
        name="Win rate",
        kind="rate",
        numerator=deals,
        denominator=quotes,
        definition="x",
        cadence="monthly",
    )
    errors = errors_of(target_set, indicator=rate, rep=rep, value=0, by=manager)
    assert errors == {"value": ["A rate's target must be above zero."]}
    assert not Target.objects.exists()


def test_a_rate_whose_parts_are_not_quantitative(plan, deals, satisfaction, manager):
    errors = errors_of(
        indicator_create,
        plan=plan,
        by=manager,
        name="Odd",
        kind="rate",
        numerator=satisfaction,
        denominator=deals,
        cadence="monthly",
    )
    assert errors == {
        "numerator": ["The parts of a rate must be quantitative indicators entered by reps."]
    }


def test_a_rate_value_is_never_typed(plan, deals, manager, rep):
    quotes = make_indicator(plan, name="Quotes", unit="count")
    rate = indicator_create(
        plan=plan, by=manager, name="Win rate", kind="rate", numerator=deals, denominator=quotes
    )
    errors = errors_of(measurement_create, indicator=rate, rep=rep, date=TODAY, value=5, by=rep)
    assert "computed" in errors["value"][0]


def test_a_rep_enters_only_their_own_figures(deals, rep, rep2, manager, outsider):
    errors = errors_of(measurement_create, indicator=deals, rep=rep2, date=TODAY, value=1, by=rep)
    assert errors == {"rep": ["You can only enter your own figures."]}
    measurement_create(indicator=deals, rep=rep, date=TODAY, value=1, by=rep)
    measurement_create(indicator=deals, rep=rep2, date=TODAY, value=2, by=manager)
    errors = errors_of(
        measurement_create, indicator=deals, rep=outsider, date=TODAY, value=1, by=outsider
    )
    assert "rep" in errors
    assert Measurement.objects.count() == 2


def test_bulk_create_is_all_or_nothing(deals, rep):
    rows = [
        {"indicator": deals, "rep": rep, "date": TODAY, "value": 3},
        {"indicator": deals, "rep": rep, "date": TODAY, "value": -3},
    ]
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        measurements_bulk_create(rows=rows, by=rep)
    assert exc.value.rows == {1: {"value": ["This value cannot be negative."]}}
    assert not Measurement.objects.exists()


def test_target_for_all_reps_in_one_step_and_team_actual(deals, manager, rep, rep2):
    targets = target_set_for_all_reps(indicator=deals, value=20, by=manager)
    assert {t.rep for t in targets} == {rep, rep2}
    again = target_set_for_all_reps(indicator=deals, value=25, by=manager)
    assert Target.objects.count() == 2 and all(t.value == 25 for t in again)


def test_a_rep_cannot_set_targets(deals, rep):
    errors = errors_of(target_set, indicator=deals, rep=rep, value=3, by=rep)
    assert errors == ["Only the team's manager can change its indicators."]


def test_monthly_weights_need_one_per_month(deals, manager, rep):
    errors = errors_of(
        target_set, indicator=deals, rep=rep, value=3, by=manager, monthly_weights=[1, 2]
    )
    assert errors == {"monthly_weights": ["Give one weight per month of the period (6)."]}
    target = target_set(
        indicator=deals, rep=rep, value=3, by=manager, monthly_weights=[1, 1, 1, 2, 2, 2]
    )
    assert target.monthly_weights == [1.0, 1.0, 1.0, 2.0, 2.0, 2.0]


def test_week_grid_replaces_the_week_s_figure_and_is_all_or_nothing(plan, deals, satisfaction, rep):
    monday = date(2026, 3, 30)
    week_save(plan=plan, rep=rep, monday=monday, entries={deals: "3", satisfaction: "4"}, by=rep)
    week_save(plan=plan, rep=rep, monday=monday, entries={deals: "5", satisfaction: ""}, by=rep)
    assert list(Measurement.objects.filter(indicator=deals).values_list("value", flat=True)) == [5]
    with pytest.raises(ValidationError):
        week_save(
            plan=plan, rep=rep, monday=monday, entries={deals: "7", satisfaction: "9"}, by=rep
        )
    assert list(Measurement.objects.filter(indicator=deals).values_list("value", flat=True)) == [5]


def test_closing_the_plan_freezes_targets_and_flags_late_figures(plan, deals, rep, manager):
    plan.status = "active"
    plan.save()
    make_target(deals, rep, 10)
    measurement_create(indicator=deals, rep=rep, date=date(2026, 2, 1), value=4, by=rep)
    plan_close(plan=plan, by=plan.team.manager)
    target = Target.objects.get()
    assert target.closed_at is not None
    assert target.final_actual == 4
    assert target.final_status == Status.OFF_TRACK
    late = measurement_create(indicator=deals, rep=rep, date=date(2026, 6, 1), value=50, by=manager)
    assert late.is_late
    after = progress_for(deals, rep=rep, today=TODAY)
    assert after.frozen and after.actual == 4 and after.status == Status.OFF_TRACK


def test_every_field_the_service_writes_is_offered_on_the_page_and_in_the_api():
    writable = {n for n, f in IndicatorSerializer().fields.items() if not f.read_only}
    assert set(INDICATOR_FIELDS) <= set(IndicatorForm.base_fields)
    assert set(INDICATOR_FIELDS) <= writable
