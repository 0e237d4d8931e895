"""Concurrent edits (issue 8): a later save never silently erases an earlier one.

Each person has their own browser (their own ``Client``). The edit page carries the version of
the action it showed (its ``updated_at``); a save made on an out-of-date page is refused with a
message naming who changed it and when, and nothing is written. Ticking is idempotent: the
second of two ticks of the same action changes nothing, writes no history, and says who ticked
it first.
"""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from plans import services
from plans.models import Action, ActionEvent, ActionStatus, MilestoneStatus
from plans.views import person_label

from .factories import ActionFactory

pytestmark = pytest.mark.django_db


def browser(user, language="en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def name(user) -> str:
    """The person's name as the page shows it (HTML-escaped: "D'Amico")."""
    return escape(person_label(user))


def open_edit_page(client, action) -> dict:
    """GET the edit page; return the form's data as the browser would post it back."""
    response = client.get(f"/actions/{action.pk}/edit/")
    assert response.status_code == 200
    form = response.context["form"]
    assert f'name="version" value="{form["version"].value()}"' in response.content.decode()
    data = {name: form[name].value() for name in form.fields}
    return {name: "" if value is None else value for name, value in data.items()}


def test_the_later_of_two_managers_is_refused_and_the_earlier_save_kept(
    manager, admin_user, rep_action
):
    first, second = browser(manager), browser(admin_user)
    page_of_first = open_edit_page(first, rep_action)
    page_of_second = open_edit_page(second, rep_action)
    events = ActionEvent.objects.filter(action=rep_action).count()

    response = first.post(
        f"/actions/{rep_action.pk}/edit/", {**page_of_first, "title": "Relancer les devis (v1)"}
    )
    assert response.status_code == 302

    response = second.post(
        f"/actions/{rep_action.pk}/edit/",
        {**page_of_second, "title": "Relancer les devis (v2)", "priority": 3},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f"changed by {name(manager)} at" in body
    assert "reload to see their changes" in body
    assert "Nothing was saved" in body
    # Their typing is kept on the page, to be copied after reloading.
    assert "Relancer les devis (v2)" in body

    rep_action.refresh_from_db()
    assert rep_action.title == "Relancer les devis (v1)"
    assert rep_action.priority != 3
    assert rep_action.updated_by == manager
    assert ActionEvent.objects.filter(action=rep_action).count() == events

    # After reloading, the second manager's save goes through.
    response = second.post(
        f"/actions/{rep_action.pk}/edit/",
        {**open_edit_page(second, rep_action), "title": "Relancer les devis (v2)"},
    )
    assert response.status_code == 302
    rep_action.refresh_from_db()
    assert rep_action.title == "Relancer les devis (v2)"


def test_the_conflict_message_is_in_french(manager, admin_user, rep_action):
    first, second = browser(manager, "fr"), browser(admin_user, "fr")
    page_of_first, page_of_second = (
        open_edit_page(first, rep_action),
        open_edit_page(second, rep_action),
    )
    assert first.post(f"/actions/{rep_action.pk}/edit/", page_of_first).status_code == 302
    body = second.post(f"/actions/{rep_action.pk}/edit/", page_of_second).content.decode()
    assert f"modifiée par {name(manager)}" in body
    assert "Rien n\u2019a été enregistré" in body


def test_a_tick_by_the_rep_is_not_undone_by_a_manager_editing_an_older_page(
    manager, rep, rep_action
):
    page = open_edit_page(browser(manager), rep_action)
    assert browser(rep).post(f"/actions/{rep_action.pk}/complete/").status_code == 302

    response = browser(manager).post(
        f"/actions/{rep_action.pk}/edit/", {**page, "status": ActionStatus.TODO}
    )
    assert response.status_code == 200
    assert f"changed by {name(rep)}" in response.content.decode()
    rep_action.refresh_from_db()
    assert rep_action.status == ActionStatus.DONE
    assert rep_action.completed_by == rep


def test_a_tampered_version_is_refused_and_nothing_saved(manager, rep_action):
    client = browser(manager)
    page = open_edit_page(client, rep_action)
    response = client.post(
        f"/actions/{rep_action.pk}/edit/", {**page, "version": "yesterday", "title": "Changé"}
    )
    assert response.status_code == 200
    assert "This form is out of date" in response.content.decode()
    rep_action.refresh_from_db()
    assert rep_action.title != "Changé"


def test_the_service_refuses_a_stale_version_and_writes_nothing(manager, admin_user, rep_action):
    opened = rep_action.updated_at
    services.action_update(
        action=rep_action, by=manager, data={"title": "Première"}, version=opened
    )
    stale = Action.objects.get(pk=rep_action.pk)
    with pytest.raises(ValidationError) as error:
        services.action_update(
            action=stale, by=admin_user, data={"title": "Seconde"}, version=opened
        )
    assert error.value.code == "conflict"
    assert Action.objects.get(pk=rep_action.pk).title == "Première"


def test_a_save_without_a_version_is_not_checked(manager, rep_action):
    """Callers that do not know the version (the bulk reassign, older API clients) still save."""
    services.action_update(action=rep_action, by=manager, data={"title": "Sans version"})
    assert Action.objects.get(pk=rep_action.pk).title == "Sans version"


# Ticking ---------------------------------------------------------------------------------


def test_a_second_tick_of_the_same_action_changes_nothing_and_says_who_ticked(
    manager, rep, rep_action
):
    # Both had the page open with the action still to do.
    rep_browser, manager_browser = browser(rep), browser(manager)
    assert rep_browser.post(f"/actions/{rep_action.pk}/complete/").status_code == 302
    rep_action.refresh_from_db()
    ticked_at = rep_action.completed_at

    response = manager_browser.post(f"/actions/{rep_action.pk}/complete/", follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert f"Already done by {name(rep)} at" in body
    assert "nothing changed" in body

    rep_action.refresh_from_db()
    assert rep_action.completed_by == rep
    assert rep_action.completed_at == ticked_at
    assert ActionEvent.objects.filter(action=rep_action, kind="status").count() == 1


def test_a_second_tick_through_htmx_offers_no_undo_of_the_other_persons_tick(
    manager, rep, rep_action
):
    browser(rep).post(f"/actions/{rep_action.pk}/complete/")
    response = browser(manager).post(f"/actions/{rep_action.pk}/complete/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "undo-form" not in response.content.decode()
    assert ActionEvent.objects.filter(action=rep_action, kind="status").count() == 1


def test_the_service_tick_is_idempotent(rep, manager, rep_action):
    first = services.action_set_status(action=rep_action, by=rep, status=ActionStatus.DONE)
    assert first.status_changed
    stale = Action.objects.get(pk=rep_action.pk)
    stale.status = ActionStatus.TODO  # as read by a second request before the first tick
    second = services.action_set_status(action=stale, by=manager, status=ActionStatus.DONE)
    assert not second.status_changed
    assert second.status == ActionStatus.DONE and second.completed_by_id == rep.pk
    assert ActionEvent.objects.filter(action=rep_action, kind="status").count() == 1


def test_two_reps_ticking_their_actions_of_the_same_milestone_both_count(
    rep, rep2, lever, milestone
):
    theirs = [
        ActionFactory(lever=lever, assignee=person, milestone=milestone) for person in (rep, rep2)
    ]
    browsers = [browser(rep), browser(rep2)]  # both opened "My actions" before either ticked
    for client, action in zip(browsers, theirs, strict=True):
        assert client.post(f"/actions/{action.pk}/complete/").status_code == 302

    for action, person in zip(theirs, (rep, rep2), strict=True):
        action.refresh_from_db()
        assert action.status == ActionStatus.DONE and action.completed_by == person
    milestone.refresh_from_db()
    assert milestone.status(timezone.localdate()) == MilestoneStatus.DONE


# The API -----------------------------------------------------------------------------------


def test_api_save_with_a_stale_version_is_a_409_and_saves_nothing(
    api, manager, admin_user, rep_action
):
    api.force_authenticate(manager)
    read = api.get(f"/api/v1/actions/{rep_action.pk}/").json()["updated_at"]
    response = api.patch(
        f"/api/v1/actions/{rep_action.pk}/", {"title": "Par l'API", "version": read}, format="json"
    )
    assert response.status_code == 200, response.json()

    api.force_authenticate(admin_user)
    response = api.patch(
        f"/api/v1/actions/{rep_action.pk}/", {"title": "Écrasé ?", "version": read}, format="json"
    )
    assert response.status_code == 409
    assert "rechargez la page" in response.json()["detail"]  # French by default
    assert Action.objects.get(pk=rep_action.pk).title == "Par l'API"


def test_api_if_unmodified_since_is_a_412_when_the_action_changed_after(
    api, manager, rep, rep_action
):
    from datetime import timedelta

    from django.utils.http import http_date

    before = http_date((rep_action.updated_at - timedelta(seconds=5)).timestamp())
    api.force_authenticate(manager)
    response = api.patch(
        f"/api/v1/actions/{rep_action.pk}/",
        {"title": "Trop tard"},
        format="json",
        headers={"If-Unmodified-Since": before},
    )
    assert response.status_code == 412
    assert Action.objects.get(pk=rep_action.pk).title != "Trop tard"

    after = http_date(rep_action.updated_at.timestamp() + 1)
    response = api.patch(
        f"/api/v1/actions/{rep_action.pk}/",
        {"title": "À temps"},
        format="json",
        headers={"If-Unmodified-Since": after},
    )
    assert response.status_code == 200
    assert Action.objects.get(pk=rep_action.pk).title == "À temps"


def test_api_rep_may_send_a_version_with_their_status(api, rep, rep_action):
    api.force_authenticate(rep)
    read = api.get(f"/api/v1/actions/{rep_action.pk}/").json()["updated_at"]
    response = api.patch(
        f"/api/v1/actions/{rep_action.pk}/", {"status": "done", "version": read}, format="json"
    )
    assert response.status_code == 200
    assert Action.objects.get(pk=rep_action.pk).status == ActionStatus.DONE
