"""``/api/v1/crm-connections/``: a manager's CRM connections, through crm.services."""

from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from teams.access import managed_teams
from teams.once import IdempotentCreateMixin

from . import selectors, services
from .models import State
from .serializers import ConnectionSerializer, ConnectionUpdateSerializer
from .tasks import sync_connection


def _drf(exc):
    return DRFValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


class ConnectionViewSet(
    IdempotentCreateMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """The connections of the teams the caller runs; another team's is a 404."""

    serializer_class = ConnectionSerializer

    def get_queryset(self):
        return (
            selectors.connections_for(self.request.user).prefetch_related("mappings").order_by("pk")
        )

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return ConnectionUpdateSerializer
        return ConnectionSerializer

    @transaction.atomic
    def perform_create(self, serializer):
        team = managed_teams(self.request.user).order_by("pk").first()
        if team is None:
            raise PermissionDenied("Only a team's manager connects a CRM.")
        data = serializer.validated_data
        try:
            connection = services.connection_create(
                team=team,
                kind=data["kind"],
                name=data["name"],
                base_url=data.get("base_url", ""),
                credentials=data.get("credentials", {}),
                by=self.request.user,
            )
            if "mappings" in data:
                services.mappings_replace(
                    connection=connection, mappings=data["mappings"], by=self.request.user
                )
        except ValidationError as exc:
            raise _drf(exc) from exc
        serializer.instance = connection

    @transaction.atomic
    def perform_update(self, serializer):
        data = serializer.validated_data
        connection = serializer.instance
        try:
            services.connection_update(
                connection=connection,
                by=self.request.user,
                name=data.get("name"),
                base_url=data.get("base_url"),
                credentials=data.get("credentials"),
            )
            if "mappings" in data:
                services.mappings_replace(
                    connection=connection, mappings=data["mappings"], by=self.request.user
                )
        except ValidationError as exc:
            raise _drf(exc) from exc

    def perform_destroy(self, instance):
        services.connection_delete(connection=instance, by=self.request.user)

    @extend_schema(request=None, responses={202: None})
    @action(detail=True, methods=["post"])
    def sync(self, request, pk=None):
        """Start a sync now (the worker runs it); 409 while the credentials are refused."""
        connection = self.get_object()
        if connection.state == State.STOPPED:
            return Response(
                {"detail": "The CRM refused the credentials: give new ones first."},
                status=status.HTTP_409_CONFLICT,
            )
        transaction.on_commit(lambda: sync_connection.delay(connection.pk))
        return Response(status=status.HTTP_202_ACCEPTED)
