"""A small seeded company for the API tests: one of each resource, in the persona team."""

import datetime
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from coaching.models import (
    Challenge,
    CoachingSession,
    Enrollment,
    IncentiveScheme,
    Ritual,
    Skill,
    SkillLevel,
    Training,
    TrainingSession,
)
from crm.services import connection_create
from indicators.models import Indicator, Measurement, Target
from pacsite.api_tokens import token_issue
from plans.models import Action, Lever, Milestone, Plan
from reminders.models import Reminder
from teams.audit import audit_record
from teams.models import AuditKind


@pytest.fixture
def world(team, other_team, manager, rep, rep2, outsider, other_manager):
    today = timezone.localdate()
    start, end = today - timedelta(days=60), today + timedelta(days=120)
    plan = Plan.objects.create(
        team=team, title="PAC", start_date=start, end_date=end, status="active"
    )
    lever = Lever.objects.create(plan=plan, name="Conquête", aim="prospect")
    milestone = Milestone.objects.create(plan=plan, title="Kick-off", date=today)
    own = Action.objects.create(lever=lever, title="Mine", assignee=rep, due_date=today)
    colleague = Action.objects.create(
        lever=lever, title="Sophie's", assignee=rep2, due_date=today, milestone=milestone
    )
    revenue = Indicator.objects.create(
        plan=plan, name="Revenue", kind="quantitative", unit="eur", cadence="weekly"
    )
    Target.objects.create(
        indicator=revenue, rep=rep, value=1000, period_start=start, period_end=end
    )
    Measurement.objects.create(indicator=revenue, rep=rep, date=today, value=10)
    other_plan = Plan.objects.create(
        team=other_team, title="PAC RA", start_date=start, end_date=end, status="active"
    )
    training = Training.objects.create(
        title="CRM",
        topic="crm",
        kind="classroom",
        duration_hours=Decimal("7"),
        cost_per_seat=Decimal("350"),
    )
    session = TrainingSession.objects.create(
        training=training,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        place="Paris",
        capacity=5,
    )
    Enrollment.objects.create(session=session, rep=rep)
    rep_notes = CoachingSession.objects.create(
        team=team, manager=manager, rep=rep, date=today, notes="Julien's notes"
    )
    colleague_notes = CoachingSession.objects.create(
        team=team, manager=manager, rep=rep2, date=today, notes="Sophie's notes"
    )
    return {
        "plan": plan,
        "lever": lever,
        "milestone": milestone,
        "own": own,
        "colleague": colleague,
        "revenue": revenue,
        "other_plan": other_plan,
        "session": session,
        "rep_notes": rep_notes,
        "colleague_notes": colleague_notes,
        "date": date.today(),
    }


@pytest.fixture
def token_for(db):
    def _token(user):
        return token_issue(user)[1]

    return _token


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    """Call the real WSGI application without losing the test's transaction.

    Django's handler closes "unusable" connections when a request starts and ends; inside a
    test transaction the connection looks unusable (autocommit is off), so on PostgreSQL the
    handler would close it under the test. Django's own test client sidesteps this for its
    requests; schemathesis calls ``pacsite.wsgi.application`` directly, so the check is
    switched off for these tests.
    """
    from django.db.backends.base.base import BaseDatabaseWrapper

    monkeypatch.setattr(BaseDatabaseWrapper, "close_if_unusable_or_obsolete", lambda self: None)


@pytest.fixture
def every_kind(world, team, manager, rep):
    """One row of each kind the base world lacks, so every detail endpoint has a row to read
    (a contract test must never pass by skipping)."""
    today = timezone.localdate()
    SkillLevel.objects.create(rep=rep, skill=Skill.objects.create(name="Négociation"), level=2)
    scheme = IncentiveScheme.objects.create(
        plan=world["plan"],
        name="Prime effort",
        basis="effort",
        period_start=world["plan"].start_date,
        period_end=world["plan"].end_date,
        base_amount=Decimal("500"),
    )
    scheme.reps.set([rep])
    Challenge.objects.create(
        team=team,
        title="Sprint",
        start_date=world["plan"].start_date,
        end_date=world["plan"].end_date,
        created_by=manager,
    )
    Ritual.objects.create(team=team, title="Point du lundi", kind="weekly_meeting")
    connection_create(team=team, kind="pipedrive", name="Pipedrive", credentials={"api_token": "t"})
    Reminder.objects.create(
        recipient=manager,
        stage="escalated",
        item_type="action",
        item_id=world["own"].pk,
        due_date=today,
        title=world["own"].title,
    )
    audit_record(
        by=manager,
        action=AuditKind.TARGET_SET,
        obj=world["revenue"],
        before=None,
        after={"value": "1000"},
        team=team,
    )
    return world
