from django.contrib import admin

from teams import team_cache
from teams.archive import ArchivedAdminMixin

from .models import Indicator, Measurement, Target


@admin.register(Indicator)
class IndicatorAdmin(team_cache.AdminMixin, ArchivedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "plan", "kind", "unit", "direction", "aggregation", "cadence"]
    list_filter = ["kind", "direction", "aggregation", "plan__team"]
    search_fields = ["name", "definition"]
    raw_id_fields = ["plan", "numerator", "denominator"]
    filter_horizontal = ["actions", "levers"]


@admin.register(Target)
class TargetAdmin(team_cache.AdminMixin, ArchivedAdminMixin, admin.ModelAdmin):
    list_display = ["indicator", "rep", "value", "period_start", "period_end", "final_status"]
    # rep is nullable (the team-wide target): named so it is joined, not read per row.
    list_select_related = ["indicator", "rep"]
    list_filter = ["final_status"]
    raw_id_fields = ["indicator", "rep"]


@admin.register(Measurement)
class MeasurementAdmin(team_cache.AdminMixin, ArchivedAdminMixin, admin.ModelAdmin):
    list_display = ["indicator", "rep", "date", "value", "category", "is_late"]
    list_filter = ["is_late"]
    date_hierarchy = "date"
    raw_id_fields = ["indicator", "rep", "entered_by"]
