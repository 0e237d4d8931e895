"""API shapes of indicators, targets, measurements, the catalogue and progress."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from plans.models import Action, Lever, Plan

from .models import Indicator, Measurement, Target
from .services import INDICATOR_FIELDS
from .smart import smart_check


class IndicatorSerializer(serializers.ModelSerializer):
    plan = serializers.PrimaryKeyRelatedField(queryset=Plan.objects.all())
    numerator = serializers.PrimaryKeyRelatedField(
        queryset=Indicator.objects.all(), allow_null=True, required=False
    )
    denominator = serializers.PrimaryKeyRelatedField(
        queryset=Indicator.objects.all(), allow_null=True, required=False
    )
    actions = serializers.PrimaryKeyRelatedField(
        queryset=Action.objects.all(), many=True, required=False
    )
    levers = serializers.PrimaryKeyRelatedField(
        queryset=Lever.objects.all(), many=True, required=False
    )
    smart_missing = serializers.SerializerMethodField(
        help_text="SMART letters not met yet (S, M, A, R, T)."
    )

    class Meta:
        model = Indicator
        fields = [
            "id",
            "plan",
            *INDICATOR_FIELDS,
            "template_code",
            "actions",
            "levers",
            "smart_missing",
            "archived_at",
        ]
        read_only_fields = ["template_code"]

    def get_smart_missing(self, obj) -> list[str]:
        checks = self.context.get("smart_checks")
        if checks is None or obj.pk not in checks:
            return smart_check(obj).missing
        return checks[obj.pk].missing


class TargetSerializer(serializers.ModelSerializer):
    rep = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(),
        allow_null=True,
        required=False,
        help_text="Empty: the team's target.",
    )
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)
    monthly_weights = serializers.ListField(
        child=serializers.DecimalField(max_digits=8, decimal_places=3),
        required=False,
        help_text="One weight per month of the period; empty: even spread.",
    )

    class Meta:
        model = Target
        fields = [
            "id",
            "indicator",
            "rep",
            "value",
            "period_start",
            "period_end",
            "monthly_weights",
            "final_actual",
            "final_status",
            "closed_at",
            "archived_at",
        ]
        read_only_fields = ["final_actual", "final_status", "closed_at"]
        validators = []  # uniqueness: target_set updates the existing row instead


class TargetAllRepsSerializer(serializers.Serializer):
    indicator = serializers.PrimaryKeyRelatedField(queryset=Indicator.objects.all())
    value = serializers.DecimalField(max_digits=14, decimal_places=2)
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)
    monthly_weights = serializers.ListField(
        child=serializers.DecimalField(max_digits=8, decimal_places=3), required=False
    )


class MeasurementSerializer(serializers.ModelSerializer):
    # A string, so "12,5" and "ten" reach the service, which answers with the page's message.
    value = serializers.CharField(required=False, allow_blank=True, allow_null=True)

    class Meta:
        model = Measurement
        fields = [
            "id",
            "indicator",
            "rep",
            "date",
            "value",
            "category",
            "note",
            "is_late",
            "entered_by",
            "created_at",
            "archived_at",
        ]
        read_only_fields = ["is_late", "entered_by", "created_at"]
        extra_kwargs = {"category": {"required": False}, "note": {"required": False}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["value"] = None if instance.value is None else str(instance.value)
        return data


class MeasurementBulkSerializer(serializers.Serializer):
    rows = MeasurementSerializer(many=True)


class IndicatorTemplateSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_fr = serializers.CharField()
    name_en = serializers.CharField()
    kind = serializers.CharField()
    unit = serializers.CharField()
    direction = serializers.CharField()
    aggregation = serializers.CharField()
    cadence = serializers.CharField()
    definition = serializers.CharField()
    source = serializers.CharField()
    seed = serializers.CharField(help_text="The line of seed 004 it comes from.")
    numerator = serializers.CharField()
    denominator = serializers.CharField()
    qualitative_mode = serializers.CharField()
    scale_min = serializers.IntegerField(allow_null=True)
    scale_max = serializers.IntegerField(allow_null=True)
    categories = serializers.ListField(child=serializers.CharField())
    computation = serializers.CharField()


class AddFromTemplateSerializer(serializers.Serializer):
    plan = serializers.PrimaryKeyRelatedField(queryset=Plan.objects.all())


class ProgressSerializer(serializers.Serializer):
    indicator = serializers.IntegerField()
    rep = serializers.IntegerField(allow_null=True, help_text="Empty: the team.")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    actual = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    target = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    expected = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    percent = serializers.DecimalField(max_digits=10, decimal_places=1, allow_null=True)
    status = serializers.ChoiceField(
        choices=["on_track", "at_risk", "off_track", "no_target", "no_data"]
    )
    forecast = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    reasons = serializers.ListField(
        child=serializers.CharField(),
        help_text="Why an at-risk or off-track status, as the pages say it (caller's language).",
    )
    frozen = serializers.BooleanField()
    count = serializers.IntegerField()
    distribution = serializers.DictField(child=serializers.IntegerField(), allow_null=True)


class WhatIfSerializer(serializers.Serializer):
    indicator = serializers.IntegerField()
    rep = serializers.IntegerField(allow_null=True, help_text="Empty: the team.")
    today = serializers.DateField()
    extra_per_week = serializers.DecimalField(max_digits=14, decimal_places=2)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    actual = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    target = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    projected = serializers.DecimalField(
        max_digits=24, decimal_places=2, allow_null=True, help_text="Value at the period's end."
    )
    projected_percent = serializers.DecimalField(
        max_digits=24, decimal_places=1, allow_null=True, help_text="% of the target reached."
    )
    reached_on = serializers.DateField(
        allow_null=True, help_text="The day the target is reached; null: not within the period."
    )
    current_per_week = serializers.DecimalField(
        max_digits=24, decimal_places=2, allow_null=True, help_text="Pace so far, a week."
    )
    needed_per_week = serializers.DecimalField(
        max_digits=24,
        decimal_places=2,
        allow_null=True,
        help_text="The weekly pace from tomorrow that reaches the target at the period's end.",
    )
    frozen = serializers.BooleanField()


class IndicatorProgressSerializer(serializers.Serializer):
    indicator = serializers.IntegerField()
    team = ProgressSerializer()
    reps = ProgressSerializer(many=True)


class AxesSerializer(serializers.Serializer):
    efficacite = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    efficience = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    pertinence = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    targets = serializers.IntegerField()
    actions_done = serializers.IntegerField()


class DashboardIndicatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()
    direction = serializers.CharField()


class DashboardRowSerializer(serializers.Serializer):
    rep = serializers.IntegerField()
    name = serializers.CharField()
    cells = ProgressSerializer(many=True)
    axes = AxesSerializer()


class DashboardSerializer(serializers.Serializer):
    team = serializers.IntegerField()
    plan = serializers.IntegerField(allow_null=True)
    today = serializers.DateField()
    indicators = DashboardIndicatorSerializer(many=True)
    rows = DashboardRowSerializer(many=True)
    team_cells = ProgressSerializer(many=True)
    axes = AxesSerializer()
