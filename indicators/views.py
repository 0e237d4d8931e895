"""Pages of the indicators app: dashboard, rep page, indicator page, plan indicators, weekly grid.

Views stay thin: fetch through a permission-scoped selector (404 for what the user may not
see), validate with a form, call a service, respond.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plans.access import actions_visible_to, archived_row_for, plans_visible_to
from plans.models import Plan, PlanStatus
from plans.weeks import weeks_between
from teams import team_cache
from teams.access import get_object_for_user, team_of, visible_teams
from teams.archive_pages import confirm_or_delete, restore_page
from teams.errors import RowsInvalid
from teams.forms import add_service_errors
from teams.once import once, once_failed
from teams.roles import Role, role_of

from . import catalogue, selectors, services
from .forms import (
    ALL_REPS,
    TEAM,
    ActionIndicatorsForm,
    IndicatorForm,
    MeasurementForm,
    TargetForm,
    WeekForm,
)
from .models import Indicator, Measurement, Target
from .progress import compute, expected_line, series
from .reasons import attach_reasons
from .selectors import (
    current_plan,
    dashboard,
    indicator_actions,
    indicators_visible_to,
    plan_indicators,
    sees_all_reps,
    sort_rows,
)
from .smart import smart_checks
from .trends import chart_data, dashboard_trends
from .what_if import what_if_form


def _today() -> date:
    return timezone.localdate()


# --------------------------------------------------------------------------------------------
# Steering dashboard
# --------------------------------------------------------------------------------------------


def dashboard_view(request, team_id: int | None = None):
    """The team grid. Managers see their team, HR and admins any team; reps their own page."""
    user = request.user
    role = role_of(user)
    if team_id is None:
        if role == Role.REP:
            return redirect("indicators:rep", user_id=user.pk)
        team = team_of(user) or visible_teams(user).first()
        if team is None:
            return render(request, "indicators/dashboard.html", {"board": None, "teams": []})
    else:
        team = get_object_for_user(visible_teams(user), user, pk=team_id)
    if not sees_all_reps(user, team):
        return redirect("indicators:rep", user_id=user.pk)
    today = _today()
    sort = _grid_sort(request.GET.get("sort", "name"))
    descending = request.GET.get("dir") == "desc"
    # ?plan= picks one of the team's plans (another team's, or none such, is a 404).
    asked = _query_id(request, "plan")
    # ?who= picks whose trend the charts draw: the team (empty) or one of its reps.
    who = _query_id(request, "who")

    # The current plan and its rendered grid, cached per team (and its version), day, language
    # and sort: computing and rendering the grid was nearly all of the page's time
    # (bench/pages.py). Whoever gets here sees every rep of the team (checked above), so it
    # holds for all of them.
    def plan_and_grid():
        plans = list(Plan.objects.filter(team=team).order_by("-start_date", "-pk"))
        plan = _chosen_plan(asked, plans) or current_plan(team, today)
        if plan is None:
            return None, "", "", plans
        board = dashboard(team, today=today, plan=plan)
        trends = _trends_html(board, who, {"sort": sort, "dir": "desc" if descending else ""})
        sort_rows(board, sort, descending)
        context = {"board": board, "sort": sort, "descending": descending}
        grid = render_to_string("indicators/_grid.html", context)
        return plan, mark_safe(grid), trends, plans  # our own templates'

    key = team_cache.result_key(
        "grid", team_id=team.pk, today=today, extra=(sort, descending, asked, who)
    )
    plan, grid, trends, plans = team_cache.get_or_compute(team.pk, {key: plan_and_grid})[key]
    teams = list(visible_teams(user)) if role in (Role.HR, Role.ADMIN) else []
    return render(
        request,
        "indicators/dashboard.html",
        {
            "plan": plan,
            "grid": grid,
            "trends": trends,
            "team": team,
            "teams": teams,
            "plans": plans,
        },
    )


def _trends_html(board, who: str, keep: dict) -> str:
    """The trend charts of the dashboard, rendered, for the team or the rep ``who`` (their id;
    not one of the board's reps: 404). ``keep``: the grid's sort, kept by the choice's form."""
    rep = None
    if who:
        rep = next((row.rep for row in board.rows if str(row.rep.pk) == who), None)
        if rep is None:
            raise Http404
    shown = dashboard_trends(board, rep=rep)
    names = {
        "actual": _("Actual"),
        "target": _("Target line"),
        "week": _("Week of"),
        "against": _("Against the line"),
        "better": _("on the line or better"),
        "worse": _("worse than the line"),
    }
    context = {
        "board": board,
        "rep": rep,
        "trends": shown,
        "chart": chart_data(shown, names),
        "keep": {k: v for k, v in keep.items() if v and v != "name"},
    }
    return mark_safe(render_to_string("indicators/_trends.html", context))  # our own template


def _query_id(request, name: str) -> str:
    """``?<name>=`` as given when it is empty or could be a row's id; anything else is a 404
    (a number too long for the database would be a 500 further on)."""
    value = request.GET.get(name, "")
    if value and not (value.isdigit() and len(value) <= 12):
        raise Http404
    return value


def _chosen_plan(value: str, plans: list):
    if not value:
        return None
    chosen = next((p for p in plans if str(p.pk) == value), None)
    if chosen is None:
        raise Http404
    return chosen


def _grid_sort(value: str) -> str:
    """The grid's sort key: ``name``, ``status`` or an indicator id (anything else: name), so
    that stray values do not each get a cached grid."""
    if value == "status" or (value.isdigit() and len(value) <= 12):
        return value
    return "name"


def rep_view(request, user_id: int):
    """A rep's page: for each active plan they are in, their indicators with a sparkline
    each, and their actions."""
    user = request.user
    rep = get_user_model().objects.filter(pk=user_id).first()
    if rep is None:
        raise Http404
    today = _today()
    parts = selectors.rep_plans(user, rep, today=today)
    if parts is None:
        raise Http404
    return render(
        request,
        "indicators/rep.html",
        {"rep": rep, "parts": parts, "is_self": rep.pk == user.pk, "today": today},
    )


def my_figures(request):
    return redirect("indicators:rep", user_id=request.user.pk)


# --------------------------------------------------------------------------------------------
# Indicator page
# --------------------------------------------------------------------------------------------


def _indicator_for(user, pk: int) -> Indicator:
    indicator = get_object_for_user(
        indicators_visible_to(user).select_related("plan__team"), user, pk=pk
    )
    # A rate's two parts in one query, and only for a rate: joining them for every indicator
    # (three copies of the indicator's columns) was a quarter of a cached page's time.
    if indicator.numerator_id or indicator.denominator_id:
        parts = Indicator._base_manager.in_bulk([indicator.numerator_id, indicator.denominator_id])
        indicator.numerator = parts.get(indicator.numerator_id)
        indicator.denominator = parts.get(indicator.denominator_id)
    return indicator


def indicator_detail(request, pk: int, target_form=None, measurement_form=None):
    user = request.user
    indicator = _indicator_for(user, pk)
    plan = indicator.plan
    team = plan.team
    today = _today()
    all_reps = sees_all_reps(user, team)
    can_manage = services.can_manage_plan(user, plan)
    # The page's parts, rendered and cached per team (and its version), day and language:
    # computing and rendering them was nearly all of its time (bench/pages.py). The figures
    # for what the viewer may see (the whole team, or their own row and figures); the empty
    # forms for what they may enter (anyone's figures and targets, or their own figures).
    # Access to the indicator is checked above, before the cache.
    reps = functools.cache(lambda: _team_reps(team))  # read once if both parts are computed
    parts_key = team_cache.result_key(
        "indicator",
        team_id=team.pk,
        today=today,
        scope="all" if all_reps else f"rep:{user.pk}",
        extra=indicator.pk,
    )
    forms_key = team_cache.result_key(
        "indicator-forms", team_id=team.pk, today=today, scope=(can_manage, user.pk), extra=pk
    )
    # The what-if question lists the reps the viewer may ask about: the team, or themselves.
    what_if_key = team_cache.result_key(
        "indicator-what-if",
        team_id=team.pk,
        today=today,
        scope="all" if all_reps else f"rep:{user.pk}",
        extra=pk,
    )
    cached = team_cache.get_or_compute(
        team.pk,
        {
            parts_key: lambda: _indicator_parts(indicator, user, reps, all_reps, today),
            forms_key: lambda: _indicator_forms(indicator, user, reps, can_manage, today),
            what_if_key: lambda: _what_if_question(indicator, user),
        },
    )
    parts, forms = cached[parts_key], cached[forms_key]
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "parts": parts,
            "forms": forms,
            "indicator": indicator,
            "plan": plan,
            "can_manage": can_manage,
            "target_form": target_form,
            "measurement_form": measurement_form,
            "what_if": cached[what_if_key],
        },
        status=400
        if (target_form and target_form.errors) or (measurement_form and measurement_form.errors)
        else 200,
    )


