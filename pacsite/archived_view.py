"""A plan's Archived page: everything archived in it, from every app, with Restore buttons.
Here because it gathers the sections of several apps (plans, indicators)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from indicators import selectors as indicator_selectors
from plans import selectors as plan_selectors
from plans.access import can_manage_plan, plans_visible_to
from teams.access import get_object_for_user


def plan_archived(request, pk):
    """The plan's manager (and admins) only: a plan one may not see is a 404, one they see
    but do not run a 403."""
    plan = get_object_for_user(
        plans_visible_to(request.user).select_related("team"), request.user, pk=pk
    )
    if not can_manage_plan(request.user, plan):
        raise PermissionDenied
    sections = plan_selectors.archived_sections(plan) + indicator_selectors.archived_sections(plan)
    return render(
        request,
        "archive/plan_archived.html",
        {"plan": plan, "sections": sections, "can_restore": plan.is_editable},
    )
