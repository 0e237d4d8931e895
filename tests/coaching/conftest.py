"""Coaching test world: the shared personas plus a few helpers to make trainings and plans."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from coaching.models import Training, TrainingSession
from plans.models import Lever, Plan, PlanStatus


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def make_training(db):
    def _make(title="Maîtriser le CRM", **kwargs):
        kwargs.setdefault("topic", "crm")
        kwargs.setdefault("kind", "classroom")
        kwargs.setdefault("duration_hours", Decimal("7"))
        kwargs.setdefault("cost_per_seat", Decimal("350"))
        return Training.objects.get_or_create(title=title, defaults=kwargs)[0]

    return _make


@pytest.fixture
def make_session(make_training):
    def _make(training=None, days=7, capacity=5, **kwargs):
        training = training or make_training()
        return TrainingSession.objects.create(
            training=training,
            starts_at=timezone.now() + datetime.timedelta(days=days),
            place="Paris, salle 2",
            capacity=capacity,
            **kwargs,
        )

    return _make


def move_session_to_past(session, days=1):
    """The session took place: moved after enrolment, as time passing would."""
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=days)
    )
    session.refresh_from_db()
    return session


@pytest.fixture
def plan(team, today):
    return Plan.objects.create(
        team=team,
        title="PAC 2026",
        start_date=today - datetime.timedelta(days=60),
        end_date=today + datetime.timedelta(days=60),
        status=PlanStatus.ACTIVE,
    )


@pytest.fixture
def lever(plan):
    return Lever.objects.create(plan=plan, name="Prospection", aim="prospect")


@pytest.fixture
def other_plan(other_team, today):
    return Plan.objects.create(
        team=other_team,
        title="PAC Rhône",
        start_date=today - datetime.timedelta(days=60),
        end_date=today + datetime.timedelta(days=60),
        status=PlanStatus.ACTIVE,
    )


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Services speak the active language; pin English so message checks do not depend on
    which page an earlier test opened (the locale middleware leaves its language active)."""
    from django.utils import translation

    with translation.override("en"):
        yield
