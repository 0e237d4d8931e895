"""1:1 coaching: notes for that manager, that rep and HR only; agreed actions join the plan."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from coaching import services
from coaching.models import CoachingSession
from plans.models import Action, ActionEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_to_one(manager, rep, team, today):
    return services.coaching_session_create(
        manager=manager,
        rep=rep,
        date=today,
        notes="Relances trop tardives",
        strengths="Écoute",
        areas_to_improve="Closing",
    )


def test_a_manager_coaches_only_their_own_reps(manager, outsider, other_team, team, today):
    with pytest.raises(ValidationError) as err:
        services.coaching_session_create(manager=manager, rep=outsider, date=today)
    assert "rep" in err.value.message_dict
    assert not CoachingSession.objects.exists()


def test_an_agreed_action_becomes_a_plan_action_for_the_rep(one_to_one, lever, manager, rep, today):
    action = services.coaching_action_add(
        session=one_to_one,
        lever=lever,
        title="Relancer 5 devis",
        due_date=today + datetime.timedelta(days=7),
        by=manager,
    )
    assert action.assignee == rep
    assert list(one_to_one.actions.all()) == [action]
    assert ActionEvent.objects.filter(action=action, kind="created").exists()


def test_an_agreed_action_cannot_go_to_another_teams_plan(one_to_one, other_plan, manager, today):
    from plans.models import Lever

    foreign = Lever.objects.create(plan=other_plan, name="Fidélisation", aim="retain")
    with pytest.raises(ValidationError):
        services.coaching_action_add(
            session=one_to_one, lever=foreign, title="x", due_date=today, by=manager
        )
    assert not Action.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status", "reads_notes"),
    [
        ("manager", 200, True),
        ("rep", 200, True),
        ("hr", 200, False),  # HR sees the session took place, not what was said
        ("rep2", 404, False),
        ("other_manager", 404, False),
        ("outsider", 404, False),
    ],
)
def test_notes_are_that_manager_and_that_rep_only(
    request, login, one_to_one, persona, status, reads_notes, other_team
):
    client = login(request.getfixturevalue(persona))
    response = client.get(f"/coaching/one-to-ones/{one_to_one.pk}/")
    assert response.status_code == status
    assert ("Relances trop tardives" in response.content.decode()) == reads_notes
    listing = client.get("/coaching/one-to-ones/").content.decode()
    assert (f"/coaching/one-to-ones/{one_to_one.pk}/" in listing) == (status == 200)


def test_manager_records_a_session_and_adds_an_action_through_the_pages(
    login, manager, rep, team, lever, today
):
    client = login(manager)
    response = client.post(
        "/coaching/one-to-ones/new/",
        {"rep": rep.pk, "date": today.isoformat(), "notes": "Bon mois"},
    )
    session = CoachingSession.objects.get()
    assert response.status_code == 302
    due = (today + datetime.timedelta(days=5)).isoformat()
    response = client.post(
        f"/coaching/one-to-ones/{session.pk}/",
        {"title": "Préparer le rendez-vous Dupont", "due_date": due, "lever": lever.pk},
    )
    assert response.status_code == 302
    assert session.actions.get().assignee == rep


def test_the_rep_cannot_add_actions_to_their_own_session(login, one_to_one, rep, lever, today):
    response = login(rep).post(
        f"/coaching/one-to-ones/{one_to_one.pk}/",
        {"title": "x", "due_date": today.isoformat(), "lever": lever.pk},
    )
    assert response.status_code == 403
    assert not Action.objects.exists()
