"""Reads of plans and actions for the pages and the API (STYLE.md habit 2).

Each selector runs a fixed number of queries whatever the number of rows: counts are SQL
annotations and related rows come with ``select_related`` / ``prefetch_related``.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Q,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from teams.access import managed_teams
from teams.archive import live
from teams.roles import Role, role_of

from .access import actions_visible_to, plans_visible_to
from .display import dress_rows, milestone_badge
from .filters import ActionFilter, PlanFilter, style_for_bootstrap
from .models import (
    OPEN_STATUSES,
    Action,
    ActionEvent,
    ActionStatus,
    Lever,
    Milestone,
    PlanStatus,
    overdue_q,
)

# How long a ticked-off action stays in the "done recently" group of "My actions".
DONE_RECENTLY_DAYS = 14


def plan_list(*, user, data, today: date):
    """The plans ``user`` may see, filtered by ``data``, with their progress counts.

    Queries: the plans with their team and three counts (one query); the team filter's
    choices (one query, when the form is drawn).
    """
    plans = plans_visible_to(user).select_related("team").with_progress(today)
    filterset = PlanFilter(data or None, queryset=plans, user=user)
    return filterset, filterset.qs.order_by("-start_date", "title")


# How many actions a lever shows on the plan page at once; the rest is a "next page" away
# (?lever=<pk>&page=<n>). A lever of a busy plan holds over a thousand actions: drawing them
# all made the page megabytes of HTML and seconds of template rendering (issue 9).
PLAN_ACTIONS_PER_LEVER = 10


def plan_action_order():
    """Open actions first, earliest due first (the overdue ones lead), then the finished
    ones, most recently due first: what a reader of the plan needs is at the top."""
    is_open = Q(status__in=OPEN_STATUSES)
    return [
        Case(When(is_open, then=Value(0)), default=Value(1), output_field=IntegerField()),
        Case(When(is_open, then=F("due_date"))).asc(nulls_last=True),
        F("due_date").desc(),
        "-priority",
        "id",
    ]


def _page_number(value, num_pages: int) -> int:
    """A page number from the query string, clamped to the pages there are (junk: page 1)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), max(num_pages, 1))


