"""Nothing lost, nothing half-done (issue 8).

- People leave, their history stays: every foreign key to the user that carries history is
  PROTECT (or SET_NULL for "done by" columns); users are deactivated, never deleted.
- Plans are archived, not deleted, once active.
- Every multi-row write is one transaction: a failure injected in the middle leaves nothing.
"""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import CASCADE, ProtectedError
from django.utils import translation

from coaching import services as coaching_services
from coaching.models import IncentiveScheme, Payout
from indicators import services as indicator_services
from indicators.models import Measurement, Target
from pacsite.api_tokens import token_issue
from pacsite.models import ApiToken
from pacsite.users import user_deactivate
from plans import services as plan_services
from plans.imports import plan_import_apply
from plans.models import Action, ActionEvent, Lever, Milestone, Plan, PlanStatus
from teams.models import AuditEntry, AuditKind
from tests.access.world import build_world

User = get_user_model()


class Boom(Exception):
    """The failure injected in the middle of a multi-row write."""


def fail_on_call(monkeypatch, owner, name: str, n: int, error: BaseException | None = None):
    """Make ``owner.name`` raise ``error`` (a ``Boom``) on its ``n``-th call (earlier calls
    go through)."""
    original = getattr(owner, name)
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            raise error or Boom(f"{name} call {n}")
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)
    return calls


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def world(team, manager, rep, rep2, other_team, other_manager, outsider, hr):
    return build_world(
        team=team,
        manager=manager,
        rep=rep,
        rep2=rep2,
        other_team=other_team,
        other_manager=other_manager,
        outsider=outsider,
        hr=hr,
    )


# ------------------------------------------------------------------ people leave, history stays

# Foreign keys to the user that may cascade: personal settings and credentials, not history.
MAY_CASCADE = {
    "admin.LogEntry.user",
    "pacsite.ApiToken.user",
    "teams.FormClaim.user",
    "teams.IdempotencyKey.user",
    "plans.CalendarFeed.user",
    "plans.ImportJob.created_by",
    "reminders.Reminder.recipient",
    "reminders.ReminderPreference.user",
}


def test_no_history_cascades_with_a_deleted_user():
    cascading = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation
        and field.related_model is User
        and field.remote_field.on_delete is CASCADE
    }
    assert cascading <= MAY_CASCADE, sorted(cascading - MAY_CASCADE)


def test_deleting_a_rep_with_history_is_refused_and_keeps_everything(world, rep):
    with pytest.raises(ProtectedError):
        rep.delete()
    assert Action.objects.filter(assignee=rep).count() == 1
    assert Measurement.objects.filter(rep=rep).count() == 1
    assert Payout.objects.filter(rep=rep).count() == 1
    assert Target.objects.filter(rep=rep).count() == 1


