"""Incentives: tiers, payouts computed with their explanation, forecast, close, paid, export."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coaching import services
from coaching.models import IncentiveScheme, Payout
from coaching.selectors import scheme_payouts
from indicators.models import Indicator, Measurement, Target
from plans.models import Action, ActionStatus, Lever, Plan, PlanStatus
from teams.roles import Role
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

TIERS = [
    {"threshold": Decimal(50), "bonus_kind": "amount", "value": Decimal(200)},
    {"threshold": Decimal(80), "bonus_kind": "amount", "value": Decimal(450)},
    {"threshold": Decimal(100), "bonus_kind": "amount", "value": Decimal(800)},
]


def _action(lever, rep, due, *, done_on=None, status=None):
    return Action.objects.create(
        lever=lever,
        title="a",
        assignee=rep,
        due_date=due,
        status=status or (ActionStatus.DONE if done_on else ActionStatus.TODO),
        completed_at=(
            timezone.make_aware(datetime.datetime.combine(done_on, datetime.time(12)))
            if done_on
            else None
        ),
    )


@pytest.fixture
def effort_scheme(plan, manager, rep, rep2, today):
    return services.scheme_create(
        plan=plan,
        reps=[rep, rep2],
        tiers=TIERS,
        by=manager,
        name="Prime effort",
        basis="effort",
        period_start=today - datetime.timedelta(days=30),
        period_end=today + datetime.timedelta(days=30),
        cap=Decimal(600),
    )


@pytest.mark.parametrize(
    ("tiers", "message"),
    [
        ([{**TIERS[1]}, {**TIERS[0]}], "go up"),
        ([{**TIERS[0]}, {**TIERS[0], "value": Decimal(300)}], "overlaps"),
        ([{**TIERS[0], "value": Decimal(-5)}], "negative"),
        ([], "at least one"),
        ([{**TIERS[0], "bonus_kind": "percent"}], "base"),
    ],
)
def test_bad_tiers_are_refused_and_nothing_saved(plan, manager, rep, team, today, tiers, message):
    with pytest.raises(ValidationError) as err:
        services.scheme_create(
            plan=plan,
            reps=[rep],
            tiers=tiers,
            by=manager,
            name="X",
            basis="effort",
            period_start=today,
            period_end=today,
        )
    assert message in " ".join(err.value.message_dict["tiers"])
    assert not IncentiveScheme.objects.exists()


def test_a_scheme_covers_only_reps_of_the_plans_team(plan, manager, outsider, other_team, today):
    with pytest.raises(ValidationError):
        services.scheme_create(
            plan=plan,
            reps=[outsider],
            tiers=TIERS,
            by=manager,
            name="X",
            basis="effort",
            period_start=today,
            period_end=today,
        )


def test_effort_payout_is_computed_with_its_explanation_and_forecast(
    effort_scheme, lever, rep, rep2, today
):
    past = today - datetime.timedelta(days=5)
    future = today + datetime.timedelta(days=10)
    # rep: 4 actions due so far, 3 on time, 1 late; 1 more due later -> 3/5 = 60 %, pace 75 %.
    for _ in range(3):
        _action(lever, rep, past, done_on=past)
    _action(lever, rep, past, done_on=today)  # done after its due date: not on time
    _action(lever, rep, future)
    # rep2: nothing due yet -> no result.
    lines = {line.rep: line for line in scheme_payouts(effort_scheme, [rep, rep2], today=today)}
    line = lines[rep]
    assert (line.achieved, line.tier_number, line.amount) == (Decimal("60.0"), 1, Decimal(200))
    assert "60" in line.explanation and "200 €" in line.explanation
    assert "tier 1" in line.explanation or "palier 1" in line.explanation
    assert (line.forecast_achieved, line.forecast_amount) == (Decimal("75.0"), Decimal(200))
    assert lines[rep2].amount == 0


def test_moving_a_due_date_does_not_make_an_action_on_time(effort_scheme, lever, rep, today):
    due = today - datetime.timedelta(days=5)
    action = _action(lever, rep, due, done_on=today)
    Action.objects.filter(pk=action.pk).update(due_date=today)  # moved, first commitment kept
    line = scheme_payouts(effort_scheme, [rep], today=today)[0]
    assert line.achieved == 0


def test_the_cap_limits_the_amount(plan, manager, rep, team, lever, today):
    scheme = services.scheme_create(
        plan=plan,
        reps=[rep],
        tiers=TIERS,
        by=manager,
        name="Cap",
        basis="effort",
        period_start=today - datetime.timedelta(days=3),
        period_end=today,
        cap=Decimal(500),
    )
    _action(lever, rep, today, done_on=today)
    line = scheme_payouts(scheme, [rep], today=today)[0]
    assert (line.tier_number, line.amount) == (3, Decimal(500))
    assert "500 €" in line.explanation


def test_indicator_scheme_pays_on_percent_of_target_via_the_progress_engine(
    plan, manager, rep, team, today
):
    indicator = Indicator.objects.create(
        plan=plan, name="CA", kind="quantitative", unit="eur", aggregation="sum", cadence="monthly"
    )
    start, end = today - datetime.timedelta(days=10), today
    Target.objects.create(
        indicator=indicator, rep=rep, value=Decimal(1000), period_start=start, period_end=end
    )
    Measurement.objects.create(indicator=indicator, rep=rep, date=today, value=Decimal(1120))
    scheme = services.scheme_create(
        plan=plan,
        reps=[rep],
        tiers=TIERS,
        by=manager,
        name="CA",
        basis="indicator",
        indicator=indicator,
        period_start=start,
        period_end=end,
    )
    line = scheme_payouts(scheme, [rep], today=today)[0]
    assert (line.achieved, line.tier_number, line.amount) == (Decimal("112.0"), 3, Decimal(800))
    assert line.explanation.startswith("112")


def test_closing_freezes_payouts_then_hr_marks_them_paid(
    effort_scheme, lever, rep, rep2, manager, hr, today
):
    _action(lever, rep, today, done_on=today)
    services.scheme_close(scheme=effort_scheme, by=manager, today=today)
    frozen = Payout.objects.get(rep=rep)
    effort_scheme.refresh_from_db()
    # Later work changes nothing once frozen.
    _action(lever, rep, today, status=ActionStatus.TODO)
    lines = scheme_payouts(effort_scheme, [rep], today=today)
    assert lines[0].amount == frozen.amount and lines[0].frozen
    with pytest.raises(ValidationError):
        services.scheme_close(scheme=effort_scheme, by=manager, today=today)
    assert services.payouts_mark_paid(scheme=effort_scheme, by=hr) == 2
    assert not Payout.objects.filter(paid_at__isnull=True).exists()


def test_a_rep_sees_only_their_own_payout(login, effort_scheme, rep, rep2, lever, today):
    response = login(rep).get(f"/coaching/incentives/{effort_scheme.pk}/")
    assert response.status_code == 200
    assert [line.rep for line in response.context["lines"]] == [rep]


def test_manager_sees_the_team_and_other_teams_get_404(
    login, effort_scheme, manager, rep, rep2, other_manager, outsider, other_team
):
    response = login(manager).get(f"/coaching/incentives/{effort_scheme.pk}/")
    assert {line.rep for line in response.context["lines"]} == {rep, rep2}
    for user in (other_manager, outsider):
        client = login(user)
        assert client.get(f"/coaching/incentives/{effort_scheme.pk}/").status_code == 404
        assert "Prime effort" not in client.get("/coaching/incentives/").content.decode()


def test_manager_closes_hr_marks_paid_and_exports(login, effort_scheme, manager, hr, rep, rep2):
    assert login(hr).post(f"/coaching/incentives/{effort_scheme.pk}/close/").status_code == 403
    login(manager).post(f"/coaching/incentives/{effort_scheme.pk}/close/")
    effort_scheme.refresh_from_db()
    assert effort_scheme.status == "closed"
    assert (
        login(manager).post(f"/coaching/incentives/{effort_scheme.pk}/mark-paid/").status_code
        == 403
    )
    client = login(hr)
    client.post(f"/coaching/incentives/{effort_scheme.pk}/mark-paid/")
    assert Payout.objects.filter(paid_at__isnull=False).count() == 2
    csv = client.get(f"/coaching/incentives/{effort_scheme.pk}/?export=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert rep.username in csv.content.decode()


def test_the_page_refuses_overlapping_tiers_with_a_message(login, manager, plan, rep, today):
    data = {
        "plan": plan.pk,
        "name": "P",
        "basis": "effort",
        "period_start": today.isoformat(),
        "period_end": today.isoformat(),
        "reps": [rep.pk],
        "tiers-TOTAL_FORMS": "2",
        "tiers-INITIAL_FORMS": "0",
        "tiers-0-threshold": "80",
        "tiers-0-bonus_kind": "amount",
        "tiers-0-value": "100",
        "tiers-1-threshold": "80",
        "tiers-1-bonus_kind": "amount",
        "tiers-1-value": "200",
    }
    response = login(manager).post("/coaching/incentives/new/", data)
    assert response.status_code == 200
    assert "80" in str(response.context["form"].non_field_errors())
    assert not IncentiveScheme.objects.exists()


def test_the_page_refuses_a_negative_bonus(login, manager, plan, rep, today):
    data = {
        "plan": plan.pk,
        "name": "P",
        "basis": "effort",
        "period_start": today.isoformat(),
        "period_end": today.isoformat(),
        "reps": [rep.pk],
        "tiers-TOTAL_FORMS": "1",
        "tiers-INITIAL_FORMS": "0",
        "tiers-0-threshold": "80",
        "tiers-0-bonus_kind": "amount",
        "tiers-0-value": "-1",
    }
    response = login(manager).post("/coaching/incentives/new/", data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["value"]
    assert not IncentiveScheme.objects.exists()


def _world(size):
    manager = UserFactory(role=Role.MANAGER)
    reps = [UserFactory(role=Role.REP) for _ in range(size)]
    team = TeamFactory(manager=manager, members=reps)
    today = timezone.localdate()
    plan = Plan.objects.create(
        team=team, title="P", start_date=today, end_date=today, status=PlanStatus.ACTIVE
    )
    lever = Lever.objects.create(plan=plan, name="L", aim="prospect")
    for rep in reps:
        _action(lever, rep, today, done_on=today)
    scheme = services.scheme_create(
        plan=plan,
        reps=reps,
        tiers=TIERS,
        by=manager,
        name="S",
        basis="effort",
        period_start=today,
        period_end=today,
    )
    return manager, scheme


@pytest.mark.parametrize("size", [2, 10])
def test_payout_page_keeps_a_constant_query_count(size, login, django_assert_max_num_queries):
    manager, scheme = _world(size)
    client = login(manager)
    # session, user, role (3); scheme (1); reps (1); tiers (1); results (1); tiers for the
    # page (1); navbar badge (1) = 9, plus one spare.
    with django_assert_max_num_queries(10):
        response = client.get(f"/coaching/incentives/{scheme.pk}/")
    assert len(response.context["lines"]) == size


def _indicator_world(size):
    manager, scheme = _world(size)
    plan = scheme.plan
    today = timezone.localdate()
    indicator = Indicator.objects.create(
        plan=plan, name="CA", kind="quantitative", unit="eur", aggregation="sum", cadence="monthly"
    )
    for rep in scheme.reps.all():
        Target.objects.create(
            indicator=indicator, rep=rep, value=Decimal(1000), period_start=today, period_end=today
        )
        Measurement.objects.create(indicator=indicator, rep=rep, date=today, value=Decimal(800))
    scheme = services.scheme_create(
        plan=plan,
        reps=list(scheme.reps.all()),
        tiers=TIERS,
        by=manager,
        name="CA",
        basis="indicator",
        indicator=indicator,
        period_start=today,
        period_end=today,
    )
    return manager, scheme


@pytest.mark.parametrize("size", [2, 10])
def test_indicator_payout_page_keeps_a_constant_query_count(
    size, login, django_assert_max_num_queries
):
    manager, scheme = _indicator_world(size)
    client = login(manager)
    # session, user, role (3); scheme (1); reps (1); tiers (1); the progress engine: the
    # indicator (1), targets (1), aggregates (1); tiers for the page (1); navbar badge (1)
    # = 11, plus one spare.
    with django_assert_max_num_queries(12):
        response = client.get(f"/coaching/incentives/{scheme.pk}/")
    assert [line.tier_number for line in response.context["lines"]] == [2] * size
