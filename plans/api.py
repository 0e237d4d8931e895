"""The plans API: teams, plans, levers, actions, milestones (same services and rules as the
pages). Rows outside the user's teams are a 404; visible rows the user may not change, a 403.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.http import parse_http_date_safe
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action as api_action
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.response import Response

from plans.archive_api import ArchiveMixin
from teams.access import visible_teams
from teams.once import IdempotentCreateMixin, idempotent

from . import services
from .access import actions_visible_to, can_manage_plan, can_work_on_action, plans_visible_to
from .activation import ActivationRefused
from .filters import ActionFilter, PlanFilter
from .models import Action, ActionStatus, Lever, Milestone
from .serializers import (
    ActionSerializer,
    ActivationRefusedSerializer,
    CommentSerializer,
    LeverSerializer,
    MilestoneSerializer,
    PlanDuplicateSerializer,
    PlanSerializer,
    TeamSerializer,
)


class Conflict(APIException):
    """The action changed since the client read it (``version``): nothing was saved."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class PreconditionFailed(Conflict):
    """Same, announced by an ``If-Unmodified-Since`` header (HTTP's own answer: 412)."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


_CONFLICT_RESPONSES = {
    409: OpenApiResponse(description="Changed since `version`: nothing saved; read it again."),
    412: OpenApiResponse(description="Changed since `If-Unmodified-Since`: nothing saved."),
}
_IF_UNMODIFIED_SINCE = OpenApiParameter(
    "If-Unmodified-Since",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Refuse the save (412) if the action changed after this HTTP date.",
)


def _require_manager(user, plan):
    if not can_manage_plan(user, plan):
        raise PermissionDenied


class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    """The teams the user may see, with their manager and members."""

    serializer_class = TeamSerializer

    def get_queryset(self):
        return (
            visible_teams(self.request.user)
            .select_related("manager")
            .prefetch_related("members")
            .order_by("name")
        )


class PlanViewSet(IdempotentCreateMixin, viewsets.ModelViewSet):
    """Plans (PAC) of the user's teams. Managers write their own team's plans."""

    serializer_class = PlanSerializer
    filterset_class = PlanFilter

    def get_queryset(self):
        return (
            plans_visible_to(self.request.user)
            .select_related("team")
            .order_by("-start_date", "title")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        team = data.pop("team")
        serializer.instance = services.plan_create(team=team, by=self.request.user, **data)

    def perform_update(self, serializer):
        _require_manager(self.request.user, serializer.instance)
        services.plan_update(plan=serializer.instance, data=serializer.validated_data)

    def perform_destroy(self, instance):
        _require_manager(self.request.user, instance)
        services.plan_delete(plan=instance)

    @extend_schema(
        request=None,
        responses={200: PlanSerializer, 400: ActivationRefusedSerializer},
    )
    @api_action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        """Activate a draft plan, or 400 with ``missing``: what it still lacks."""
        plan = self.get_object()
        _require_manager(request.user, plan)
        try:
            services.plan_activate(plan=plan)
        except ActivationRefused as refusal:
            answer = {
                "missing": refusal.messages,
                "reasons": [line.as_dict() for line in refusal.missing],
            }
            return Response(answer, status=status.HTTP_400_BAD_REQUEST)
        except DjangoValidationError as error:
            return Response({"missing": error.messages}, status=status.HTTP_400_BAD_REQUEST)
        return Response(PlanSerializer(plan, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=PlanSerializer)
    @api_action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        plan = self.get_object()
        _require_manager(request.user, plan)
        services.plan_close(plan=plan, by=request.user)
        return Response(PlanSerializer(plan, context=self.get_serializer_context()).data)

    @extend_schema(request=PlanDuplicateSerializer, responses={201: PlanSerializer})
    @idempotent
    @api_action(detail=True, methods=["post"])
    def duplicate(self, request, pk=None):
        """Copy the plan as a draft starting on ``start_date``, every date shifted alike."""
        plan = self.get_object()
        _require_manager(request.user, plan)
        body = PlanDuplicateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        copy = services.plan_duplicate(plan=plan, by=request.user, **body.validated_data)
        return Response(
            PlanSerializer(copy, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class LeverViewSet(IdempotentCreateMixin, ArchiveMixin, viewsets.ModelViewSet):
    """Levers of the visible plans, with their progress counts. DELETE archives a lever of a
    plan that has been active, with its actions; ``restore`` brings them back."""

    serializer_class = LeverSerializer
    filterset_fields = ["plan"]
    archive_model = Lever

    def restore_row(self, row, by):
        services.lever_restore(lever=row, by=by)

    def get_queryset(self):
        return (
            self.rows()
            .filter(plan__in=plans_visible_to(self.request.user))
            .select_related("plan__team")
            .with_progress(timezone.localdate())
            .order_by("plan_id", "position", "id")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.lever_create(**data)

    def perform_update(self, serializer):
        _require_manager(self.request.user, serializer.instance.plan)
        services.lever_update(lever=serializer.instance, data=serializer.validated_data)

    def perform_destroy(self, instance):
        _require_manager(self.request.user, instance.plan)
        services.lever_delete(lever=instance, by=self.request.user)


class MilestoneViewSet(IdempotentCreateMixin, ArchiveMixin, viewsets.ModelViewSet):
    """Milestones (jalons) with their derived status: done, on_track or slipped. DELETE
    archives one of a plan that has been active; ``restore`` links its actions back."""

    serializer_class = MilestoneSerializer
    filterset_fields = ["plan"]
    archive_model = Milestone

    def restore_row(self, row, by):
        services.milestone_restore(milestone=row, by=by)

    def get_queryset(self):
        return (
            self.rows()
            .filter(plan__in=plans_visible_to(self.request.user))
            .select_related("plan__team")
            .with_action_counts()
            .order_by("date", "id")
        )

    def perform_create(self, serializer):
        serializer.instance = services.milestone_create(**serializer.validated_data)

    def perform_update(self, serializer):
        _require_manager(self.request.user, serializer.instance.plan)
        services.milestone_update(
            milestone=serializer.instance,
            data=serializer.validated_data,
        )

    def perform_destroy(self, instance):
        _require_manager(self.request.user, instance.plan)
        services.milestone_delete(milestone=instance, by=self.request.user)


class ActionViewSet(IdempotentCreateMixin, ArchiveMixin, viewsets.ModelViewSet):
    """Who / what / when actions. Reps change only the ``status`` of their own actions.

    A ``status`` in a PATCH goes through ``services.action_set_status`` and its transition
    table: cancelling, or bringing back a cancelled action, is the plan's manager's.
    """

    serializer_class = ActionSerializer
    filterset_class = ActionFilter
    archive_model = Action
    archive_plan_path = "lever__plan"

    def restore_row(self, row, by):
        services.action_restore(action=row, by=by)

    def get_queryset(self):
        return (
            actions_visible_to(self.request.user, self.rows())
            .for_display()
            .order_by("due_date", "-priority", "id")
        )

    @transaction.atomic
    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)  # a new action has no earlier version
        new_status = data.pop("status", None)
        user = self.request.user
        action = services.action_create(by=user, **data)
        if new_status is not None:  # born "to do", then moved by the transition rules
            services.action_set_status(action=action, by=user, status=new_status)
        serializer.instance = action

    def perform_update(self, serializer):
        action = serializer.instance
        user = self.request.user
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        # The status takes its own road, the transition rules (who may cancel, for one).
        new_status = data.pop("status", None)
        # A rep: their own action, and nothing but its status.
        if not can_manage_plan(user, action.lever.plan) and (action.assignee_id != user.pk or data):
            raise PermissionDenied
        conflict = Conflict
        header = self.request.headers.get("If-Unmodified-Since")
        if version is None and header:
            # HTTP dates have whole seconds: compare at that precision, then hand the service
            # the exact version read here, so a save in between is still caught under its lock.
            since = parse_http_date_safe(header)
            if since is not None:
                conflict = PreconditionFailed
                version = action.updated_at
                if int(action.updated_at.timestamp()) > since:
                    raise conflict(services.action_conflict_message(action))
        try:
            with transaction.atomic():
                if data or version is not None:
                    services.action_update(action=action, by=user, data=data, version=version)
                if new_status is not None:
                    services.action_set_status(action=action, by=user, status=new_status)
        except DjangoValidationError as error:
            if getattr(error, "code", None) == "conflict":
                raise conflict(error.messages[0]) from None
            raise

    @extend_schema(
        parameters=[_IF_UNMODIFIED_SINCE], responses={200: ActionSerializer, **_CONFLICT_RESPONSES}
    )
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(
        parameters=[_IF_UNMODIFIED_SINCE], responses={200: ActionSerializer, **_CONFLICT_RESPONSES}
    )
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def perform_destroy(self, instance):
        _require_manager(self.request.user, instance.lever.plan)
        services.action_delete(action=instance, by=self.request.user)

    def _transition(self, request, new_status):
        action = self.get_object()
        if not can_work_on_action(request.user, action):
            raise PermissionDenied
        services.action_set_status(action=action, by=request.user, status=new_status)
        return Response(ActionSerializer(action, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=ActionSerializer)
    @api_action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Tick the action off (done now, by the caller)."""
        return self._transition(request, ActionStatus.DONE)

    @extend_schema(request=None, responses=ActionSerializer)
    @api_action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Undo a tick: back to "to do"."""
        return self._transition(request, ActionStatus.TODO)

    @extend_schema(request=None, responses=ActionSerializer)
    @api_action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """Mark the action in progress."""
        return self._transition(request, ActionStatus.IN_PROGRESS)

    @extend_schema(
        request=CommentSerializer,
        responses={201: CommentSerializer, 400: OpenApiResponse(description="Empty comment")},
    )
    @idempotent
    @api_action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        """Add a comment to the action's history."""
        action = self.get_object()
        if not can_work_on_action(request.user, action):
            raise PermissionDenied
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        event = services.action_comment(
            action=action,
            by=request.user,
            text=body.validated_data["text"],
        )
        return Response(CommentSerializer(event).data, status=status.HTTP_201_CREATED)
