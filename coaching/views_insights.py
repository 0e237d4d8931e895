"""The "what worked this period" page of a plan: a table and a chart (``coaching.insights``)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from indicators.insights import MIN_CASES, WINDOW_WEEKS
from indicators.selectors import sees_all_reps
from plans.access import plans_visible_to

from .insights import report_for


def what_worked_view(request):
    """``?plan=<id>``; without it, the current plan of the viewer's team."""
    user = request.user
    today = timezone.localdate()
    raw = request.GET.get("plan", "")
    if raw and (not raw.isdigit() or len(raw) > 12):
        raise Http404
    report = report_for(user, int(raw) if raw else None, today=today)
    plans = [
        p
        for p in plans_visible_to(user).select_related("team").order_by("team__name", "-start_date")
        if sees_all_reps(user, p.team)
    ]
    shown = [line for line in report.lines if line.conclusive]
    chart = {
        "labels": [f"{line.label} · {line.indicator}" for line in shown],
        "values": [float(line.movement) for line in shown],
        "better": [line.verdict == "better" for line in shown],
    }
    return render(
        request,
        "coaching/what_worked.html",
        {
            "report": report,
            "plan": report.plan,
            "plans": plans,
            "chart": chart,
            "min_cases": MIN_CASES,
            "window_weeks": WINDOW_WEEKS,
        },
    )
