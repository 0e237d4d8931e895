"""An action's status has one road, ``services.action_set_status``, and one transition table.

The rep moves their own actions between to do, in progress and done; cancelling (which takes
an action out of the effort payout's count) and bringing a cancelled action back are the
plan's manager's. Pages, the API and the edit form all meet the same rules.
"""

import datetime
from decimal import Decimal
from itertools import product

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from coaching import services as coaching_services
from coaching.selectors import scheme_payouts
from plans import services
from plans.models import ActionEvent, ActionStatus, PlanStatus

from .factories import ActionFactory, today

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TODO, DOING, DONE, CANCELLED = (
    ActionStatus.TODO,
    ActionStatus.IN_PROGRESS,
    ActionStatus.DONE,
    ActionStatus.CANCELLED,
)
WORK = (TODO, DOING, DONE)


@pytest.fixture
def effort_scheme(plan, manager, rep):
    """The demo's effort scheme: the share of actions done on time, 200 € from 50 %."""
    return coaching_services.scheme_create(
        plan=plan,
        reps=[rep],
        tiers=[
            {"threshold": Decimal(50), "bonus_kind": "amount", "value": Decimal(200)},
            {"threshold": Decimal(100), "bonus_kind": "amount", "value": Decimal(800)},
        ],
        by=manager,
        name="Prime effort",
        basis="effort",
        period_start=today() - datetime.timedelta(days=30),
        period_end=today() + datetime.timedelta(days=30),
    )


@pytest.fixture
def done_on_time(lever, rep):
    return ActionFactory(lever=lever, assignee=rep, status=DONE, completed_at=timezone.now())


def _payout(scheme, rep):
    return scheme_payouts(scheme, [rep], today=today())[0].amount


# The table ---------------------------------------------------------------------------------


def _expected(old, new, who) -> bool:
    """The rule in words: the assignee among the three working statuses, the manager all of
    those plus cancelling from any of them and back to "to do"; a colleague nothing."""
    if who == "colleague" or old == new:
        return False
    if old in WORK and new in WORK:
        return True
    return who == "manager" and (new == CANCELLED or (old, new) == (CANCELLED, TODO))


@pytest.mark.parametrize(
    ("old", "new", "who"),
    [
        (old, new, who)
        for old, new in product(ActionStatus.values, repeat=2)
        if old != new
        for who in ("assignee", "manager", "colleague")
    ],
)
def test_the_transition_table_says_who_may_take_each_step(lever, rep, rep2, manager, old, new, who):
    action = ActionFactory(lever=lever, assignee=rep, status=old)
    by = {"assignee": rep, "manager": manager, "colleague": rep2}[who]
    if _expected(old, new, who):
        services.action_set_status(action=action, by=by, status=new)
        action.refresh_from_db()
        assert action.status == new
        assert ActionEvent.objects.filter(action=action, kind="status", new_value=new).exists()
    else:
        with pytest.raises(ValidationError) as refused:
            services.action_set_status(action=action, by=by, status=new)
        assert refused.value.messages[0]
        action.refresh_from_db()
        assert action.status == old


def test_the_table_lists_exactly_the_allowed_steps():
    allowed = {
        (old, new)
        for old, new in product(ActionStatus.values, repeat=2)
        if _expected(old, new, "manager")
    }
    assert set(services.STATUS_TRANSITIONS) == allowed
    assert {step for step, who in services.STATUS_TRANSITIONS.items() if who == "assignee"} == {
        (old, new) for old, new in product(WORK, repeat=2) if old != new
    }


def test_a_closed_plan_refuses_every_status_change(plan, rep_action, manager):
    plan.status = PlanStatus.CLOSED
    plan.save()
    with pytest.raises(ValidationError) as refused:
        services.action_set_status(action=rep_action, by=manager, status=CANCELLED)
    assert refused.value.messages == [gettext("This plan is closed: it can no longer be changed.")]
    rep_action.refresh_from_db()
    assert rep_action.status == TODO


def test_an_unknown_status_is_refused_with_a_message(rep_action, manager):
    with pytest.raises(ValidationError) as refused:
        services.action_set_status(action=rep_action, by=manager, status="lost")
    assert refused.value.code == "transition" and "lost" in refused.value.messages[0]


# The API -----------------------------------------------------------------------------------


def test_rep_cannot_cancel_their_own_action_through_patch_and_their_pay_stays(
    api, rep, rep_action, done_on_time, effort_scheme
):
    before = _payout(effort_scheme, rep)
    api.force_authenticate(rep)
    response = api.patch(
        f"/api/v1/actions/{rep_action.pk}/", {"status": "cancelled"}, format="json"
    )
    assert response.status_code == 400
    assert "manager" in " ".join(response.json()["non_field_errors"])
    rep_action.refresh_from_db()
    assert rep_action.status == TODO
    assert not ActionEvent.objects.filter(action=rep_action, kind="status").exists()
    assert _payout(effort_scheme, rep) == before == Decimal(200)


