import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from teams.roles import ROLE_PERMISSIONS, Role, role_of

pytestmark = pytest.mark.django_db


def test_every_role_exists_as_a_group_with_its_permissions_after_migrate():
    for role, by_app in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=str(role))
        have = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        wanted = {
            f"{app}.{action}_{model}"
            for app, models in by_app.items()
            for model, actions in models.items()
            for action in actions
        }
        assert have == wanted, role
    assert {g.name for g in Group.objects.all()} >= {"manager", "rep", "hr", "admin"}


def test_a_rep_cannot_change_teams_but_a_manager_can(rep, manager):
    assert rep.has_perm("teams.view_team")
    assert not rep.has_perm("teams.change_team")
    assert manager.has_perm("teams.change_team")


def test_role_of_each_persona(manager, rep, hr, admin_user, django_user_model):
    assert role_of(manager) == Role.MANAGER
    assert role_of(rep) == Role.REP
    assert role_of(hr) == Role.HR
    assert role_of(admin_user) == Role.ADMIN
    assert role_of(django_user_model.objects.create(username="nobody")) is None


def test_navigation_shows_what_the_role_may_use(login, rep, admin_user):
    rep_page = login(rep).get("/").content.decode()
    assert "/admin/" not in rep_page
    admin_page = login(admin_user).get("/").content.decode()
    assert 'href="/admin/"' in admin_page


def test_the_role_is_read_once_then_kept_for_the_next_pages(login, rep):
    client = login(rep)
    with CaptureQueriesContext(connection) as first:
        client.get("/")
    with CaptureQueriesContext(connection) as second:
        client.get("/")
    on_groups = [q for q in first.captured_queries if '"auth_group"' in q["sql"]]
    assert len(on_groups) == 1
    assert not [q for q in second.captured_queries if '"auth_group"' in q["sql"]]


def test_a_role_given_after_the_first_page_shows_on_the_next(login, rep):
    client = login(rep)
    assert client.get("/api/v1/me/").json()["role"] == Role.REP
    rep.groups.set([Group.objects.get(name=Role.MANAGER)])
    assert client.get("/api/v1/me/").json()["role"] == Role.MANAGER
    rep.groups.clear()
    assert client.get("/api/v1/me/").json()["role"] is None