def test_deactivating_a_rep_keeps_their_actions_figures_and_payouts(world, rep, admin_user, client):
    token_issue(rep)

    user_deactivate(user=rep, by=admin_user)

    rep.refresh_from_db()
    assert rep.is_active is False
    assert not ApiToken.objects.filter(user=rep).exists()  # the API tokens stop at once
    assert Action.objects.filter(assignee=rep).count() == 1
    assert Measurement.objects.filter(rep=rep).count() == 1
    assert Payout.objects.filter(rep=rep).count() == 1
    entry = AuditEntry.objects.get(kind=AuditKind.USER_DEACTIVATED)
    assert (entry.actor, entry.object_id, entry.after) == (
        admin_user,
        str(rep.pk),
        {"is_active": False},
    )
    # And they can no longer sign in.
    response = client.post("/login/", {"username": rep.username, "password": "x"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_the_admin_deactivates_users_instead_of_deleting_them(world, rep, admin_user, login):
    client = login(admin_user)
    change = client.get(f"/admin/auth/user/{rep.pk}/change/")
    assert change.status_code == 200
    assert f"/admin/auth/user/{rep.pk}/delete/" not in change.content.decode()
    assert client.get(f"/admin/auth/user/{rep.pk}/delete/").status_code == 403
    listing = client.get("/admin/auth/user/").content.decode()
    assert "deactivate_users" in listing and "delete_selected" not in listing

    response = client.post(
        "/admin/auth/user/",
        {"action": "deactivate_users", "_selected_action": [rep.pk]},
        follow=True,
    )

    assert response.status_code == 200
    rep.refresh_from_db()
    assert rep.is_active is False
    assert Action.objects.filter(assignee=rep).exists()


# ------------------------------------------------------------------ plans are archived


def test_an_active_plan_is_never_deleted_through_the_api(api, world, manager):
    api.force_authenticate(manager)
    response = api.delete(f"/api/v1/plans/{world.plan.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "archive" in str(response.json())
    assert Plan.objects.filter(pk=world.plan.pk).exists()
    # A draft is only a draft: it may go.
    assert api.delete(f"/api/v1/plans/{world.draft.pk}/").status_code == 204
    assert not Plan.objects.filter(pk=world.draft.pk).exists()


@pytest.mark.parametrize("status", [PlanStatus.ACTIVE, PlanStatus.CLOSED, PlanStatus.ARCHIVED])
def test_plan_delete_refuses_every_plan_that_has_been_active(world, status):
    Plan.objects.filter(pk=world.plan.pk).update(status=status)
    world.plan.refresh_from_db()
    with pytest.raises(ValidationError, match="draft"):
        plan_services.plan_delete(plan=world.plan)
    assert Plan.objects.filter(pk=world.plan.pk).exists()


def test_the_pages_offer_no_plan_delete(login, world, manager):
    # Plans are closed then archived from their page; there is no delete URL at all.
    client = login(manager)
    assert client.post(f"/plans/{world.plan.pk}/delete/").status_code == 404
    page = client.get(f"/plans/{world.plan.pk}/").content.decode()
    assert f"/plans/{world.plan.pk}/archive/" in page or "/close/" in page


# ------------------------------------------------------------------ one transaction each


def _counts():
    return (
        Plan.objects.count(),
        Lever.objects.count(),
        Milestone.objects.count(),
        Action.objects.count(),
        ActionEvent.objects.count(),
        Measurement.objects.count(),
        Target.objects.count(),
        Payout.objects.count(),
        AuditEntry.objects.count(),
    )


def test_duplicating_a_plan_is_all_or_nothing(monkeypatch, world, manager):
    Action.objects.create(
        lever=world.lever, title="Seconde", assignee=world.users.mate, due_date=world.today
    )
    before = _counts()
    # The copy, its milestones and levers are written; the actions' insert fails.
    fail_on_call(monkeypatch, Action.objects, "bulk_create", 1)

    with pytest.raises(Boom):
        plan_services.plan_duplicate(
            plan=world.plan, start_date=world.end + datetime.timedelta(days=1), by=manager
        )

    assert _counts() == before


def test_assigning_one_action_to_many_is_all_or_nothing(monkeypatch, world, manager, rep, rep2):
    before = _counts()
    fail_on_call(monkeypatch, Action, "full_clean", 2)

    with pytest.raises(Boom):
        plan_services.action_assign_many(
            lever=world.lever,
            by=manager,
            assignees=[rep, rep2],
            title="Appeler les anciens clients",
            due_date=world.today + datetime.timedelta(days=3),
        )

    assert _counts() == before


def test_bulk_reassign_is_all_or_nothing(monkeypatch, world, manager, rep, rep2):
    second = Action.objects.create(
        lever=world.lever, title="Seconde", assignee=rep, due_date=world.today
    )
    fail_on_call(monkeypatch, Action, "save", 2)

    with pytest.raises(Boom):
        plan_services.actions_reassign(actions=[world.action, second], assignee=rep2, by=manager)

    assert set(Action.objects.values_list("assignee_id", flat=True)) == {rep.pk}
    assert not ActionEvent.objects.filter(action__in=[world.action, second]).exists()


def test_a_plan_import_is_all_or_nothing(monkeypatch, world, manager):
    data = (
        "lever,what,who,start,due,milestone,indicators\n"
        "Conquête,Call 20 prospects,julien,,2026-12-30,,\n"
        "Fidélisation,Visit the top 10,sophie,,2026-12-31,,\n"
    ).encode()
    before = _counts()
    # New levers are saved and the actions inserted; the history rows' insert fails.
    fail_on_call(monkeypatch, ActionEvent.objects, "bulk_create", 1)

    with pytest.raises(Boom):
        plan_import_apply(plan=world.plan, data=data, filename="plan.csv", by=manager)

    assert _counts() == before


def test_bulk_measurements_are_all_or_nothing(monkeypatch, world, rep):
    rows = [
        {"indicator": world.indicator, "rep": rep, "date": world.start + datetime.timedelta(d)}
        | {"value": Decimal("5")}
        for d in (7, 14, 21)
    ]
    before = _counts()
    fail_on_call(monkeypatch, Measurement, "save", 3)

    with pytest.raises(Boom):
        indicator_services.measurements_bulk_create(rows=rows, by=rep)

    assert _counts() == before


def test_closing_an_incentive_period_is_all_or_nothing(monkeypatch, world, manager):
    before = _counts()
    # The payouts are written first, then the scheme is marked closed: fail there.
    fail_on_call(monkeypatch, IncentiveScheme, "save", 1)

    with pytest.raises(Boom):
        coaching_services.scheme_close(scheme=world.scheme, by=manager, today=world.today)

    assert _counts() == before
    world.scheme.refresh_from_db()
    assert world.scheme.status == "open"


def test_closing_a_plan_freezes_its_targets_or_nothing(monkeypatch, world):
    # Closing the plan freezes every target (indicators' period close) and records it; a
    # failure while recording the plan's closing undoes the frozen targets too.
    fail_on_call(monkeypatch, plan_services, "audit_record", 1)

    with pytest.raises(Boom):
        plan_services.plan_close(plan=world.plan, by=world.plan.team.manager)

    world.plan.refresh_from_db()
    assert world.plan.status == PlanStatus.ACTIVE
    assert not Target.objects.filter(closed_at__isnull=False).exists()
    assert not AuditEntry.objects.filter(kind=AuditKind.PERIOD_CLOSED).exists()


# ------------------------------------------------------------------ the database goes away


def _database_gone(monkeypatch):
    """The connection drops after the new plan is written, while its actions are inserted."""
    from django.db import OperationalError

    def lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(Action.objects, "bulk_create", lost)


def test_database_lost_mid_request_gives_a_clean_503_page_and_no_partial_write(
    monkeypatch, login, world, manager
):
    client = login(manager)
    client.raise_request_exception = False
    before = _counts()
    _database_gone(monkeypatch)

    response = client.post(
        f"/plans/{world.plan.pk}/duplicate/",
        {"title": "PAC copie", "start_date": (world.end + datetime.timedelta(days=1)).isoformat()},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 503 and response["Retry-After"] == "60"
    page = response.content.decode()
    assert "Nothing was saved" in page and "Traceback" not in page
    assert _counts() == before


def test_database_lost_mid_api_call_gives_a_json_503(monkeypatch, api, world, manager):
    api.force_authenticate(manager)
    api.raise_request_exception = False
    before = _counts()
    _database_gone(monkeypatch)

    response = api.post(
        f"/api/v1/plans/{world.plan.pk}/duplicate/",
        {"start_date": (world.end + datetime.timedelta(days=1)).isoformat()},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 503
    assert "Nothing was saved" in response.json()["detail"]
    assert _counts() == before
