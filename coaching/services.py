"""Writes of the coaching app: ``<entity>_<verb>(*, ...)``, keyword-only, validated, atomic.

Each function calls ``full_clean()`` (or raises ``ValidationError`` with a translated message
keyed by field) before saving, so the pages, the API and the demo share one set of rules and
nothing is half-saved.
"""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plans.models import Action, Lever, PlanStatus
from plans.selectors import person_name
from plans.services import action_create
from teams.audit import audit_record
from teams.models import Team

from .models import (
    SEAT_STATUSES,
    BonusKind,
    Challenge,
    ChallengeGroup,
    CoachingSession,
    Decision,
    Enrollment,
    EnrollmentStatus,
    IncentiveScheme,
    IncentiveTier,
    Kudos,
    LevelSource,
    Payout,
    Recurrence,
    Ritual,
    RitualMeeting,
    SchemeStatus,
    Skill,
    SkillLevel,
    SkillLevelChange,
    Training,
    TrainingRequest,
    TrainingSession,
)
from .selectors import is_rep, reps_managed_by, scheme_payouts, team_of_rep

# --------------------------------------------------------------------------- plan actions


def levers_for_team(team: Team):
    """Levers of the team's active (or draft) plans: where agreed actions can go."""
    return (
        Lever.objects.filter(
            plan__team=team, plan__status__in=[PlanStatus.ACTIVE, PlanStatus.DRAFT]
        )
        .select_related("plan")
        .order_by("-plan__status", "plan__title", "position", "id")
    )


# --------------------------------------------------------------------------- training


def training_create(*, by, **fields) -> Training:
    training = Training(**fields)
    training.full_clean()
    training.save()
    return training


def training_update(*, training: Training, by, **fields) -> Training:
    for name, value in fields.items():
        setattr(training, name, value)
    training.full_clean()
    training.save()
    return training


def session_create(*, training: Training, by, **fields) -> TrainingSession:
    """Plan a session; without a duration it lasts as long as its training (the model's)."""
    session = TrainingSession(training=training, **fields)
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def enrollment_create(*, session: TrainingSession, rep, by, waitlist: bool = False) -> Enrollment:
    """Enrol ``rep`` in ``session``: a rep, a session still to come, a free seat, once.
    ``waitlist``: a full session puts them on its waiting list instead of refusing.

    The session row is locked so two HR clicks cannot both take the last seat.
    """
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if not is_rep(rep):
        raise ValidationError({"rep": _("Only sales reps can be enrolled in a training.")})
    if session.starts_at <= timezone.now():
        raise ValidationError(
            {"session": _("This session has already started: choose a session to come.")}
        )
    if Enrollment.objects.filter(session=session, rep=rep).exists():
        raise ValidationError({"rep": _("This rep is already enrolled in this session.")})
    taken = session.enrollments.filter(status__in=SEAT_STATUSES).count()
    status = EnrollmentStatus.PLANNED
    if taken >= session.capacity:
        if not waitlist:
            raise ValidationError(
                {
                    "session": ngettext(
                        "The session is full (%(n)s seat).",
                        "The session is full (%(n)s seats).",
                        session.capacity,
                    )
                    % {"n": session.capacity}
                }
            )
        status = EnrollmentStatus.WAITING
    enrollment = Enrollment(session=session, rep=rep, enrolled_by=by, status=status)
    enrollment.full_clean()
    enrollment.save()
    return enrollment


@transaction.atomic
def enrollments_create_many(*, session: TrainingSession, reps, by) -> list[Enrollment]:
    """Enrol several reps at once, all or nothing: the free seats go to ``reps`` in their
    order, the rest to the waiting list."""
    return [enrollment_create(session=session, rep=r, by=by, waitlist=True) for r in reps]


