"""Demo company, coaching part: trainings, skills, incentives, a challenge, a ritual, a 1:1.

Runs after ``plans.demo.seed`` (``ctx.users`` by username, ``ctx.teams``, ``ctx.plans``).
Dates are relative to today and every row is found again by a natural key, so running the
command twice changes nothing.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from indicators.models import Indicator
from plans.models import Action, ActionEvent, ActionStatus, Lever, Plan
from plans.services import action_set_status

from .models import (
    Challenge,
    CoachingSession,
    Decision,
    Enrollment,
    IncentiveScheme,
    IncentiveTier,
    Kudos,
    Ritual,
    RitualMeeting,
    Skill,
    SkillLevel,
    SkillLevelChange,
    Training,
    TrainingRequest,
    TrainingSession,
)

SKILLS = [
    ("Maîtrise du CRM", "crm"),
    ("Négociation", "negotiation"),
    ("Prospection téléphonique", "sales_technique"),
    ("Connaissance de l'offre", "product"),
]

TRAININGS = [
    {
        "title": "Maîtriser le CRM au quotidien",
        "topic": "crm",
        "skill": "Maîtrise du CRM",
        "kind": "online",
        "provider": "Éditeur du CRM",
        "duration_hours": Decimal("3.5"),
        "cost_per_seat": Decimal("120"),
        "mandatory": True,
        "description": "Saisir ses comptes, ses opportunités et ses relances; tableaux de bord.",
    },
    {
        "title": "Négociation commerciale : défendre ses prix",
        "topic": "negotiation",
        "skill": "Négociation",
        "kind": "classroom",
        "provider": "Cegos",
        "duration_hours": Decimal("14"),
        "cost_per_seat": Decimal("890"),
        "mandatory": False,
        "description": "Préparer, argumenter, traiter les objections, conclure sans brader.",
    },
]

# rep -> skill -> level (before the trainings below)
LEVELS = {
    "rep1": {"Maîtrise du CRM": 2, "Négociation": 3, "Prospection téléphonique": 3},
    "rep2": {"Maîtrise du CRM": 1, "Négociation": 2, "Connaissance de l'offre": 2},
    "rep3": {"Maîtrise du CRM": 1, "Négociation": 1, "Prospection téléphonique": 2},
    "rep4": {"Maîtrise du CRM": 3, "Connaissance de l'offre": 3},
}


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def seed(ctx) -> None:
    today = timezone.localdate()
    _seed_training(ctx, today)
    team = ctx.teams[0]
    plan = _plan_of(ctx, team)
    if plan is None:
        return
    lever = Lever.objects.filter(plan=plan).order_by("position", "id").first()
    _seed_incentives(ctx, plan, today)
    _seed_challenge(ctx, team, today)
    _seed_ritual(ctx, team, lever, today)
    _seed_kudos(ctx, team)
    _seed_one_to_ones(ctx, team, lever, today)


def _seed_training(ctx, today) -> None:
    """Skills with their levels, the catalogue, its sessions, enrolments and a request."""
    users = ctx.users
    skills = _seed_skills(users)
    trainings = {}
    for spec in TRAININGS:
        spec = dict(spec)
        skill = skills[spec.pop("skill")]
        trainings[spec["topic"]], _c = Training.objects.update_or_create(
            title=spec.pop("title"), defaults={**spec, "skill": skill}
        )
    crm, nego = trainings["crm"], trainings["negotiation"]

    # Sessions: one CRM session held three weeks ago, one to come; negotiation next week.
    past, _c = TrainingSession.objects.update_or_create(
        training=crm,
        place="Classe virtuelle (lien Teams)",
        trainer="Marc Lefèvre",
        defaults={
            "starts_at": _at(today - datetime.timedelta(days=21), 9),
            "duration_hours": crm.duration_hours,
            "capacity": 8,
        },
    )
    upcoming_crm, _c = TrainingSession.objects.update_or_create(
        training=crm,
        place="Classe virtuelle (lien Teams) — session 2",
        trainer="Marc Lefèvre",
        defaults={
            "starts_at": _at(today + datetime.timedelta(days=10), 14),
            "duration_hours": crm.duration_hours,
            "capacity": 8,
        },
    )
    nego_session, _c = TrainingSession.objects.update_or_create(
        training=nego,
        place="Paris 8e, salle Haussmann",
        trainer="Anne Vidal",
        # The training's two days in one session: HR counts its 14 hours for each rep.
        defaults={
            "starts_at": _at(today + datetime.timedelta(days=1), 9),
            "duration_hours": nego.duration_hours,
            "capacity": 6,
        },
    )
    _seed_enrollments(users, past, skills["Maîtrise du CRM"])
    hr = users["hr"]
    for username in ("rep1", "rep2"):
        Enrollment.objects.get_or_create(
            session=nego_session, rep=users[username], defaults={"enrolled_by": hr}
        )
    Enrollment.objects.get_or_create(
        session=upcoming_crm, rep=users["rep3"], defaults={"enrolled_by": hr}
    )
    TrainingRequest.objects.get_or_create(
        training=nego,
        rep=users["rep3"],
        requested_by=users["manager"],
        defaults={"reason": "Remises trop fréquentes sur les devis PME."},
    )


def _seed_skills(users) -> dict:
    """The skills, and the skills matrix with a little history; returns skills by name."""
    skills = {}
    for name, topic in SKILLS:
        skills[name], _c = Skill.objects.get_or_create(name=name, defaults={"topic": topic})
    for username, levels in LEVELS.items():
        for skill_name, level in levels.items():
            SkillLevel.objects.update_or_create(
                rep=users[username], skill=skills[skill_name], defaults={"level": level}
            )
            SkillLevelChange.objects.get_or_create(
                rep=users[username],
                skill=skills[skill_name],
                source="assessment",
                new_level=level,
                defaults={
                    "old_level": max(0, level - 1),
                    "changed_by": users["manager"] if username != "rep4" else users["manager2"],
                    "note": "Évaluation annuelle",
                },
            )
    return skills


def _seed_enrollments(users, past, crm_skill) -> None:
    """The past CRM session: rep1 completed, rep2 attended, rep3 no-show, rep4 completed."""
    hr = users["hr"]
    for username, status, score, feedback in (
        ("rep1", "completed", Decimal("88"), (5, "Très concret, j'utilise déjà les relances.")),
        ("rep2", "attended", None, (4, "Utile, un peu rapide sur les tableaux de bord.")),
        ("rep3", "no_show", None, None),
        ("rep4", "completed", Decimal("92"), None),
    ):
        enrollment, _c = Enrollment.objects.update_or_create(
            session=past,
            rep=users[username],
            defaults={
                "status": status,
                "score": score,
                "certificate_ref": f"CRM-{username.upper()}" if status == "completed" else "",
                "feedback_rating": feedback[0] if feedback else None,
                "feedback_comment": feedback[1] if feedback else "",
                "feedback_at": timezone.now() if feedback else None,
                "enrolled_by": hr,
            },
        )
        if status == "completed":
            SkillLevelChange.objects.get_or_create(
                rep=users[username],
                skill=crm_skill,
                enrollment=enrollment,
                defaults={
                    "old_level": LEVELS[username]["Maîtrise du CRM"] - 1,
                    "new_level": LEVELS[username]["Maîtrise du CRM"],
                    "source": "training",
                    "changed_by": hr,
                    "note": past.training.title,
                },
            )


def _seed_incentives(ctx, plan, today) -> None:
    """An effort scheme, and with the indicators demo a revenue scheme."""
    users = ctx.users
    covered = [users["rep1"], users["rep2"], users["rep3"]]
    # On effort (share of actions done on time): with the demo plan's actions, rep1, rep2 and
    # rep3 land in different tiers.
    scheme, _c = IncentiveScheme.objects.update_or_create(
        plan=plan,
        name="Prime d'effort — semestre",
        defaults={
            "basis": "effort",
            "period_start": plan.start_date,
            "period_end": today + datetime.timedelta(days=3),
            "cap": Decimal("1000"),
        },
    )
    scheme.reps.set(covered)
    for threshold, value in EFFORT_TIERS:
        IncentiveTier.objects.update_or_create(
            scheme=scheme, threshold=threshold, defaults={"bonus_kind": "amount", "value": value}
        )

    # On revenue (% of target, through the progress engine): rep1 on track, rep2 at risk and
    # rep3 off track land in tiers 3, 2 and 1.
    revenue = Indicator.objects.filter(plan=plan, unit="eur").order_by("position", "id").first()
    if revenue is None:
        return
    scheme, _c = IncentiveScheme.objects.update_or_create(
        plan=plan,
        name="Prime sur chiffre d'affaires",
        defaults={
            "basis": "indicator",
            "indicator": revenue,
            "period_start": plan.start_date,
            "period_end": today + datetime.timedelta(days=7),
        },
    )
    scheme.reps.set(covered)
    for threshold, value in REVENUE_TIERS:
        IncentiveTier.objects.update_or_create(
            scheme=scheme,
            threshold=threshold,
            defaults={"bonus_kind": "amount", "value": value},
        )


def _seed_challenge(ctx, team, today) -> None:
    """A running challenge ranked on actions done."""
    Challenge.objects.update_or_create(
        team=team,
        title="Challenge du mois : actions bouclées",
        previous=None,
        defaults={
            "description": "Le plus d'actions du PAC terminées ce mois-ci.",
            "start_date": today - datetime.timedelta(days=20),
            "end_date": today + datetime.timedelta(days=10),
            "target": Decimal("6"),
            "prize": "Un dîner pour deux",
            "created_by": ctx.users["manager"],
        },
    )


def _seed_ritual(ctx, team, lever, today) -> None:
    """A weekly ritual with two past meetings and a decision."""
    users = ctx.users
    manager = users["manager"]
    ritual, _c = Ritual.objects.update_or_create(
        team=team,
        title="Réunion commerciale du lundi",
        defaults={
            "kind": "weekly_meeting",
            "recurrence": "weekly",
            "default_agenda": "1. Chiffres de la semaine\n2. Pipeline\n3. Actions du PAC",
        },
    )
    reps = [users["rep1"], users["rep2"], users["rep3"]]
    for weeks, attendees, minutes in (
        (2, [manager, *reps], "Bon démarrage du salon; trois devis à relancer."),
        (1, [manager, users["rep1"], users["rep3"]], "Sophie en rendez-vous client."),
    ):
        meeting, _c = RitualMeeting.objects.update_or_create(
            ritual=ritual,
            date=today - datetime.timedelta(days=7 * weeks),
            defaults={"agenda": ritual.default_agenda, "minutes": minutes},
        )
        meeting.attendees.set(attendees)
    Decision.objects.get_or_create(
        meeting=meeting,
        text="Relancer les devis du salon avant vendredi",
        defaults={
            "owner": users["rep2"],
            "due_date": today + datetime.timedelta(days=4),
            "lever": lever,
        },
    )


def _seed_kudos(ctx, team) -> None:
    users = ctx.users
    for author, rep, message in (
        ("manager", "rep1", "Bravo pour la signature du contrat Batiself !"),
        ("rep2", "rep3", "Merci pour le coup de main sur la démo."),
    ):
        Kudos.objects.get_or_create(
            author=users[author], rep=users[rep], message=message, defaults={"team": team}
        )


def _seed_one_to_ones(ctx, team, lever, today) -> None:
    """1:1 coaching sessions (rep1's is the one of the demo journey); their agreed actions are
    plan actions: rep2 did theirs on time, rep3's is late."""
    users = ctx.users
    manager = users["manager"]
    for username, days, notes, strengths, improve, agreed in ONE_TO_ONES:
        session, _c = CoachingSession.objects.update_or_create(
            manager=manager,
            rep=users[username],
            date=today - datetime.timedelta(days=days),
            defaults={
                "team": team,
                "notes": notes,
                "strengths": strengths,
                "areas_to_improve": improve,
            },
        )
        for title, due_in, done in agreed:
            due = today + datetime.timedelta(days=due_in)
            action, _c = Action.objects.update_or_create(
                lever=lever,
                title=title,
                defaults={
                    "assignee": users[username],
                    "due_date": due,
                    "original_due_date": due,
                    "created_by": manager,
                    "details": f"Convenu lors de l'entretien du {session.date:%d/%m/%Y}.",
                },
            )
            ActionEvent.objects.get_or_create(
                action=action, kind="created", defaults={"actor": manager}
            )
            action_set_status(
                action=action,
                by=users[username],
                status=ActionStatus.DONE if done else ActionStatus.TODO,
                at=_at(due, 11) if done else None,
            )
            session.actions.add(action)


# from x % of actions done on time -> bonus (€)
EFFORT_TIERS = [
    (Decimal("45"), Decimal("150")),
    (Decimal("55"), Decimal("300")),
    (Decimal("65"), Decimal("450")),
]

# from x % of the revenue target -> bonus (€)
REVENUE_TIERS = [
    (Decimal("50"), Decimal("200")),
    (Decimal("75"), Decimal("450")),
    (Decimal("95"), Decimal("800")),
]

# rep, days ago, notes, strengths, areas to improve, agreed actions (title, due in days, done)
ONE_TO_ONES = [
    (
        "rep1",
        6,
        "Bon trimestre sur la conquête; relances des devis à systématiser.",
        "Écoute, préparation des rendez-vous.",
        "Conclure plus tôt; utiliser les relances du CRM.",
        [],
    ),
    (
        "rep2",
        30,
        "Pipeline solide mais peu de rendez-vous de découverte.",
        "Connaissance de l'offre, rigueur.",
        "Prospection téléphonique.",
        [
            ("Bloquer deux matinées de prospection téléphonique", -20, True),
            ("Préparer un pitch de 30 secondes pour les appels", -25, True),
        ],
    ),
    (
        "rep3",
        25,
        "Des devis envoyés sans relance.",
        "Bon contact client.",
        "Suivi des devis dans le CRM.",
        [("Relancer les devis de plus de 15 jours", -10, False)],
    ),
]


def _plan_of(ctx, team):
    for plan in getattr(ctx, "plans", []) or []:
        if plan.team_id == team.pk:
            return plan
    return Plan.objects.filter(team=team).order_by("-start_date").first()
