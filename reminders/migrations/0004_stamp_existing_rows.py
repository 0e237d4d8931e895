"""Stamp every existing action and milestone with its next reminder (plans.reminder_stamps).

The open actions of active plans that share a due date and a team's thresholds share a
stamp: one UPDATE per such group (by chunks of ids), not one per row.
"""

from collections import defaultdict

from django.db import migrations

from plans.reminder_stamps import action_stamp, milestone_stamp

OPEN = ("todo", "in_progress")
CHUNK = 2000


def _update(model, groups: dict) -> None:
    for (at, stage), ids in groups.items():
        for n in range(0, len(ids), CHUNK):
            model._base_manager.filter(pk__in=ids[n : n + CHUNK]).update(
                next_reminder_at=at, next_reminder_stage=stage
            )


def stamp(apps, schema_editor):
    Action = apps.get_model("plans", "Action")
    Milestone = apps.get_model("plans", "Milestone")
    Settings = apps.get_model("reminders", "TeamReminderSettings")
    thresholds = {s.team_id: (s.upcoming_days, s.escalation_days) for s in Settings.objects.all()}
    actions = Action._base_manager.filter(
        status__in=OPEN, archived_at__isnull=True, lever__plan__status="active"
    ).values_list("pk", "due_date", "lever__plan__team_id")
    groups = defaultdict(list)
    for pk, due, team_id in actions.iterator(chunk_size=CHUNK):
        upcoming, escalation = thresholds.get(team_id, (2, 3))
        stamp = action_stamp(
            open_=True,
            plan_active=True,
            due=due,
            upcoming_days=upcoming,
            escalation_days=escalation,
        )
        groups[stamp].append(pk)
    _update(Action, groups)
    milestones = Milestone._base_manager.filter(
        archived_at__isnull=True, plan__status="active"
    ).values_list("pk", "date")
    groups = defaultdict(list)
    for pk, day in milestones.iterator(chunk_size=CHUNK):
        groups[milestone_stamp(plan_active=True, day=day)].append(pk)
    _update(Milestone, groups)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0011_next_reminder"),
        ("reminders", "0003_reminder_state_no_sweep_state"),
    ]

    operations = [migrations.RunPython(stamp, migrations.RunPython.noop)]
