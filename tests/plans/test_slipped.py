"""One reading of "slipped": a milestone whose date has passed with an action still open.

The plan's milestones (their status in the API), the manager's home page, the reasons of an
off-track figure and the reminder sweep are asked about the same four past milestones: with no
action, with only done actions, with only cancelled ones, and with an open one left. Only the
last has slipped, everywhere.
"""

from datetime import timedelta

import pytest

from plans.models import ActionStatus, Milestone, MilestoneStatus
from plans.services import action_create, action_set_status, milestone_create
from reminders.models import Reminder, Stage
from reminders.sweep import run_sweep
from tests.pacsite.test_today import off_track_indicator

from .factories import today

pytestmark = pytest.mark.django_db

AGO = 5


@pytest.fixture
def milestones(plan, lever, manager, rep):
    """Four milestones five days past, by title; the actions under them are ``rep``'s."""
    made = {
        title: milestone_create(plan=plan, title=title, date=today() - timedelta(days=AGO))
        for title in ("No action", "All done", "All cancelled", "One open")
    }
    for title, statuses in (
        ("All done", [ActionStatus.DONE, ActionStatus.DONE]),
        ("All cancelled", [ActionStatus.CANCELLED]),
        ("One open", [ActionStatus.DONE, ActionStatus.TODO]),
    ):
        for status in statuses:
            action = action_create(
                lever=lever,
                by=manager,
                assignee=rep,
                title=f"{title}: {status}",
                due_date=today() + timedelta(days=3),
                milestone=made[title],
            )
            if status != ActionStatus.TODO:
                action_set_status(action=action, by=manager, status=status)
    return made


def test_only_the_milestone_with_an_open_action_has_slipped(
    api, login, plan, lever, manager, rep, milestones
):
    api.force_authenticate(manager)
    rows = api.get("/api/v1/milestones/", {"plan": plan.pk}).json()["results"]
    assert {m["title"]: m["status"] for m in rows} == {
        "No action": MilestoneStatus.ON_TRACK,
        "All done": MilestoneStatus.DONE,
        "All cancelled": MilestoneStatus.ON_TRACK,
        "One open": MilestoneStatus.SLIPPED,
    }

    home = login(manager).get("/").content.decode()
    assert "One open" in home
    assert not any(title in home for title in ("No action", "All done", "All cancelled"))

    indicator = off_track_indicator(plan, rep)  # rep's cell is explained
    indicator.levers.add(lever)
    api.force_authenticate(manager)
    progress = api.get(
        f"/api/v1/indicators/{indicator.pk}/progress/", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    [cell] = [entry for entry in progress["reps"] if entry["rep"] == rep.pk]
    assert cell["status"] == "off_track"
    milestone_reasons = [r for r in cell["reasons"] if r.startswith("milestone")]
    assert milestone_reasons == [f"milestone One open slipped {AGO} days"]

    run_sweep()
    slipped = Reminder.objects.filter(stage=Stage.MILESTONE_SLIPPED)
    assert set(slipped.values_list("title", flat=True)) == {"One open"}
    assert set(slipped.values_list("recipient", flat=True)) == {manager.pk, rep.pk}


def test_the_status_and_the_queryset_agree(plan, milestones):
    """``Milestone.status`` (counted, or annotated) says slipped exactly for the rows of
    ``Milestone.objects.slipped``, on the milestones' day, the day after and today."""
    day = today() - timedelta(days=AGO)
    for when in (day, day + timedelta(days=1), today()):
        chosen = set(Milestone.objects.slipped(when).values_list("title", flat=True))
        counted = {m.title for m in Milestone.objects.all() if m.status(when) == "slipped"}
        annotated = {
            m.title
            for m in Milestone.objects.with_action_counts()
            if m.status(when) == MilestoneStatus.SLIPPED
        }
        assert chosen == counted == annotated == (set() if when == day else {"One open"})
