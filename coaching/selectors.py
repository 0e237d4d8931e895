"""Reads of the coaching app, and who may do what.

Every page, API endpoint and export asks these functions, so a rule is written once:
HR runs training; managers run incentives, challenges, rituals and coaching for their team;
reps read theirs. A row outside the user's scope is simply absent from these querysets, which
``get_object_for_user`` turns into a 404.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from plans.models import ActionStatus
from teams.access import managed_teams, visible_teams
from teams.models import Team
from teams.roles import Role, role_of

from .models import (
    DONE_STATUSES,
    SEAT_STATUSES,
    BonusKind,
    Challenge,
    ChallengeMetric,
    ChallengeMode,
    CoachingSession,
    Enrollment,
    EnrollmentStatus,
    IncentiveBasis,
    IncentiveScheme,
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
from .progress_bridge import indicator_actuals, indicator_results

User = get_user_model()


# --------------------------------------------------------------------------- who may do what


def is_hr(user) -> bool:
    """HR and administrators run training and see every payout."""
    return role_of(user) in (Role.HR, Role.ADMIN)


def is_manager(user) -> bool:
    return role_of(user) in (Role.MANAGER, Role.ADMIN)


def reps_visible_to(user) -> QuerySet:
    """Reps whose training, skills and payouts ``user`` may read.

    HR and admins: every rep; a manager: the reps of the teams they manage; a rep: themself.
    """
    reps = User.objects.filter(groups__name=str(Role.REP), is_active=True)
    role = role_of(user)
    if role in (Role.HR, Role.ADMIN):
        return reps.order_by("last_name", "first_name", "username")
    if role == Role.MANAGER:
        reps = reps.filter(teams__in=managed_teams(user))
    else:
        reps = reps.filter(pk=user.pk)
    return reps.distinct().order_by("last_name", "first_name", "username")


def reps_managed_by(user) -> QuerySet:
    """Reps a manager runs (coaching, assessments, training requests); admins: every rep."""
    reps = User.objects.filter(groups__name=str(Role.REP), is_active=True)
    if role_of(user) == Role.ADMIN:
        return reps.order_by("last_name", "first_name", "username")
    return (
        reps.filter(teams__manager=user).distinct().order_by("last_name", "first_name", "username")
    )


def is_rep(user) -> bool:
    return user.groups.filter(name=str(Role.REP)).exists()


def team_of_rep(rep) -> Team | None:
    return Team.objects.filter(members=rep).order_by("pk").first()


# --------------------------------------------------------------------------- training


def trainings_for(user) -> QuerySet[Training]:
    """The catalogue is public to every signed-in user."""
    return Training.objects.select_related("skill")


def sessions_for(user) -> QuerySet[TrainingSession]:
    return TrainingSession.objects.select_related("training").annotate(
        seats_taken=Count("enrollments", filter=Q(enrollments__status__in=SEAT_STATUSES))
    )


def enrollments_for(user) -> QuerySet[Enrollment]:
    """HR: all; a manager: their reps'; a rep: their own."""
    qs = Enrollment.objects.select_related("session__training", "rep")
    if is_hr(user):
        return qs
    return qs.filter(rep__in=reps_visible_to(user))


def training_requests_for(user) -> QuerySet[TrainingRequest]:
    qs = TrainingRequest.objects.select_related("training", "rep", "requested_by")
    if is_hr(user):
        return qs
    if role_of(user) == Role.MANAGER:
        return qs.filter(rep__in=reps_managed_by(user))
    return qs.filter(rep=user)


def sessions_starting_on(day: datetime.date) -> list[TrainingSession]:
    """Training sessions starting on ``day`` (local time), each with ``enrolled_reps``.

    For the "training tomorrow" reminder: ``sessions_starting_on(today + 1 day)``. Two
    queries whatever the number of sessions (sessions with their training, then the
    enrolments that hold a seat, with their rep); uses the index on ``starts_at``. Cancelled
    enrolments are left out. ``session.enrolled_reps`` is a list of users.
    """
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    end = start + datetime.timedelta(days=1)
    sessions = list(
        TrainingSession.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("training")
        .prefetch_related(
            Prefetch(
                "enrollments",
                queryset=Enrollment.objects.filter(status=EnrollmentStatus.PLANNED)
                .select_related("rep")
                .order_by("rep__username"),
                to_attr="planned_enrollments",
            )
        )
    )
    for session in sessions:
        session.enrolled_reps = [e.rep for e in session.planned_enrollments]
    return sessions


