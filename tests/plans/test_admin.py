"""The Django admin lists plans and actions for administrators."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/admin/plans/plan/", "/admin/plans/action/"])
def test_admin_changelists_open(login, admin_user, rep_action, path):
    assert login(admin_user).get(path).status_code == 200


def test_admin_action_page_shows_its_history(login, admin_user, rep_action):
    assert login(admin_user).get(f"/admin/plans/action/{rep_action.pk}/change/").status_code == 200


def test_a_manager_has_no_admin(login, manager):
    assert login(manager).get("/admin/plans/plan/").status_code == 302
