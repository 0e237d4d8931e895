"""Reads: what a user may see, and the steering dashboard built on the progress engine.

The three axes of seed 000, for the team and each rep (README, "Steering dashboard"):

efficacité   share of the targets reached or on track (are the objectives reached?); for the
             team, every rep's target plus the team's own targets.
efficience   result per means spent: the average % of target achieved, divided by the number
             of actions completed ("points of target per action done").
pertinence   share of the completed actions whose linked indicators are all on track for their
             assignee (are we doing the right things?).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, F, FilteredRelation, Q, QuerySet, When
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plans.models import Action, ActionStatus, Plan, PlanStatus
from plans.selectors import ArchivedRow, DeleteSummary, person_name
from teams.access import visible_teams
from teams.archive import live
from teams.roles import Role, role_of

from .models import Indicator, Measurement, Target
from .progress import Progress, Status, compute, series_for
from .reasons import attach_reasons


def indicators_visible_to(user, rows=None) -> QuerySet[Indicator]:
    """Indicators of the teams ``user`` sees, among ``rows`` (default: the live ones)."""
    rows = Indicator.objects.all() if rows is None else rows
    return rows.filter(plan__team__in=visible_teams(user))


def targets_visible_to(user, rows=None) -> QuerySet[Target]:
    rows = Target.objects.all() if rows is None else rows
    qs = rows.filter(indicator__plan__team__in=visible_teams(user))
    if role_of(user) == Role.REP:  # a rep sees their own targets and the team's
        qs = qs.filter(Q(rep=user) | Q(rep__isnull=True))
    return qs


def measurements_visible_to(user, rows=None) -> QuerySet[Measurement]:
    rows = Measurement.objects.all() if rows is None else rows
    qs = rows.filter(indicator__plan__team__in=visible_teams(user))
    if role_of(user) == Role.REP:
        qs = qs.filter(rep=user)
    return qs


def sees_all_reps(user, team) -> bool:
    """Managers of the team, HR and admins see every rep's figures; a rep only their own."""
    role = role_of(user)
    return role in (Role.ADMIN, Role.HR) or team.manager_id == user.pk


def current_plan(team, today: date) -> Plan | None:
    """The plan the dashboard shows: the active one covering today, else the latest active,
    else the latest of any status."""
    plans = Plan.objects.filter(team=team)
    return (
        plans.filter(status=PlanStatus.ACTIVE, start_date__lte=today, end_date__gte=today)
        .order_by("-start_date")
        .first()
        or plans.filter(status=PlanStatus.ACTIVE).order_by("-start_date").first()
        or plans.order_by("-start_date").first()
    )


def plan_indicators(plan: Plan) -> list[Indicator]:
    return list(
        Indicator.objects.filter(plan=plan).select_related("plan", "numerator", "denominator")
    )


@dataclass
class Axes:
    """The three axes of performance; ``None`` when there is nothing to judge yet."""

    efficacite: Decimal | None = None
    efficience: Decimal | None = None
    pertinence: Decimal | None = None
    targets: int = 0
    actions_done: int = 0


@dataclass
class RepRow:
    rep: object
    cells: list[Progress]
    axes: Axes = field(default_factory=Axes)

    @property
    def worst_rank(self) -> int:
        ranks = [Status.RANK[c.status] for c in self.cells if c.status in Status.JUDGED]
        return min(ranks) if ranks else 9


@dataclass
class Dashboard:
    team: object
    plan: Plan | None
    today: date
    indicators: list[Indicator] = field(default_factory=list)
    rows: list[RepRow] = field(default_factory=list)
    team_cells: list[Progress] = field(default_factory=list)
    axes: Axes = field(default_factory=Axes)


