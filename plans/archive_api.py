"""The API's side of archiving, shared by every archivable collection: ``?archived=true``
lists the archived rows of the plans the caller runs (others: 403), and
``POST <id>/restore/`` brings one back with what hung on it (the same services as the pages).
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action as api_action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from plans.access import plans_managed_by
from teams.access import managed_teams

ARCHIVED_PARAMETER = OpenApiParameter(
    "archived",
    bool,
    required=False,
    description="true: the archived rows instead (a plan's manager only).",
)


class ArchiveMixin:
    """Mixed into a ModelViewSet whose ``get_queryset`` starts from ``self.rows()``.

    ``archive_model`` is the model, ``archive_plan_path`` the lookup from a row to its plan,
    ``restore_row(row, by)`` calls the model's restore service."""

    archive_model = None
    archive_plan_path = "plan"

    def restore_row(self, row, by):  # pragma: no cover - each viewset names its service
        raise NotImplementedError

    def _wants_archived(self) -> bool:
        if self.action == "restore":
            return not getattr(self, "_restored", False)
        return self.action == "list" and self.request.query_params.get("archived") in (
            "true",
            "1",
        )

    def rows(self):
        """Live rows, or for ``?archived=true`` and restore the archived rows of the plans the
        caller runs (a row of another plan is then a 404, like any row one may not see)."""
        model = self.archive_model
        if not self._wants_archived():
            return model.objects.all()
        user = self.request.user
        if self.action == "list" and not managed_teams(user).exists():
            raise PermissionDenied(_("Only a plan's manager sees what is archived in it."))
        scope = {f"{self.archive_plan_path}__in": plans_managed_by(user)}
        return model.all_objects.filter(archived_at__isnull=False, **scope)

    @extend_schema(parameters=[ARCHIVED_PARAMETER])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None)
    @api_action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        """Bring an archived row back, with what was archived with it."""
        row = self.get_object()
        self.restore_row(row, request.user)  # a refusal is a 400 (teams.api_errors)
        self._restored = True
        fresh = self.get_queryset().get(pk=row.pk)
        return Response(self.get_serializer(fresh).data)
