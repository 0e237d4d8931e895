"""The demo company's plans: realistic, every team active, idempotent."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from plans.models import Action, ActionStatus, Milestone, MilestoneStatus, Plan, PlanStatus

pytestmark = pytest.mark.django_db


def test_demo_gives_each_team_an_active_plan_with_a_realistic_story():
    call_command("seed_demo", password="pac-demo")
    today = timezone.localdate()
    assert set(Plan.objects.values_list("status", flat=True)) == {PlanStatus.ACTIVE}
    assert Plan.objects.values("team").distinct().count() == 2
    idf = Plan.objects.get(team__manager__username="manager")
    assert idf.levers.count() == 4
    actions = Action.objects.filter(lever__plan=idf)
    assert actions.count() >= 40  # other apps may add a few of their own
    assert set(actions.values_list("assignee__username", flat=True)) == {"rep1", "rep2", "rep3"}
    assert actions.filter(status=ActionStatus.DONE).exists()
    assert actions.overdue(today).exists()
    assert any(a.moved_days > 0 for a in actions)
    statuses = [m.status(today) for m in Milestone.objects.filter(plan=idf).with_action_counts()]
    assert len(statuses) == 4
    assert statuses.count(MilestoneStatus.SLIPPED) == 1


def test_demo_rep_sees_their_actions_on_the_landing_page(client):
    call_command("seed_demo", password="pac-demo")
    client.login(username="rep1", password="pac-demo")
    response = client.get("/my-actions/")
    assert sum(len(b.actions) for b in response.context["buckets"]) > 5