def _what_if_question(indicator, user) -> str:
    """The indicator page's empty what-if form, rendered (its reps' choices are two queries)."""
    context = {"form": what_if_form(indicator, user), "indicator": indicator}
    return mark_safe(render_to_string("indicators/_what_if_form.html", context))  # our own


def _team_reps(team) -> list:
    return list(team.members.order_by("first_name", "last_name", "username"))


def _indicator_parts(indicator, user, reps, all_reps: bool, today) -> dict:
    """The indicator page's figures, rendered: the SMART check, progress per rep shown and for
    the team with the chart and the linked actions, the latest figures and (for a whole-team
    viewer) the targets. ``reps()``: the team's members."""
    shown = reps() if all_reps else [r for r in reps() if r.pk == user.pk]
    results = compute([indicator], rep_ids=[r.pk for r in shown], include_team=True, today=today)
    attach_reasons(results.values(), today=today)
    rows = []
    for rep in shown:
        cell = results[(indicator.pk, rep.pk)]
        cell.rep = rep
        rows.append(cell)
    team_cell = results[(indicator.pk, None)]
    actions = indicator_actions(indicator)
    measurements = (
        Measurement.objects.filter(indicator=indicator)
        .select_related("rep", "entered_by")
        .order_by("-date", "-id")
    )
    if not all_reps:
        measurements = measurements.filter(rep=user)
    context = {
        "indicator": indicator,
        "today": today,
        "check": smart_checks([indicator])[indicator.pk],
        "rows": rows,
        "team_cell": team_cell,
        "chart": _chart_data(indicator, shown, rows, team_cell),
        "actions": actions,
        "actions_done": sum(1 for a in actions if a.status == "done"),
        "measurements": measurements[:50],
    }
    parts = {
        "smart": render_to_string("indicators/_smart.html", context),
        "progress": render_to_string("indicators/_indicator_progress.html", context),
        "latest": render_to_string("indicators/_indicator_latest.html", context),
        "targets": "",
    }
    if all_reps:  # listed beside the target form
        targets = indicator.targets.select_related("rep").order_by("rep__first_name")
        parts["targets"] = render_to_string(
            "indicators/_indicator_targets.html", {"targets": targets}
        )
    return {name: mark_safe(html) for name, html in parts.items()}  # our own templates'


