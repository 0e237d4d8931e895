"""The what-if page of an indicator: "+N a week from now" for a rep or the team, and the weekly
pace that reaches the target (rules in ``indicators/what_if.py``)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from .views import _indicator_for
from .what_if import what_if_asked


def what_if_view(request, pk: int):
    """GET only: the question is in the query string, so the answer can be bookmarked. The
    indicator page's form asks it through htmx and shows the answer in place."""
    indicator = _indicator_for(request.user, pk)
    params = {k: request.GET[k] for k in ("rep", "extra_per_week") if k in request.GET}
    form, result = what_if_asked(indicator, request.user, params, today=timezone.localdate())
    context = {"indicator": indicator, "plan": indicator.plan, "form": form, "result": result}
    if request.htmx:  # htmx swaps only a 2xx answer: a refusal is shown in place too
        return render(request, "indicators/_what_if_result.html", context)
    return render(request, "indicators/what_if.html", context, status=_status(result))


def _status(result) -> int:
    return 400 if result is None else 200
