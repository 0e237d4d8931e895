"""The progress engine, case by case (no HTTP)."""

from datetime import UTC, date
from decimal import Decimal

import pytest

from indicators.models import Measurement
from indicators.progress import (
    Status,
    compute,
    distribution_share,
    progress_for,
    targets_at_risk,
)

from .conftest import END, START, TODAY, make_indicator, make_target

pytestmark = pytest.mark.django_db


def measure(indicator, rep, day, value=None, category=""):
    return Measurement.objects.create(
        indicator=indicator, rep=rep, date=day, value=value, category=category
    )


def test_sum_on_track_expected_follows_an_even_distribution(revenue, rep):
    make_target(revenue, rep, 181_000)  # 1000 a day over 181 days
    measure(revenue, rep, date(2026, 1, 15), 50_000)
    measure(revenue, rep, date(2026, 3, 1), 45_000)
    p = progress_for(revenue, rep=rep, today=TODAY)
    assert p.actual == Decimal("95000.00")
    assert p.expected == Decimal("90000.00")  # 90 days elapsed
    assert p.status == Status.ON_TRACK
    assert p.percent == Decimal("52.5")
    # run-rate: 95 000 in 90 days of 181
    assert p.forecast == Decimal("191055.56")


def test_sum_at_risk_and_off_track_by_thresholds(revenue, rep, rep2):
    make_target(revenue, rep, 181_000)
    make_target(revenue, rep2, 181_000)
    measure(revenue, rep, date(2026, 2, 1), 81_000)  # 90 % of expected
    measure(revenue, rep2, date(2026, 2, 1), 40_000)  # 44 %
    assert progress_for(revenue, rep=rep, today=TODAY).status == Status.AT_RISK
    assert progress_for(revenue, rep=rep2, today=TODAY).status == Status.OFF_TRACK


def test_team_actual_sums_the_reps_and_team_target_defaults_to_their_sum(revenue, rep, rep2):
    make_target(revenue, rep, 100_000)
    make_target(revenue, rep2, 80_000)
    measure(revenue, rep, date(2026, 2, 1), 10_000)
    measure(revenue, rep2, date(2026, 2, 1), 5_000)
    team = progress_for(revenue, today=TODAY)
    assert team.rep is None
    assert team.actual == Decimal("15000.00")
    assert team.target_value == Decimal("180000.00")


def test_average_aggregation(plan, rep):
    ind = make_indicator(plan, name="Basket", aggregation="avg", baseline=None)
    make_target(ind, rep, 500)
    for value in (400, 500, 600, 700):
        measure(ind, rep, date(2026, 2, 2), value)
    p = progress_for(ind, rep=rep, today=TODAY)
    assert p.actual == Decimal("550.00")
    assert p.expected == Decimal("500.00")  # a level: no baseline, the target itself
    assert p.status == Status.ON_TRACK
    assert p.forecast == p.actual


def test_last_value_takes_the_latest_figure(plan, rep):
    ind = make_indicator(
        plan, name="Deals in progress", unit="count", aggregation="last", baseline=None
    )
    make_target(ind, rep, 10)
    measure(ind, rep, date(2026, 3, 1), 12)
    measure(ind, rep, date(2026, 1, 1), 2)
    measure(ind, rep, date(2026, 3, 20), 7)
    p = progress_for(ind, rep=rep, today=TODAY)
    assert p.actual == Decimal("7.00")
    assert p.status == Status.OFF_TRACK  # 7 / 10 below 0.8


def test_rate_is_the_ratio_of_sums_and_zero_denominator_is_na(plan, rep, rep2):
    obtained = make_indicator(plan, name="Meetings obtained", unit="count")
    attempted = make_indicator(plan, name="Meetings attempted", unit="count")
    rate = make_indicator(
        plan,
        name="Meetings rate",
        kind="rate",
        unit="percent",
        aggregation="sum",
        numerator=obtained,
        denominator=attempted,
        baseline=None,
    )
    make_target(rate, rep, 25)
    measure(obtained, rep, date(2026, 1, 10), 3)
    measure(obtained, rep, date(2026, 1, 17), 2)
    measure(attempted, rep, date(2026, 1, 10), 10)
    measure(attempted, rep, date(2026, 1, 17), 10)
    p = progress_for(rate, rep=rep, today=TODAY)
    assert p.actual == Decimal("25.00")  # 5 / 20, not the mean of 30 % and 20 %
    assert p.status == Status.ON_TRACK
    measure(obtained, rep2, date(2026, 1, 10), 3)
    none = progress_for(rate, rep=rep2, today=TODAY)
    assert none.actual is None
    assert none.status == Status.NO_TARGET