def waiting_list_promote(*, session: TrainingSession) -> list[Enrollment]:
    """Give the seats freed in ``session`` to its waiting list, first come first served.
    Returns the enrolments that got a seat (with their rep), for the page to name them."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    free = session.capacity - session.enrollments.filter(status__in=SEAT_STATUSES).count()
    if free <= 0:
        return []
    waiting = session.enrollments.filter(status=EnrollmentStatus.WAITING).order_by(
        "created_at", "pk"
    )
    promoted = list(waiting.select_related("rep")[:free])
    Enrollment.objects.filter(pk__in=[e.pk for e in promoted]).update(
        status=EnrollmentStatus.PLANNED
    )
    for enrollment in promoted:
        enrollment.status = EnrollmentStatus.PLANNED
    return promoted


# An enrolment HR may still cancel: a seat or a place on the waiting list of a session to come.
CANCELLABLE_STATUSES = (EnrollmentStatus.PLANNED, EnrollmentStatus.WAITING)


@transaction.atomic
def enrollment_cancel(*, enrollment: Enrollment, by) -> list[Enrollment]:
    """Cancel a rep's enrolment in a session to come; the seat it frees goes to the first
    rep of the waiting list. Returns the enrolments that got a seat (none, or that one)."""
    session = TrainingSession.objects.select_for_update().get(pk=enrollment.session_id)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if session.starts_at <= timezone.now():
        raise ValidationError(
            _("This session has already started: record its attendance instead of cancelling.")
        )
    if enrollment.status == EnrollmentStatus.CANCELLED:
        raise ValidationError(_("This enrolment is already cancelled."))
    if enrollment.status not in CANCELLABLE_STATUSES:
        raise ValidationError(
            _("This enrolment's attendance is recorded: change it on the attendance page.")
        )
    enrollment.status = EnrollmentStatus.CANCELLED
    enrollment.full_clean()
    enrollment.save(update_fields=["status"])
    return waiting_list_promote(session=session)


def _refuse_waiting_list_moves(*, session: TrainingSession, rows: list[dict]) -> None:
    """The waiting list is kept by enrolling and cancelling (``enrollment_create``,
    ``enrollment_cancel``): attendance neither puts a rep on it nor seats one beyond the
    session's capacity, so the rule of the seats has one road."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    seats = session.enrollments.filter(status__in=SEAT_STATUSES).count()
    joining = []
    for row in rows:
        enrollment = row["enrollment"]
        status = row.get("status", enrollment.status)
        if status == EnrollmentStatus.WAITING and enrollment.status != EnrollmentStatus.WAITING:
            raise ValidationError(
                _(
                    "%(rep)s: a rep goes on the waiting list by being enrolled in a full "
                    "session, not from the attendance."
                )
                % {"rep": person_name(enrollment.rep)}
            )
        was_seated = enrollment.status in SEAT_STATUSES
        if was_seated and status not in SEAT_STATUSES:
            seats -= 1
        elif status in SEAT_STATUSES and not was_seated:
            joining.append(enrollment)
    for enrollment in joining:
        seats += 1
        if seats > session.capacity:
            raise ValidationError(
                ngettext(
                    "%(rep)s: the session is full (%(n)s seat); cancel a seat first.",
                    "%(rep)s: the session is full (%(n)s seats); cancel a seat first.",
                    session.capacity,
                )
                % {"rep": person_name(enrollment.rep), "n": session.capacity}
            )


@transaction.atomic
def attendance_record(*, session: TrainingSession, rows: list[dict], by) -> int:
    """Record attendance for a whole session at once.

    ``rows``: ``{"enrollment": Enrollment, "status": ..., "score": ..., "certificate_ref": ...}``.
    A rep whose enrolment becomes completed gains one level in the training's skill (once).
    Returns the number of enrolments changed. All or nothing.
    """
    _refuse_waiting_list_moves(session=session, rows=rows)
    changed = 0
    skill = session.training.skill
    for row in rows:
        enrollment = row["enrollment"]
        if enrollment.session_id != session.pk:
            raise ValidationError(_("This enrolment belongs to another session."))
        before = enrollment.status
        fields = ("status", "score", "certificate_ref")
        if all(getattr(enrollment, f) == row.get(f, getattr(enrollment, f)) for f in fields):
            continue
        for f in fields:
            if f in row:
                setattr(enrollment, f, row[f])
        enrollment.full_clean()
        enrollment.save(update_fields=list(fields))
        changed += 1
        if (
            skill is not None
            and enrollment.status == EnrollmentStatus.COMPLETED
            and before != EnrollmentStatus.COMPLETED
            and not SkillLevelChange.objects.filter(enrollment=enrollment).exists()
        ):
            current = SkillLevel.objects.filter(rep=enrollment.rep, skill=skill).first()
            level = current.level if current else 0
            if level < 4:
                skill_level_set(
                    rep=enrollment.rep,
                    skill=skill,
                    level=level + 1,
                    source=LevelSource.TRAINING,
                    by=by,
                    enrollment=enrollment,
                    note=str(session.training),
                )
    if changed:  # a cancelled seat goes to the waiting list
        waiting_list_promote(session=session)
    return changed


