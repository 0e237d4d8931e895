"""Data in and out of the indicators: the measurement import (a CRM export) and the
dashboard's export. The import's preview, confirmation and progress pages are shared with
the plan import (plans/views_data.py)."""

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.views_data import XLSX, import_upload, managed_plan
from teams.access import get_object_for_user, team_of, visible_teams

from .exports import dashboard_csv, dashboard_xlsx
from .selectors import dashboard, sees_all_reps


def measurement_import(request, plan_id: int):
    plan = managed_plan(request.user, plan_id)
    return import_upload(
        request,
        plan=plan,
        kind="measurements",
        title=_("Import measurements"),
        columns=[
            ("indicator", _("the indicator's name, as in the plan")),
            ("rep", _("username or email of a rep of the team")),
            ("date", _("date of the figure (2026-03-31 or 31/03/2026)")),
            ("value", _("the figure; for a category indicator, the category")),
            ("note", _("optional note")),
        ],
        example=[
            ["indicator", "rep", "date", "value", "note"],
            ["Revenue", "rep1", "2026-03-02", "12500", "CRM export"],
        ],
        back_url=reverse("indicators:plan", args=[plan.pk]),
    )


def dashboard_export(request, fmt: str, team_id: int | None = None):
    """The steering dashboard as a file, for whoever may see the whole team's grid."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    user = request.user
    if team_id is None:
        team = team_of(user) or visible_teams(user).first()
        if team is None:
            raise Http404
    else:
        team = get_object_for_user(visible_teams(user), user, pk=team_id)
    if not sees_all_reps(user, team):
        raise Http404
    today = timezone.localdate()
    board = dashboard(team, today=today)
    stem = f"dashboard-{team.pk}-{today.isoformat()}"
    if fmt == "xlsx":
        response = HttpResponse(dashboard_xlsx(board), content_type=XLSX)
    else:
        response = HttpResponse(dashboard_csv(board), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