@dataclass
class SkillsMatrix:
    skills: list
    rows: list  # [(rep, [level or None per skill])]


def skills_matrix(user) -> SkillsMatrix:
    """Reps visible to ``user`` x skills. Three queries at any size: reps, skills, levels."""
    reps = list(reps_visible_to(user))
    skills = list(Skill.objects.all())
    levels = {
        (lv.rep_id, lv.skill_id): lv.level
        for lv in SkillLevel.objects.filter(rep__in=[r.pk for r in reps])
    }
    rows = [(rep, [levels.get((rep.pk, s.pk)) for s in skills]) for rep in reps]
    return SkillsMatrix(skills=skills, rows=rows)


def skill_history(rep) -> QuerySet[SkillLevelChange]:
    return SkillLevelChange.objects.filter(rep=rep).select_related("skill", "changed_by")


@dataclass
class HRDashboard:
    year: int
    per_rep: list
    per_team: list
    totals: dict
    missing_mandatory: list
    upcoming: list
    feedback: list


def _untrained(rep) -> dict:
    name = rep.get_full_name() or rep.get_username()
    return {
        "rep": rep.pk,
        "rep__username": rep.get_username(),
        "name": name,
        "hours": Decimal(0),
        "cost": Decimal(0),
        "trainings": 0,
    }


def hr_dashboard(*, today: datetime.date) -> HRDashboard:
    """HR's training dashboard for ``today``'s year. Eight queries whatever the size."""
    year = today.year
    this_year = Q(session__starts_at__year=year)
    spent = Enrollment.objects.spent().filter(this_year)
    # 1: hours and cost per rep
    per_rep = list(
        spent.values("rep", "rep__username", "rep__first_name", "rep__last_name")
        .with_spent_totals()
        .order_by("rep__last_name", "rep__username")
    )
    for row in per_rep:
        full = f"{row['rep__first_name']} {row['rep__last_name']}".strip()
        row["name"] = full or row["rep__username"]
    # 2: hours and cost per team (a rep counts in the team they belong to)
    per_team = list(
        spent.filter(rep__teams__isnull=False)
        .values(team_name=F("rep__teams__name"))
        .with_spent_totals()
        .order_by("team_name")
    )
    totals = _training_totals(this_year, per_rep)  # 3
    # 4, 5, 6: reps, mandatory trainings, who has done which
    reps = list(
        User.objects.filter(groups__name=str(Role.REP), is_active=True).order_by(
            "last_name", "username"
        )
    )
    # Every rep has a row, those with no training this year too (then the ones who trained
    # and have left since).
    trained = {row["rep"]: row for row in per_rep}
    per_rep = [trained.pop(r.pk, None) or _untrained(r) for r in reps] + list(trained.values())
    # 7: upcoming sessions with their seats taken
    upcoming = list(
        TrainingSession.objects.filter(starts_at__gte=timezone.now())
        .select_related("training")
        .annotate(
            seats_taken=Count("enrollments", filter=Q(enrollments__status__in=SEAT_STATUSES))
        )[:20]
    )
    # 8: average feedback per training
    feedback = list(
        Training.objects.annotate(
            avg_rating=Avg("sessions__enrollments__feedback_rating"),
            ratings=Count("sessions__enrollments__feedback_rating"),
        ).order_by("title")
    )
    return HRDashboard(
        year=year,
        per_rep=per_rep,
        per_team=per_team,
        totals=totals,
        missing_mandatory=_missing_mandatory(reps),
        upcoming=upcoming,
        feedback=feedback,
    )


def _training_totals(this_year: Q, per_rep: list[dict]) -> dict:
    """The year's hours and cost, and completion / no-show rates over this year's sessions
    that have taken place (one query)."""
    past = Enrollment.objects.filter(
        this_year,
        session__starts_at__lt=timezone.now(),
    ).exclude(status=EnrollmentStatus.CANCELLED)
    agg = past.aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status__in=DONE_STATUSES)),
        no_show=Count("id", filter=Q(status=EnrollmentStatus.NO_SHOW)),
    )
    total = agg["total"] or 0
    return {
        "hours": sum((r["hours"] or 0) for r in per_rep),
        "cost": sum((r["cost"] or 0) for r in per_rep),
        "enrollments": total,
        "completion_rate": round(100 * agg["done"] / total) if total else None,
        "no_show_rate": round(100 * agg["no_show"] / total) if total else None,
    }


