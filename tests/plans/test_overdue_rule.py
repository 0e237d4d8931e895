""" "Overdue" is one rule (``plans.models.overdue_q``): every count, list, badge and reminder
agrees with it, and no other module writes it again."""

import re
from datetime import timedelta
from pathlib import Path

import pytest

from plans.models import Action, ActionStatus, Lever, Plan
from plans.reminder_stamps import restamp_actions
from plans.selectors import my_actions
from reminders.models import Reminder, Stage
from reminders.sweep import run_sweep

from .factories import ActionFactory, LeverFactory, today

ROOT = Path(__file__).resolve().parents[2]
APPS = ("teams", "plans", "indicators", "coaching", "reminders", "pacsite")
# How the rule looks when it is rewritten: a due-date "before" lookup or comparison.
REWRITTEN = re.compile(r"due_date__lt\b|due_date\s*<\s*today")


@pytest.fixture
def mixed(plan, rep):
    """Given actions on each side of the rule: late, due today, future, done late, cancelled."""
    lever = LeverFactory(plan=plan)
    day = today()
    cases = {
        "late todo": (ActionStatus.TODO, day - timedelta(days=3)),
        "late in progress": (ActionStatus.IN_PROGRESS, day - timedelta(days=1)),
        "due today": (ActionStatus.TODO, day),
        "future": (ActionStatus.TODO, day + timedelta(days=2)),
        "done late": (ActionStatus.DONE, day - timedelta(days=5)),
        "cancelled late": (ActionStatus.CANCELLED, day - timedelta(days=5)),
    }
    return {
        name: ActionFactory(lever=lever, assignee=rep, status=status, due_date=due, title=name)
        for name, (status, due) in cases.items()
    }


@pytest.mark.django_db
def test_queryset_and_instance_method_agree(mixed):
    day = today()
    by_query = {a.title for a in Action.objects.overdue(day)}
    by_method = {a.title for a in mixed.values() if a.is_overdue(day)}
    assert by_query == by_method == {"late todo", "late in progress"}


@pytest.mark.django_db
def test_plan_and_lever_counts_follow_the_rule(mixed, plan):
    day = today()
    lever = mixed["late todo"].lever
    assert Lever.objects.with_progress(day).get(pk=lever.pk).actions_overdue == 2
    assert Plan.objects.with_progress(day).get(pk=plan.pk).actions_overdue == 2


@pytest.mark.django_db
def test_my_actions_overdue_bucket_follows_the_rule(mixed, rep):
    _filters, buckets, _page = my_actions(user=rep, data={}, today=today())
    overdue = next(b for b in buckets if b.key == "overdue")
    assert {a.title for a in overdue.actions} == {"late todo", "late in progress"}


@pytest.mark.django_db
def test_overdue_reminders_follow_the_rule(mixed):
    restamp_actions(list(mixed.values()))  # made by the factory: stamped as the services do
    run_sweep()
    overdue = Reminder.objects.filter(stage=Stage.OVERDUE).values_list("title", flat=True)
    assert set(overdue) == {"late todo", "late in progress"}


def test_overdue_is_written_once():
    """The rule lives in plans/models.py; anywhere else it must be asked for, not rewritten."""
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*"):
            if path.suffix not in {".py", ".html"} or "migrations" in path.parts:
                continue
            if path == ROOT / "plans" / "models.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if REWRITTEN.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
