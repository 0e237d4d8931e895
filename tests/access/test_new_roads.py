"""The roads added for trust — sign-in tokens, replayed posts, background imports — keep the
access rules: another team's people get a 404 and never someone else's answer."""

import pytest
from rest_framework.test import APIClient

from pacsite.api_tokens import token_issue
from plans.models import Action, ImportJob

pytestmark = pytest.mark.django_db
KEY = "retry-7f3a"


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user)[1]}")
    return client


def _new_action(world):
    return {
        "lever": world.lever.pk,
        "title": "Relancer les devis",
        "assignee": world.action.assignee_id,
        "due_date": world.action.due_date.isoformat(),
    }


def test_another_teams_manager_replays_nothing_with_the_same_key(world, manager, other_manager):
    first = _api(manager).post(
        "/api/v1/actions/", _new_action(world), format="json", HTTP_IDEMPOTENCY_KEY=KEY
    )
    assert first.status_code == 201, first.content
    count = Action.objects.count()

    theirs = _api(other_manager).post(
        "/api/v1/actions/", _new_action(world), format="json", HTTP_IDEMPOTENCY_KEY=KEY
    )
    assert theirs.status_code in {400, 403, 404}
    assert str(first.json()["id"]) not in theirs.content.decode()
    assert Action.objects.count() == count


@pytest.mark.parametrize("persona", ["other_manager", "outsider", "rep2"])
def test_an_import_job_is_its_uploaders_only(request, world, manager, persona, login):
    job = ImportJob.objects.create(
        kind="plan", plan=world.plan, created_by=manager, filename="pac.csv", content=b"x",
        status="failed", errors=["stopped"],
    )  # fmt: skip
    client = login(request.getfixturevalue(persona))
    for url in (f"/imports/{job.pk}/", f"/imports/{job.pk}/progress/"):
        assert client.get(url).status_code == 404, url
    for url in (f"/imports/{job.pk}/run/", f"/imports/{job.pk}/retry/"):
        assert client.post(url).status_code == 404, url
    job.refresh_from_db()
    assert job.status == "failed"


def test_a_token_carries_its_persons_access_and_nothing_more(world, outsider):
    client = _api(outsider)
    assert client.get(f"/api/v1/plans/{world.plan.pk}/").status_code == 404
    assert client.get(f"/api/v1/actions/{world.action.pk}/").status_code == 404
    listed = client.get("/api/v1/actions/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert world.action.pk not in {row["id"] for row in rows}
