"""The data behind the query-budget test (test_query_budgets.py): one company, grown on demand.

``build_world()`` makes the personas of tests/conftest.py (a manager running ``team`` with the
reps ``rep`` and ``rep2``, another team, HR and an admin) and one row of every model the pages
show, owned by ``team`` — the representative objects the detail pages open. ``grow(w, n)`` then
adds about ``n`` rows of everything a page of that team lists: reps, plans, levers, actions,
milestones, comments, indicators with targets and figures, trainings, sessions, enrolments,
requests, skills, 1:1s, challenges, rituals, meetings, decisions, kudos, incentive schemes,
payouts, notifications and audit entries. Called twice (a small ``n`` then a big one), it
makes the two sizes the budgets compare; rows go in with ``bulk_create`` so the big size
stays cheap to build.
"""

import datetime
import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from coaching.models import (
    Challenge,
    ChallengeGroup,
    CoachingSession,
    Decision,
    Enrollment,
    IncentiveScheme,
    IncentiveTier,
    Kudos,
    Payout,
    Ritual,
    RitualMeeting,
    Skill,
    SkillLevel,
    SkillLevelChange,
    Training,
    TrainingRequest,
    TrainingSession,
)
from indicators.models import Indicator, Measurement, Target
from pacsite.api_tokens import token_issue
from plans.models import (
    Action,
    ActionEvent,
    CalendarFeed,
    ImportJob,
    Lever,
    Milestone,
    Plan,
    PlanStatus,
)
from plans.reminder_stamps import restamp_plan
from reminders.models import Reminder, ReminderPreference, TeamReminderSettings
from teams.models import AuditEntry, Team
from teams.roles import Role
from tests.access.world import build_world as access_world

# Row names must stay unique across the two calls of grow(): a shared counter.
_serial = itertools.count(1)


def _user(username, role, first="Prénom", last=None):
    user = get_user_model().objects.create(
        username=username,
        first_name=first,
        last_name=last or username.title(),
        email=f"{username}@example.test",
    )
    user.groups.add(Group.objects.get(name=str(role)))
    if role == Role.ADMIN:
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return user


def _plan_file(rows: int) -> dict:
    """A checked plan file of ``rows`` actions, as a worker leaves it: the import job's page
    shows every row of its preview."""
    lines = [f"Conquête,Import {i},julien,2030-01-31" for i in range(rows)]
    return {
        "content": "\n".join(["lever,what,who,due", *lines]).encode(),
        "status": "ready",
        "total": rows,
        "preview": {
            "columns": ["lever", "what", "who", "due"],
            "rows": [
                {"number": i + 2, "cells": line.split(","), "errors": []}
                for i, line in enumerate(lines)
            ],
            "shown": True,
            "valid": True,
            "bad_rows": 0,
        },
    }


def build_world():
    """The personas and the access matrix's world (one row of every model, owned by ``rep``
    of ``team``), plus what else the pages branch on."""
    manager = _user("claire", Role.MANAGER)
    rep = _user("julien", Role.REP)
    rep2 = _user("sophie", Role.REP)
    other_manager = _user("nathalie", Role.MANAGER)
    outsider = _user("lucas", Role.REP)
    hr = _user("isabelle", Role.HR)
    admin = _user("root", Role.ADMIN)
    team = Team.objects.create(name="Île-de-France", manager=manager)
    team.members.set([rep, rep2])
    other_team = Team.objects.create(name="Rhône-Alpes", manager=other_manager)
    other_team.members.set([outsider])
    w = access_world(
        team=team,
        manager=manager,
        rep=rep,
        rep2=rep2,
        other_team=other_team,
        other_manager=other_manager,
        outsider=outsider,
        hr=hr,
    )
    w.now = timezone.now()
    w.manager, w.rep, w.rep2, w.hr, w.admin = manager, rep, rep2, hr, admin
    w.reps = [rep, rep2]
    plan, indicator, action = w.plan, w.indicator, w.action
    # (An update, not a save: a saved action cancels its pending reminders.)
    Action.objects.filter(pk=action.pk).update(milestone=w.milestone)
    indicator.actions.add(action)
    indicator.levers.add(w.lever)
    # The kinds that take other branches of the progress engine: a "last value" figure, a
    # rate of two indicators, one computed from the plan's actions.
    last = Indicator.objects.create(
        plan=plan, name="Portefeuille", kind="quantitative", unit="eur", aggregation="last"
    )
    rate = Indicator.objects.create(
        plan=plan,
        name="Taux de transformation",
        kind="rate",
        unit="percent",
        numerator=indicator,
        denominator=last,
    )
    computed = Indicator.objects.create(
        plan=plan,
        name="Actions faites",
        kind="quantitative",
        unit="count",
        computation="actions_completed",
    )
    computed.levers.add(w.lever)
    w.indicators = [indicator, last, rate, computed]
    # HR's dashboard lists who has yet to take a mandatory training; seats for every rep.
    Training.objects.filter(pk=w.training.pk).update(mandatory=True)
    TrainingSession.objects.filter(pk=w.session.pk).update(capacity=10_000)
    w.scheme.reps.add(rep2)
    w.closed_scheme.reps.add(rep2)
    # A challenge between groups of reps ranks groups: another leaderboard.
    w.group_challenge = Challenge.objects.create(
        team=team,
        title="Duel d'équipes",
        mode="teams",
        metric="indicator",
        indicator=indicator,
        start_date=w.start,
        end_date=w.end,
        created_by=manager,
    )
    w.meeting = RitualMeeting.objects.create(ritual=w.ritual, date=w.today, agenda="Pipeline")
    w.meeting.attendees.set([manager, rep])
    w.coaching_session.actions.add(action)
    w.import_job = ImportJob.objects.create(
        kind="plan", created_by=manager, plan=plan, filename="plan.csv", **_plan_file(1)
    )
    w.feed = CalendarFeed.objects.create(user=rep)
    token_issue(rep)  # the admin lists the API tokens
    w.audit = AuditEntry.objects.create(
        actor=manager, actor_name="claire", kind="target_set", object_type="target", team=team
    )
    # Rows some pages make on first use; made here so their admin forms have one to open.
    ReminderPreference.objects.create(user=rep)
    TeamReminderSettings.objects.create(team=team)
    return w


