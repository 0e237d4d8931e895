"""The access matrix's world: one row of every model, owned by ``rep`` of ``team``.

Built once per test from the shared personas (tests/conftest.py): ``manager`` runs ``team``
(reps ``rep`` — the owner of every row — and ``rep2``); ``other_manager`` runs ``other_team``
(rep ``outsider``); ``hr`` belongs to no team.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from coaching.models import (
    Challenge,
    CoachingSession,
    Enrollment,
    IncentiveScheme,
    IncentiveTier,
    Payout,
    Ritual,
    Skill,
    SkillLevel,
    Training,
    TrainingSession,
)
from indicators.models import Indicator, Measurement, Target
from plans.models import Action, Lever, Milestone, Plan, PlanStatus
from reminders.models import DeliveryState, Reminder


def build_world(*, team, manager, rep, rep2, other_team, other_manager, outsider, hr):
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=60), today + datetime.timedelta(days=60)
    plan = Plan.objects.create(
        team=team,
        title="PAC Île-de-France",
        start_date=start,
        end_date=end,
        status=PlanStatus.ACTIVE,
        created_by=manager,
    )
    draft = Plan.objects.create(
        team=team, title="PAC brouillon", start_date=start, end_date=end, created_by=manager
    )
    other_plan = Plan.objects.create(
        team=other_team, title="PAC Rhône", start_date=start, end_date=end, status="active"
    )
    lever = Lever.objects.create(plan=plan, name="Conquête", aim="prospect")
    other_lever = Lever.objects.create(plan=other_plan, name="Fidélisation", aim="retain")
    milestone = Milestone.objects.create(
        plan=plan, title="Salon PME", date=today + datetime.timedelta(days=30)
    )
    action = Action.objects.create(
        lever=lever,
        title="Relancer les devis",
        assignee=rep,
        due_date=today + datetime.timedelta(days=10),
    )
    indicator = Indicator.objects.create(
        plan=plan,
        name="Chiffre d'affaires",
        kind="quantitative",
        unit="eur",
        direction="higher",
        aggregation="sum",
        cadence="weekly",
    )
    target = Target.objects.create(
        indicator=indicator, rep=rep, value=Decimal("1000"), period_start=start, period_end=end
    )
    measurement = Measurement.objects.create(
        indicator=indicator, rep=rep, date=today, value=Decimal("120"), entered_by=rep
    )
    skill = Skill.objects.create(name="Négociation")
    training = Training.objects.create(
        title="Maîtriser le CRM",
        topic="crm",
        kind="classroom",
        duration_hours=Decimal("7"),
        cost_per_seat=Decimal("350"),
        skill=skill,
    )
    session = TrainingSession.objects.create(
        training=training,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        place="Paris",
        capacity=5,
    )
    enrollment = Enrollment.objects.create(session=session, rep=rep)
    skill_level = SkillLevel.objects.create(rep=rep, skill=skill, level=2)
    scheme = IncentiveScheme.objects.create(
        plan=plan,
        name="Prime effort",
        basis="effort",
        period_start=start,
        period_end=end,
        base_amount=Decimal("500"),
    )
    scheme.reps.set([rep])
    IncentiveTier.objects.create(scheme=scheme, threshold=Decimal("50"), value=Decimal("100"))
    # Payouts exist once a period is closed: a second, closed scheme holds the rep's payout.
    closed_scheme = IncentiveScheme.objects.create(
        plan=plan,
        name="Prime trimestre passé",
        basis="effort",
        period_start=start,
        period_end=today - datetime.timedelta(days=1),
        base_amount=Decimal("500"),
        status="closed",
        closed_at=timezone.now(),
    )
    closed_scheme.reps.set([rep])
    payout = Payout.objects.create(
        scheme=closed_scheme,
        rep=rep,
        achieved=Decimal("60"),
        amount=Decimal("100"),
        explanation="60 %",
    )
    challenge = Challenge.objects.create(
        team=team, title="Sprint de mars", start_date=start, end_date=end, created_by=manager
    )
    ritual = Ritual.objects.create(team=team, title="Point du lundi", kind="weekly_meeting")
    coaching_session = CoachingSession.objects.create(
        team=team, manager=manager, rep=rep, date=today, notes="Confidentiel"
    )
    # Already emailed, so it stays in the bell until read even though the action is not
    # overdue now (a pending one would be cancelled by the next change to the plan's actions).
    notification = Reminder.objects.create(
        recipient=rep,
        stage="overdue",
        item_type="action",
        item_id=action.pk,
        due_date=today,
        title=action.title,
        state=DeliveryState.SENT,
        sent_at=timezone.now(),
    )
    return SimpleNamespace(
        today=today,
        start=start,
        end=end,
        team=team,
        other_team=other_team,
        plan=plan,
        draft=draft,
        other_plan=other_plan,
        lever=lever,
        other_lever=other_lever,
        milestone=milestone,
        action=action,
        indicator=indicator,
        target=target,
        measurement=measurement,
        skill=skill,
        training=training,
        session=session,
        enrollment=enrollment,
        skill_level=skill_level,
        scheme=scheme,
        closed_scheme=closed_scheme,
        payout=payout,
        challenge=challenge,
        ritual=ritual,
        coaching_session=coaching_session,
        notification=notification,
        users=SimpleNamespace(
            manager=manager,
            owner=rep,
            mate=rep2,
            outsider=outsider,
            other_manager=other_manager,
            hr=hr,
        ),
    )
