"""Demo company, part one: the people and the two teams (see DESIGN.md's contract)."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from teams.models import Team
from teams.roles import Role

from .models import Action, ActionEvent, ActionStatus, Lever, Milestone, Plan, PlanStatus
from .services import action_set_status

# username, first name, last name, role
PEOPLE = [
    ("manager", "Claire", "Martin", Role.MANAGER),
    ("rep1", "Julien", "Dupont", Role.REP),
    ("rep2", "Sophie", "Bernard", Role.REP),
    ("rep3", "Karim", "Haddad", Role.REP),
    ("manager2", "Nathalie", "Roux", Role.MANAGER),
    ("rep4", "Lucas", "Moreau", Role.REP),
    ("hr", "Isabelle", "Petit", Role.HR),
    ("admin", "Admin", "PAC", Role.ADMIN),
]

TEAMS = [
    ("Équipe Île-de-France", "manager", ["rep1", "rep2", "rep3"]),
    ("Équipe Rhône-Alpes", "manager2", ["rep4"]),
]


@dataclass
class DemoContext:
    """What each app's demo step receives from the previous ones."""

    password: str
    users: dict = field(default_factory=dict)
    teams: list = field(default_factory=list)
    # The active plan of each team, in the order of ``teams`` (set by ``seed_plans``).
    plans: list = field(default_factory=list)


def seed(ctx: DemoContext) -> None:
    User = get_user_model()
    groups = {role: Group.objects.get(name=str(role)) for role in Role}
    for username, first, last, role in PEOPLE:
        user, _created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@demo.pac.local",
            },
        )
        user.is_staff = user.is_superuser = role == Role.ADMIN
        user.set_password(ctx.password)
        user.save()
        user.groups.set([groups[role]])
        ctx.users[username] = user
    for name, manager, members in TEAMS:
        team, _created = Team.objects.update_or_create(
            name=name, defaults={"manager": ctx.users[manager]}
        )
        team.members.set([ctx.users[m] for m in members])
        ctx.teams.append(team)
    seed_plans(ctx)


# Demo plans, part two (issue 3). Dates are relative to the day the command runs, and every
# row is found again by its natural key, so a second run updates instead of duplicating.

STRATEGY_IDF = {
    "value_proposition": (
        "Être le partenaire de proximité des PME franciliennes : un interlocuteur unique, "
        "une intervention sous 24 h et des contrats sans surprise."
    ),
    "target_customers": "PME et ETI de 10 à 250 salariés en Île-de-France, BTP et services.",
    "customer_relationship": (
        "Un commercial attitré par client, une revue annuelle des comptes, "
        "un point satisfaction par trimestre."
    ),
    "offer_and_services": (
        "Offre Essentiel, offre Sérénité (maintenance incluse), livraison express."
    ),
    "market_share": "Passer de 8 % à 11 % de part de marché sur les PME du 92 et du 78.",
    "new_customers_and_markets": "60 nouveaux clients, ouverture du plateau de Saclay.",
    "partners": "Experts-comptables prescripteurs, CCI Paris Île-de-France.",
    "resources": "Trois commerciaux terrain, le CRM, un budget salon de 15 k€.",
}

LEVERS_IDF = [
    (
        "Conquête de nouveaux clients PME",
        "prospect",
        [
            "Qualifier 50 prospects issus du salon Go Entrepreneurs",
            "Relancer les leads entrants du site web sous 48 h",
            "Organiser un petit-déjeuner client à La Défense",
            "Prospecter les zones d'activité de Saclay",
            "Préparer un argumentaire sectoriel BTP",
            "Campagne d'appels sur le fichier CCI 92",
            "Obtenir 10 rendez-vous de découverte",
            "Mettre à jour les fiches prospects dans le CRM",
            "Présenter l'offre à 3 experts-comptables prescripteurs",
            "Envoyer les propositions commerciales en attente",
        ],
    ),
    (
        "Reconquête des anciens clients",
        "win_back",
        [
            "Extraire la liste des clients perdus depuis 2 ans",
            "Appeler les anciens clients pour comprendre leur départ",
            "Proposer une offre de retour à 15 anciens clients",
            "Analyser les causes de perte (prix, service, concurrence)",
            "Relancer les devis refusés de l'an dernier",
            "Rencontrer les 5 plus gros comptes perdus",
            "Envoyer un courrier personnalisé de reconquête",
            "Suivre les réponses de la campagne de reconquête",
            "Présenter les nouveaux services aux anciens clients",
            "Faire le bilan de la reconquête avec la manager",
        ],
    ),
    (
        "Fidélisation du portefeuille",
        "retain",
        [
            "Appeler chaque client actif pour un point satisfaction",
            "Envoyer l'enquête de satisfaction annuelle",
            "Traiter les réclamations ouvertes sous 5 jours",
            "Organiser la revue annuelle des 20 premiers comptes",
            "Lancer la lettre d'information trimestrielle",
            "Inviter les clients fidèles à la soirée partenaires",
            "Vérifier les contrats arrivant à échéance",
            "Préparer les renouvellements du trimestre",
            "Recueillir 5 témoignages clients",
            "Analyser le taux d'attrition du semestre",
        ],
    ),
    (
        "Développement des clients existants",
        "develop",
        [
            "Identifier les clients éligibles à l'offre Sérénité",
            "Proposer la montée en gamme aux clients Essentiel",
            "Présenter le service de livraison express",
            "Réaliser 10 démonstrations du nouveau logiciel",
            "Construire les plans de compte des 10 premiers clients",
            "Proposer des contrats pluriannuels",
            "Organiser un atelier de formation client",
            "Relancer les clients sans commande depuis 3 mois",
            "Lancer l'offre groupée pour augmenter le panier moyen",
            "Préparer le bilan des ventes additionnelles",
        ],
    ),
]

