"""Demo company, indicators: each team's active plan gets catalogue indicators with targets and
weekly measurements since the plan's start, so that on team one ``rep1`` is on track, ``rep2``
at risk and ``rep3`` off track (team two's ``rep4`` is on track).

Idempotent: indicators are found by (plan, catalogue template), targets by (indicator, rep,
period start), measurements by (indicator, rep, date); figures of older runs that no longer
fall on a seeded week are removed.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import override

from plans.models import Action, Plan, PlanStatus

from . import services
from .models import Indicator, Measurement

# Per indicator template: baseline, target per rep, team target (internal), and the weekly
# figure of each profile (on track, at risk, off track). Scales give a level, categories a
# cycle of causes (the share of the first one is the target, lower is better).
WEEKLY = {
    "revenue": (Decimal(75_000), 90_000, {"good": 3700, "risk": 3000, "bad": 2000}),
    "prospecting_meetings": (Decimal(45), 60, {"good": 3, "risk": 2, "bad": 1}),
    "meetings_obtained": (Decimal(20), 40, {"good": 3, "risk": 2, "bad": 1}),
    "meetings_attempted": (Decimal(100), 130, {"good": 10, "risk": 10, "bad": 10}),
    "meeting_rate": (Decimal(20), 30, None),
    "customer_satisfaction": (Decimal("3.5"), 4, None),
    "deal_outcome_cause": (Decimal(35), 30, None),
}
# Levels of satisfaction cycle per profile to give a readable average.
SCALES = {"good": [4, 5, 4, 4], "risk": [3, 4, 3, 3], "bad": [3, 2, 3, 3]}
CAUSES = {
    # French categories of the catalogue: Prix, Calendrier, Concurrent, Pas de besoin, Autre.
    "good": ["Calendrier", "Prix", "Concurrent", "Pas de besoin", "Autre"],
    "risk": ["Prix", "Calendrier", "Concurrent"],
    "bad": ["Prix", "Prix", "Calendrier", "Prix", "Concurrent"],
}
PROFILES = {"rep1": "good", "rep2": "risk", "rep3": "bad", "rep4": "good"}
# Team one gets every indicator; team two a lighter set.
TEAM_TEMPLATES = [
    [
        "revenue",
        "prospecting_meetings",
        "meeting_rate",
        "customer_satisfaction",
        "deal_outcome_cause",
        "actions_completed",
    ],
    ["revenue", "customer_satisfaction"],
]


def seed(ctx) -> None:
    today = timezone.localdate()
    with override("fr"):
        for team, codes in zip(ctx.teams, TEAM_TEMPLATES, strict=False):
            plan = (
                Plan.objects.filter(team=team, status=PlanStatus.ACTIVE)
                .order_by("-start_date")
                .first()
            )
            if plan is None:  # no demo plan yet: nothing to measure
                continue
            _seed_plan(plan, codes, today)


def _indicator(plan, code) -> Indicator:
    existing = Indicator.objects.filter(plan=plan, template_code=code, segment="").first()
    if existing is not None:
        return existing
    return services.indicator_add_from_template(plan=plan, code=code, by=None)


def _seed_plan(plan: Plan, codes: list[str], today) -> None:
    reps = list(plan.team.members.order_by("username"))
    levers = list(plan.levers.all())
    indicators = {code: _indicator(plan, code) for code in codes}
    for ind in list(indicators.values()):
        if ind.kind == "rate":
            indicators.setdefault(ind.numerator.template_code, ind.numerator)
            indicators.setdefault(ind.denominator.template_code, ind.denominator)
    weeks = []
    day = plan.start_date
    while day < today and day <= plan.end_date:
        weeks.append(day)
        day += timedelta(days=7)
    for code, ind in indicators.items():
        baseline, per_rep, weekly = WEEKLY.get(code, (None, None, None))
        if code == "actions_completed":
            ind.levers.set(levers)
            ind.baseline = Decimal(0)
            ind.save(update_fields=["baseline"])
            # A team target only: the reps' share of the actions is not the point here.
            services.target_set(indicator=ind, rep=None, value=len(reps) * 4)
            continue
        if baseline is not None and ind.baseline != baseline:
            ind.baseline = baseline
            ind.save(update_fields=["baseline"])
        ind.levers.set(levers)
        if per_rep is not None:
            for rep in reps:
                services.target_set(indicator=ind, rep=rep, value=per_rep)
        for rep in reps:
            profile = PROFILES.get(rep.username, "good")
            _seed_figures(ind, code, rep, profile, weekly, weeks)
    # Every action moves the revenue (and, for prospecting, the meetings): the plan stays
    # activatable with the indicators' activation checks.
    revenue = indicators.get("revenue")
    meetings = indicators.get("prospecting_meetings")
    for action in Action.objects.filter(lever__plan=plan).select_related("lever"):
        if revenue is not None:
            action.indicators.add(revenue)
        if meetings is not None and action.lever.aim == "prospect":
            action.indicators.add(meetings)


def _seed_figures(ind, code, rep, profile, weekly, weeks) -> None:
    wanted = set()
    for index, day in enumerate(weeks):
        value, category = None, ""
        if code == "customer_satisfaction":
            value = Decimal(SCALES[profile][index % len(SCALES[profile])])
        elif code == "deal_outcome_cause":
            category = CAUSES[profile][index % len(CAUSES[profile])]
        elif weekly is not None:
            value = Decimal(weekly[profile])
        else:
            continue
        Measurement.objects.update_or_create(
            indicator=ind,
            rep=rep,
            date=day,
            defaults={"value": value, "category": category, "entered_by": rep},
        )
        wanted.add(day)
    Measurement.objects.filter(indicator=ind, rep=rep).exclude(date__in=wanted).delete()
