"""The audit log: sensitive changes (targets, payouts, roles, period close) with who, when,
before and after; read by managers for their team and by HR, through the page and the API."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone, translation
from django.utils.html import escape

from coaching import services as coaching_services
from indicators import services as indicator_services
from indicators.models import Indicator
from pacsite.api_tokens import token_issue
from plans import services as plan_services
from teams.audit import audit_record
from teams.models import AuditEntry, AuditKind
from teams.roles import Role
from tests.access.world import build_world
from tests.clients import admin_post, as_user


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def world(team, manager, rep, rep2, other_team, other_manager, outsider, hr):
    world = build_world(
        team=team,
        manager=manager,
        rep=rep,
        rep2=rep2,
        other_team=other_team,
        other_manager=other_manager,
        outsider=outsider,
        hr=hr,
    )
    AuditEntry.objects.all().delete()  # the personas' roles were recorded while building
    return world


def test_changing_a_target_records_who_before_and_after(world, manager, rep):
    indicator_services.target_set(indicator=world.indicator, rep=rep, value="1500", by=manager)

    entry = AuditEntry.objects.get()
    assert (entry.kind, entry.actor, entry.actor_name, entry.team) == (
        AuditKind.TARGET_SET,
        manager,
        manager.username,
        world.team,
    )
    assert Decimal(entry.before["value"]) == 1000
    assert Decimal(entry.after["value"]) == 1500 and entry.after["rep"] == rep.pk
    assert entry.object_id == str(world.target.pk)
    assert timezone.now() - entry.created_at < datetime.timedelta(minutes=1)


def test_a_new_target_has_no_before_and_a_deleted_one_no_after(world, manager, rep2):
    target = indicator_services.target_set(
        indicator=world.indicator, rep=rep2, value="800", by=manager
    )
    indicator_services.target_delete(target=target, by=manager)

    # The plan is active: the target is archived (restorable), recorded with what it was.
    created, archived = AuditEntry.objects.order_by("id")
    assert created.before is None and Decimal(created.after["value"]) == 800
    assert archived.kind == AuditKind.ARCHIVED
    assert Decimal(archived.before["value"]) == 800 and archived.before["rep"] == rep2.pk


def test_a_target_deleted_from_a_draft_plan_is_recorded_as_deleted(world, manager, rep2):
    draft_indicator = Indicator.objects.create(
        plan=world.draft, name="Visites", kind="quantitative"
    )
    target = indicator_services.target_set(
        indicator=draft_indicator, rep=rep2, value="800", by=manager
    )
    indicator_services.target_delete(target=target, by=manager)

    deleted = AuditEntry.objects.order_by("id").last()
    assert deleted.kind == AuditKind.TARGET_DELETED
    assert Decimal(deleted.before["value"]) == 800 and deleted.before["rep"] == rep2.pk
    assert deleted.after is None


def test_closing_an_incentive_period_and_paying_are_recorded(world, manager, hr, rep):
    coaching_services.scheme_close(scheme=world.scheme, by=manager, today=world.today)
    world.scheme.refresh_from_db()
    coaching_services.payouts_mark_paid(scheme=world.scheme, by=hr)

    closed, paid = AuditEntry.objects.order_by("id")
    assert (closed.kind, closed.actor, closed.team) == (
        AuditKind.PERIOD_CLOSED,
        manager,
        world.team,
    )
    assert closed.before == {"status": "open"}
    assert set(closed.after["payouts"]) == {str(rep.pk)}
    assert (paid.kind, paid.actor) == (AuditKind.PAYOUTS_PAID, hr)
    assert list(paid.after["paid"]) == [str(rep.pk)]


def test_closing_a_plan_records_the_plan_and_its_frozen_targets(world):
    plan_services.plan_close(plan=world.plan, by=world.plan.team.manager)

    kinds = set(AuditEntry.objects.values_list("kind", "team"))
    assert kinds == {
        (AuditKind.PLAN_CLOSED, world.team.pk),
        (AuditKind.PERIOD_CLOSED, world.team.pk),
    }
    frozen = AuditEntry.objects.get(kind=AuditKind.PERIOD_CLOSED)
    assert frozen.after == {"targets_frozen": 1}


def test_role_changes_are_recorded_with_the_author_written_on_the_user(world, rep, admin_user):
    rep.roles_changed_by = admin_user
    rep.groups.add(Group.objects.get(name=str(Role.MANAGER)))
    rep.groups.remove(Group.objects.get(name=str(Role.REP)))

    added, removed = AuditEntry.objects.filter(object_id=str(rep.pk)).order_by("id")
    assert added.kind == removed.kind == AuditKind.ROLE_CHANGED
    assert added.actor == removed.actor == admin_user
    assert added.before == {"roles": ["rep"]} and added.after == {"roles": ["manager", "rep"]}
    assert removed.after == {"roles": ["manager"]}
    assert added.team == world.team


def test_role_changes_made_in_the_admin_name_the_administrator(world, rep, admin_user):
    manager_group = Group.objects.get(name=str(Role.MANAGER))

    admin_post(as_user(admin_user), f"/admin/auth/user/{rep.pk}/change/", groups=[manager_group.pk])

    entries = AuditEntry.objects.filter(object_id=str(rep.pk), kind=AuditKind.ROLE_CHANGED)
    assert entries.exists()
    assert {entry.actor for entry in entries} == {admin_user}
    assert entries.order_by("id").last().after == {"roles": ["manager"]}


def test_a_role_change_outside_a_request_has_no_author(world, rep2):
    rep2.groups.clear()
    entry = AuditEntry.objects.get()
    assert (
        entry.actor is None and entry.before == {"roles": ["rep"]} and entry.after == {"roles": []}
    )


def _entries(world, count: int):
    for n in range(count):
        audit_record(
            by=world.users.manager,
            action=AuditKind.TARGET_SET,
            obj=world.target,
            before={"value": str(n)},
            after={"value": str(n + 1)},
            team=world.team,
        )
    audit_record(
        by=world.users.other_manager,
        action=AuditKind.PLAN_CLOSED,
        obj=world.other_plan,
        before=None,
        after={"status": "closed"},
        team=world.other_team,
    )


@pytest.mark.parametrize(
    ("persona", "status", "own", "other"),
    [
        ("manager", 200, True, False),
        ("other_manager", 200, False, True),
        ("hr", 200, True, True),
        ("owner", 403, False, False),
        ("mate", 403, False, False),
    ],
)
def test_the_audit_page_shows_each_reader_their_teams(login, world, persona, status, own, other):
    _entries(world, 1)
    response = login(getattr(world.users, persona)).get("/audit/")
    assert response.status_code == status
    page = response.content.decode() if status == 200 else ""
    assert (escape(str(world.target)) in page) is own
    assert (escape(world.other_plan.title) in page) is other


def test_the_audit_page_filters_by_kind_team_and_date(login, world, hr):
    _entries(world, 2)
    client = login(hr)
    rows = client.get("/audit/", {"kind": AuditKind.PLAN_CLOSED}).context["entries"]
    assert [e.kind for e in rows] == [AuditKind.PLAN_CLOSED]
    rows = client.get("/audit/", {"team": world.team.pk}).context["entries"]
    assert len(rows) == 2
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert len(client.get("/audit/", {"since": tomorrow}).context["entries"]) == 0
    bad = client.get("/audit/", {"since": "not a date"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and "Enter a valid date." in bad.content.decode()


def test_a_manager_cannot_filter_on_another_team(login, world, manager):
    _entries(world, 1)
    response = login(manager).get("/audit/", {"team": world.other_team.pk})
    assert response.status_code == 400
    assert world.other_plan.title not in response.content.decode()


@pytest.mark.parametrize("size", [3, 30])
def test_audit_page_queries_do_not_grow_with_rows(
    login, world, hr, size, django_assert_max_num_queries
):
    _entries(world, size)
    client = login(hr)
    # session, user, role (groups), filter's team choices, count, page of entries (team and
    # actor joined), bell count, savepoints of the test client.
    with django_assert_max_num_queries(10):
        response = client.get("/audit/")
    assert response.status_code == 200
    assert len(response.context["entries"]) == size + 1


def test_the_audit_api_is_read_only_and_scoped(api, world, manager, other_manager, hr, rep):
    _entries(world, 2)
    api.force_authenticate(manager)
    body = api.get("/api/v1/audit/").json()
    assert body["count"] == 2 and {r["team"] for r in body["results"]} == {world.team.pk}
    assert body["results"][0]["before"] == {"value": "1"}
    other_id = AuditEntry.objects.get(team=world.other_team).pk
    assert api.get(f"/api/v1/audit/{other_id}/").status_code == 404
    assert api.post("/api/v1/audit/", {}, format="json").status_code == 405
    assert api.delete(f"/api/v1/audit/{other_id}/").status_code in (404, 405)
    api.force_authenticate(hr)
    assert api.get("/api/v1/audit/").json()["count"] == 3
    assert api.get("/api/v1/audit/", {"kind": "plan_closed"}).json()["count"] == 1
    api.force_authenticate(rep)
    assert api.get("/api/v1/audit/").json()["count"] == 0
    api.force_authenticate(other_manager)
    assert api.get("/api/v1/audit/").json()["count"] == 1


def test_the_navigation_offers_the_audit_log_to_managers_and_hr(login, world):
    for persona, shown in (("manager", True), ("hr", True), ("owner", False)):
        page = login(getattr(world.users, persona)).get("/plans/").content.decode()
        assert ('href="/audit/"' in page) is shown, persona


def test_amounts_keep_their_digits(world, manager):
    entry = audit_record(
        by=manager,
        action=AuditKind.TARGET_SET,
        obj=world.target,
        before={"value": Decimal("0.10")},
        after={"value": Decimal("1E+3")},
        team=world.team,
    )
    entry.refresh_from_db()
    assert entry.before == {"value": "0.10"} and entry.after == {"value": "1E+3"}


def test_a_plan_closed_through_the_api_with_a_token_names_its_author(api, world, manager):
    _row, token = token_issue(manager)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert api.post(f"/api/v1/plans/{world.plan.pk}/close/").status_code == 200

    entry = AuditEntry.objects.get(kind=AuditKind.PLAN_CLOSED)
    assert (entry.actor, entry.before, entry.after) == (
        manager,
        {"status": "active"},
        {"status": "closed"},
    )
