"""French plurals on the key pages, with counts 0, 1 and 3: French puts 0 and 1 in the
singular ("1 action réalisée sur 3", "0 place prise sur 5"), the rest in the plural
(``Plural-Forms: nplurals=2; plural=(n > 1)`` in every French catalogue)."""

from pathlib import Path

import pytest
from django.utils import timezone, translation

from coaching import services as coaching_services
from coaching.models import Training, TrainingSession
from crm.chat import weekly_text
from indicators.models import Measurement
from plans.models import ActionStatus
from reminders.models import ItemType, Reminder, Stage
from teams.roles import Role
from tests.factories import UserFactory
from tests.plans.factories import ActionFactory, LeverFactory, MilestoneFactory, PlanFactory, steer

pytestmark = pytest.mark.django_db

FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}
ROOT = Path(__file__).parents[2]


def test_every_french_catalogue_says_french_plural_rule():
    catalogues = sorted(ROOT.glob("*/locale/fr/LC_MESSAGES/django.po"))
    catalogues += [ROOT / "locale/fr/LC_MESSAGES/django.po"]
    assert len(catalogues) >= 6
    for po in catalogues:
        assert '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"' in po.read_text(), po


@pytest.fixture
def three_actions(team, rep, rep2):
    """A plan whose one milestone holds three actions of the team; ``done(n)`` finishes n."""
    plan = PlanFactory(team=team)
    lever = LeverFactory(plan=plan)
    milestone = MilestoneFactory(plan=plan)
    actions = [
        ActionFactory(lever=lever, assignee=who, milestone=milestone) for who in (rep, rep2, rep)
    ]

    def done(n):
        for action in actions[:n]:
            action.status = ActionStatus.DONE
            action.completed_at = timezone.now()
            action.save()
        return plan, actions

    return done


@pytest.mark.parametrize(
    ("n", "progress", "milestone"),
    [
        (0, "0 action réalisée sur 3", "0 réalisée, 3 ouvertes"),
        (1, "1 action réalisée sur 3", "1 réalisée, 2 ouvertes"),
        (3, "3 actions réalisées sur 3", "3 réalisées, 0 ouverte"),
    ],
)
def test_the_plan_page(login, manager, three_actions, n, progress, milestone):
    plan, _actions = three_actions(n)
    html = login(manager).get(f"/plans/{plan.pk}/", **FR).content.decode()
    assert progress in html
    assert milestone in html


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "0 sur 3 réalisée : le travail"),
        (1, "1 sur 3 réalisée : le travail"),
        (3, "3 sur 3 réalisées : le travail"),
    ],
)
def test_the_indicator_page(login, manager, three_actions, n, words):
    plan, actions = three_actions(n)
    indicator = steer(plan, actions)
    html = login(manager).get(f"/indicators/{indicator.pk}/", **FR).content.decode()
    assert words in html


@pytest.mark.parametrize(
    ("n", "words"),
    [(0, "0 place prise sur 5"), (1, "1 place prise sur 5"), (3, "3 places prises sur 5")],
)
def test_the_training_session_page(login, hr, team, rep, rep2, n, words):
    training = Training.objects.create(title="CRM", duration_hours=7, cost_per_seat=100)
    session = TrainingSession.objects.create(
        training=training, starts_at=timezone.now() + timezone.timedelta(days=7), capacity=5
    )
    for who in [rep, rep2, UserFactory(username="karim", role=Role.REP)][:n]:
        coaching_services.enrollment_create(session=session, rep=who, by=hr)
    html = login(hr).get(f"/coaching/sessions/{session.pk}/", **FR).content.decode()
    assert words in html


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "0 notification marquée comme lue."),
        (1, "1 notification marquée comme lue."),
        (3, "3 notifications marquées comme lues."),
    ],
)
def test_marking_the_notifications_read(login, team, rep, n, words):
    for i in range(n):
        Reminder.objects.create(
            recipient=rep,
            item_type=ItemType.ACTION,
            item_id=i + 1,
            stage=Stage.OVERDUE,
            due_date=timezone.localdate(),
            title=f"Relancer {i}",
        )
    response = login(rep).post("/reminders/read-all/", follow=True, **FR)
    assert words in response.content.decode()


@pytest.mark.parametrize(
    ("n", "words"),
    [(1, "1 bravo donné cette semaine."), (3, "3 bravos donnés cette semaine.")],
)
def test_the_weekly_chat_round_up_counts_kudos(team, manager, rep, n, words):
    for _ in range(n):
        coaching_services.kudos_give(author=manager, rep=rep, message="Bravo")
    with translation.override("fr"):
        assert words in weekly_text(team, today=timezone.localdate())


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "0 chiffre saisi par 0 commercial"),
        (1, "1 chiffre saisi par 1 commercial"),
        (3, "3 chiffres saisis par 2 commerciaux"),
    ],
)
def test_the_indicator_delete_confirmation(login, manager, rep, rep2, three_actions, n, words):
    plan, actions = three_actions(0)
    indicator = steer(plan, actions)
    today = timezone.localdate()
    for day, who in list(enumerate([rep, rep2, rep]))[:n]:
        Measurement.objects.create(
            indicator=indicator, rep=who, date=today - timezone.timedelta(days=day), value=10
        )
    html = login(manager).get(f"/indicators/{indicator.pk}/delete/", **FR).content.decode()
    assert words in html and "1 objectif" in html