@transaction.atomic
def enrollment_feedback(
    *, enrollment: Enrollment, by, rating: int, comment: str = ""
) -> Enrollment:
    """The enrolled rep rates the session (1-5) once it has taken place and they attended."""
    if enrollment.rep_id != by.pk:
        raise ValidationError(
            {"feedback_rating": _("Only the rep enrolled in this session can give feedback.")}
        )
    if enrollment.session.starts_at > timezone.now():
        raise ValidationError(
            {"feedback_rating": _("Feedback can be given once the session has taken place.")}
        )
    if enrollment.status in (EnrollmentStatus.CANCELLED, EnrollmentStatus.NO_SHOW):
        raise ValidationError(
            {"feedback_rating": _("Only reps who attended the session can give feedback.")}
        )
    enrollment.feedback_rating = rating
    enrollment.feedback_comment = comment
    enrollment.feedback_at = timezone.now()
    enrollment.full_clean()
    enrollment.save(update_fields=["feedback_rating", "feedback_comment", "feedback_at"])
    return enrollment


def training_request_create(*, training: Training, rep, by, reason: str = "") -> TrainingRequest:
    """A manager asks HR to train one of the reps of a team they manage."""
    if not reps_managed_by(by).filter(pk=rep.pk).exists():
        raise ValidationError({"rep": _("You can request trainings only for reps of your team.")})
    request = TrainingRequest(training=training, rep=rep, requested_by=by, reason=reason)
    request.full_clean()
    request.save()
    return request


def training_request_decide(*, request: TrainingRequest, status: str, by) -> TrainingRequest:
    request.status = status
    request.full_clean()
    request.save(update_fields=["status"])
    return request


@transaction.atomic
def skill_level_set(
    *,
    rep,
    skill: Skill,
    level: int,
    source: str,
    by,
    enrollment: Enrollment | None = None,
    note: str = "",
) -> SkillLevel:
    """Set a rep's level (0-4) in a skill and write the step into its history."""
    if not 0 <= int(level) <= 4:
        raise ValidationError({"level": _("A level goes from 0 to 4.")})
    current, _created = SkillLevel.objects.select_for_update().get_or_create(
        rep=rep, skill=skill, defaults={"level": 0}
    )
    old = 0 if _created else current.level
    current.level = int(level)
    current.full_clean()
    current.save()
    if old != current.level or _created:
        SkillLevelChange.objects.create(
            rep=rep,
            skill=skill,
            old_level=old,
            new_level=current.level,
            source=source,
            enrollment=enrollment,
            changed_by=by,
            note=note,
        )
    return current


# --------------------------------------------------------------------------- 1:1 coaching


@transaction.atomic
def coaching_session_create(*, manager, rep, date, by=None, **fields) -> CoachingSession:
    if not reps_managed_by(manager).filter(pk=rep.pk).exists():
        raise ValidationError({"rep": _("You can coach only the reps of your team.")})
    team = Team.objects.filter(members=rep, manager=manager).first() or team_of_rep(rep)
    session = CoachingSession(team=team, manager=manager, rep=rep, date=date, **fields)
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def coaching_action_add(
    *, session: CoachingSession, lever: Lever, title: str, due_date, by
) -> Action:
    """An agreed action of a 1:1 becomes a plan action assigned to the rep, linked back."""
    if lever.plan.team_id != session.team_id:
        raise ValidationError({"lever": _("Choose a lever of the rep's team plan.")})
    action = action_create(
        lever=lever,
        title=title,
        assignee=session.rep,
        due_date=due_date,
        by=by,
        details=_("Agreed in the 1:1 coaching session of %(date)s.") % {"date": session.date},
    )
    session.actions.add(action)
    return action