def grow(w, n):
    """Add about ``n`` rows of everything ``team``'s pages list (and ``n // 5`` reps)."""
    tag = next(_serial)
    today, now = w.today, w.now
    # The base rows exist for ``rep`` and ``rep2`` only: the first call fills in theirs.
    first = not getattr(w, "grown", False)
    w.grown = True
    User = get_user_model()

    # People: new reps in the team, so per-rep rows (dashboards, matrices, leaderboards) grow.
    new_reps = [_user(f"rep{tag}x{i}", Role.REP, last=f"Zed{tag}-{i}") for i in range(n // 5 + 1)]
    w.team.members.add(*new_reps)
    w.reps += new_reps
    reps = w.reps
    # Reps whose rows on the base objects (targets, enrolment, payout...) this call adds.
    fresh = new_reps + ([w.rep2] if first else [])

    # The plan: levers, milestones, actions of every state (some overdue, some done), for
    # ``rep`` too so "My actions" grows; comments on the representative action; more plans.
    levers = Lever.objects.bulk_create(
        Lever(plan=w.plan, name=f"Levier {tag}-{i}", aim="retain", position=10 * tag + i)
        for i in range(n // 5 + 1)
    )
    milestones = Milestone.objects.bulk_create(
        Milestone(
            plan=w.plan, title=f"Jalon {tag}-{i}", date=today + datetime.timedelta(days=i - n // 2)
        )
        for i in range(n)
    )
    statuses = ["todo", "in_progress", "done", "todo"]
    actions = []
    # Six a row of the others, a third of them ``rep``'s: the small company's actions fill
    # less than half a page of "My actions" (50), so a query per row shows as many more
    # queries at the big size, whose actions (330) fill several pages, ``rep``'s too.
    for i in range(6 * n):
        due = today + datetime.timedelta(days=(i % 30) - 10)
        status = statuses[i % 4]
        actions.append(
            Action(
                lever=[*levers, w.lever][i % (len(levers) + 1)],
                title=f"Action {tag}-{i}",
                assignee=w.rep if i % 3 == 1 else reps[i % len(reps)],
                due_date=due,
                original_due_date=due - datetime.timedelta(days=i % 3),
                status=status,
                completed_at=now if status == "done" else None,
                completed_by=w.rep if status == "done" else None,
                milestone=milestones[i % len(milestones)],
                created_by=w.manager,
            )
        )
    actions = Action.objects.bulk_create(actions)
    restamp_plan(w.plan)  # written in bulk: stamped for the reminder sweep as the services do
    ActionEvent.objects.bulk_create(
        ActionEvent(action=w.action, actor=w.manager, kind="comment", text=f"Note {tag}-{i}")
        for i in range(n)
    )
    Plan.objects.bulk_create(
        Plan(
            team=w.team,
            title=f"PAC {tag}-{i}",
            start_date=w.start - datetime.timedelta(days=400),
            end_date=w.start - datetime.timedelta(days=40),
            status=PlanStatus.ARCHIVED if i % 2 else PlanStatus.CLOSED,
            created_by=w.manager,
        )
        for i in range(n // 5 + 1)
    )

    # Indicators, each with a target per rep and weekly figures, tied to the action and lever.
    indicators = Indicator.objects.bulk_create(
        Indicator(
            plan=w.plan,
            name=f"Indicateur {tag}-{i}",
            kind="quantitative",
            unit="eur",
            aggregation=("sum", "avg", "last")[i % 3],
            position=10 * tag + i,
        )
        for i in range(n)
    )
    w.indicators += indicators
    w.action.indicators.add(*indicators)
    w.lever.indicators.add(*indicators[: n // 2 + 1])
    # Targets and weekly figures: every rep on the new indicators, the reps new to the base
    # ones (the indicator and its "last value" sibling) on those.
    base = w.indicators[:2]
    pairs = [(ind, r) for ind in indicators for r in reps]
    # (``rep`` has the access world's target on the first one.)
    pairs += [
        (ind, r) for ind in base for r in fresh + ([w.rep] if first and ind != base[0] else [])
    ]
    Target.objects.bulk_create(
        Target(indicator=ind, rep=r, value=100, period_start=w.start, period_end=w.end)
        for ind, r in pairs
    )
    weeks = [today - datetime.timedelta(days=7 * k) for k in range(3)]
    Measurement.objects.bulk_create(
        Measurement(indicator=ind, rep=r, date=d, value=10, entered_by=r)
        for ind, r in pairs
        for d in weeks
    )
    # Figures of the representative indicator over more weeks: its page lists the latest.
    Measurement.objects.bulk_create(
        Measurement(
            indicator=w.indicator,
            rep=reps[i % len(reps)],
            date=w.start + datetime.timedelta(days=i % 60),
            value=i,
            entered_by=w.rep,
        )
        for i in range(n)
    )

    # Training: trainings with a session each, ``rep`` enrolled in them (my trainings, his
    # page); every rep enrolled in the representative session (its page and attendance).
    skills = Skill.objects.bulk_create(
        Skill(name=f"Compétence {tag}-{i}", topic="other") for i in range(n // 5 + 1)
    )
    trainings = Training.objects.bulk_create(
        Training(
            title=f"Formation {tag}-{i}",
            topic="product",
            kind="online",
            duration_hours=Decimal("3"),
            cost_per_seat=Decimal("100"),
            skill=skills[i % len(skills)],
        )
        for i in range(n)
    )
    sessions = TrainingSession.objects.bulk_create(
        TrainingSession(
            training=t,
            starts_at=now + datetime.timedelta(days=(i % 20) - 10),
            duration_hours=t.duration_hours,
            place="Lyon",
            capacity=100,
        )
        for i, t in enumerate(trainings)
    )
    # More sessions of the representative training: its page lists them.
    TrainingSession.objects.bulk_create(
        TrainingSession(
            training=w.training,
            starts_at=now + datetime.timedelta(days=i + 1, hours=tag),
            duration_hours=w.training.duration_hours,
            place=f"Salle {tag}-{i}",
            capacity=10,
        )
        for i in range(n)
    )
    Enrollment.objects.bulk_create(
        Enrollment(
            session=s,
            rep=r,
            status=("completed", "planned", "attended")[i % 3],
            feedback_rating=(i % 5) + 1 if i % 3 == 0 else None,
            enrolled_by=w.hr,
        )
        for i, s in enumerate(sessions)
        for r in {w.rep, reps[i % len(reps)]}
    )
    Enrollment.objects.bulk_create(
        Enrollment(session=w.session, rep=r, enrolled_by=w.hr) for r in fresh
    )
    TrainingRequest.objects.bulk_create(
        TrainingRequest(
            training=trainings[i], rep=reps[i % len(reps)], requested_by=w.manager, reason="x"
        )
        for i in range(n)
    )
    SkillLevel.objects.bulk_create(
        SkillLevel(rep=r, skill=s, level=(i % 4) + 1) for s in skills for i, r in enumerate(reps)
    )
    SkillLevel.objects.bulk_create(SkillLevel(rep=r, skill=w.skill, level=1) for r in fresh)
    SkillLevelChange.objects.bulk_create(
        SkillLevelChange(
            rep=w.rep,
            skill=skills[i % len(skills)],
            old_level=0,
            new_level=1,
            source="assessment",
            changed_by=w.manager,
        )
        for i in range(n)
    )

    # Coaching, animation, incentives.
    sessions_1to1 = CoachingSession.objects.bulk_create(
        CoachingSession(
            team=w.team,
            manager=w.manager,
            rep=reps[i % len(reps)] if i % 2 else w.rep,
            date=today - datetime.timedelta(days=i),
            notes="n",
        )
        for i in range(n)
    )
    assert sessions_1to1
    w.coaching_session.actions.add(*actions[:n])
    challenges = Challenge.objects.bulk_create(
        Challenge(
            team=w.team,
            title=f"Défi {tag}-{i}",
            start_date=w.start,
            end_date=w.end if i % 2 else today - datetime.timedelta(days=1),
            created_by=w.manager,
        )
        for i in range(n)
    )
    assert challenges
    groups = ChallengeGroup.objects.bulk_create(
        ChallengeGroup(challenge=w.group_challenge, name=f"Groupe {tag}-{i}")
        for i in range(n // 5 + 1)
    )
    Through = ChallengeGroup.members.through
    Through.objects.bulk_create(
        Through(challengegroup_id=g.pk, user_id=r.pk)
        for i, g in enumerate(groups)
        for r in reps[i :: len(groups)]
    )
    Ritual.objects.bulk_create(
        Ritual(team=w.team, title=f"Rituel {tag}-{i}", kind="monthly_review") for i in range(n)
    )
    meetings = RitualMeeting.objects.bulk_create(
        RitualMeeting(
            ritual=w.ritual,
            date=today - datetime.timedelta(days=1000 * tag + i + 1),
            agenda="a",
            minutes="m",
        )
        for i in range(n)
    )
    Attendee = RitualMeeting.attendees.through
    Attendee.objects.bulk_create(
        Attendee(ritualmeeting_id=m.pk, user_id=r.pk) for m in meetings for r in reps[:3]
    )
    w.meeting.attendees.add(*new_reps)
    Decision.objects.bulk_create(
        Decision(
            meeting=m,
            text=f"Décision {tag}-{i}",
            owner=reps[i % len(reps)],
            lever=w.lever,
            due_date=today,
        )
        for i, m in enumerate([w.meeting] * n + meetings)
    )
    Kudos.objects.bulk_create(
        Kudos(
            team=w.team,
            author=w.manager,
            rep=w.rep if i % 2 else reps[i % len(reps)],
            message="Bravo",
        )
        for i in range(n)
    )
    schemes = IncentiveScheme.objects.bulk_create(
        IncentiveScheme(
            plan=w.plan,
            name=f"Prime {tag}-{i}",
            basis="effort",
            period_start=w.start,
            period_end=w.end,
            base_amount=Decimal("100"),
            status="closed" if i % 2 else "open",
            closed_at=now if i % 2 else None,
        )
        for i in range(n)
    )
    SchemeReps = IncentiveScheme.reps.through
    SchemeReps.objects.bulk_create(
        SchemeReps(incentivescheme_id=s.pk, user_id=r.pk) for s in schemes for r in reps[:3]
    )
    w.scheme.reps.add(*new_reps)
    w.closed_scheme.reps.add(*new_reps)
    IncentiveTier.objects.bulk_create(
        IncentiveTier(scheme=w.scheme, threshold=Decimal(10 * tag + i), value=Decimal("10"))
        for i in range(min(n, 9))
    )
    Payout.objects.bulk_create(
        Payout(
            scheme=w.closed_scheme,
            rep=r,
            achieved=Decimal("60"),
            amount=Decimal("100"),
            explanation="60 %",
        )
        for r in fresh
    )
    Payout.objects.bulk_create(
        Payout(scheme=s, rep=w.rep, achieved=Decimal("50"), amount=Decimal("10"), explanation="x")
        for s in schemes
        if s.status == "closed"
    )

    # The import job's checked file (its page shows each row).
    w.import_rows = getattr(w, "import_rows", 1) + n
    ImportJob.objects.filter(pk=w.import_job.pk).update(**_plan_file(w.import_rows))

    # The notification bell and the audit log.
    Reminder.objects.bulk_create(
        Reminder(
            recipient=person,
            stage=("overdue", "upcoming", "escalated")[i % 3],
            item_type="action",
            item_id=a.pk,
            due_date=a.due_date,
            title=a.title,
            read_at=now if i % 4 == 0 else None,
        )
        for i, a in enumerate(actions[:n])
        for person in (w.rep, w.manager)
    )
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=w.manager,
            actor_name="claire",
            kind="target_set",
            object_type="target",
            object_id=str(i),
            object_repr=f"Objectif {tag}-{i}",
            team=w.team,
            after={"value": i},
        )
        for i in range(n)
    )
    assert User.objects.filter(pk__in=[r.pk for r in new_reps]).count() == len(new_reps)
    return w