# title, days from today; the second one slips (an overdue action is still open).
MILESTONES_IDF = [
    ("Lancement du PAC auprès de l'équipe", -55),
    ("Salon Go Entrepreneurs : bilan des leads", -20),
    ("Revue de mi-parcours", 15),
    ("Bilan du semestre", 95),
]

LEVERS_RA = [
    (
        "Fidélisation des comptes clés",
        "retain",
        [
            "Rencontrer les 10 comptes clés de Lyon",
            "Mettre en place un point trimestriel avec chaque compte clé",
            "Recueillir la satisfaction après chaque intervention",
        ],
    ),
    (
        "Prospection de la vallée de l'Arve",
        "prospect",
        [
            "Constituer le fichier des industriels de la vallée",
            "Réaliser 20 appels de prospection par semaine",
            "Organiser une visite de site avec un client référent",
        ],
    ),
]

MILESTONES_RA = [("Revue des comptes clés", -10), ("Premiers contrats vallée de l'Arve", 40)]


def seed_plans(ctx: DemoContext) -> None:
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    now = timezone.now()
    ctx.plans = []
    for team, title, strategy, levers, milestones, reps, span in (
        (
            ctx.teams[0],
            "PAC Île-de-France — conquête PME",
            STRATEGY_IDF,
            LEVERS_IDF,
            MILESTONES_IDF,
            [ctx.users["rep1"], ctx.users["rep2"], ctx.users["rep3"]],
            (-75, 105),
        ),
        (
            ctx.teams[1],
            "PAC Rhône-Alpes — comptes clés",
            {"value_proposition": "Garder nos comptes clés et ouvrir la vallée de l'Arve."},
            LEVERS_RA,
            MILESTONES_RA,
            [ctx.users["rep4"]],
            (-45, 75),
        ),
    ):
        plan, _created = Plan.objects.update_or_create(
            team=team,
            title=title,
            defaults={
                "start_date": today + timedelta(days=span[0]),
                "end_date": today + timedelta(days=span[1]),
                "status": PlanStatus.ACTIVE,
                "created_by": team.manager,
                **strategy,
            },
        )
        ctx.plans.append(plan)
        dated = []
        for m_title, offset in milestones:
            m, _c = Milestone.objects.update_or_create(
                plan=plan, title=m_title, defaults={"date": today + timedelta(days=offset)}
            )
            dated.append(m)
        count = sum(len(titles) for _n, _a, titles in levers)
        first, last = span[0] + 15, span[1] - 10
        step = max(1, (last - first) // max(1, count - 1))
        i = 0
        for position, (name, aim, titles) in enumerate(levers):
            lever, _c = Lever.objects.update_or_create(
                plan=plan, name=name, defaults={"aim": aim, "position": position}
            )
            for a_title in titles:
                _seed_action(
                    Action,
                    ActionEvent,
                    ActionStatus,
                    lever,
                    a_title,
                    reps[i % len(reps)],
                    i,
                    today + timedelta(days=first + i * step),
                    today,
                    now,
                    dated,
                    plan,
                )
                i += 1


def _seed_action(Action, ActionEvent, ActionStatus, lever, title, rep, i, due, today, now,
                 milestones, plan):  # fmt: skip
    from datetime import timedelta

    manager = plan.team.manager
    overdue = due < today and i % 4 == 3
    if due < today and not overdue:
        status, completed = ActionStatus.DONE, now - timedelta(days=(today - due).days)
    elif due >= today and i % 6 == 0:
        status, completed = ActionStatus.IN_PROGRESS, None
    else:
        status, completed = ActionStatus.TODO, None
    moved = 7 if i % 7 == 3 else 0
    start = due - timedelta(days=14)
    milestone = next((m for m in milestones if m.date >= due), None)
    action, _created = Action.objects.update_or_create(
        lever=lever,
        title=title,
        defaults={
            "assignee": rep,
            "start_date": start if start >= plan.start_date else None,
            "due_date": due,
            "original_due_date": due - timedelta(days=moved),
            "priority": 3 if i % 5 == 0 else 2,
            "milestone": milestone,
            "created_by": manager,
        },
    )
    ActionEvent.objects.get_or_create(action=action, kind="created", defaults={"actor": manager})
    # The rep moves it, by the same rules as on the pages (and its history says so).
    action_set_status(action=action, by=rep, status=status, at=completed)
    if moved:
        ActionEvent.objects.get_or_create(
            action=action,
            kind="due_date",
            defaults={
                "actor": manager,
                "old_value": action.original_due_date.isoformat(),
                "new_value": due.isoformat(),
            },
        )
