"""Factories for plans, levers, milestones and actions (dates relative to today)."""

from datetime import timedelta

import factory
from django.utils import timezone

from plans.models import Action, Lever, LeverAim, Milestone, Plan, PlanStatus


def today():
    return timezone.localdate()


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    title = factory.Sequence(lambda n: f"PAC {n}")
    start_date = factory.LazyFunction(lambda: today() - timedelta(days=60))
    end_date = factory.LazyFunction(lambda: today() + timedelta(days=120))
    status = PlanStatus.ACTIVE
    value_proposition = "Devenir le partenaire de référence des PME de la région."


class LeverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lever

    name = factory.Sequence(lambda n: f"Levier {n}")
    aim = LeverAim.PROSPECT
    position = factory.Sequence(lambda n: n)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    title = factory.Sequence(lambda n: f"Jalon {n}")
    date = factory.LazyFunction(lambda: today() + timedelta(days=30))


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    title = factory.Sequence(lambda n: f"Action {n}")
    due_date = factory.LazyFunction(lambda: today() + timedelta(days=10))