def _indicator_forms(indicator, user, reps, can_manage: bool, today) -> dict:
    """The indicator page's empty forms, rendered: a figure for the reps the viewer may enter
    for (none for a computed indicator), a target for a manager."""
    plan = indicator.plan
    team = plan.team
    forms = {"measurement": "", "target": ""}
    entry_reps = team.members.all() if can_manage else team.members.filter(pk=user.pk)
    if not indicator.is_computed and entry_reps.exists():
        form = MeasurementForm(
            indicator=indicator,
            reps=entry_reps,
            initial={"rep": user.pk if not can_manage else None, "date": min(today, plan.end_date)},
        )
        forms["measurement"] = render_to_string("indicators/_crispy_form.html", {"form": form})
    if can_manage:
        form = TargetForm(
            reps=reps(),
            initial={"period_start": plan.start_date, "period_end": plan.end_date},
        )
        forms["target"] = render_to_string("indicators/_crispy_form.html", {"form": form})
    return {name: mark_safe(html) for name, html in forms.items()}  # our own templates'


def _chart_data(indicator, reps, rows, team_cell) -> dict:
    """Trend per rep over the whole period, for Chart.js: the actual week by week (running
    total for additive indicators), the target line, and the forecast from the last actual
    to the period's end."""
    start, end = team_cell.period_start, team_cell.period_end
    points = series(indicator, rep_ids=[r.pk for r in reps], start=start, end=end)
    weeks = weeks_between(start, end)
    labels = [w.isoformat() for w in weeks]
    datasets = []
    for rep, cell in zip(reps, rows, strict=True):
        by_week = dict(points.get(rep.pk, []))
        name = rep.get_full_name() or rep.get_username()
        actual = [None if by_week.get(w) is None else float(by_week[w]) for w in weeks]
        datasets.append({"label": name, "kind": "actual", "data": actual})
        if cell.target is None:
            continue
        datasets.append(
            {
                "label": _("%(name)s — target") % {"name": name},
                "kind": "target",
                "data": [
                    None if v is None else float(v)
                    for v in expected_line(cell.target, indicator=indicator, weeks=weeks)
                ],
            }
        )
        last = max((i for i, v in enumerate(actual) if v is not None), default=None)
        if cell.forecast is not None and last is not None and last < len(weeks) - 1:
            forecast = [None] * len(weeks)
            forecast[last] = actual[last]
            forecast[-1] = float(cell.forecast)
            datasets.append(
                {
                    "label": _("%(name)s — forecast") % {"name": name},
                    "kind": "forecast",
                    "data": forecast,
                }
            )
    return {"labels": labels, "datasets": datasets, "unit": indicator.display_unit}


