"""What worked, with coaching's cases: the trainings attended and the challenges taken part in
join the actions of ``indicators.insights`` (this app sits above it, so it passes them in).

A training counts in the week of its session for every rep who attended or completed it; a
challenge in its first week for its reps (a challenge between groups: their members; an
individual one: the whole team, which leaves no one to compare with, so it shows no line). A
challenge on an indicator is linked to that indicator, a training and a challenge on actions
done to every indicator the report measures.

Who reads it: whoever sees every rep of the plan's team (its manager, HR, administrators): the
report compares reps' figures. A rep of the team gets a 403, another team a 404.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404

from indicators.insights import Event, Report, WeeksSince, plan_origin, week_of, what_worked
from indicators.selectors import current_plan, sees_all_reps
from plans.access import plans_visible_to
from plans.models import Plan
from teams.access import get_object_for_user, team_of, visible_teams

from .models import Challenge, ChallengeMetric, ChallengeMode, Enrollment


def plan_report(plan: Plan, *, today: date) -> Report:
    """The report of ``plan``: actions, trainings and challenges. Queries: the actions' report
    (6) + enrolments per (rep, training, week) (1) + challenges with their groups'
    members (2)."""
    end = min(plan.end_date, today)
    return what_worked(
        plan, today=today, events=coaching_events(plan, start=plan.start_date, end=end)
    )


def report_for(user, plan_id: int | None, *, today: date) -> Report:
    """``plan_report`` of a plan ``user`` may read it for (see the module docstring); with no
    ``plan_id``, the current plan of their team (of the first team they see)."""
    if plan_id is None:
        team = team_of(user) or visible_teams(user).first()
        plan = current_plan(team, today) if team else None
        if plan is None:
            raise Http404
        plan_id = plan.pk
    plan = get_object_for_user(plans_visible_to(user).select_related("team"), user, pk=plan_id)
    if not sees_all_reps(user, plan.team):
        raise PermissionDenied
    return plan_report(plan, today=today)


def coaching_events(plan: Plan, *, start: date, end: date) -> list[Event]:
    origin = plan_origin(plan)
    events = [
        Event(
            "training",
            str(row["session__training_id"]),
            row["session__training__title"],
            row["rep_id"],
            row["week"],
            count=row["n"],
        )
        for row in Enrollment.objects.spent()
        .filter(
            rep__teams=plan.team,
            session__starts_at__gte=origin,
            session__starts_at__lt=origin + timedelta(days=(end - start).days + 1),
        )
        .values("rep_id", "session__training_id", "session__training__title")
        .annotate(week=WeeksSince("session__starts_at", origin), n=Count("id"))
        .order_by()
    ]
    challenges = list(
        Challenge.objects.filter(team=plan.team, start_date__range=(start, end)).prefetch_related(
            "groups__members"
        )
    )
    team = None
    for challenge in challenges:
        if challenge.mode == ChallengeMode.TEAMS:
            reps = {m.pk for g in challenge.groups.all() for m in g.members.all()}
        else:
            if team is None:
                team = set(plan.team.members.values_list("pk", flat=True))
            reps = team
        linked = None
        if challenge.metric == ChallengeMetric.INDICATOR and challenge.indicator_id:
            linked = frozenset({challenge.indicator_id})
        week = week_of(plan, challenge.start_date)
        events += [
            Event("challenge", str(challenge.pk), challenge.title, rep, week, linked)
            for rep in reps
        ]
    return events