def dashboard(team, *, today: date, plan: Plan | None = None, rep_ids=None) -> Dashboard:
    """The team grid (reps x indicators) with statuses and the three axes.

    Queries, whatever the number of reps, indicators and measurements: plan (1, unless given),
    indicators (1), reps (1), progress engine (targets 1 + aggregates with last values 1 +
    categories 1 + internal actions 1), completed actions per rep with their indicators (1).
    ``rep_ids`` narrows the rows (a rep's own page) without changing the team's figures.
    """
    plan = plan or current_plan(team, today)
    board = Dashboard(team=team, plan=plan, today=today)
    if plan is None:
        return board
    # The plan is at hand: set on each indicator rather than joined and built 15 times over
    # (the grid needs no rate's parts as objects: compute() finds them by id).
    board.indicators = list(Indicator.objects.filter(plan=plan))
    for ind in board.indicators:
        ind.plan = plan
    User = get_user_model()
    reps = User.objects.filter(teams=team).order_by("first_name", "last_name", "username")
    if rep_ids is not None:
        reps = reps.filter(pk__in=rep_ids)
    reps = list(reps)
    # Each indicator's figures are kept in the team's cache: after a figure is recorded only its
    # indicator's are read again (bench/pages.py, dashboard-cold).
    results = compute(
        board.indicators,
        rep_ids=[r.pk for r in reps],
        include_team=True,
        today=today,
        team_id=team.pk,
    )
    board.team_cells = [results[(ind.pk, None)] for ind in board.indicators]
    for rep in reps:
        cells = []
        for ind in board.indicators:
            cell = results[(ind.pk, rep.pk)]
            cell.rep = rep
            cells.append(cell)
        board.rows.append(RepRow(rep=rep, cells=cells))
    _axes(board, plan, results)
    attach_reasons(results.values(), today=today)
    return board


def _axes_of(cells: list[Progress], done: int, linked, results, rep_of) -> Axes:
    """``done``: actions completed; ``linked``: (assignee, [indicator ids]) of those linked to
    indicators (pertinence judges them)."""
    axes = Axes()
    judged = [c for c in cells if c.target is not None]
    axes.targets = len(judged)
    if judged:
        good = sum(1 for c in judged if c.status == Status.ON_TRACK or c.is_reached)
        axes.efficacite = Decimal(100 * good / len(judged)).quantize(Decimal("0.1"))
    axes.actions_done = done
    percents = [min(c.percent, Decimal(200)) for c in judged if c.percent is not None]
    if percents and done:
        average = sum(percents) / len(percents)
        axes.efficience = (average / done).quantize(Decimal("0.1"))
    if linked:
        pertinent = 0
        for assignee, ind_ids in linked:
            statuses = []
            for ind_id in ind_ids:
                cell = results.get((ind_id, rep_of(assignee)))
                if cell is None or cell.target is None:
                    cell = results.get((ind_id, None))
                if cell is not None and cell.status in Status.JUDGED:
                    statuses.append(cell.status)
            if statuses and all(s == Status.ON_TRACK for s in statuses):
                pertinent += 1
        axes.pertinence = Decimal(100 * pertinent / len(linked)).quantize(Decimal("0.1"))
    return axes


def _axes(board: Dashboard, plan: Plan, results) -> None:
    # One grouped query: per assignee, the done actions linked to no indicator are counted in
    # SQL (a busy plan has thousands: reading them row by row was most of the dashboard's
    # Python time, bench/dashboard.py), while a linked one comes back once per indicator
    # (``linked`` is its id, grouped apart) since pertinence judges each of its indicators.
    done_by_rep: Counter = Counter()
    linked: dict[int, tuple[int, list[int]]] = {}
    for assignee_id, ind_id, action_id, n in (
        Action.objects.filter(lever__plan=plan, status=ActionStatus.DONE)
        # Links to archived indicators do not count (joined in the ON clause, not filtered).
        .alias(kept=FilteredRelation("indicators", condition=live("indicators__")))
        .values_list("assignee_id", "kept__id")
        .annotate(linked=Case(When(kept__id__isnull=False, then=F("id"))), n=Count("id"))
        .order_by()
    ):
        if action_id is None:
            done_by_rep[assignee_id] += n
            continue
        entry = linked.get(action_id)
        if entry is None:
            entry = linked[action_id] = (assignee_id, [])
            done_by_rep[assignee_id] += 1
        entry[1].append(ind_id)
    rows = {row.rep.pk for row in board.rows}
    all_linked = list(linked.values())
    # The team's axes judge every target: each rep's, plus the team's own when one is set
    # (a team target summed from the reps' is not counted twice).
    cells = [c for row in board.rows for c in row.cells] + [
        c for c in board.team_cells if c.target is not None and c.target.pk is not None
    ]
    board.axes = _axes_of(
        cells,
        sum(done_by_rep.values()),
        all_linked,
        results,
        lambda a: a if a in rows else None,
    )
    linked_by_rep = defaultdict(list)
    for assignee, inds in all_linked:
        linked_by_rep[assignee].append((assignee, inds))
    for row in board.rows:
        pk = row.rep.pk
        row.axes = _axes_of(
            row.cells, done_by_rep.get(pk, 0), linked_by_rep[pk], results, lambda a: a
        )