def plan_detail(*, plan, today: date, lever_pk=None, page=None) -> dict:
    """Levers (with progress and a page of their actions) and milestones of ``plan``.

    Each lever carries ``page_actions`` (at most ``PLAN_ACTIONS_PER_LEVER``, in
    ``plan_action_order``), ``page``, ``num_pages`` and ``first_shown`` / ``last_shown``.
    ``lever_pk`` and ``page`` (from the query string) turn one lever to another page.

    Queries: levers with counts; the first page of every lever's actions with assignee and
    milestone (one query, see ``_first_pages``); milestones with their open/done counts; plus
    one for the lever turned to another page. Three or four, whatever the plan's size.
    """
    size = PLAN_ACTIONS_PER_LEVER
    counted = plan.levers.with_progress(today)
    levers = list(counted.annotate(actions_all=Count("actions", filter=live("actions__"))))
    first_pages = _first_pages(levers, size)
    for lever in levers:
        # actions_total leaves the cancelled ones out; the pages list every action.
        lever.num_pages = max(1, -(-lever.actions_all // size))
        lever.page = 1
        lever.page_actions = first_pages.get(lever.pk, [])
        if str(lever.pk) == str(lever_pk):
            lever.page = _page_number(page, lever.num_pages)
            if lever.page > 1:
                start = (lever.page - 1) * size
                lever.page_actions = list(
                    _plan_rows()
                    .filter(lever=lever)
                    .order_by(*plan_action_order())[start : start + size]
                )
        lever.first_shown = (lever.page - 1) * size + 1 if lever.page_actions else 0
        lever.last_shown = (lever.page - 1) * size + len(lever.page_actions)
        dress_rows(lever.page_actions, today)
    # In date order: Meta.ordering does not apply to a query with GROUP BY.
    milestones = list(plan.milestones.with_action_counts().order_by("date", "id"))
    for milestone in milestones:
        milestone.current_status = milestone.status(today)
        milestone.badge = milestone_badge(milestone.current_status)
    totals = {
        "total": sum(lv.actions_total for lv in levers),
        "done": sum(lv.actions_done for lv in levers),
        "overdue": sum(lv.actions_overdue for lv in levers),
    }
    totals["percent"] = round(100 * totals["done"] / totals["total"]) if totals["total"] else 0
    return {"levers": levers, "milestones": milestones, "totals": totals}


def _plan_rows():
    return Action.objects.select_related("assignee", "milestone")


def _plan_order_key(action) -> tuple:
    """``plan_action_order`` on a loaded row: open first by due date, then the finished ones,
    most recently due first; then the higher priority, then the older row."""
    due = action.due_date.toordinal()
    if action.is_open:
        return (0, due, -action.priority, action.pk)
    return (1, -due, -action.priority, action.pk)


def _first_pages(levers, size: int) -> dict:
    """The first ``size`` actions of each lever in ``plan_action_order``, in one query.

    Each status of each lever gives its first rows with a ``LIMIT`` walking the index
    (lever, status, due date) in the order of the page; the finished ones are read only for a
    lever with fewer open actions than a page. Ranking every action of the plan instead (a
    window over 6,666 rows sorted by expressions no index serves) took most of the page's
    time (issue 16). The rows are merged and cut per lever here.
    """
    rows = Action.objects.all()
    parts = []
    for lever in levers:
        open_count = lever.actions_total - lever.actions_done  # actions_total: not cancelled
        for status in OPEN_STATUSES:
            if open_count:
                ordered = rows.filter(lever=lever, status=status).order_by(
                    "due_date", "-priority", "id"
                )
                parts.append(ordered.values("pk")[:size])
        room = size - min(open_count, size)
        if room and lever.actions_all > open_count:
            for status in (ActionStatus.DONE, ActionStatus.CANCELLED):
                ordered = rows.filter(lever=lever, status=status).order_by(
                    "-due_date", "-priority", "id"
                )
                parts.append(ordered.values("pk")[:room])
    if not parts:
        return {}
    # One IN (subquery with LIMIT) per part: each runs once, on its index.
    wanted = Q()
    for part in parts:
        wanted |= Q(pk__in=part)
    by_lever: dict = {}
    for action in _plan_rows().filter(wanted).order_by():
        by_lever.setdefault(action.lever_id, []).append(action)
    return {pk: sorted(found, key=_plan_order_key)[:size] for pk, found in by_lever.items()}


@dataclass
class Bucket:
    key: str
    label: str
    icon: str
    actions: list = field(default_factory=list)
    count: int = 0  # on every page, not only this one's rows


# Rows per page of "My actions": a manager's team holds hundreds of open actions; drawing
# them all cost most of a second per request (issue 9).
MY_ACTIONS_PER_PAGE = 50


def my_actions_scope(user):
    """Whose actions "My actions" lists: a rep's (or HR's) own; a manager's team's."""
    actions = actions_visible_to(user).filter(lever__plan__status=PlanStatus.ACTIVE)
    role = role_of(user)
    if role == Role.ADMIN:
        return actions
    if role == Role.MANAGER:
        return actions.filter(Q(lever__plan__team__in=managed_teams(user)) | Q(assignee=user))
    return actions.filter(assignee=user)


def my_actions(*, user, data, today: date, page=None):
    """The filter form, a page of actions grouped as overdue / today / this week / later /
    done / cancelled, and that page (a ``django.core.paginator.Page`` of the rows).

    The rows run in bucket order (open ones by due date, then the done ones, latest first,
    then the cancelled ones), so a page holds the end of one bucket and the start of the next;
    each bucket's ``count`` is its size over every page.

    Queries: the page's actions with plan, lever, assignee and milestone (one query); when
    they fill more than a page, the bucket counts (one aggregate); the filter form's choices
    (plan, lever and, for managers, people: three queries when drawn).
    """
    base = my_actions_scope(user).for_display()
    filterset = ActionFilter(data or None, queryset=base, user=user)
    actions = filterset.qs
    chosen_status = filterset.form.cleaned_data.get("status") if filterset.is_valid() else None
    style_for_bootstrap(filterset.form)
    if not chosen_status:
        since = timezone.now() - timedelta(days=DONE_RECENTLY_DAYS)
        actions = actions.filter(
            Q(status__in=OPEN_STATUSES) | Q(status=ActionStatus.DONE, completed_at__gte=since)
        )
    end_of_week = today + timedelta(days=6 - today.weekday())
    buckets = _empty_buckets()
    ordered = _in_bucket_order(actions)
    size = MY_ACTIONS_PER_PAGE
    paginator = Paginator(ordered, size)
    requested = _page_number(page, num_pages=10**9)
    rows = None
    if requested == 1:
        # Most people hold less than a page: one more row than a page says whether the
        # buckets need counting at all, and the count query is skipped when they do not.
        rows = list(ordered[: size + 1])
    if rows is not None and len(rows) <= size:
        paginator.count = len(rows)  # known: the paginator's COUNT query is not needed
        number = 1
    else:
        counts = _bucket_counts(actions, today, end_of_week)
        for key, bucket in buckets.items():
            bucket.count = counts[key]
        paginator.count = sum(counts.values())  # the buckets' counts: no second COUNT
        number = min(requested, paginator.num_pages)
        if rows is None or number != 1:
            rows = list(ordered[(number - 1) * size : number * size])
        rows = rows[:size]
    dress_rows(rows, today)
    for action in rows:
        buckets[_bucket_of(action, today, end_of_week)].actions.append(action)
    if paginator.num_pages == 1:
        for bucket in buckets.values():
            bucket.count = len(bucket.actions)
    return filterset, list(buckets.values()), Page(rows, number, paginator)


def _empty_buckets() -> dict[str, Bucket]:
    return {
        "overdue": Bucket("overdue", _("Overdue"), "exclamation-triangle"),
        "today": Bucket("today", _("Today"), "calendar-event"),
        "week": Bucket("week", _("This week"), "calendar-week"),
        "later": Bucket("later", _("Later"), "calendar"),
        "done": Bucket("done", _("Done recently"), "check2-circle"),
        "cancelled": Bucket("cancelled", _("Cancelled"), "x-circle"),
    }


_IS_OPEN = Q(status__in=OPEN_STATUSES)
_IS_DONE = Q(status=ActionStatus.DONE)


def _in_bucket_order(actions):
    """Open (their four buckets follow the due date), then done (latest first: a row without
    its time counts as just done), then cancelled."""
    return actions.order_by(
        Case(
            When(_IS_OPEN, then=Value(0)),
            When(_IS_DONE, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        Case(When(_IS_DONE, then=F("completed_at"))).desc(nulls_first=True),
        "due_date",
        "-priority",
        "id",
    )


def _bucket_counts(actions, today: date, end_of_week: date) -> dict[str, int]:
    """Each bucket's size over every page, in one aggregate (the rule of ``_bucket_of``)."""
    return actions.aggregate(
        overdue=Count("pk", filter=overdue_q(today)),
        today=Count("pk", filter=_IS_OPEN & Q(due_date=today)),
        week=Count("pk", filter=_IS_OPEN & Q(due_date__gt=today, due_date__lte=end_of_week)),
        later=Count("pk", filter=_IS_OPEN & Q(due_date__gt=end_of_week)),
        done=Count("pk", filter=_IS_DONE),
        cancelled=Count("pk", filter=Q(status=ActionStatus.CANCELLED)),
    )


def _bucket_of(action, today: date, end_of_week: date) -> str:
    if action.status == ActionStatus.DONE:
        return "done"
    if action.status == ActionStatus.CANCELLED:
        return "cancelled"
    if action.is_overdue(today):
        return "overdue"
    if action.due_date == today:
        return "today"
    return "week" if action.due_date <= end_of_week else "later"


def action_history(action):
    """The action's timeline: changes and comments, oldest first, with their authors."""
    return ActionEvent.objects.filter(action=action).select_related("actor")


# What a delete takes with it (the confirmation page), and what is archived (the Archived view)


@dataclass
class DeleteSummary:
    """What goes with a row that is deleted or archived, in words for the confirmation."""

    lines: list[str] = field(default_factory=list)
    # Set when done actions go: they are part of what their assignees are paid on.
    pay_warning: str = ""


def _pay_warning(done_actions) -> str:
    names = sorted({person_name(a.assignee) for a in done_actions})
    if not names:
        return ""
    return _("Done actions go with it: archiving changes the pay of %(names)s.") % {
        "names": ", ".join(names)
    }


def lever_delete_summary(lever) -> DeleteSummary:
    """The lever's actions (how many done) and the milestones they serve. Three queries."""
    actions = Action.objects.filter(lever=lever)
    counts = actions.aggregate(
        n=Count("pk"),
        done=Count("pk", filter=_IS_DONE),
        milestones=Count("milestone", distinct=True, filter=live("milestone__")),
    )
    done = actions.filter(_IS_DONE).select_related("assignee")
    lines = [
        ngettext(
            "%(n)d action, of which %(done)d done, with its history",
            "%(n)d actions, of which %(done)d done, with their history",
            counts["n"],
        )
        % counts
    ]
    if counts["milestones"]:
        lines.append(
            ngettext(
                "its actions serve %(milestones)d milestone",
                "its actions serve %(milestones)d milestones",
                counts["milestones"],
            )
            % counts
        )
    return DeleteSummary(lines=lines, pay_warning=_pay_warning(done))


def milestone_delete_summary(milestone) -> DeleteSummary:
    """The actions linked to the milestone: they stay, unlinked. One query."""
    n = Action.objects.filter(milestone=milestone).count()
    line = ngettext(
        "%(n)d action is linked to it: it stays, without this milestone",
        "%(n)d actions are linked to it: they stay, without this milestone",
        n,
    ) % {"n": n}
    return DeleteSummary(lines=[line])


def action_delete_summary(action) -> DeleteSummary:
    """The action's history; a done action is part of its assignee's pay. One query."""
    n = ActionEvent.objects.filter(action=action).count()
    lines = [
        ngettext("%(n)d line of history", "%(n)d lines of history", n) % {"n": n},
    ]
    warning = ""
    if action.status == ActionStatus.DONE:
        who = person_name(action.assignee)
        warning = _("This action is done: archiving it changes %(name)s's pay.") % {"name": who}
    return DeleteSummary(lines=lines, pay_warning=warning)


@dataclass
class ArchivedRow:
    """One line of a plan's Archived page: what, when, by whom, what comes back with it."""

    name: str
    detail: str
    archived_at: object
    archived_by: str
    restore_url: str


def person_name(user) -> str:
    """A person as the archive lines name them (empty: nobody, or an account since deleted)."""
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def archived_sections(plan) -> list[tuple[str, list[ArchivedRow]]]:
    """The plan's archived levers, milestones and actions, newest first. An action archived
    with its lever comes back with it, so it is counted on the lever's line, not listed.
    Three queries."""
    levers = (
        Lever.all_objects.filter(plan=plan, archived_at__isnull=False)
        .select_related("archived_by")
        .annotate(n=Count("actions", filter=Q(actions__archived_at=F("archived_at"))))
        .order_by("-archived_at", "-pk")
    )
    milestones = (
        Milestone.all_objects.filter(plan=plan, archived_at__isnull=False)
        .select_related("archived_by")
        .order_by("-archived_at", "-pk")
    )
    actions = (
        Action.all_objects.filter(lever__plan=plan, archived_at__isnull=False)
        .filter(lever__archived_at__isnull=True)
        .select_related("archived_by", "assignee", "lever")
        .order_by("-archived_at", "-pk")
    )
    rows = [
        (
            _("Levers"),
            [
                ArchivedRow(
                    lv.name,
                    ngettext("with %(n)d action", "with %(n)d actions", lv.n) % {"n": lv.n},
                    lv.archived_at,
                    person_name(lv.archived_by),
                    reverse("plans:lever-restore", args=[lv.pk]),
                )
                for lv in levers
            ],
        ),
        (
            _("Milestones"),
            [
                ArchivedRow(
                    m.title,
                    date_format(m.date, "SHORT_DATE_FORMAT"),
                    m.archived_at,
                    person_name(m.archived_by),
                    reverse("plans:milestone-restore", args=[m.pk]),
                )
                for m in milestones
            ],
        ),
        (
            _("Actions"),
            [
                ArchivedRow(
                    a.title,
                    f"{a.lever.name} · {person_name(a.assignee)} · {a.get_status_display()}",
                    a.archived_at,
                    person_name(a.archived_by),
                    reverse("plans:action-restore", args=[a.pk]),
                )
                for a in actions
            ],
        ),
    ]
    return rows
