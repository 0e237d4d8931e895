"""The API of nothing lost: DELETE archives in a plan that has been active, ``?archived=true``
lists what is archived (a plan's manager only), ``POST <id>/restore/`` brings it back with
what hung on it."""

import pytest
from django.utils import timezone

from indicators.models import Indicator, Measurement, Target
from plans import services
from plans.models import Action, ActionStatus, Lever, Milestone, Plan

pytestmark = pytest.mark.django_db


def _ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def _totals(plan):
    row = Plan.objects.with_progress(timezone.localdate()).get(pk=plan.pk)
    return row.actions_total, row.actions_done


@pytest.fixture
def done(world, rep):
    action = Action.objects.get(title="Mine")
    services.action_set_status(action=action, by=rep, status=ActionStatus.DONE)
    return action


def test_deleting_a_lever_archives_it_with_its_actions_and_restore_brings_them_back(
    api, world, manager, done
):
    plan = world["plan"]
    lever = Lever.objects.get(plan=plan)
    api.force_authenticate(manager)
    assert _totals(plan) == (2, 1)

    assert api.delete(f"/api/v1/levers/{lever.pk}/").status_code == 204

    assert lever.pk not in _ids(api.get("/api/v1/levers/"))
    assert not _ids(api.get(f"/api/v1/actions/?plan={plan.pk}")) & {done.pk}
    assert api.get(f"/api/v1/actions/{done.pk}/").status_code == 404
    assert _totals(plan) == (0, 0)
    archived = api.get("/api/v1/levers/?archived=true")
    assert archived.status_code == 200 and _ids(archived) == {lever.pk}
    assert archived.json()["results"][0]["archived_at"]
    assert done.pk in _ids(api.get("/api/v1/actions/?archived=true"))

    response = api.post(f"/api/v1/levers/{lever.pk}/restore/")

    assert response.status_code == 200, response.content
    assert response.json()["actions_total"] == 2 and response.json()["archived_at"] is None
    assert _totals(plan) == (2, 1)
    assert Action.objects.get(pk=done.pk).status == ActionStatus.DONE
    assert not _ids(api.get("/api/v1/levers/?archived=true"))


def test_deleting_a_milestone_archives_it_and_restore_links_its_action_back(api, world, manager):
    milestone = Milestone.objects.get(title="Kick-off")
    linked = Action.objects.get(milestone=milestone)
    api.force_authenticate(manager)

    assert api.delete(f"/api/v1/milestones/{milestone.pk}/").status_code == 204

    assert milestone.pk not in _ids(api.get("/api/v1/milestones/"))
    assert api.get(f"/api/v1/actions/{linked.pk}/").json()["milestone"] is None
    assert _ids(api.get("/api/v1/milestones/?archived=true")) == {milestone.pk}

    response = api.post(f"/api/v1/milestones/{milestone.pk}/restore/")

    assert response.status_code == 200
    assert api.get(f"/api/v1/actions/{linked.pk}/").json()["milestone"] == milestone.pk


def test_deleting_an_action_archives_it_and_restore_brings_it_back(api, world, manager, done):
    plan = done.lever.plan
    api.force_authenticate(manager)

    assert api.delete(f"/api/v1/actions/{done.pk}/").status_code == 204

    assert _totals(plan) == (1, 0)
    assert _ids(api.get("/api/v1/actions/?archived=true")) == {done.pk}
    response = api.post(f"/api/v1/actions/{done.pk}/restore/")
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert _totals(plan) == (2, 1)


def test_restoring_an_action_of_an_archived_lever_is_refused_with_a_message(
    api, world, manager, done
):
    api.force_authenticate(manager)
    api.delete(f"/api/v1/levers/{done.lever_id}/")
    response = api.post(f"/api/v1/actions/{done.pk}/restore/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "restore the lever first" in str(response.json())


def test_restoring_a_live_row_is_a_404(api, world, manager):
    api.force_authenticate(manager)
    lever = Lever.objects.get(plan__title="PAC")
    assert api.post(f"/api/v1/levers/{lever.pk}/restore/").status_code == 404


def test_in_a_draft_plan_delete_really_deletes(api, world, manager):
    lever = Lever.objects.get(plan__title="PAC")
    Plan.objects.filter(pk=lever.plan_id).update(status="draft")
    api.force_authenticate(manager)
    assert api.delete(f"/api/v1/levers/{lever.pk}/").status_code == 204
    assert not Lever.all_objects.filter(pk=lever.pk).exists()


def test_deleting_an_indicator_archives_it_with_its_targets_and_figures(api, world, manager):
    revenue = Indicator.objects.get(name="Revenue")
    api.force_authenticate(manager)

    assert api.delete(f"/api/v1/indicators/{revenue.pk}/").status_code == 204

    assert api.get(f"/api/v1/indicators/{revenue.pk}/").status_code == 404
    assert not _ids(api.get(f"/api/v1/targets/?indicator={revenue.pk}"))
    assert not _ids(api.get(f"/api/v1/measurements/?indicator={revenue.pk}"))
    assert _ids(api.get("/api/v1/indicators/?archived=true")) == {revenue.pk}

    response = api.post(f"/api/v1/indicators/{revenue.pk}/restore/")

    assert response.status_code == 200 and response.json()["archived_at"] is None
    assert Target.objects.filter(indicator=revenue).count() == 1
    assert Measurement.objects.get(indicator=revenue).value == 10
