"""The action page: who / what / when, history with comments, edit by the manager."""

from datetime import timedelta

import pytest

from plans import services
from plans.models import ActionEvent, ActionStatus

from .factories import today

pytestmark = pytest.mark.django_db


def test_history_shows_creation_changes_and_comments(login, manager, rep, rep2, lever):
    action = services.action_create(
        lever=lever, by=manager, title="Appeler", assignee=rep, due_date=today()
    )
    services.action_set_status(action=action, by=rep, status=ActionStatus.DONE)
    services.action_comment(action=action, by=rep, text="Client rappelé, devis envoyé")
    client = login(rep)
    client.cookies["django_language"] = "en"
    body = client.get(f"/actions/{action.pk}/").content.decode()
    assert "created the action" in body
    assert "changed the status from To do to Done" in body
    assert "Client rappelé, devis envoyé" in body


def test_rep_comments_own_action(login, rep, rep_action):
    response = login(rep).post(f"/actions/{rep_action.pk}/comment/", {"text": "RDV pris"})
    assert response.status_code == 302
    assert ActionEvent.objects.get(kind="comment").text == "RDV pris"


def test_empty_comment_is_refused(login, rep, rep_action):
    login(rep).post(f"/actions/{rep_action.pk}/comment/", {"text": "  "})
    assert not ActionEvent.objects.filter(kind="comment").exists()


def test_colleague_reads_the_action_but_gets_no_buttons(login, rep2, rep_action):
    body = login(rep2).get(f"/actions/{rep_action.pk}/").content.decode()
    assert rep_action.title in body
    assert f"/actions/{rep_action.pk}/complete/" not in body
    assert 'id="comment"' not in body


def test_rep_cannot_edit_even_their_own_action(login, rep, rep_action):
    assert login(rep).get(f"/actions/{rep_action.pk}/edit/").status_code == 403


def test_manager_moves_the_due_date_and_the_page_shows_the_slip(login, manager, rep_action):
    new_due = rep_action.due_date + timedelta(days=5)
    client = login(manager)
    client.cookies["django_language"] = "en"
    response = client.post(
        f"/actions/{rep_action.pk}/edit/",
        {
            "lever": rep_action.lever_id,
            "title": rep_action.title,
            "assignee": rep_action.assignee_id,
            "due_date": new_due.isoformat(),
            "status": "todo",
            "priority": 2,
        },
    )
    assert response.status_code == 302
    body = client.get(f"/actions/{rep_action.pk}/").content.decode()
    assert "moved 5 days later" in body
    assert "moved the due date" in body
    client.cookies["django_language"] = "fr"
    assert "décalée de 5 jours" in client.get(f"/actions/{rep_action.pk}/").content.decode()


def test_edit_refuses_an_assignee_outside_the_team(login, manager, rep_action, outsider):
    response = login(manager).post(
        f"/actions/{rep_action.pk}/edit/",
        {
            "lever": rep_action.lever_id,
            "title": rep_action.title,
            "assignee": outsider.pk,
            "due_date": rep_action.due_date.isoformat(),
            "status": "todo",
            "priority": 2,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["assignee"]
    rep_action.refresh_from_db()
    assert rep_action.assignee_id != outsider.pk


def test_manager_deletes_an_action(login, manager, rep_action):
    response = login(manager).post(f"/actions/{rep_action.pk}/delete/")
    assert response.status_code == 302
    assert not type(rep_action).objects.filter(pk=rep_action.pk).exists()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("  ", "Write a comment first."),
        ("x" * 4001, "Ensure this value has at most 4000 characters (it has 4001)."),
    ],
)
def test_a_refused_comment_says_why(login, rep, rep_action, text, says):
    client = login(rep)
    client.cookies["django_language"] = "en"
    response = client.post(f"/actions/{rep_action.pk}/comment/", {"text": text}, follow=True)
    assert says in response.content.decode()
    assert not ActionEvent.objects.filter(kind="comment").exists()
