"""``/api/v1/me/`` gives the caller's id, so a client can ask for its own actions."""

import pytest

from tests.plans.factories import ActionFactory, LeverFactory, PlanFactory


@pytest.mark.django_db
def test_a_rep_finds_their_own_actions_from_me(api, team, manager, rep, rep2):
    lever = LeverFactory(plan=PlanFactory(team=team, created_by=manager))
    mine = ActionFactory(lever=lever, assignee=rep, title="Mine")
    ActionFactory(lever=lever, assignee=rep2, title="A colleague's")
    api.force_authenticate(rep)

    me = api.get("/api/v1/me/").json()
    listed = api.get("/api/v1/actions/", {"assignee": me["id"]}).json()["results"]

    assert me["id"] == rep.pk
    assert [row["id"] for row in listed] == [mine.pk]
