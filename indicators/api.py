"""The indicators API: indicators (+ progress), indicator-templates, targets, measurements
(+ bulk), dashboard. Same services, selectors and progress engine as the pages; rows outside
the user's teams are a 404, visible rows the user may not change a 403.
"""

from dataclasses import asdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action as api_action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from plans.access import plans_visible_to
from plans.archive_api import ArchiveMixin
from teams.access import get_object_for_user, visible_teams
from teams.once import IdempotentCreateMixin, idempotent

from . import catalogue, services
from .filters import IndicatorFilter, MeasurementFilter, TargetFilter
from .models import Indicator, Measurement, Target
from .progress import compute
from .reasons import attach_reasons
from .selectors import (
    dashboard,
    indicators_visible_to,
    measurements_visible_to,
    sees_all_reps,
    targets_visible_to,
)
from .serializers import (
    AddFromTemplateSerializer,
    DashboardSerializer,
    IndicatorProgressSerializer,
    IndicatorSerializer,
    IndicatorTemplateSerializer,
    MeasurementBulkSerializer,
    MeasurementSerializer,
    TargetAllRepsSerializer,
    TargetSerializer,
    WhatIfSerializer,
)
from .smart import smart_checks
from .what_if import what_if_asked


def _visible_indicator(user, pk) -> Indicator:
    try:
        return indicators_visible_to(user).select_related("plan__team").get(pk=pk)
    except (Indicator.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def _require_manager(user, plan):
    if not services.can_manage_plan(user, plan):
        raise PermissionDenied


class IndicatorViewSet(IdempotentCreateMixin, ArchiveMixin, viewsets.ModelViewSet):
    """Indicators of the plans the user may see; the team's manager writes them. DELETE
    archives one of a plan that has been active, with its targets and figures."""

    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    archive_model = Indicator

    def restore_row(self, row, by):
        services.indicator_restore(indicator=row, by=by)

    def get_queryset(self):
        return (
            indicators_visible_to(self.request.user, self.rows())
            .select_related("plan__team")
            .prefetch_related("actions", "levers")
            .order_by("plan", "position", "id")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "list" and hasattr(self, "_page_rows"):
            context["smart_checks"] = smart_checks(self._page_rows)
        return context

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._page_rows = page if page is not None else list(queryset)
        return page

    def _fields(self, data: dict) -> tuple[dict, dict]:
        links = {k: data.pop(k) for k in ("actions", "levers") if k in data}
        return data, links

    def perform_create(self, serializer):
        data, links = self._fields(dict(serializer.validated_data))
        plan = data.pop("plan")
        get_object_for_user(plans_visible_to(self.request.user), self.request.user, pk=plan.pk)
        _require_manager(self.request.user, plan)
        user = self.request.user
        with transaction.atomic():
            indicator = services.indicator_create(plan=plan, by=user, **data)
            if links:
                services.indicator_link(indicator=indicator, by=user, **links)
        serializer.instance = indicator

    def perform_update(self, serializer):
        indicator = serializer.instance
        _require_manager(self.request.user, indicator.plan)
        data, links = self._fields(dict(serializer.validated_data))
        if data.pop("plan", indicator.plan) != indicator.plan:
            raise serializers.ValidationError(
                {"plan": ["An indicator cannot move to another plan."]}
            )
        user = self.request.user
        with transaction.atomic():
            services.indicator_update(indicator=indicator, by=user, data=data)
            if links:
                services.indicator_link(indicator=indicator, by=user, **links)

    def perform_destroy(self, instance):
        _require_manager(self.request.user, instance.plan)
        services.indicator_delete(indicator=instance, by=self.request.user)

    @extend_schema(
        responses=IndicatorProgressSerializer,
        parameters=[
            OpenApiParameter("today", str, description="As of this date (default: today)."),
        ],
    )
    @api_action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        """Progress per rep and for the team: actual, target, expected, status, forecast."""
        indicator = self.get_object()
        today = _date_param(request) or timezone.localdate()
        team = indicator.plan.team
        reps = team.members.order_by("first_name", "last_name", "username")
        if not sees_all_reps(request.user, team):
            reps = reps.filter(pk=request.user.pk)
        rep_ids = list(reps.values_list("pk", flat=True))
        results = compute([indicator], rep_ids=rep_ids, include_team=True, today=today)
        attach_reasons(results.values(), today=today)
        data = {
            "indicator": indicator.pk,
            "team": results[(indicator.pk, None)].as_dict(),
            "reps": [results[(indicator.pk, r)].as_dict() for r in rep_ids],
        }
        return Response(IndicatorProgressSerializer(data).data)

    @extend_schema(
        responses=WhatIfSerializer,
        parameters=[
            OpenApiParameter("rep", int, description="The rep (default: the team)."),
            OpenApiParameter(
                "extra_per_week", str, description="How many more a week, from tomorrow."
            ),
            OpenApiParameter("today", str, description="As of this date (default: today)."),
        ],
    )
    @api_action(detail=True, methods=["get"], url_path="what-if")
    def what_if(self, request, pk=None):
        """Projected value and attainment at the period's end with N more a week, the date the
        target is reached (or null) and the weekly pace that reaches it."""
        indicator = self.get_object()
        today = _date_param(request) or timezone.localdate()
        params = {k: request.query_params.get(k) for k in ("rep", "extra_per_week")}
        form, result = what_if_asked(indicator, request.user, params, today=today)
        if result is None:
            raise serializers.ValidationError(form.errors)
        return Response(WhatIfSerializer(result.as_dict()).data)


def _date_param(request):
    raw = request.query_params.get("today")
    if not raw:
        return None
    from datetime import date

    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise serializers.ValidationError({"today": [_("Use the YYYY-MM-DD format.")]}) from None


class IndicatorTemplateViewSet(viewsets.ViewSet):
    """The catalogue of ready indicators (seed 004), in the request's language."""

    lookup_field = "code"
    lookup_value_regex = "[a-z_]+"

    def _data(self, t):
        data = asdict(t)
        data.update(name=t.name, definition=t.definition, source=t.source, categories=t.categories)
        return data

    @extend_schema(responses=IndicatorTemplateSerializer(many=True))
    def list(self, request):
        return Response(
            IndicatorTemplateSerializer(
                [self._data(t) for t in catalogue.TEMPLATES], many=True
            ).data
        )

    @extend_schema(responses=IndicatorTemplateSerializer)
    def retrieve(self, request, code=None):
        template = catalogue.get_template(code)
        if template is None:
            raise NotFound
        return Response(IndicatorTemplateSerializer(self._data(template)).data)

    @extend_schema(request=AddFromTemplateSerializer, responses={201: IndicatorSerializer})
    @idempotent
    @api_action(detail=True, methods=["post"], url_path="add")
    def add(self, request, code=None):
        """Add this template to a plan in one step (a rate brings its parts)."""
        payload = AddFromTemplateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        plan = payload.validated_data["plan"]
        get_object_for_user(plans_visible_to(request.user), request.user, pk=plan.pk)
        _require_manager(request.user, plan)
        indicator = services.indicator_add_from_template(plan=plan, code=code, by=request.user)
        return Response(IndicatorSerializer(indicator).data, status=status.HTTP_201_CREATED)


class TargetViewSet(IdempotentCreateMixin, ArchiveMixin, viewsets.ModelViewSet):
    """Targets per rep (``rep`` empty: the team's); the team's manager sets them."""

    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    archive_model = Target
    archive_plan_path = "indicator__plan"

    def restore_row(self, row, by):
        services.target_restore(target=row, by=by)

    def get_queryset(self):
        return (
            targets_visible_to(self.request.user, self.rows())
            .select_related("indicator")
            .order_by("indicator", "rep", "period_start")
        )

    def _save(self, serializer, indicator):
        data = dict(serializer.validated_data)
        _require_manager(self.request.user, indicator.plan)
        serializer.instance = services.target_set(
            indicator=indicator,
            rep=data.get("rep"),
            value=data["value"],
            by=self.request.user,
            period_start=data.get("period_start"),
            period_end=data.get("period_end"),
            monthly_weights=data.get("monthly_weights"),
        )

    def perform_create(self, serializer):
        indicator = _visible_indicator(self.request.user, serializer.validated_data["indicator"].pk)
        self._save(serializer, indicator)

    def perform_update(self, serializer):
        target = serializer.instance
        _require_manager(self.request.user, target.indicator.plan)
        data = {
            "rep": target.rep,
            "value": target.value,
            "period_start": target.period_start,
            "period_end": target.period_end,
            "monthly_weights": target.monthly_weights,
            **serializer.validated_data,
        }
        if data["rep"] != target.rep or data["period_start"] != target.period_start:
            raise serializers.ValidationError(
                {"rep": [_("Create a new target for another rep or period.")]}
            )
        serializer.validated_data.update(data)
        self._save(serializer, target.indicator)

    def perform_destroy(self, instance):
        _require_manager(self.request.user, instance.indicator.plan)
        services.target_delete(target=instance, by=self.request.user)

    @extend_schema(request=TargetAllRepsSerializer, responses={201: TargetSerializer(many=True)})
    @idempotent
    @api_action(detail=False, methods=["post"], url_path="all-reps")
    def all_reps(self, request):
        """The same target for every rep of the plan's team, in one step (all or nothing)."""
        payload = TargetAllRepsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        indicator = _visible_indicator(request.user, data.pop("indicator").pk)
        _require_manager(request.user, indicator.plan)
        targets = services.target_set_for_all_reps(indicator=indicator, by=request.user, **data)
        return Response(TargetSerializer(targets, many=True).data, status=status.HTTP_201_CREATED)


class MeasurementViewSet(IdempotentCreateMixin, ArchiveMixin, viewsets.ModelViewSet):
    """Figures: a rep enters and sees their own, the manager anyone's of the team."""

    serializer_class = MeasurementSerializer
    filterset_class = MeasurementFilter
    archive_model = Measurement
    archive_plan_path = "indicator__plan"

    def restore_row(self, row, by):
        services.measurement_restore(measurement=row, by=by)

    def get_queryset(self):
        rows = measurements_visible_to(self.request.user, self.rows())
        return rows.order_by("-date", "-id")

    def _row(self, data: dict) -> dict:
        indicator = _visible_indicator(self.request.user, data["indicator"].pk)
        return {
            "indicator": indicator,
            "rep": data["rep"],
            "date": data["date"],
            "value": data.get("value"),
            "category": data.get("category", ""),
            "note": data.get("note", ""),
        }

    def perform_create(self, serializer):
        row = self._row(serializer.validated_data)
        serializer.instance = services.measurement_create(by=self.request.user, **row)

    def perform_update(self, serializer):
        m = serializer.instance
        data = serializer.validated_data
        for name in ("indicator", "rep", "date"):
            if name in data and data[name] != getattr(m, name):
                raise serializers.ValidationError(
                    {name: [_("Delete the figure and enter a new one instead.")]}
                )
        serializer.instance = services.measurement_update(
            measurement=m,
            by=self.request.user,
            value=data.get("value", m.value),
            category=data.get("category", m.category),
            note=data.get("note"),
        )

    def perform_destroy(self, instance):
        services.measurement_delete(measurement=instance, by=self.request.user)

    @extend_schema(
        request=MeasurementBulkSerializer, responses={201: MeasurementSerializer(many=True)}
    )
    # No pagination: the answer is the plain list of created rows, as the schema says.
    @idempotent
    @api_action(detail=False, methods=["post"], pagination_class=None)
    def bulk(self, request):
        """Create many figures in one call: all or nothing; errors are keyed by row index."""
        payload = MeasurementBulkSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        rows = []
        errors = {}
        for index, data in enumerate(payload.validated_data["rows"]):
            try:
                rows.append(self._row(data))
            except NotFound:
                errors[str(index)] = {"indicator": [_("No such indicator in your teams.")]}
        if errors:
            raise serializers.ValidationError({"rows": errors})
        created = services.measurements_bulk_create(rows=rows, by=request.user)
        return Response(
            MeasurementSerializer(created, many=True).data, status=status.HTTP_201_CREATED
        )


class DashboardViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The steering dashboard of a team (``/dashboard/<team id>/``), by the progress engine."""

    serializer_class = DashboardSerializer

    def get_queryset(self):
        return visible_teams(self.request.user)

    @extend_schema(
        responses=DashboardSerializer,
        parameters=[OpenApiParameter("today", str, description="As of this date.")],
    )
    def retrieve(self, request, pk=None):
        team = self.get_object()
        today = _date_param(request) or timezone.localdate()
        rep_ids = None if sees_all_reps(request.user, team) else [request.user.pk]
        board = dashboard(team, today=today, rep_ids=rep_ids)
        data = {
            "team": team.pk,
            "plan": board.plan.pk if board.plan else None,
            "today": today,
            "indicators": [
                {
                    "id": ind.pk,
                    "name": str(ind),
                    "unit": ind.display_unit,
                    "direction": ind.direction,
                }
                for ind in board.indicators
            ],
            "rows": [
                {
                    "rep": row.rep.pk,
                    "name": row.rep.get_full_name() or row.rep.get_username(),
                    "cells": [c.as_dict() for c in row.cells],
                    "axes": asdict(row.axes),
                }
                for row in board.rows
            ],
            "team_cells": [c.as_dict() for c in board.team_cells],
            "axes": asdict(board.axes),
        }
        return Response(DashboardSerializer(data).data)