def test_rate_zero_denominator_with_target_is_no_data(plan, rep):
    obtained = make_indicator(plan, name="Won", unit="count")
    attempted = make_indicator(plan, name="Quotes", unit="count")
    rate = make_indicator(
        plan,
        name="Win rate",
        kind="rate",
        unit="percent",
        numerator=obtained,
        denominator=attempted,
        baseline=None,
    )
    make_target(rate, rep, 30)
    measure(obtained, rep, date(2026, 1, 10), 0)
    p = progress_for(rate, rep=rep, today=TODAY)
    assert p.actual is None and p.status == Status.NO_DATA and p.percent is None


def test_lower_is_better(plan, rep, rep2):
    churn = make_indicator(
        plan, name="Days to close", unit="days", aggregation="avg", direction="lower", baseline=None
    )
    make_target(churn, rep, 30)
    make_target(churn, rep2, 30)
    measure(churn, rep, date(2026, 2, 1), 25)
    measure(churn, rep2, date(2026, 2, 1), 45)
    good = progress_for(churn, rep=rep, today=TODAY)
    bad = progress_for(churn, rep=rep2, today=TODAY)
    assert good.status == Status.ON_TRACK and good.percent == Decimal("120.0")
    assert bad.status == Status.OFF_TRACK  # 30 / 45 = 0.67


def test_seasonal_distribution_moves_the_expected_value(revenue, rep):
    # Six months, the first three weigh 1 each, the last three 3 each: 25 % by end of March.
    target = make_target(revenue, rep, 120_000, monthly_weights=[1, 1, 1, 3, 3, 3])
    assert distribution_share(target, START, date(2026, 3, 31)) == Decimal("0.25")
    assert distribution_share(target, START, END) == 1
    measure(revenue, rep, date(2026, 2, 1), 30_000)
    p = progress_for(revenue, rep=rep, today=TODAY)
    assert p.expected == Decimal("30000.00")
    assert p.status == Status.ON_TRACK
    assert p.forecast == Decimal("120000.00")  # seasonality-adjusted run-rate


def test_window_gives_the_share_of_the_target(revenue, rep):
    make_target(revenue, rep, 120_000, monthly_weights=[1, 1, 1, 3, 3, 3])
    measure(revenue, rep, date(2026, 4, 10), 20_000)
    measure(revenue, rep, date(2026, 3, 10), 99_000)  # outside the window
    p = progress_for(
        revenue, rep=rep, today=date(2026, 4, 30), start=date(2026, 4, 1), end=date(2026, 4, 30)
    )
    assert p.target_value == Decimal("30000.00")
    assert p.actual == Decimal("20000.00")


def test_scale_average_and_categories_share(plan, rep):
    sat = make_indicator(
        plan,
        name="Satisfaction",
        kind="qualitative",
        unit="score",
        qualitative_mode="scale",
        scale_min=1,
        scale_max=5,
        baseline=None,
    )
    lost = make_indicator(
        plan,
        name="Lost deals cause",
        kind="qualitative",
        unit="",
        qualitative_mode="categories",
        categories=["price", "timing", "competitor"],
        target_category="price",
        direction="lower",
        baseline=None,
    )
    make_target(sat, rep, 4)
    make_target(lost, rep, 30)
    for level in (3, 4, 5, 5):
        measure(sat, rep, date(2026, 2, 1), level)
    for cause in ("price", "price", "timing", "competitor"):
        measure(lost, rep, date(2026, 2, 1), category=cause)
    s = progress_for(sat, rep=rep, today=TODAY)
    assert s.actual == Decimal("4.25") and s.status == Status.ON_TRACK
    c = progress_for(lost, rep=rep, today=TODAY)
    assert c.actual == Decimal("50.00")
    assert c.distribution == {"price": 2, "timing": 1, "competitor": 1}
    assert c.status == Status.OFF_TRACK


