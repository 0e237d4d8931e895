"""Demo company, reminders part: each team's thresholds and a few people's preferences,
so the preferences page shows more than the defaults. Idempotent (update_or_create)."""

from plans.reminder_stamps import restamp_plan

from .models import EmailMode, ReminderPreference, TeamReminderSettings

# username -> preferences; everyone else keeps the defaults (as it happens, quiet weekends).
PREFERENCES = {
    "manager2": {"email_mode": EmailMode.DAILY, "daily_hour": 8},
    "rep4": {"language": "en"},
    "hr": {"email_mode": EmailMode.ESCALATIONS},
}


def seed(ctx) -> None:
    for team in ctx.teams:
        TeamReminderSettings.objects.get_or_create(team=team)
    for username, values in PREFERENCES.items():
        user = ctx.users.get(username)
        if user is not None:
            ReminderPreference.objects.update_or_create(user=user, defaults=values)
    # The other apps' demo steps write their actions and milestones row by row (to stay
    # idempotent), not through the services that stamp them: stamp them once, here.
    for plan in ctx.plans:
        restamp_plan(plan)