def test_manager_cancels_and_brings_back_through_the_api(
    api, manager, rep, rep_action, done_on_time, effort_scheme
):
    api.force_authenticate(manager)
    url = f"/api/v1/actions/{rep_action.pk}/"
    cancelled = api.patch(url, {"status": "cancelled"}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert _payout(effort_scheme, rep) == Decimal(800)  # the manager's call: out of the count
    back = api.patch(url, {"status": "todo"}, format="json")
    assert back.status_code == 200 and back.json()["status"] == "todo"
    moves = ActionEvent.objects.filter(action=rep_action, kind="status")
    assert list(moves.order_by("pk").values_list("new_value", flat=True)) == [
        "cancelled",
        "todo",
    ]


def test_rep_moves_their_own_action_through_every_working_status_in_the_api(api, rep, rep_action):
    api.force_authenticate(rep)
    url = f"/api/v1/actions/{rep_action.pk}/"
    for status in ("in_progress", "done", "todo", "done", "in_progress"):
        response = api.patch(url, {"status": status}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == status
    rep_action.refresh_from_db()
    assert rep_action.status == DOING and rep_action.completed_at is None


def test_rep_cannot_bring_back_a_cancelled_action_through_reopen(api, rep, lever):
    action = ActionFactory(lever=lever, assignee=rep, status=CANCELLED)
    api.force_authenticate(rep)
    assert api.post(f"/api/v1/actions/{action.pk}/reopen/").status_code == 400
    action.refresh_from_db()
    assert action.status == CANCELLED


def test_rep_cannot_change_a_colleagues_status_and_an_outsider_sees_nothing(
    api, rep, outsider, rep2_action
):
    url = f"/api/v1/actions/{rep2_action.pk}/"
    api.force_authenticate(rep)
    assert api.patch(url, {"status": "done"}, format="json").status_code == 403
    api.force_authenticate(outsider)
    assert api.patch(url, {"status": "done"}, format="json").status_code == 404
    rep2_action.refresh_from_db()
    assert rep2_action.status == TODO


def test_a_manager_patch_of_fields_and_status_takes_both_roads_at_once(api, manager, rep_action):
    api.force_authenticate(manager)
    response = api.patch(
        f"/api/v1/actions/{rep_action.pk}/",
        {"title": "Relancer", "status": "done"},
        format="json",
    )
    assert response.status_code == 200
    rep_action.refresh_from_db()
    assert (rep_action.title, rep_action.status) == ("Relancer", DONE)
    assert rep_action.completed_by == manager


def test_a_status_given_on_create_goes_through_the_rules(api, manager, rep, lever):
    api.force_authenticate(manager)
    response = api.post(
        "/api/v1/actions/",
        {
            "lever": lever.pk,
            "title": "Appeler",
            "assignee": rep.pk,
            "due_date": today().isoformat(),
            "status": "done",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "done" and response.json()["completed_by"] == manager.pk


# The pages ---------------------------------------------------------------------------------


def test_rep_cancelling_through_the_page_is_refused_with_a_message(login, rep, rep_action):
    client = login(rep)
    response = client.post(f"/actions/{rep_action.pk}/cancel/")
    assert response.status_code == 302
    said = " ".join(m.message for m in get_messages(response.wsgi_request))
    assert "manager" in said
    assert client.post(f"/actions/{rep_action.pk}/cancel/", **HTMX).status_code == 400
    rep_action.refresh_from_db()
    assert rep_action.status == TODO


def test_rep_cannot_reopen_a_cancelled_action_through_the_page(login, rep, lever):
    action = ActionFactory(lever=lever, assignee=rep, status=CANCELLED)
    client = login(rep)
    assert "/reopen/" not in client.get(f"/actions/{action.pk}/").content.decode()
    client.post(f"/actions/{action.pk}/reopen/")
    action.refresh_from_db()
    assert action.status == CANCELLED


def test_manager_cancels_and_brings_back_through_the_page(login, manager, rep_action):
    client = login(manager)
    page = client.get(f"/actions/{rep_action.pk}/").content.decode()
    assert f"/actions/{rep_action.pk}/cancel/" in page
    client.post(f"/actions/{rep_action.pk}/cancel/")
    rep_action.refresh_from_db()
    assert rep_action.status == CANCELLED
    page = client.get(rep_action.get_absolute_url()).content.decode()
    assert f"/actions/{rep_action.pk}/reopen/" in page
    client.post(f"/actions/{rep_action.pk}/reopen/")
    rep_action.refresh_from_db()
    assert rep_action.status == TODO


def test_rep_moves_their_own_action_todo_in_progress_done_todo_through_the_page(
    login, rep, rep_action
):
    client = login(rep)
    for transition, status in (("start", DOING), ("complete", DONE), ("reopen", TODO)):
        assert client.post(f"/actions/{rep_action.pk}/{transition}/", **HTMX).status_code == 200
        rep_action.refresh_from_db()
        assert rep_action.status == status


def test_rep_cannot_tick_a_colleagues_action_through_the_page(login, rep, outsider, rep2_action):
    assert login(rep).post(f"/actions/{rep2_action.pk}/complete/").status_code == 403
    assert login(outsider).post(f"/actions/{rep2_action.pk}/complete/").status_code == 404
    rep2_action.refresh_from_db()
    assert rep2_action.status == TODO


def test_the_edit_form_no_longer_changes_the_status(login, manager, rep_action):
    client = login(manager)
    form = client.get(f"/actions/{rep_action.pk}/edit/").context["form"]
    assert "status" not in form.fields
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    data.update(title="Relancer", status="cancelled", version=form.fields["version"].initial)
    assert client.post(f"/actions/{rep_action.pk}/edit/", data).status_code == 302
    rep_action.refresh_from_db()
    assert (rep_action.title, rep_action.status) == ("Relancer", TODO)
