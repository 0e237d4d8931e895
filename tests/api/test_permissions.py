"""The pages' access matrix, through the API (token auth, as a script would use it)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(api, token_for):
    def _as(user):
        api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
        return api

    return _as


def test_rep_completes_own_action_but_not_a_colleagues(as_user, world, rep):
    client = as_user(rep)
    assert client.post(f"/api/v1/actions/{world['own'].pk}/complete/").json()["status"] == "done"
    refused = client.post(f"/api/v1/actions/{world['colleague'].pk}/complete/")
    assert refused.status_code == 403
    world["colleague"].refresh_from_db()
    assert world["colleague"].status == "todo"


def test_rep_cannot_list_or_read_another_teams_plans(as_user, world, rep):
    client = as_user(rep)
    ids = [p["id"] for p in client.get("/api/v1/plans/").json()["results"]]
    assert ids == [world["plan"].pk]
    assert client.get(f"/api/v1/plans/{world['other_plan'].pk}/").status_code == 404
    teams = [t["id"] for t in client.get("/api/v1/teams/").json()["results"]]
    assert teams == [world["plan"].team_id]


def test_rep_reads_only_their_own_coaching_notes(as_user, world, rep):
    client = as_user(rep)
    rows = client.get("/api/v1/coaching-sessions/").json()["results"]
    assert [r["id"] for r in rows] == [world["rep_notes"].pk]
    colleague = client.get(f"/api/v1/coaching-sessions/{world['colleague_notes'].pk}/")
    assert colleague.status_code == 404


def test_rep_script_posts_the_weeks_figures_and_ticks_an_action(as_user, world, rep):
    client = as_user(rep)
    figure = client.post(
        "/api/v1/measurements/",
        {
            "indicator": world["revenue"].pk,
            "rep": rep.pk,
            "date": world["own"].due_date.isoformat(),
            "value": "250",
        },
        format="json",
    )
    assert figure.status_code == 201, figure.json()
    assert client.post(f"/api/v1/actions/{world['own'].pk}/complete/").status_code == 200


def test_rep_cannot_post_a_colleagues_figures(as_user, world, rep, rep2):
    response = as_user(rep).post(
        "/api/v1/measurements/",
        {
            "indicator": world["revenue"].pk,
            "rep": rep2.pk,
            "date": world["own"].due_date.isoformat(),
            "value": "1",
        },
        format="json",
    )
    assert response.status_code in (400, 403)


def test_other_manager_sees_nothing_of_the_team(as_user, world, other_manager):
    client = as_user(other_manager)
    assert client.get(f"/api/v1/actions/{world['own'].pk}/").status_code == 404
    assert world["plan"].pk not in [p["id"] for p in client.get("/api/v1/plans/").json()["results"]]
    assert client.post(f"/api/v1/actions/{world['own'].pk}/complete/").status_code == 404