def _missing_mandatory(reps: list) -> list[tuple]:
    """(rep, mandatory trainings they have not done), for the reps missing one (2 queries);
    the pairs are matched in Python."""
    mandatory = list(Training.objects.filter(mandatory=True))
    done_pairs = set(
        Enrollment.objects.spent()
        .filter(session__training__mandatory=True)
        .values_list("rep_id", "session__training_id")
    )
    missing = [(rep, [t for t in mandatory if (rep.pk, t.pk) not in done_pairs]) for rep in reps]
    return [(rep, ts) for rep, ts in missing if ts]


# --------------------------------------------------------------------------- 1:1 coaching


def coaching_sessions_for(user) -> QuerySet[CoachingSession]:
    """Notes are visible to that manager, that rep and HR only (not to other managers)."""
    qs = CoachingSession.objects.select_related("rep", "manager", "team")
    if role_of(user) == Role.HR:
        return qs
    return qs.filter(Q(manager=user) | Q(rep=user))


# --------------------------------------------------------------------------- team animation


def challenges_for(user) -> QuerySet[Challenge]:
    return Challenge.objects.filter(team__in=visible_teams(user)).select_related("team")


def rituals_for(user) -> QuerySet[Ritual]:
    return Ritual.objects.filter(team__in=visible_teams(user)).select_related("team")


def meetings_for(user) -> QuerySet[RitualMeeting]:
    return RitualMeeting.objects.filter(ritual__team__in=visible_teams(user)).select_related(
        "ritual__team"
    )


def kudos_for(user) -> QuerySet[Kudos]:
    return Kudos.objects.filter(team__in=visible_teams(user)).select_related(
        "author", "rep", "team"
    )


@dataclass
class LeaderboardRow:
    rank: int
    name: str
    value: Decimal
    progress: int | None  # % of the target, when the challenge has one
    medal: str = ""  # "gold" / "silver" / "bronze" once the challenge is over
    members: list = field(default_factory=list)
    user_id: int | None = None


MEDALS = ("gold", "silver", "bronze")


def _display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _member_values(challenge: Challenge, members: list) -> dict[int, Decimal]:
    """Each member's value in the challenge: one query (actions) or the progress engine."""
    if challenge.metric == ChallengeMetric.INDICATOR and challenge.indicator_id:
        return indicator_actuals(
            challenge.indicator,
            members,
            challenge.start_date,
            challenge.end_date,
            today=timezone.localdate(),
        )
    done = Q(
        actions__status=ActionStatus.DONE,
        actions__completed_at__date__gte=challenge.start_date,
        actions__completed_at__date__lte=challenge.end_date,
        actions__lever__plan__team=challenge.team_id,
        actions__archived_at__isnull=True,
    )
    rows = User.objects.filter(pk__in=[m.pk for m in members]).annotate(
        value=Count("actions", filter=done)
    )
    return {pk: Decimal(value) for pk, value in rows.values_list("pk", "value")}


def challenge_leaderboard(challenge: Challenge, *, today: datetime.date) -> list[LeaderboardRow]:
    """Ranked rows of a challenge; ties share a rank. Medals for the top three once over.

    Queries, whatever the number of reps: individual = members (1) + values (1);
    teams of reps = groups with members (2) + values (1).
    """
    if challenge.mode == ChallengeMode.TEAMS:
        groups = list(challenge.groups.prefetch_related("members"))
        members = [m for g in groups for m in g.members.all()]
        values = _member_values(challenge, members) if members else {}
        entries = [
            (
                g.name,
                sum((values.get(m.pk, Decimal(0)) for m in g.members.all()), Decimal(0)),
                [_display_name(m) for m in g.members.all()],
                None,
            )
            for g in groups
        ]
    else:
        members = list(
            challenge.team.members.filter(groups__name=str(Role.REP)).order_by(
                "last_name", "username"
            )
        )
        values = _member_values(challenge, members) if members else {}
        entries = [(_display_name(m), values.get(m.pk, Decimal(0)), [], m.pk) for m in members]
    entries.sort(key=lambda e: (-e[1], e[0]))
    rows, rank, previous = [], 0, None
    over = challenge.is_over(today)
    for position, (name, value, names, user_id) in enumerate(entries, start=1):
        if value != previous:
            rank, previous = position, value
        progress = None
        if challenge.target:
            progress = int((100 * value / challenge.target).to_integral_value(ROUND_HALF_UP))
        medal = MEDALS[rank - 1] if over and rank <= 3 and value > 0 else ""
        rows.append(LeaderboardRow(rank, name, value, progress, medal, names, user_id))
    return rows


