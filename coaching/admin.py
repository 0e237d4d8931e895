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


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ("title", "topic", "kind", "duration_hours", "cost_per_seat", "mandatory")
    list_filter = ("topic", "kind", "mandatory")
    inlines = [SessionInline]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ("rep", "session", "status", "score", "feedback_rating")
    list_filter = ("status",)


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


admin.site.register(
    [Skill, TrainingRequest, CoachingSession, Challenge, Ritual, RitualMeeting, Kudos]
)
