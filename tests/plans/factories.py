"""Factories for plans, levers, milestones and actions (dates relative to today)."""

from datetime import timedelta

import factory
from django.utils import timezone

from indicators.models import Indicator, Target
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


def steer(plan, actions) -> Indicator:
    """A SMART indicator of ``plan`` that ``actions`` move, with a team target over the plan:
    what the indicators' activation checks ask of every action."""
    indicator = Indicator.objects.create(
        plan=plan,
        name="Chiffre d'affaires",
        kind="quantitative",
        unit="eur",
        direction="higher",
        aggregation="sum",
        cadence="weekly",
        definition="CA signé HT",
        source="CRM",
        baseline=1000,
    )
    indicator.actions.add(*actions)
    Target.objects.create(
        indicator=indicator, value=2000, period_start=plan.start_date, period_end=plan.end_date
    )
    return indicator
