from django.contrib import admin

from teams import team_cache
from teams.archive import ArchivedAdminMixin
from teams.models import Team

from .models import Action, ActionEvent, CalendarFeed, ImportJob, Lever, Milestone, Plan
from .reminder_stamps import restamp_actions, restamp_milestones, restamp_plan, restamp_team


@admin.register(Team)
class TeamAdmin(team_cache.AdminMixin, admin.ModelAdmin):
    list_display = ("name", "manager")
    filter_horizontal = ("members",)
    search_fields = ("name",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A new manager is owed the escalations of the team's late actions.
        restamp_team(obj)


class LeverInline(admin.TabularInline):
    model = Lever
    extra = 0
    fields = ("position", "name", "aim")


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ("date", "title")


@admin.register(Lever)
class LeverAdmin(team_cache.AdminMixin, ArchivedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "plan", "aim", "position")
    list_select_related = ("plan",)
    raw_id_fields = ("plan",)


@admin.register(Milestone)
class MilestoneAdmin(ArchivedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "plan", "date")
    list_select_related = ("plan",)
    raw_id_fields = ("plan",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        restamp_milestones([obj])


@admin.register(Plan)
class PlanAdmin(team_cache.AdminMixin, admin.ModelAdmin):
    list_display = ("title", "team", "start_date", "end_date", "status")
    list_filter = ("status", "team")
    search_fields = ("title",)
    # The status changes on the plan's page or through the API (activate, close, archive):
    # closing freezes the period's figures, which a field saved here would skip.
    readonly_fields = ("status",)
    inlines = [LeverInline, MilestoneInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        restamp_plan(form.instance)  # its status, or its milestones' dates, may have changed


class ActionEventInline(admin.TabularInline):
    model = ActionEvent
    extra = 0
    fields = ("created_at", "actor", "kind", "old_value", "new_value", "text")
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        # Each row shows its actor and str(event) reads its action: joined, not per event.
        return super().get_queryset(request).select_related("actor", "action")


@admin.register(Action)
class ActionAdmin(team_cache.AdminMixin, ArchivedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "assignee", "due_date", "original_due_date", "status", "lever")
    list_filter = ("status", "lever__plan__team")
    search_fields = ("title",)
    list_select_related = ("assignee", "lever")
    raw_id_fields = ("lever", "milestone")
    # The status changes on the action's page, through its transition rules, not here.
    readonly_fields = ("status", "completed_at", "completed_by")
    inlines = [ActionEventInline]

    def save_model(self, request, obj, form, change):
        before = form.initial.get("milestone")
        super().save_model(request, obj, form, change)
        restamp_actions([obj])
        restamp_milestones([obj.milestone_id, before])


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Spreadsheet imports, to see why one failed; the file itself is not shown."""

    list_display = ("filename", "kind", "plan", "created_by", "status", "total", "done")
    list_filter = ("status", "kind")
    list_select_related = ("plan", "created_by")
    exclude = ("content", "preview")
    readonly_fields = ("kind", "plan", "created_by", "filename", "status", "language", "total",
                       "done", "errors", "lease_until", "finished_at")  # fmt: skip


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Private calendar feeds; deleting one revokes its address."""

    list_display = ("user", "created_at")
    list_select_related = ("user",)
    exclude = ("token",)
    readonly_fields = ("user",)
