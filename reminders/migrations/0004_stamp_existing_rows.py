"""Stamp every existing action and milestone with its next reminder (reminders.schedule)."""

from django.db import migrations

from reminders.schedule import action_stamp, milestone_stamp

OPEN = ("todo", "in_progress")
CHUNK = 2000


def stamp(apps, schema_editor):
    Action = apps.get_model("plans", "Action")
    Milestone = apps.get_model("plans", "Milestone")
    Settings = apps.get_model("reminders", "TeamReminderSettings")
    thresholds = {s.team_id: (s.upcoming_days, s.escalation_days) for s in Settings.objects.all()}
    actions = (
        Action._base_manager.filter(status__in=OPEN, archived_at__isnull=True)
        .select_related("lever__plan")
        .order_by("pk")
    )
    changed = []
    for action in actions.iterator(chunk_size=CHUNK):
        plan = action.lever.plan
        upcoming, escalation = thresholds.get(plan.team_id, (2, 3))
        action.next_reminder_at, action.next_reminder_stage = action_stamp(
            open_=True,
            plan_active=plan.status == "active",
            due=action.due_date,
            upcoming_days=upcoming,
            escalation_days=escalation,
        )
        changed.append(action)
        if len(changed) >= CHUNK:
            Action._base_manager.bulk_update(changed, ["next_reminder_at", "next_reminder_stage"])
            changed = []
    Action._base_manager.bulk_update(changed, ["next_reminder_at", "next_reminder_stage"])
    milestones = Milestone._base_manager.filter(archived_at__isnull=True, plan__status="active")
    rows = []
    for milestone in milestones.iterator(chunk_size=CHUNK):
        milestone.next_reminder_at, milestone.next_reminder_stage = milestone_stamp(
            plan_active=True, day=milestone.date
        )
        rows.append(milestone)
    Milestone._base_manager.bulk_update(
        rows, ["next_reminder_at", "next_reminder_stage"], batch_size=CHUNK
    )


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0011_next_reminder"),
        ("reminders", "0003_reminder_state_no_sweep_state"),
    ]

    operations = [migrations.RunPython(stamp, migrations.RunPython.noop)]