def test_targets_at_risk_lists_missed_targets_of_active_plans(plan, revenue, rep, rep2):
    plan.status = "active"
    plan.save()
    make_target(revenue, rep, 181_000)
    make_target(revenue, rep2, 181_000)
    measure(revenue, rep, date(2026, 2, 1), 100_000)
    rows = targets_at_risk(today=TODAY)
    assert [(r.indicator, r.rep, r.status) for r in rows] == [(revenue, rep2, Status.OFF_TRACK)]
    assert targets_at_risk(today=TODAY, team_ids=[]) == []


def test_grid_queries_are_bounded(plan, rep, rep2, django_assert_max_num_queries):
    inds = [
        make_indicator(plan, name=f"I{i}", aggregation=("sum", "avg", "last")[i % 3])
        for i in range(6)
    ]
    for ind in inds:
        for r in (rep, rep2):
            make_target(ind, r, 100)
            measure(ind, r, date(2026, 2, 1), 10)
    # targets + aggregates + last values
    with django_assert_max_num_queries(3):
        results = compute(inds, rep_ids=[rep.pk, rep2.pk], include_team=True, today=TODAY)
    assert len(results) == 18


def test_internal_indicators_compute_from_the_lever_s_actions(plan, lever, rep, rep2):
    from datetime import datetime

    from plans.models import Action

    def act(due, done_on=None, who=rep):
        return Action.objects.create(
            lever=lever,
            title=f"a{due}",
            assignee=who,
            due_date=due,
            status="done" if done_on else "todo",
            completed_at=datetime(done_on.year, done_on.month, done_on.day, 12, tzinfo=UTC)
            if done_on
            else None,
        )

    act(date(2026, 2, 1), date(2026, 1, 30))  # on time
    act(date(2026, 2, 10), date(2026, 2, 15))  # late
    act(date(2026, 3, 1))  # overdue, still open
    act(date(2026, 4, 10))  # not due yet
    act(date(2026, 2, 1), date(2026, 2, 1), who=rep2)
    completed = make_indicator(plan, name="Done", unit="count", computation="actions_completed")
    on_time = make_indicator(plan, name="On time", unit="percent", computation="actions_on_time")
    for ind in (completed, on_time):
        ind.levers.add(lever)
    make_target(completed, rep, 10)
    make_target(on_time, rep, 80)
    done = progress_for(completed, rep=rep, today=TODAY)
    assert done.actual == Decimal("2.00") and done.count == 2
    timely = progress_for(on_time, rep=rep, today=TODAY)
    assert timely.actual == Decimal("33.33")
    assert timely.status == Status.OFF_TRACK
    team = progress_for(completed, today=TODAY)
    assert team.actual == Decimal("3.00")


def test_a_year_of_weekly_figures_for_10_reps_and_15_indicators_is_a_few_queries(
    plan, team, django_assert_max_num_queries
):
    from datetime import timedelta

    from plans.models import Plan
    from teams.roles import Role
    from tests.factories import UserFactory

    year = Plan.objects.create(
        team=team, title="Year", start_date=date(2026, 1, 1), end_date=date(2026, 12, 31)
    )
    reps = [UserFactory(role=Role.REP) for _ in range(10)]
    team.members.add(*reps)
    inds = [
        make_indicator(year, name=f"I{i}", aggregation=("sum", "avg", "last")[i % 3])
        for i in range(15)
    ]
    Measurement.objects.bulk_create(
        Measurement(indicator=i, rep=r, date=date(2026, 1, 5) + timedelta(days=7 * w), value=w)
        for i in inds
        for r in reps
        for w in range(52)
    )
    for ind in inds:
        for r in reps:
            make_target(ind, r, 1000, period_start=year.start_date, period_end=year.end_date)
    # targets, aggregates, last values
    with django_assert_max_num_queries(3):
        results = compute(
            inds, rep_ids=[r.pk for r in reps], include_team=True, today=date(2026, 12, 31)
        )
    assert len(results) == 15 * 11
    assert results[(inds[0].pk, reps[0].pk)].actual == Decimal(sum(range(52)))