@require_POST
@once
def target_set_view(request, pk: int):
    indicator = _indicator_for(request.user, pk)
    if not services.can_manage_plan(request.user, indicator.plan):
        raise Http404
    reps = list(indicator.plan.team.members.all())
    form = TargetForm(request.POST, reps=reps)
    if form.is_valid():
        data = form.cleaned_data
        period = {
            "period_start": data["period_start"],
            "period_end": data["period_end"],
            "monthly_weights": data["monthly_weights"],
        }
        try:
            if data["who"] == ALL_REPS:
                services.target_set_for_all_reps(
                    indicator=indicator, value=data["value"], by=request.user, **period
                )
            else:
                rep = None if data["who"] == TEAM else form.reps[data["who"]]
                services.target_set(
                    indicator=indicator, rep=rep, value=data["value"], by=request.user, **period
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Target saved."))
            return redirect("indicators:detail", pk=pk)
    return indicator_detail(request, pk, target_form=form)


@require_POST
@once
def measurement_add_view(request, pk: int):
    user = request.user
    indicator = _indicator_for(user, pk)
    team = indicator.plan.team
    can_manage = services.can_manage_plan(user, indicator.plan)
    reps = team.members.all() if can_manage else team.members.filter(pk=user.pk)
    form = MeasurementForm(request.POST, indicator=indicator, reps=reps)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.measurement_create(
                indicator=indicator,
                rep=data["rep"],
                date=data["date"],
                value=data.get("value"),
                category=data.get("category", ""),
                note=data.get("note", ""),
                by=user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Figure saved."))
            return redirect("indicators:detail", pk=pk)
    return indicator_detail(request, pk, measurement_form=form)


# --------------------------------------------------------------------------------------------
# A plan's indicators, the catalogue, create / edit
# --------------------------------------------------------------------------------------------


def plan_indicators_view(request, plan_id: int):
    user = request.user
    plan = get_object_for_user(plans_visible_to(user).select_related("team"), user, pk=plan_id)
    indicators = plan_indicators(plan)
    checks = smart_checks(indicators)
    return render(
        request,
        "indicators/plan_indicators.html",
        {
            "plan": plan,
            "items": [(ind, checks[ind.pk]) for ind in indicators],
            "can_manage": services.can_manage_plan(user, plan),
            "catalogue": catalogue.templates_by_kind(),
        },
    )


def catalogue_view(request):
    user = request.user
    plans = []
    if role_of(user) in (Role.MANAGER, Role.ADMIN):
        plans = [
            p
            for p in plans_visible_to(user).select_related("team").order_by("-start_date")
            if services.can_manage_plan(user, p) and p.is_editable
        ]
    return render(
        request,
        "indicators/catalogue.html",
        {"catalogue": catalogue.templates_by_kind(), "plans": plans},
    )


def _managed_plan(request, plan_id: int):
    user = request.user
    plan = get_object_for_user(plans_visible_to(user).select_related("team"), user, pk=plan_id)
    if not services.can_manage_plan(user, plan):
        raise Http404
    return plan


@require_POST
@once
def add_from_catalogue(request, plan_id: int, code: str):
    plan = _managed_plan(request, plan_id)
    try:
        indicator = services.indicator_add_from_template(plan=plan, code=code, by=request.user)
    except ValidationError as exc:
        once_failed(request)
        for message in exc.messages:
            messages.error(request, message)
        return redirect("indicators:plan", plan_id=plan.pk)
    messages.success(
        request,
        _("“%(name)s” added: adjust it, link it and set its targets.") % {"name": indicator},
    )
    return redirect("indicators:edit", pk=indicator.pk)


@once
def indicator_create_view(request, plan_id: int):
    plan = _managed_plan(request, plan_id)
    form = IndicatorForm(request.POST if request.method == "POST" else None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                indicator = services.indicator_create(
                    plan=plan, by=request.user, **form.data_for_service()
                )
                services.indicator_link(
                    indicator=indicator,
                    by=request.user,
                    actions=form.cleaned_data["actions"],
                    levers=form.cleaned_data["levers"],
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Indicator created."))
            return redirect("indicators:detail", pk=indicator.pk)
    return render(
        request,
        "indicators/indicator_form.html",
        {"form": form, "plan": plan},
        status=400 if form.errors else 200,
    )


def indicator_edit_view(request, pk: int):
    indicator = _indicator_for(request.user, pk)
    plan = indicator.plan
    if not services.can_manage_plan(request.user, plan):
        raise Http404
    form = IndicatorForm(
        request.POST if request.method == "POST" else None, instance=indicator, plan=plan
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.indicator_update(
                    indicator=indicator, by=request.user, data=form.data_for_service()
                )
                services.indicator_link(
                    indicator=indicator,
                    by=request.user,
                    actions=form.cleaned_data["actions"],
                    levers=form.cleaned_data["levers"],
                )
        except ValidationError as exc:
            indicator.refresh_from_db()
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Indicator saved."))
            return redirect("indicators:detail", pk=indicator.pk)
    return render(
        request,
        "indicators/indicator_form.html",
        {"form": form, "plan": plan, "indicator": indicator},
        status=400 if form.errors else 200,
    )


def indicator_delete_view(request, pk: int):
    indicator = _indicator_for(request.user, pk)
    plan = indicator.plan
    if not services.can_manage_plan(request.user, plan):
        raise Http404
    return confirm_or_delete(
        request,
        row=indicator,
        plan=plan,
        archives=plan.keeps_deleted_rows,
        summary=lambda: selectors.indicator_delete_summary(indicator),
        delete=lambda: services.indicator_delete(indicator=indicator, by=request.user),
        restore_url=reverse("indicators:restore", args=[indicator.pk]),
        back=reverse("indicators:detail", args=[indicator.pk]),
        done=reverse("indicators:plan", args=[plan.pk]),
    )


@require_POST
def indicator_restore_view(request, pk: int):
    indicator = archived_row_for(request.user, Indicator, pk, "plan")
    return restore_page(
        request,
        row=indicator,
        restore=lambda: services.indicator_restore(indicator=indicator, by=request.user),
        done=reverse("indicators:detail", args=[indicator.pk]),
    )


@require_POST
def target_restore_view(request, pk: int):
    target = archived_row_for(request.user, Target, pk, "indicator__plan")
    return restore_page(
        request,
        row=target,
        restore=lambda: services.target_restore(target=target, by=request.user),
        done=reverse("indicators:detail", args=[target.indicator_id]),
    )


@require_POST
def measurement_restore_view(request, pk: int):
    figure = archived_row_for(request.user, Measurement, pk, "indicator__plan")
    return restore_page(
        request,
        row=figure,
        restore=lambda: services.measurement_restore(measurement=figure, by=request.user),
        done=reverse("indicators:detail", args=[figure.indicator_id]),
    )


# --------------------------------------------------------------------------------------------
# Weekly entry grid
# --------------------------------------------------------------------------------------------


def _week_rep_and_plan(request, user, today: date):
    """Whose week and which plan: ``?rep=`` (default the viewer) and ``?plan=``, one of the
    plans of the rep's teams (default the team's current plan). ``(rep, None)`` when the
    viewer's own team has no plan; 404 for a plan or rep the viewer may not enter for."""
    rep = user
    if request.GET.get("rep"):
        if not request.GET["rep"].isdigit():
            raise Http404
        rep = get_user_model().objects.filter(pk=int(request.GET["rep"])).first()
        if rep is None:
            raise Http404
    teams = visible_teams(user).filter(members=rep)
    asked = _query_id(request, "plan")
    if asked:
        plan = Plan.objects.filter(pk=int(asked), team__in=teams).select_related("team").first()
        if plan is None:
            raise Http404
    else:
        team = teams.first()
        if team is None and rep.pk != user.pk:
            raise Http404
        plan = current_plan(team, today) if team else None
        if plan is not None:
            plan.team = team
    if plan is not None and rep.pk != user.pk and not services.can_manage_plan(user, plan):
        raise Http404
    return rep, plan


def _other_active_plans(user, rep, plan) -> list:
    """The rep's own week: the other active plans of their teams, to switch to (one query).
    Someone entering for a rep goes through that rep's page, plan by plan."""
    if rep.pk != user.pk:
        return []
    plans = Plan.objects.filter(
        team__in=visible_teams(user).filter(members=rep), status=PlanStatus.ACTIVE
    ).exclude(pk=plan.pk)
    return list(plans.order_by("-start_date", "pk"))


@once
def week_view(request):
    """A rep fills all their indicators for a week on one page (a manager, for any rep)."""
    user = request.user
    today = _today()
    try:
        day = date.fromisoformat(request.GET.get("week", "")) if request.GET.get("week") else today
    except ValueError:
        day = today
    monday, sunday = services.week_bounds(day)
    rep, plan = _week_rep_and_plan(request, user, today)
    if plan is None:
        return render(request, "indicators/week.html", {"plan": None, "monday": monday})
    indicators = [i for i in plan_indicators(plan) if not i.is_computed]
    anchor = services.week_anchor(plan, monday)
    existing = {
        m.indicator_id: (m.category or m.shown_value)
        for m in Measurement.objects.filter(indicator__plan=plan, rep=rep, date=anchor)
    }
    form = WeekForm(
        request.POST if request.method == "POST" else None,
        indicators=indicators,
        initial_values=existing,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.week_save(plan=plan, rep=rep, monday=monday, entries=form.entries(), by=user)
        except RowsInvalid as exc:
            for ind_id, fields in exc.rows.items():
                for messages_ in fields.values():
                    for message in messages_:
                        form.add_error(f"ind_{ind_id}", message)
            status = 400
        else:
            messages.success(request, _("This week's figures are saved."))
            url = reverse("indicators:week") + f"?week={monday.isoformat()}&plan={plan.pk}"
            if rep.pk != user.pk:
                url += f"&rep={rep.pk}"
            return redirect(url)
    elif request.method == "POST":
        status = 400
    results = compute(indicators, rep_ids=[rep.pk], today=today) if indicators else {}
    rows = [(form[f"ind_{ind.pk}"], ind, results.get((ind.pk, rep.pk))) for ind in indicators]
    return render(
        request,
        "indicators/week.html",
        {
            "plan": plan,
            "rep": rep,
            "form": form,
            "rows": rows,
            "monday": monday,
            "sunday": sunday,
            "anchor": anchor,
            "previous": (monday - timedelta(days=7)).isoformat(),
            "next": (monday + timedelta(days=7)).isoformat(),
            "is_self": rep.pk == user.pk,
            "other_plans": _other_active_plans(user, rep, plan),
        },
        status=status,
    )


# --------------------------------------------------------------------------------------------
# An action's indicators (the action's side of the link)
# --------------------------------------------------------------------------------------------


def action_indicators_view(request, action_id: int):
    """The indicators an action should move; the team's manager changes the links here."""
    user = request.user
    action = get_object_for_user(
        actions_visible_to(user).select_related("lever__plan__team", "assignee"),
        user,
        pk=action_id,
    )
    plan = action.lever.plan
    can_manage = services.can_manage_plan(user, plan)
    form = None
    if can_manage:
        form = ActionIndicatorsForm(
            request.POST if request.method == "POST" else None,
            action=action,
            initial={"indicators": list(action.indicators.values_list("pk", flat=True))},
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.action_set_indicators(
                    action=action, indicators=form.cleaned_data["indicators"], by=user
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Links saved."))
                return redirect("indicators:action", action_id=action.pk)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "indicators/action_indicators.html",
        {"action": action, "plan": plan, "form": form},
        status=400 if form is not None and form.errors else 200,
    )