# --------------------------------------------------------------------------- team animation


def _check_challenge(challenge: Challenge) -> None:
    errors = {}
    if challenge.start_date and challenge.end_date and challenge.end_date < challenge.start_date:
        errors["end_date"] = _("A challenge cannot end before it starts.")
    if challenge.metric == "indicator" and not challenge.indicator_id:
        errors["indicator"] = _("Choose the indicator the challenge ranks on.")
    if challenge.indicator_id and challenge.indicator.plan.team_id != challenge.team_id:
        errors["indicator"] = _("Choose an indicator of the team's plans.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def challenge_create(*, team: Team, by, groups: list[dict] | None = None, **fields) -> Challenge:
    """Create a challenge; ``groups`` (teams of reps): ``[{"name": ..., "members": [...]}]``."""
    challenge = Challenge(team=team, created_by=by, **fields)
    _check_challenge(challenge)
    challenge.full_clean()
    challenge.save()
    member_ids = set(team.members.values_list("pk", flat=True))
    if challenge.mode == "teams" and len(groups or []) < 2:
        raise ValidationError({"mode": _("A challenge between teams of reps needs two groups.")})
    seen = set()
    for group in groups or []:
        if any(m.pk not in member_ids for m in group["members"]):
            raise ValidationError({"groups": _("Groups may only contain reps of the team.")})
        if seen & {m.pk for m in group["members"]}:
            raise ValidationError({"groups": _("A rep can be in one group only.")})
        seen |= {m.pk for m in group["members"]}
        g = ChallengeGroup.objects.create(challenge=challenge, name=group["name"])
        g.members.set(group["members"])
    return challenge


def _next_period(start: datetime.date, end: datetime.date, recurrence: str):
    if recurrence == Recurrence.WEEKLY:
        length = (end - start).days + 1
        step = max(7, -(-length // 7) * 7)
        return start + datetime.timedelta(days=step), end + datetime.timedelta(days=step)
    # Monthly: the same days in the next month (clamped to the month's length).
    year, month = (start.year + (start.month // 12), start.month % 12 + 1)
    new_start = start.replace(
        year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1])
    )
    if start.day == 1 and end == start.replace(day=calendar.monthrange(start.year, start.month)[1]):
        # A calendar month stays a calendar month.
        return new_start, new_start.replace(day=calendar.monthrange(year, month)[1])
    return new_start, end + (new_start - start)


@transaction.atomic
def challenges_regenerate(*, today: datetime.date) -> list[Challenge]:
    """Give each recurring challenge that is over its next period, once, up to ``today``.

    Safe to run twice and in parallel: a challenge has at most one successor (one-to-one
    ``previous``), and the rows are locked while the successor is created.
    """
    created = []
    due = list(
        # of=self: PostgreSQL cannot lock the nullable side of the outer join on ``next``.
        Challenge.objects.select_for_update(of=("self",))
        .filter(end_date__lt=today, next__isnull=True)
        .exclude(recurrence=Recurrence.NONE)
        .order_by("end_date")[:200]
    )
    for challenge in due:
        current = challenge
        while current.end_date < today:
            if Challenge.objects.filter(previous=current).exists():
                break  # a parallel run got there first (checked again under the lock)
            start, end = _next_period(current.start_date, current.end_date, current.recurrence)
            nxt = Challenge.objects.create(
                team_id=current.team_id,
                title=current.title,
                description=current.description,
                mode=current.mode,
                metric=current.metric,
                indicator=current.indicator,
                start_date=start,
                end_date=end,
                target=current.target,
                prize=current.prize,
                recurrence=current.recurrence,
                previous=current,
                created_by=current.created_by,
            )
            for group in current.groups.prefetch_related("members"):
                g = ChallengeGroup.objects.create(challenge=nxt, name=group.name)
                g.members.set(group.members.all())
            created.append(nxt)
            current = nxt
    return created


def ritual_create(*, team: Team, by, **fields) -> Ritual:
    ritual = Ritual(team=team, **fields)
    ritual.full_clean()
    ritual.save()
    return ritual


@transaction.atomic
def meeting_save(
    *, ritual: Ritual, by, meeting: RitualMeeting | None = None, attendees=None, **fields
) -> RitualMeeting:
    """Create or update a meeting; attendees must be people of the ritual's team."""
    meeting = meeting or RitualMeeting(ritual=ritual, agenda=ritual.default_agenda)
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.full_clean()
    meeting.save()
    if attendees is not None:
        team = ritual.team
        allowed = set(team.members.values_list("pk", flat=True)) | {team.manager_id}
        if any(a.pk not in allowed for a in attendees):
            raise ValidationError({"attendees": _("Attendees must belong to the team.")})
        meeting.attendees.set(attendees)
    return meeting


def decision_add(*, meeting: RitualMeeting, by, **fields) -> Decision:
    decision = Decision(meeting=meeting, **fields)
    decision.full_clean()
    team = meeting.ritual.team
    if decision.lever_id and decision.lever.plan.team_id != team.pk:
        raise ValidationError({"lever": _("Choose a lever of the team's plan.")})
    if decision.owner_id and not team.members.filter(pk=decision.owner_id).exists():
        raise ValidationError({"owner": _("The owner must be a rep of the team.")})
    decision.save()
    return decision


@transaction.atomic
def decision_to_action(*, decision: Decision, by, today: datetime.date | None = None) -> Action:
    """One click: the decision becomes a plan action (who = owner, when = due date)."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.action_id:
        raise ValidationError(_("This decision is already a plan action."))
    if not decision.owner_id:
        raise ValidationError({"owner": _("Say who carries the decision out first.")})
    team = decision.meeting.ritual.team
    lever = decision.lever or levers_for_team(team).first()
    if lever is None:
        raise ValidationError({"lever": _("The team has no plan lever to put the action in.")})
    today = today or timezone.localdate()
    due = decision.due_date or today + datetime.timedelta(days=7)
    action = action_create(
        lever=lever,
        title=decision.text,
        assignee=decision.owner,
        due_date=due,
        by=by,
        details=_("Decided in the meeting “%(meeting)s”.") % {"meeting": decision.meeting},
    )
    decision.action = action
    decision.save(update_fields=["action"])
    return action


def kudos_give(*, author, rep, message: str) -> Kudos:
    team = team_of_rep(rep)
    if team is None or not is_rep(rep):
        raise ValidationError({"rep": _("Kudos go to a rep of a team.")})
    if rep.pk == author.pk:
        raise ValidationError({"rep": _("Kudos go to someone else.")})
    kudos = Kudos(team=team, author=author, rep=rep, message=message)
    kudos.full_clean()
    kudos.save()
    return kudos


# --------------------------------------------------------------------------- incentives


def validate_tiers(tiers: list[dict], *, base_amount: Decimal | None) -> None:
    """Tiers must be given in increasing order of threshold, without overlap, bonus >= 0.

    ``tiers``: ``[{"threshold": Decimal, "bonus_kind": ..., "value": Decimal}, ...]`` in the
    order the user entered them. Raises one ``ValidationError`` keyed ``tiers``.
    """
    errors = []
    if not tiers:
        errors.append(_("Give at least one tier."))
    previous = None
    for number, tier in enumerate(tiers, start=1):
        threshold, value = tier.get("threshold"), tier.get("value")
        if threshold is None or value is None:
            errors.append(_("Tier %(n)s needs a threshold and a bonus.") % {"n": number})
            continue
        if value < 0:
            errors.append(_("Tier %(n)s: a bonus cannot be negative.") % {"n": number})
        if threshold < 0:
            errors.append(_("Tier %(n)s: a threshold cannot be negative.") % {"n": number})
        if previous is not None:
            if threshold == previous["threshold"]:
                errors.append(
                    _("Tier %(n)s overlaps tier %(p)s: both start at %(t)s %%.")
                    % {"n": number, "p": number - 1, "t": threshold}
                )
            elif threshold < previous["threshold"]:
                errors.append(
                    _("Tiers must go up: tier %(n)s (%(t)s %%) starts below tier %(p)s.")
                    % {"n": number, "t": threshold, "p": number - 1}
                )
            elif value < previous["value"] and tier.get("bonus_kind") == previous.get("bonus_kind"):
                errors.append(
                    _("Tier %(n)s pays less than tier %(p)s: a higher tier must pay more.")
                    % {"n": number, "p": number - 1}
                )
        if tier.get("bonus_kind") == BonusKind.PERCENT_OF_BASE and not base_amount:
            errors.append(
                _("Tier %(n)s pays a %% of the base: give the base amount.") % {"n": number}
            )
        previous = tier
    if errors:
        raise ValidationError({"tiers": errors})


def _check_scheme(scheme: IncentiveScheme) -> None:
    errors = {}
    if scheme.period_start and scheme.period_end and scheme.period_end < scheme.period_start:
        errors["period_end"] = _("The period cannot end before it starts.")
    if scheme.basis == "indicator" and not scheme.indicator_id:
        errors["indicator"] = _("Choose the indicator the scheme is based on.")
    if scheme.indicator_id and scheme.indicator.plan_id != scheme.plan_id:
        errors["indicator"] = _("Choose an indicator of the scheme's plan.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def scheme_create(*, plan, reps, tiers: list[dict], by, **fields) -> IncentiveScheme:
    scheme = IncentiveScheme(plan=plan, **fields)
    _check_scheme(scheme)
    scheme.full_clean()
    validate_tiers(tiers, base_amount=scheme.base_amount)
    member_ids = set(plan.team.members.values_list("pk", flat=True))
    if not reps:
        raise ValidationError({"reps": _("Choose the reps the scheme covers.")})
    if any(r.pk not in member_ids for r in reps):
        raise ValidationError({"reps": _("A scheme covers reps of the plan's team only.")})
    scheme.save()
    scheme.reps.set(reps)
    for tier in tiers:
        IncentiveTier.objects.create(
            scheme=scheme,
            threshold=tier["threshold"],
            bonus_kind=tier.get("bonus_kind") or BonusKind.AMOUNT,
            value=tier["value"],
        )
    return scheme


@transaction.atomic
def scheme_close(*, scheme: IncentiveScheme, by, today: datetime.date) -> list[Payout]:
    """Close the period: compute each rep's payout one last time and freeze it."""
    scheme = IncentiveScheme.objects.select_for_update().get(pk=scheme.pk)
    if scheme.status == SchemeStatus.CLOSED:
        raise ValidationError(_("This scheme's period is already closed."))
    reps = list(scheme.reps.all())
    texts = {}  # rep id -> {language: explanation}
    for language in dict(settings.LANGUAGES):
        with translation.override(language):
            lines = scheme_payouts(scheme, reps, today=max(today, scheme.period_end))
        for line in lines:
            texts.setdefault(line.rep.pk, {})[language] = line.explanation[:255]
    payouts = [
        Payout(
            scheme=scheme,
            rep=line.rep,
            achieved=line.achieved if line.achieved is not None else Decimal(0),
            tier_number=line.tier_number,
            amount=line.amount,
            explanation=texts[line.rep.pk][settings.LANGUAGE_CODE],
            explanations=texts[line.rep.pk],
        )
        for line in lines
    ]
    Payout.objects.bulk_create(payouts)
    scheme.status = SchemeStatus.CLOSED
    scheme.closed_at = timezone.now()
    scheme.save(update_fields=["status", "closed_at"])
    audit_record(
        by=by,
        action="period_closed",
        obj=scheme,
        before={"status": "open"},
        after={"status": "closed", "payouts": {p.rep_id: p.amount for p in payouts}},
        team=scheme.plan.team_id,
    )
    return payouts


@transaction.atomic
def payouts_mark_paid(*, scheme: IncentiveScheme, by, rep_ids=None) -> int:
    """HR marks the frozen payouts paid (all, or those of ``rep_ids``); returns how many."""
    if scheme.status != SchemeStatus.CLOSED:
        raise ValidationError(_("Close the period before marking payouts paid."))
    qs = Payout.objects.filter(scheme=scheme, paid_at__isnull=True)
    if rep_ids is not None:
        qs = qs.filter(rep_id__in=rep_ids)
    paid = dict(qs.values_list("rep_id", "amount"))
    count = qs.update(paid_at=timezone.now())
    audit_record(
        by=by,
        action="payouts_paid",
        obj=scheme,
        before={"unpaid": paid},
        after={"paid": paid},
        team=scheme.plan.team_id,
    )
    return count