@dataclass
class RepPlan:
    """One plan's part of a rep's page: the rep's row of its grid, sparklines, actions."""

    board: Dashboard
    row: RepRow | None
    sparks: dict
    actions: list[Action]

    @property
    def plan(self) -> Plan:
        return self.board.plan


def rep_plans(viewer, rep, *, today: date) -> list[RepPlan] | None:
    """Every active plan of the teams ``rep`` belongs to that ``viewer`` may read the rep's
    figures in, by team and start date; a team with no active plan shows its current one.
    ``None`` when the viewer may read none of the rep's teams (a 404).

    Queries: teams (1) + plans (1), then per plan the grid of one row (``dashboard``), the
    weekly points (1) and the actions with their indicators (2): constant with the number of
    indicators, figures and actions.
    """
    teams = [
        t
        for t in visible_teams(viewer).filter(members=rep).order_by("name", "pk")
        if rep.pk == viewer.pk or sees_all_reps(viewer, t)
    ]
    if not teams:
        return None
    by_team = {t.pk: t for t in teams}
    plans = list(
        Plan.objects.filter(team__in=teams, status=PlanStatus.ACTIVE).order_by("-start_date", "pk")
    )
    plans.sort(key=lambda p: teams.index(by_team[p.team_id]))
    if not plans:
        fallback = current_plan(teams[0], today)
        plans = [fallback] if fallback else []
    parts = []
    for plan in plans:
        plan.team = by_team.get(plan.team_id, teams[0])
        parts.append(_rep_plan(plan, rep, today))
    return parts


def _rep_plan(plan: Plan, rep, today: date) -> RepPlan:
    board = dashboard(plan.team, today=today, plan=plan, rep_ids=[rep.pk])
    row = board.rows[0] if board.rows else None
    sparks = {}
    if row:
        lines = series_for(
            board.indicators, rep_ids=[rep.pk], start=plan.start_date, end=plan.end_date
        )
        for cell in row.cells:
            points = lines.get(cell.indicator.pk, {}).get(rep.pk, [])
            sparks[f"spark-{cell.indicator.pk}"] = {
                "labels": [p[0].isoformat() for p in points],
                "values": [None if p[1] is None else float(p[1]) for p in points],
            }
    return RepPlan(board=board, row=row, sparks=sparks, actions=rep_actions(plan, rep))


def sort_rows(board: Dashboard, key: str, descending: bool = False) -> None:
    """Sort the grid: ``name``, ``status`` (worst first) or an indicator id (its status, then
    its % achieved)."""
    if key.isdigit():
        index = next((i for i, ind in enumerate(board.indicators) if ind.pk == int(key)), None)
        if index is not None:

            def by_cell(row):
                cell = row.cells[index]
                return (Status.RANK[cell.status], cell.percent or Decimal(-1))

            board.rows.sort(key=by_cell, reverse=descending)
            return
    if key == "status":
        board.rows.sort(key=lambda r: r.worst_rank, reverse=descending)
        return
    board.rows.sort(
        key=lambda r: (r.rep.get_full_name() or r.rep.get_username()).lower(), reverse=descending
    )