# --------------------------------------------------------------------------- incentives


def schemes_for(user) -> QuerySet[IncentiveScheme]:
    """Schemes of the plans of teams ``user`` may see; a rep sees only schemes covering them."""
    qs = IncentiveScheme.objects.select_related("plan__team")
    if is_hr(user):
        return qs
    qs = qs.filter(plan__team__in=visible_teams(user))
    if role_of(user) == Role.REP:
        qs = qs.filter(reps=user)
    return qs


def payout_reps_for(user, scheme: IncentiveScheme) -> QuerySet:
    """Whose payouts ``user`` may read in ``scheme``: a rep only their own."""
    reps = scheme.reps.all().order_by("last_name", "first_name", "username")
    if is_hr(user) or is_manager(user):
        return reps
    return reps.filter(pk=user.pk)


def _fmt(value: Decimal, places: int = 0) -> str:
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return formats.number_format(rounded, places, use_l10n=True)


def _money(value: Decimal) -> str:
    places = 0 if value == value.to_integral_value() else 2
    return f"{_fmt(value, places)} €"


@dataclass
class PayoutLine:
    rep: object
    achieved: Decimal | None
    tier_number: int | None
    amount: Decimal
    explanation: str
    forecast_achieved: Decimal | None = None
    forecast_amount: Decimal | None = None
    forecast_explanation: str = ""
    paid_at: datetime.datetime | None = None
    frozen: bool = False
    next_tier: str = ""  # what the next tier needs (open periods only)


def payout_for(scheme: IncentiveScheme, tiers: list, achieved: Decimal | None):
    """(tier number, amount, explanation) for ``achieved`` % under ``scheme``'s tiers.

    The highest tier whose threshold is reached pays; the cap, if any, limits the amount.
    """
    measure = (
        _("% of target") if scheme.basis == IncentiveBasis.INDICATOR else _("% of actions on time")
    )
    if achieved is None:
        return None, Decimal("0.00"), _("no result yet → 0 €")
    pct = f"{_fmt(achieved, 0)} {measure}"
    reached = [(i, t) for i, t in enumerate(tiers, start=1) if achieved >= t.threshold]
    if not reached:
        if tiers:
            first = _fmt(tiers[0].threshold, 0)
            return (
                None,
                Decimal("0.00"),
                _("%(pct)s → below tier 1 (%(first)s %%) → 0 €")
                % {
                    "pct": pct,
                    "first": first,
                },
            )
        return None, Decimal("0.00"), _("%(pct)s → no tier → 0 €") % {"pct": pct}
    number, tier = reached[-1]
    if tier.bonus_kind == BonusKind.PERCENT_OF_BASE:
        amount = (scheme.base_amount or Decimal(0)) * tier.value / 100
    else:
        amount = tier.value
    amount = amount.quantize(Decimal("0.01"))
    text = _("%(pct)s → tier %(n)s → %(amount)s") % {
        "pct": pct,
        "n": number,
        "amount": _money(amount),
    }
    if scheme.cap is not None and amount > scheme.cap:
        amount = scheme.cap.quantize(Decimal("0.01"))
        text += " " + _("(capped at %(cap)s)") % {"cap": _money(amount)}
    return number, amount, text


def next_tier_note(scheme: IncentiveScheme, tiers: list, achieved: Decimal | None) -> str:
    """What the next tier needs: "tier 2 from 100 %: 12 points more → 450 €" (or that the
    highest tier is reached)."""
    if not tiers:
        return ""
    current = achieved if achieved is not None else Decimal(0)
    for number, tier in enumerate(tiers, start=1):
        if current < tier.threshold:
            if tier.bonus_kind == BonusKind.PERCENT_OF_BASE:
                amount = (scheme.base_amount or Decimal(0)) * tier.value / 100
            else:
                amount = tier.value
            if scheme.cap is not None:
                amount = min(amount, scheme.cap)
            return _("tier %(n)s from %(threshold)s %%: %(gap)s points more → %(amount)s") % {
                "n": number,
                "threshold": _fmt(tier.threshold, 0),
                "gap": _fmt(tier.threshold - current, 1),
                "amount": _money(amount.quantize(Decimal("0.01"))),
            }
    return _("the highest tier is reached")


