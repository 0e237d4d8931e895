"""A manager's morning: what needs them today, each item with the link that acts on it.

Reads only (a selector): the pages that act are the ones linked. Queries, whatever the size
of the teams: managed teams (1), overdue actions (1 + their count 1), slipped milestones (1),
the dashboard of each managed team (indicators/selectors.dashboard, fixed per team), last 1:1
per rep (1 + reps 1), open training requests and waiting-list enrolments (1 each).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Max, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coaching.models import (
    CoachingSession,
    Enrollment,
    EnrollmentStatus,
    RequestStatus,
    TrainingRequest,
)
from indicators.progress import Status
from indicators.selectors import dashboard
from plans.models import Action, Milestone, PlanStatus
from plans.selectors import person_name
from teams.access import managed_teams
from teams.archive import live
from teams.roles import Role

# A rep is due a 1:1 when their last one with this manager is older than this (or none yet).
ONE_TO_ONE_DAYS = 30
# Rows shown per section; the heading gives the full count.
SHOWN = 10


@dataclass
class Item:
    text: str
    detail: str
    url: str
    when: date | None = None


@dataclass
class Section:
    key: str
    title: str
    action: str
    items: list[Item] = field(default_factory=list)
    total: int = 0
    more_url: str = ""

    @classmethod
    def of(cls, key, title, action, items: list[Item]) -> Section:
        """A section of every item found, showing the first ``SHOWN``."""
        return cls(key, title, action, items=items[:SHOWN], total=len(items))


@dataclass
class Today:
    sections: list[Section]

    @property
    def is_clear(self) -> bool:
        return not any(s.total for s in self.sections)


def manager_today(*, user, today: date) -> Today:
    teams = list(managed_teams(user).order_by("name"))
    return Today(
        sections=[
            _overdue_actions(teams, today),
            _slipped_milestones(teams, today),
            _reps_off_track(teams, today),
            _one_to_ones_due(user, teams, today),
            _enrolments_waiting(teams),
        ]
    )


def _overdue_actions(teams, today: date) -> Section:
    actions = Action.objects.overdue(today).filter(
        live("lever__"), lever__plan__team__in=teams, lever__plan__status=PlanStatus.ACTIVE
    )
    section = Section("overdue", _("Actions overdue"), _("Open the action"), total=actions.count())
    section.more_url = reverse("plans:my-actions") + "?overdue=true"
    rows = actions.select_related("assignee", "lever__plan").order_by("due_date", "pk")[:SHOWN]
    section.items = [
        Item(
            text=a.title,
            detail=person_name(a.assignee),
            url=reverse("plans:action-detail", args=[a.pk]),
            when=a.due_date,
        )
        for a in rows
    ]
    return section


def _slipped_milestones(teams, today: date) -> Section:
    milestones = (
        Milestone.objects.slipped(today)
        .filter(plan__team__in=teams, plan__status=PlanStatus.ACTIVE)
        .select_related("plan")
        .order_by("date", "pk")
    )
    items = [
        Item(m.title, m.plan.title, reverse("plans:plan-detail", args=[m.plan_id]), m.date)
        for m in milestones
    ]
    return Section.of("slipped", _("Milestones slipped"), _("Open the plan"), items)


def _reps_off_track(teams, today: date) -> Section:
    items = []
    for team in teams:
        board = dashboard(team, today=today)
        for row in board.rows:
            off = [c.indicator.name for c in row.cells if c.status == Status.OFF_TRACK]
            if off:
                items.append(
                    Item(
                        text=person_name(row.rep),
                        detail=", ".join(off),
                        url=reverse("indicators:rep", args=[row.rep.pk]),
                    )
                )
    return Section.of("off_track", _("Reps off track"), _("See their figures"), items)


def _one_to_ones_due(user, teams, today: date) -> Section:
    User = get_user_model()
    reps = (
        User.objects.filter(teams__in=teams, groups__name=str(Role.REP), is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
    last = dict(
        CoachingSession.objects.filter(manager=user, rep__in=reps)
        .values_list("rep")
        .annotate(last=Max("date"))
    )
    since = today - timedelta(days=ONE_TO_ONE_DAYS)
    due = [r for r in reps if last.get(r.pk) is None or last[r.pk] < since]
    new_url = reverse("coaching:coaching-create")
    items = [
        Item(
            person_name(r),
            "" if last.get(r.pk) else _("No 1:1 yet"),
            f"{new_url}?rep={r.pk}",
            last.get(r.pk),
        )
        for r in due
    ]
    return Section.of("one_to_one", _("1:1s due"), _("Plan a 1:1"), items)


def _enrolments_waiting(teams) -> Section:
    in_teams = Q(rep__teams__in=teams)
    requests = list(
        TrainingRequest.objects.filter(in_teams, status=RequestStatus.OPEN)
        .select_related("training", "rep")
        .distinct()
        .order_by("created_at", "pk")
    )
    waiting = list(
        Enrollment.objects.filter(in_teams, status=EnrollmentStatus.WAITING)
        .select_related("session__training", "rep")
        .distinct()
        .order_by("created_at", "pk")
    )
    requests_url = reverse("coaching:training-requests")
    items = [
        Item(text=person_name(r.rep), detail=r.training.title, url=requests_url) for r in requests
    ] + [
        Item(
            person_name(e.rep),
            _("%(training)s (waiting list)") % {"training": e.session.training.title},
            reverse("coaching:session-detail", args=[e.session_id]),
            e.session.starts_at.date(),
        )
        for e in waiting
    ]
    return Section.of("enrolments", _("Enrolments waiting"), _("See the requests"), items)
