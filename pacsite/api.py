"""The API's base: sign-in tokens and ``/me/``. Each app adds its own resources in
``<app>/api_urls.py``."""

from django.conf import settings
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.decorators import api_view
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from reminders.services import language_saved
from teams.access import team_of
from teams.audit import entries_visible_to
from teams.models import AuditEntry
from teams.roles import role_of

from .api_tokens import PasswordBoundTokenAuthentication, token_issue
from .filters import AuditFilter


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField()


class PasswordBoundTokenScheme(KnoxTokenScheme):
    """The schema's ``Authorization: Token <token>`` scheme, for knox's subclass of ours."""

    target_class = PasswordBoundTokenAuthentication


class TokenView(APIView):
    """``POST`` username and password: a new token. ``DELETE`` with a token: revoke it."""

    authentication_classes = [PasswordBoundTokenAuthentication]

    def get_permissions(self):
        # Revoking needs the token to revoke; signing in needs none (other methods: 405).
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    @extend_schema(request=AuthTokenSerializer, responses=TokenSerializer)
    def post(self, request):
        credentials = AuthTokenSerializer(data=request.data, context={"request": request})
        credentials.is_valid(raise_exception=True)
        token, raw = token_issue(credentials.validated_data["user"])
        return Response(TokenSerializer({"token": raw, "expiry": token.expiry}).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


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
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        help_text="The person's language (pages and emails); "
        "PATCH /api/v1/reminder-preferences/ changes it.",
    )


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    """The authenticated user: id (what ``?assignee=`` takes), username, name, role, team,
    language."""
    user = request.user
    team = team_of(user)
    role = role_of(user)
    data = {
        "id": user.pk,
        "username": user.get_username(),
        "name": user.get_full_name() or user.get_username(),
        "role": str(role) if role else None,
        "team": {"id": team.pk, "name": team.name} if team else None,
        "language": language_saved(user) or settings.LANGUAGE_CODE,
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
