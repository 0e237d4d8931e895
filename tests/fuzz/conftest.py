"""A seeded team with one of everything a form edits, for the hostile-input tests."""

import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from coaching.models import (
    CoachingSession,
    Enrollment,
    EnrollmentStatus,
    IncentiveScheme,
    Ritual,
    RitualMeeting,
    Skill,
    Training,
    TrainingSession,
)
from crm.services import connection_create
from indicators.models import Indicator, Target
from plans.models import Action, Lever, Milestone, Plan


@pytest.fixture
def fuzz_world(team, other_team, manager, rep, rep2, hr):
    today = timezone.localdate()
    plan = Plan.objects.create(
        team=team,
        title="PAC",
        start_date=today - timedelta(days=60),
        end_date=today + timedelta(days=120),
        status="active",
    )
    lever = Lever.objects.create(plan=plan, name="Conquête", aim="prospect")
    milestone = Milestone.objects.create(plan=plan, title="Kick-off", date=today)
    action = Action.objects.create(lever=lever, title="Call", assignee=rep, due_date=today)
    revenue = Indicator.objects.create(
        plan=plan, name="Revenue", kind="quantitative", unit="eur", cadence="weekly"
    )
    revenue_target = Target.objects.create(
        indicator=revenue,
        rep=rep,
        value=1000,
        period_start=plan.start_date,
        period_end=plan.end_date,
    )
    mood = Indicator.objects.create(
        plan=plan,
        name="Mood",
        kind="qualitative",
        qualitative_mode="categories",
        categories=["good", "bad"],
        cadence="weekly",
    )
    skill = Skill.objects.create(name="Negotiation")
    training = Training.objects.create(
        title="CRM",
        topic="crm",
        kind="classroom",
        skill=skill,
        duration_hours=Decimal("7"),
        cost_per_seat=Decimal("350"),
    )
    past = TrainingSession.objects.create(
        training=training,
        starts_at=timezone.now() - datetime.timedelta(days=3),
        place="Paris",
        capacity=5,
    )
    attended = Enrollment.objects.create(session=past, rep=rep, status=EnrollmentStatus.ATTENDED)
    upcoming = TrainingSession.objects.create(
        training=training,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        place="Lyon",
        capacity=5,
    )
    coaching = CoachingSession.objects.create(
        team=team, manager=manager, rep=rep, date=today, notes="notes"
    )
    ritual = Ritual.objects.create(
        team=team, title="Monday", kind="weekly_meeting", recurrence="weekly"
    )
    meeting = RitualMeeting.objects.create(ritual=ritual, date=today)
    crm_connection = connection_create(
        team=team, kind="pipedrive", name="Pipedrive", credentials={"api_token": "t"}
    )
    scheme = IncentiveScheme.objects.create(
        plan=plan,
        name="Prime",
        basis="effort",
        period_start=plan.start_date,
        period_end=plan.end_date,
    )
    scheme.reps.add(rep)
    return {
        "today": today,
        "team": team,
        "plan": plan,
        "lever": lever,
        "milestone": milestone,
        "action": action,
        "revenue": revenue,
        "revenue_target": revenue_target,
        "mood": mood,
        "skill": skill,
        "training": training,
        "past_session": past,
        "attended": attended,
        "upcoming_session": upcoming,
        "coaching": coaching,
        "ritual": ritual,
        "meeting": meeting,
        "crm_connection": crm_connection,
        "scheme": scheme,
        "people": {"manager": manager, "rep": rep, "rep2": rep2, "hr": hr},
    }
