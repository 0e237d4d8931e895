"""The manager's home page: what needs them today, each item with a link to act."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coaching.models import CoachingSession, Enrollment, Training, TrainingRequest, TrainingSession
from indicators.models import Indicator, Measurement, Target
from pacsite.today import manager_today
from teams.roles import Role
from tests.factories import UserFactory
from tests.plans import conftest as plan_world
from tests.plans.factories import ActionFactory, LeverFactory, MilestoneFactory, PlanFactory

pytestmark = pytest.mark.django_db

# The plan world's ``plan`` of ``team`` and its ``lever``.
plan, lever = plan_world.plan, plan_world.lever


def today():
    return timezone.localdate()


def ago(days):
    return today() - timedelta(days=days)


def off_track_indicator(plan, rep):
    """A figure far behind its target at mid-period: ``rep`` is off track."""
    indicator = Indicator.objects.create(
        plan=plan,
        name="Rendez-vous",
        kind="quantitative",
        unit="count",
        direction="higher",
        aggregation="sum",
        cadence="weekly",
    )
    Target.objects.create(
        indicator=indicator,
        rep=rep,
        value=1000,
        period_start=plan.start_date,
        period_end=plan.end_date,
    )
    Measurement.objects.create(indicator=indicator, rep=rep, date=ago(1), value=1)
    return indicator


def test_manager_lands_on_what_needs_them_today(login, manager, team, rep, rep2, plan, lever):
    late = ActionFactory(lever=lever, assignee=rep, title="Relancer Dupuis", due_date=ago(3))
    ActionFactory(lever=lever, assignee=rep, title="Pas encore due", due_date=today())
    milestone = MilestoneFactory(plan=plan, title="Salon PME", date=ago(2))
    late.milestone = milestone
    late.save()
    off_track_indicator(plan, rep2)
    CoachingSession.objects.create(team=team, manager=manager, rep=rep, date=ago(5))
    training = Training.objects.create(
        title="Négocier", topic="negotiation", kind="classroom", duration_hours=7
    )
    TrainingRequest.objects.create(training=training, rep=rep2, requested_by=manager)
    session = TrainingSession.objects.create(
        training=Training.objects.create(
            title="CRM avancé", topic="crm", kind="classroom", duration_hours=3
        ),
        starts_at=timezone.now() + timedelta(days=3),
        place="Paris",
        capacity=1,
    )
    Enrollment.objects.create(session=session, rep=rep2, status="waiting")

    page = login(manager).get("/").content.decode()

    assert "Relancer Dupuis" in page and f"/actions/{late.pk}/" in page
    assert "Pas encore due" not in page
    assert "Salon PME" in page and f"/plans/{plan.pk}/" in page
    assert "Rendez-vous" in page and f"/indicators/rep/{rep2.pk}/" in page
    # rep had a 1:1 five days ago; rep2 never did.
    assert f"/coaching/one-to-ones/new/?rep={rep2.pk}" in page
    assert f"?rep={rep.pk}" not in page
    assert "Négocier" in page and "/coaching/training-requests/" in page
    assert "CRM avancé (liste d" in page and f"/coaching/sessions/{session.pk}/" in page


def test_a_clear_day_says_so(login, manager, team):
    CoachingSession.objects.create(
        team=team, manager=manager, rep=team.members.first(), date=today()
    )
    CoachingSession.objects.create(
        team=team, manager=manager, rep=team.members.last(), date=today()
    )
    assert manager_today(user=manager, today=today()).is_clear
    assert "Rien ne vous attend aujourd'hui" in login(manager).get("/").content.decode()


def test_another_teams_work_is_not_listed(login, manager, team, other_team, outsider):
    other = PlanFactory(team=other_team, title="PAC Rhône-Alpes")
    lever = LeverFactory(plan=other, name="Fidélisation")
    ActionFactory(lever=lever, assignee=outsider, title="Visiter Lyon", due_date=ago(3))
    MilestoneFactory(plan=other, title="Salon Lyon", date=ago(2))
    off_track_indicator(other, outsider)

    page = login(manager).get("/").content.decode()

    assert "Visiter Lyon" not in page and "Salon Lyon" not in page
    assert f"?rep={outsider.pk}" not in page and f"/indicators/rep/{outsider.pk}/" not in page


def test_plan_a_1to1_link_chooses_the_rep(login, manager, team, rep2):
    page = login(manager).get(f"/coaching/one-to-ones/new/?rep={rep2.pk}").content.decode()
    assert f'<option value="{rep2.pk}" selected>' in page


def test_a_rep_still_lands_on_their_actions(login, rep, team):
    response = login(rep).get("/")
    assert 'id="today-overdue"' not in response.content.decode()


def _grow(team, plan, lever, n):
    for i in range(n):
        rep = UserFactory(role=Role.REP)
        team.members.add(rep)
        ActionFactory(lever=lever, assignee=rep, due_date=ago(2))
        MilestoneFactory(plan=plan, date=ago(1 + i % 5)).actions.add(
            ActionFactory(lever=lever, assignee=rep, due_date=ago(1))
        )
        if i == 0:
            off_track_indicator(plan, rep)


@pytest.mark.parametrize("size", [1, 15])
def test_home_queries_do_not_grow_with_the_team(
    login, manager, team, plan, lever, size, django_assert_max_num_queries
):
    # 21 at both sizes: session, user, role, managed teams, overdue count and rows,
    # milestones, the dashboard (plan, indicators, reps, progress engine, completed actions,
    # at-risk reasons), reps and their last 1:1, training requests, waiting list, the bell.
    _grow(team, plan, lever, size)
    client = login(manager)
    with django_assert_max_num_queries(21):
        assert client.get("/").status_code == 200
