"""The API's base: ``/me/``. Each app adds its own resources in ``<app>/api_urls.py``."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response

from plans.access import team_of
from plans.roles import role_of

from .audit import entries_visible_to
from .filters import AuditFilter
from .models import AuditEntry


class TeamRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MeSerializer(serializers.Serializer):
    # The user shape of the rest of the API (id, username, name), and what only /me/ says.
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField(allow_null=True)
    team = TeamRefSerializer(allow_null=True)


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    """The authenticated user: id (what ``?assignee=`` takes), username, name, role, team."""
    user = request.user
    team = team_of(user)
    role = role_of(user)
    data = {
        "id": user.pk,
        "username": user.get_username(),
        "name": user.get_full_name() or user.get_username(),
        "role": str(role) if role else None,
        "team": {"id": team.pk, "name": team.name} if team else None,
    }
    return Response(MeSerializer(data).data)


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "created_at",
            "actor",
            "actor_name",
            "kind",
            "object_type",
            "object_id",
            "object_repr",
            "team",
            "before",
            "after",
        ]
        read_only_fields = fields


class AuditViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit log, read-only: HR and admins read every entry, a manager their teams'."""

    serializer_class = AuditEntrySerializer
    filterset_class = AuditFilter

    def get_queryset(self):
        return entries_visible_to(self.request.user)
