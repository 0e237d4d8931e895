from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from plans import views as plan_views
from teams.access import team_of
from teams.audit import entries_visible_to
from teams.roles import Role, role_of

from .filters import AuditFilter
from .health import broker_ok, database_ok
from .search import MAX_QUERY, search
from .today import manager_today


@login_not_required
@require_GET
@never_cache
def healthz(request):
    parts = {
        "database": "ok" if database_ok() else "down",
        "broker": "ok" if broker_ok() else "down",
    }
    status = 200 if all(v == "ok" for v in parts.values()) else 503
    return JsonResponse(parts, status=status)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: a page that says for how long."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)


def home(request):
    # Reps land on their actions, managers on what needs them today; others keep this page.
    # Rendered in place rather than redirected, so "/" stays a page of its own (200).
    role = role_of(request.user)
    if role == Role.REP:
        return plan_views.my_actions(request)
    if role == Role.MANAGER:
        return render(
            request,
            "pacsite/today.html",
            {"today": manager_today(user=request.user, today=timezone.localdate())},
        )
    return render(
        request,
        "home.html",
        {"role": role_of(request.user), "team": team_of(request.user)},
    )


def search_page(request):
    """Plans, actions, people and indicators matching ``q``, among what the user may see."""
    query = request.GET.get("q", "")[:MAX_QUERY]
    groups = search(user=request.user, query=query)
    return render(
        request,
        "pacsite/search.html",
        {"query": query, "groups": groups, "found": sum(len(g.hits) for g in groups)},
    )


def audit_list(request):
    """The audit log: HR and admins read every team's, a manager their own teams'."""
    if role_of(request.user) not in (Role.MANAGER, Role.HR, Role.ADMIN):
        raise PermissionDenied
    filterset = AuditFilter(request.GET or None, entries_visible_to(request.user), request=request)
    entries = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "pacsite/audit_list.html",
        {"filter": filterset, "page": page, "entries": page.object_list},
        status=400 if filterset.is_bound and not filterset.is_valid() else 200,
    )
