from django.contrib import admin

from . import bell
from .models import Reminder, ReminderPreference, TeamReminderSettings


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "stage", "due_date", "state", "created_at", "sent_at"]
    list_filter = ["stage", "state"]
    search_fields = ["title", "recipient__username"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "created_at"

    # A hand edit may move a row from one person to another, or delete many people's rows:
    # every bell counts again (rare).
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        bell.forget_everyone()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        bell.forget_everyone()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        bell.forget_everyone()


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_mode", "daily_hour", "weekend_quiet", "language"]
    raw_id_fields = ["user"]


@admin.register(TeamReminderSettings)
class TeamReminderSettingsAdmin(admin.ModelAdmin):
    list_display = ["team", "upcoming_days", "escalation_days"]
