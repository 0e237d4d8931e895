"""``GET /api/v1/insights/what-worked/?plan=<id>``: the "what worked" report of a plan
(without ``plan``: the current plan of the caller's team)
(``coaching.insights``), one row per lever / kind of action / training / challenge and
indicator, with the movement measured and the number of cases behind it."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from indicators.api import _date_param
from indicators.insights import GROUPS

from .insights import report_for


class WhatWorkedLineSerializer(serializers.Serializer):
    group = serializers.ChoiceField(choices=GROUPS)
    key = serializers.CharField(help_text="The lever's or training's id, or the lever aim.")
    label = serializers.CharField()
    indicator = serializers.IntegerField()
    indicator_name = serializers.CharField()
    cases = serializers.IntegerField(help_text="Reps x occasions measured behind the line.")
    conclusive = serializers.BooleanField(help_text="False below min_cases: no movement given.")
    movement = serializers.DecimalField(
        max_digits=24,
        decimal_places=2,
        allow_null=True,
        help_text="Change after minus before, less the others' change (per week for sums).",
    )
    before = serializers.DecimalField(max_digits=24, decimal_places=2, allow_null=True)
    after = serializers.DecimalField(max_digits=24, decimal_places=2, allow_null=True)
    others = serializers.DecimalField(max_digits=24, decimal_places=2, allow_null=True)
    verdict = serializers.ChoiceField(choices=["better", "worse", "same"], allow_null=True)


class WhatWorkedSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    window_weeks = serializers.IntegerField(help_text="Weeks before and after a case.")
    min_cases = serializers.IntegerField()
    rows = WhatWorkedLineSerializer(many=True)


class WhatWorkedView(APIView):
    @extend_schema(
        responses=WhatWorkedSerializer,
        parameters=[
            OpenApiParameter(
                "plan", int, description="The plan (default: the current one of your team)."
            ),
            OpenApiParameter("today", str, description="As of this date (default: today)."),
        ],
    )
    def get(self, request):
        """What worked this period: how the linked indicators moved after the actions,
        trainings and challenges, against the same reps before and the reps who did not."""
        raw = request.query_params.get("plan", "")
        if raw and (not raw.isdigit() or len(raw) > 12):
            raise serializers.ValidationError({"plan": [_("Give the plan's id.")]})
        today = _date_param(request) or timezone.localdate()
        report = report_for(request.user, int(raw) if raw else None, today=today)
        data = {
            "plan": report.plan.pk,
            "start": report.start,
            "end": report.end,
            "window_weeks": report.window_weeks,
            "min_cases": report.min_cases,
            "rows": [line.as_dict() for line in report.lines],
        }
        return Response(WhatWorkedSerializer(data).data)