def _pct(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


def effort_results(scheme: IncentiveScheme, reps: list, *, today) -> dict:
    """rep id -> (achieved %, forecast %, archived) on effort: the share of actions done on
    time, and how many of the rep's actions of the period were archived (no longer counted).

    One query. An action counts when it belongs to the scheme's plan, is assigned to the rep,
    is not cancelled and its first commitment (``original_due_date``) falls in the period;
    it is on time when done no later than that first date, so moving a date does not help.
    Achieved = on time / all actions of the period (what would be paid if it closed now);
    forecast ("at your current pace") = on time / actions due so far, applied to the period.
    """
    horizon = min(today, scheme.period_end)
    of_period = Q(
        actions__lever__plan=scheme.plan_id,
        actions__original_due_date__gte=scheme.period_start,
        actions__original_due_date__lte=scheme.period_end,
    ) & ~Q(actions__status=ActionStatus.CANCELLED)
    # An archived action is no longer paid on; the explanation says how many were.
    in_period = of_period & Q(actions__archived_at__isnull=True)
    on_time = in_period & Q(
        actions__status=ActionStatus.DONE,
        actions__completed_at__date__lte=F("actions__original_due_date"),
    )
    rows = (
        User.objects.filter(pk__in=[r.pk for r in reps])
        .annotate(
            total=Count("actions", filter=in_period),
            so_far=Count("actions", filter=in_period & Q(actions__original_due_date__lte=horizon)),
            on_time=Count("actions", filter=on_time),
            archived=Count("actions", filter=of_period & Q(actions__archived_at__isnull=False)),
        )
        .values_list("pk", "total", "so_far", "on_time", "archived")
    )
    return {
        pk: (_pct(ok, total), _pct(ok, max(so_far, ok)) if (so_far or ok) else None, archived)
        for pk, total, so_far, ok, archived in rows
    }


def scheme_results(scheme: IncentiveScheme, reps: list, *, today) -> dict:
    if scheme.basis == IncentiveBasis.INDICATOR and scheme.indicator_id:
        return indicator_results(
            scheme.indicator, reps, scheme.period_start, scheme.period_end, today=today
        )
    return effort_results(scheme, reps, today=today)


def scheme_payouts(scheme: IncentiveScheme, reps, *, today) -> list[PayoutLine]:
    """Payout lines for ``reps``: frozen rows once closed, else computed live with a forecast.

    Queries: tiers (1) + reps (1) + results (1, or the progress engine's) when open;
    frozen payouts (1) when closed.
    """
    if scheme.status == "closed":
        frozen = Payout.objects.filter(scheme=scheme, rep__in=reps).select_related("rep")
        return [
            PayoutLine(
                rep=p.rep,
                achieved=p.achieved,
                tier_number=p.tier_number,
                amount=p.amount,
                explanation=p.explanation_in(get_language()),
                paid_at=p.paid_at,
                frozen=True,
            )
            for p in frozen
        ]
    tiers = list(scheme.tiers.order_by("threshold"))
    reps = list(reps)
    results = scheme_results(scheme, reps, today=today)
    lines = []
    for rep in reps:
        achieved, forecast, *archived = results.get(rep.pk, (None, None))
        number, amount, text = payout_for(scheme, tiers, achieved)
        if archived and archived[0]:
            text += " " + ngettext(
                "(%(n)d archived action no longer counts)",
                "(%(n)d archived actions no longer count)",
                archived[0],
            ) % {"n": archived[0]}
        line = PayoutLine(
            rep=rep,
            achieved=achieved,
            tier_number=number,
            amount=amount,
            explanation=text,
            next_tier=next_tier_note(scheme, tiers, achieved),
        )
        if today < scheme.period_end:
            line.forecast_achieved = forecast
            _n, line.forecast_amount, line.forecast_explanation = payout_for(
                scheme, tiers, forecast
            )
        lines.append(line)
    return lines


def enrollments_of_session(session) -> list[Enrollment]:
    return list(
        session.enrollments.select_related("rep").order_by("rep__last_name", "rep__username")
    )


def average_feedback(training) -> dict:
    return Enrollment.objects.filter(session__training=training).aggregate(
        avg=Avg("feedback_rating"), count=Count("feedback_rating")
    )


def group_by(items, key):
    out = defaultdict(list)
    for item in items:
        out[key(item)].append(item)
    return out