def rep_actions(plan: Plan, rep) -> list[Action]:
    return list(
        Action.objects.filter(lever__plan=plan, assignee=rep)
        .select_related("lever")
        .prefetch_related("indicators")
        .order_by("due_date", "id")
    )


def indicator_actions(indicator: Indicator) -> list[Action]:
    return list(indicator.actions.select_related("assignee", "lever").order_by("due_date", "id"))


# What a delete takes with it, and what is archived (pacsite/archive_pages.py, the Archived page)


def indicator_delete_summary(indicator) -> DeleteSummary:
    """The indicator's targets and the figures the reps recorded against it. One query."""
    counts = Indicator.objects.filter(pk=indicator.pk).aggregate(
        targets=Count("targets", distinct=True, filter=live("targets__")),
        figures=Count("measurements", distinct=True, filter=live("measurements__")),
        reps=Count("measurements__rep", distinct=True, filter=live("measurements__")),
    )
    # Two counts, two plurals: the reps' phrase goes into the figures' sentence.
    reps = ngettext("%(n)d rep", "%(n)d reps", counts["reps"]) % {"n": counts["reps"]}
    return DeleteSummary(
        lines=[
            ngettext("%(targets)d target", "%(targets)d targets", counts["targets"]) % counts,
            ngettext(
                "%(figures)d figure recorded by %(reps)s",
                "%(figures)d figures recorded by %(reps)s",
                counts["figures"],
            )
            % {"figures": counts["figures"], "reps": reps},
        ]
    )


def archived_sections(plan) -> list[tuple[str, list[ArchivedRow]]]:
    """The plan's archived indicators, targets and figures, newest first. Targets and figures
    archived with their indicator come back with it: counted on its line, not listed.
    Three queries."""
    indicators = (
        Indicator.all_objects.filter(plan=plan, archived_at__isnull=False)
        .select_related("archived_by")
        .annotate(
            n_targets=Count(
                "targets", distinct=True, filter=Q(targets__archived_at=F("archived_at"))
            ),
            n_figures=Count(
                "measurements", distinct=True, filter=Q(measurements__archived_at=F("archived_at"))
            ),
        )
        .order_by("-archived_at", "-pk")
    )
    on_their_own = {"indicator__plan": plan, "indicator__archived_at": None}
    targets = (
        Target.all_objects.filter(archived_at__isnull=False, **on_their_own)
        .select_related("archived_by", "indicator", "rep")
        .order_by("-archived_at", "-pk")
    )
    figures = (
        Measurement.all_objects.filter(archived_at__isnull=False, **on_their_own)
        .select_related("archived_by", "indicator", "rep")
        .order_by("-archived_at", "-pk")
    )
    return [
        (_("Indicators"), [_indicator_row(i) for i in indicators]),
        (_("Targets"), [_child_row(t, "indicators:target-restore") for t in targets]),
        (_("Figures"), [_child_row(m, "indicators:measurement-restore") for m in figures]),
    ]


def _indicator_row(indicator) -> ArchivedRow:
    figures = ngettext("%(n)d figure", "%(n)d figures", indicator.n_figures) % {
        "n": indicator.n_figures
    }
    detail = ngettext(
        "with %(t)d target and %(figures)s",
        "with %(t)d targets and %(figures)s",
        indicator.n_targets,
    ) % {"t": indicator.n_targets, "figures": figures}
    return ArchivedRow(
        str(indicator),
        detail,
        indicator.archived_at,
        person_name(indicator.archived_by),
        reverse("indicators:restore", args=[indicator.pk]),
    )


def _child_row(row, restore_name: str) -> ArchivedRow:
    """A target or a figure: its indicator, rep (or the team), value and date or period."""
    who = person_name(row.rep) if row.rep_id else _("team")
    when = date_format(getattr(row, "date", None) or row.period_start, "SHORT_DATE_FORMAT")
    value = row.shown_value if isinstance(row, Measurement) else row.value
    return ArchivedRow(
        f"{row.indicator.name}: {value}",
        f"{who} · {when}",
        row.archived_at,
        person_name(row.archived_by),
        reverse(restore_name, args=[row.pk]),
    )
