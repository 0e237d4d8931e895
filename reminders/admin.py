from django.contrib import admin

from .models import Reminder, ReminderPreference, TeamReminderSettings


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "stage", "due_date", "state", "created_at", "sent_at"]
    list_filter = ["stage", "state"]
    search_fields = ["title", "recipient__username"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "created_at"


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_mode", "daily_hour", "weekend_quiet", "language"]
    raw_id_fields = ["user"]


@admin.register(TeamReminderSettings)
class TeamReminderSettingsAdmin(admin.ModelAdmin):
    list_display = ["team", "upcoming_days", "escalation_days"]
