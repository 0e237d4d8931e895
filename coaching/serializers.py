"""Serializers of the coaching API. They shape data; the services hold the rules."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from plans.models import Lever

from .models import (
    BonusKind,
    Challenge,
    CoachingSession,
    Decision,
    Enrollment,
    IncentiveScheme,
    IncentiveTier,
    Kudos,
    Ritual,
    RitualMeeting,
    Skill,
    SkillLevel,
    Training,
    TrainingSession,
)

User = get_user_model()


class UserRefField(serializers.PrimaryKeyRelatedField):
    """A user by id; any user id is accepted here, the service checks who is allowed."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", User.objects.filter(is_active=True))
        super().__init__(**kwargs)


class TrainingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Training
        fields = [
            "id",
            "title",
            "topic",
            "skill",
            "kind",
            "provider",
            "duration_hours",
            "cost_per_seat",
            "mandatory",
            "description",
        ]


class TrainingSessionSerializer(serializers.ModelSerializer):
    seats_taken = serializers.IntegerField(read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = TrainingSession
        fields = [
            "id",
            "training",
            "starts_at",
            "duration_hours",
            "ends_at",
            "place",
            "trainer",
            "capacity",
            "seats_taken",
        ]
        # Left out, a new session lasts as long as its training (services.session_create).
        extra_kwargs = {"duration_hours": {"required": False}}


class EnrollmentSerializer(serializers.ModelSerializer):
    rep = UserRefField()
    session = serializers.PrimaryKeyRelatedField(queryset=TrainingSession.objects.all())

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "session",
            "rep",
            "status",
            "score",
            "certificate_ref",
            "feedback_rating",
            "feedback_comment",
            "feedback_at",
            "created_at",
        ]
        read_only_fields = ["feedback_rating", "feedback_comment", "feedback_at", "created_at"]


class AttendanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enrollment
        fields = ["status", "score", "certificate_ref"]


class FeedbackSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class SkillLevelChangeSerializer(serializers.Serializer):
    old_level = serializers.IntegerField()
    new_level = serializers.IntegerField()
    source = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class SkillLevelSerializer(serializers.ModelSerializer):
    rep = UserRefField()
    skill = serializers.PrimaryKeyRelatedField(queryset=Skill.objects.all())
    skill_name = serializers.CharField(source="skill.name", read_only=True)
    note = serializers.CharField(write_only=True, required=False, allow_blank=True, default="")
    history = serializers.SerializerMethodField()

    class Meta:
        model = SkillLevel
        fields = ["id", "rep", "skill", "skill_name", "level", "updated_at", "note", "history"]
        read_only_fields = ["updated_at"]
        # The service upserts one row per (rep, skill): no unique-together check here.
        validators = []

    def get_history(self, obj) -> list[dict]:
        history = self.context.get("history", {}).get((obj.rep_id, obj.skill_id), [])
        return SkillLevelChangeSerializer(history, many=True).data


class CoachingSessionSerializer(serializers.ModelSerializer):
    rep = UserRefField()
    manager = serializers.PrimaryKeyRelatedField(read_only=True)
    actions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = CoachingSession
        fields = [
            "id",
            "team",
            "manager",
            "rep",
            "date",
            "notes",
            "strengths",
            "areas_to_improve",
            "actions",
            "created_at",
        ]
        read_only_fields = ["team", "created_at"]

    def to_representation(self, session):
        data = super().to_representation(session)
        request = self.context.get("request")
        if request is not None and not session.notes_readable_by(request.user):
            for name in CoachingSession.PRIVATE_FIELDS:
                data.pop(name, None)
        return data


class AgreedActionSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_date = serializers.DateField()
    lever = serializers.PrimaryKeyRelatedField(queryset=Lever.objects.all())


class ChallengeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Challenge
        fields = [
            "id",
            "team",
            "title",
            "description",
            "mode",
            "metric",
            "indicator",
            "start_date",
            "end_date",
            "target",
            "prize",
            "recurrence",
            "previous",
            "created_at",
        ]
        read_only_fields = ["team", "previous", "created_at"]


class LeaderboardRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    name = serializers.CharField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2)
    progress = serializers.IntegerField(allow_null=True)
    medal = serializers.CharField()
    members = serializers.ListField(child=serializers.CharField())
    user_id = serializers.IntegerField(allow_null=True)


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["id", "text", "owner", "due_date", "lever", "action"]


class MeetingSerializer(serializers.ModelSerializer):
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = RitualMeeting
        fields = ["id", "date", "agenda", "minutes", "attendees", "decisions"]


class RitualSerializer(serializers.ModelSerializer):
    meetings = MeetingSerializer(many=True, read_only=True)

    class Meta:
        model = Ritual
        fields = ["id", "team", "title", "kind", "recurrence", "default_agenda", "meetings"]
        read_only_fields = ["team"]
        validators = []


class KudosSerializer(serializers.ModelSerializer):
    rep = UserRefField()
    author = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Kudos
        fields = ["id", "team", "author", "rep", "message", "created_at"]
        read_only_fields = ["team", "created_at"]


class TierSerializer(serializers.ModelSerializer):
    bonus_kind = serializers.ChoiceField(choices=BonusKind.choices, default=BonusKind.AMOUNT)

    class Meta:
        model = IncentiveTier
        fields = ["threshold", "bonus_kind", "value"]


class IncentiveSchemeSerializer(serializers.ModelSerializer):
    tiers = TierSerializer(many=True)
    reps = UserRefField(many=True)

    class Meta:
        model = IncentiveScheme
        fields = [
            "id",
            "plan",
            "name",
            "basis",
            "indicator",
            "period_start",
            "period_end",
            "base_amount",
            "cap",
            "reps",
            "tiers",
            "status",
            "closed_at",
        ]
        read_only_fields = ["status", "closed_at"]
        validators = []


class PayoutLineSerializer(serializers.Serializer):
    rep = serializers.IntegerField(source="rep.pk")
    rep_name = serializers.SerializerMethodField()
    achieved = serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True)
    tier_number = serializers.IntegerField(allow_null=True)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    explanation = serializers.CharField()
    forecast_achieved = serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True)
    forecast_amount = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    forecast_explanation = serializers.CharField()
    paid_at = serializers.DateTimeField(allow_null=True)
    frozen = serializers.BooleanField()
    next_tier = serializers.CharField(help_text="What the next tier needs (open periods).")

    def get_rep_name(self, line) -> str:
        return line.rep.get_full_name() or line.rep.get_username()
