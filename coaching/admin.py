from django.contrib import admin

from .models import (
    Challenge,
    CoachingSession,
    Enrollment,
    IncentiveScheme,
    IncentiveTier,
    Kudos,
    Payout,
    Ritual,
    RitualMeeting,
    Skill,
    Training,
    TrainingRequest,
    TrainingSession,
)


class SessionInline(admin.TabularInline):
    model = TrainingSession
    extra = 0

    def get_queryset(self, request):
        # str(session) reads its training, once per row otherwise.
        return super().get_queryset(request).select_related("training")


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ("title", "topic", "kind", "duration_hours", "cost_per_seat", "mandatory")
    list_filter = ("topic", "kind", "mandatory")
    inlines = [SessionInline]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ("rep", "session", "status", "score", "feedback_rating")
    list_filter = ("status",)
    list_select_related = ("rep", "session__training")
    # A select of every session of the company (each str() reading its training) would grow
    # with the catalogue: typed ids instead.
    raw_id_fields = ("session", "rep")


class TierInline(admin.TabularInline):
    model = IncentiveTier
    extra = 0


@admin.register(IncentiveScheme)
class IncentiveSchemeAdmin(admin.ModelAdmin):
    list_display = ("name", "plan", "basis", "period_start", "period_end", "status")
    inlines = [TierInline]


@admin.register(Payout)
class PayoutAdmin(admin.ModelAdmin):
    list_display = ("rep", "scheme", "amount", "explanation", "paid_at")
    # Payouts are computed and frozen by the service: never typed.
    readonly_fields = ("scheme", "rep", "achieved", "tier_number", "amount", "explanation")


admin.site.register([Skill, Challenge, Ritual])


# The change lists below show str(row), which reads foreign keys: joined once, not per row.
@admin.register(TrainingRequest)
class TrainingRequestAdmin(admin.ModelAdmin):
    list_select_related = ("training", "rep")


@admin.register(CoachingSession)
class CoachingSessionAdmin(admin.ModelAdmin):
    list_select_related = ("rep",)


@admin.register(RitualMeeting)
class RitualMeetingAdmin(admin.ModelAdmin):
    list_select_related = ("ritual",)


@admin.register(Kudos)
class KudosAdmin(admin.ModelAdmin):
    list_select_related = ("author", "rep")
