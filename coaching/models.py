"""Coaching (accompagnement commercial): training, incentives, team animation and 1:1 coaching.

Business rules live in ``services.py`` (writes) and ``selectors.py`` (reads); the models hold
the data and the small questions that a single row can answer.
"""

from datetime import UTC, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.models import Action, Lever, Plan
from teams.models import Team

USER = settings.AUTH_USER_MODEL

# A training day as HR counts it (3.5 h a half day, 7 h a day): a longer session goes on the
# next days, so that 14 hours are two days and not one sitting until 23:00.
TRAINING_DAY_HOURS = Decimal("7")


# --------------------------------------------------------------------------- training (HR)


class Topic(models.TextChoices):
    SALES_TECHNIQUE = "sales_technique", _("Sales technique")
    PRODUCT = "product", _("Product")
    CRM = "crm", _("CRM tool")
    NEGOTIATION = "negotiation", _("Negotiation")
    ONBOARDING = "onboarding", _("Onboarding")
    OTHER = "other", _("Other")


class TrainingKind(models.TextChoices):
    CLASSROOM = "classroom", _("Classroom")
    ONLINE = "online", _("Online")
    ON_THE_JOB = "on_the_job", _("On the job")


class Skill(models.Model):
    """A skill of the skills matrix (montée en compétence), levelled 0 to 4 per rep."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, default=Topic.OTHER)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name


class Training(models.Model):
    """An entry of the training catalogue (formation)."""

    title = models.CharField(_("title"), max_length=200, unique=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    skill = models.ForeignKey(
        Skill,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trainings",
        verbose_name=_("skill raised"),
        help_text=_("Completing the training raises the rep's level in this skill by one."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=TrainingKind.choices)
    provider = models.CharField(_("provider"), max_length=120, blank=True)
    duration_hours = models.DecimalField(
        _("duration (hours)"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    cost_per_seat = models.DecimalField(
        _("cost per seat (€)"),
        max_digits=9,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    mandatory = models.BooleanField(_("mandatory"), default=False)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")

    def __str__(self) -> str:
        return self.title


class TrainingSession(models.Model):
    """A dated session of a training, with its place or link, trainer and capacity."""

    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("training")
    )
    starts_at = models.DateTimeField(_("starts at"))
    # Hours, as HR counts them: 3.5 a half day, 7 a day (TRAINING_DAY_HOURS). The pages, the
    # API and the calendar feed end the session at ``ends_at``.
    duration_hours = models.DecimalField(
        _("duration (hours)"),
        max_digits=5,
        decimal_places=1,
        validators=[
            MinValueValidator(
                Decimal("0.5"), message=_("A session lasts at least half an hour (0.5).")
            ),
            MaxValueValidator(Decimal("200"), message=_("A session lasts at most 200 hours.")),
        ],
        blank=True,
        help_text=_("In hours: 3.5 for a half day, 7 for a day. Empty: the training's."),
    )
    place = models.CharField(_("place or link"), max_length=255)
    trainer = models.CharField(_("trainer"), max_length=120, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        # The "training tomorrow" reminder (sessions_starting_on) and the HR dashboard's
        # upcoming sessions read sessions by start time.
        indexes = [models.Index(fields=["starts_at"], name="training_session_start")]

    def __str__(self) -> str:
        return f"{self.training} · {self.starts_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        self._default_duration()
        super().save(*args, **kwargs)

    def _default_duration(self) -> None:
        # Left empty, a session lasts as long as its training.
        if self.duration_hours is None and self.training_id is not None:
            self.duration_hours = self.training.duration_hours

    def clean_fields(self, exclude=None):
        self._default_duration()
        super().clean_fields(exclude=exclude)

    @property
    def ends_at(self):
        """When the session ends (``None`` without a start or a duration).

        Up to a training day (7 h), its duration after its start: 3.5 h from 9:00 ends at
        12:30, 5 h from 20:00 at 1:00 the next day. Longer, it goes on over the next days from
        the same hour (local time, whatever the clock change), 7 h a day, the last day holding
        the rest: 14 h from 9:00 ends the next day at 16:00, 17.5 h from 9:00 two days later
        at 12:30.
        """
        if self.starts_at is None or self.duration_hours is None:
            return None
        days, rest = divmod(Decimal(self.duration_hours), TRAINING_DAY_HOURS)
        if days and not rest:  # 14 h: two whole days, the last one ends after its 7 h
            days, rest = days - 1, TRAINING_DAY_HOURS
        # Adding days to a local time keeps its hour on the clock; the hours are then elapsed.
        last_day = timezone.localtime(self.starts_at) + timedelta(days=int(days))
        return last_day.astimezone(UTC) + timedelta(hours=float(rest))


class EnrollmentStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ATTENDED = "attended", _("Attended")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")
    # On the waiting list of a full session: given the first seat that frees up.
    WAITING = "waiting", _("Waiting list")


# Enrolments that hold a seat of the session.
SEAT_STATUSES = (
    EnrollmentStatus.PLANNED,
    EnrollmentStatus.ATTENDED,
    EnrollmentStatus.COMPLETED,
    EnrollmentStatus.NO_SHOW,
)
# Enrolments whose training hours and cost count as spent.
DONE_STATUSES = (EnrollmentStatus.ATTENDED, EnrollmentStatus.COMPLETED)


class EnrollmentQuerySet(models.QuerySet):
    def spent(self):
        """The enrolments whose hours and cost count as spent: attended or completed."""
        return self.filter(status__in=DONE_STATUSES)

    def with_spent_totals(self):
        """Trainings, hours and cost per group of a ``values()`` (over ``spent()`` rows).

        The hours are each session's own duration (a half-day session of a one-day training
        counts 3.5); the cost is the training's seat price, the same whatever the session.
        """
        return self.annotate(
            trainings=models.Count("id"),
            hours=models.Sum("session__duration_hours"),
            cost=models.Sum("session__training__cost_per_seat"),
        )


class Enrollment(models.Model):
    """A rep's seat in a session: attendance, assessment, certificate and their feedback."""

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        related_name="enrollments",
        verbose_name=_("session"),
    )
    rep = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("rep")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EnrollmentStatus.choices,
        default=EnrollmentStatus.PLANNED,
    )
    score = models.DecimalField(
        _("assessment score (/100)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    certificate_ref = models.CharField(_("certificate reference"), max_length=80, blank=True)
    feedback_rating = models.PositiveSmallIntegerField(
        _("rating (1-5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    feedback_comment = models.TextField(_("comment"), blank=True)
    feedback_at = models.DateTimeField(_("feedback given at"), null=True, blank=True)
    enrolled_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["session__starts_at", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["session", "rep"], name="enrollment_once_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.rep} · {self.session}"


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class TrainingRequest(models.Model):
    """A manager asks HR to train one of their reps."""

    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="requests", verbose_name=_("training")
    )
    rep = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="training_requests", verbose_name=_("rep")
    )
    requested_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("training request")
        verbose_name_plural = _("training requests")

    def __str__(self) -> str:
        return f"{self.training} · {self.rep}"


class SkillLevel(models.Model):
    """A rep's current level (0-4) in a skill; its history is in SkillLevelChange."""

    rep = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="skill_levels", verbose_name=_("rep")
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.CASCADE, related_name="levels", verbose_name=_("skill")
    )
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MaxValueValidator(4)], default=0
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["skill__name"]
        verbose_name = _("skill level")
        verbose_name_plural = _("skill levels")
        constraints = [
            models.UniqueConstraint(fields=["rep", "skill"], name="skill_level_once"),
            models.CheckConstraint(condition=models.Q(level__lte=4), name="skill_level_0_4"),
        ]

    def __str__(self) -> str:
        return f"{self.rep} · {self.skill}: {self.level}"


class LevelSource(models.TextChoices):
    TRAINING = "training", _("Completed training")
    ASSESSMENT = "assessment", _("Manager's assessment")


class SkillLevelChange(models.Model):
    """One step of a rep's growth in a skill: from which level to which, why, by whom."""

    rep = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    old_level = models.PositiveSmallIntegerField(_("before"))
    new_level = models.PositiveSmallIntegerField(_("after"))
    source = models.CharField(_("source"), max_length=10, choices=LevelSource.choices)
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("skill level change")
        verbose_name_plural = _("skill level changes")
        indexes = [models.Index(fields=["rep", "created_at"], name="skill_change_rep")]

    def __str__(self) -> str:
        return f"{self.rep} · {self.skill}: {self.old_level} → {self.new_level}"


# --------------------------------------------------------------------------- 1:1 coaching


class CoachingSession(models.Model):
    """A 1:1 coaching session (entretien d'accompagnement) between a manager and a rep.

    HR sees that it took place and the actions agreed (selectors.coaching_sessions_for); its
    notes are that manager's and that rep's only (``notes_readable_by``).
    """

    # What was said in the 1:1: the pages and the API show these to its two people only.
    PRIVATE_FIELDS = ("notes", "strengths", "areas_to_improve")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    manager = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("manager")
    )
    rep = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="coaching_sessions", verbose_name=_("rep")
    )
    date = models.DateField(_("date"))
    notes = models.TextField(_("notes"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    areas_to_improve = models.TextField(_("areas to improve"), blank=True)
    # Agreed actions become plan actions assigned to the rep, linked back here.
    actions = models.ManyToManyField(
        Action, blank=True, related_name="coaching_sessions", verbose_name=_("agreed actions")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("coaching session")
        verbose_name_plural = _("coaching sessions")

    def __str__(self) -> str:
        return f"{self.rep} · {self.date}"

    def notes_readable_by(self, user) -> bool:
        """The 1:1's manager and rep read its notes; HR and everyone else do not."""
        return user.pk in (self.manager_id, self.rep_id)


# --------------------------------------------------------------------------- team animation


class Recurrence(models.TextChoices):
    NONE = "none", _("One-off")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class ChallengeMode(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    TEAMS = "teams", _("Teams of reps")


class ChallengeMetric(models.TextChoices):
    ACTIONS_DONE = "actions_done", _("Actions done")
    INDICATOR = "indicator", _("Indicator")


class Challenge(models.Model):
    """A challenge ranking a team's reps (or groups of reps) on actions done or an indicator."""

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="challenges", verbose_name=_("team")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    mode = models.CharField(
        _("mode"), max_length=10, choices=ChallengeMode.choices, default=ChallengeMode.INDIVIDUAL
    )
    metric = models.CharField(
        _("ranked on"),
        max_length=12,
        choices=ChallengeMetric.choices,
        default=ChallengeMetric.ACTIONS_DONE,
    )
    indicator = models.ForeignKey(
        "indicators.Indicator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indicator"),
        help_text=_("When the challenge ranks on an indicator: one of the team's plans."),
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    target = models.DecimalField(
        _("target value"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Optional: progress is shown against it."),
    )
    prize = models.CharField(_("prize"), max_length=200, blank=True)
    recurrence = models.CharField(
        _("recurrence"), max_length=10, choices=Recurrence.choices, default=Recurrence.NONE
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next",
        verbose_name=_("previous period"),
    )
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="challenge_ends_after_start",
            )
        ]
        # The regeneration sweep: recurring challenges by end date.
        indexes = [
            models.Index(
                fields=["end_date"],
                name="challenge_recurring_end",
                condition=~models.Q(recurrence="none"),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_over(self, today) -> bool:
        """Ended strictly before ``today`` (a challenge ending today is still running)."""
        return self.end_date < today


class ChallengeGroup(models.Model):
    """A group of reps competing together in a "teams of reps" challenge."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=120)
    members = models.ManyToManyField(USER, related_name="+", verbose_name=_("members"))

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "name"], name="challenge_group_once")
        ]

    def __str__(self) -> str:
        return self.name


class RitualKind(models.TextChoices):
    WEEKLY_MEETING = "weekly_meeting", _("Weekly sales meeting")
    MONTHLY_REVIEW = "monthly_review", _("Monthly review")
    KICK_OFF = "kick_off", _("Kick-off")
    OTHER = "other", _("Other")


class Ritual(models.Model):
    """A recurring team meeting (rituel d'équipe)."""

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="rituals", verbose_name=_("team")
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=RitualKind.choices)
    recurrence = models.CharField(
        _("recurrence"), max_length=10, choices=Recurrence.choices, default=Recurrence.WEEKLY
    )
    default_agenda = models.TextField(_("usual agenda"), blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("ritual")
        verbose_name_plural = _("rituals")
        constraints = [models.UniqueConstraint(fields=["team", "title"], name="ritual_once")]

    def __str__(self) -> str:
        return self.title


class RitualMeeting(models.Model):
    """One occurrence of a ritual: agenda, who attended, minutes and decisions."""

    ritual = models.ForeignKey(
        Ritual, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("ritual")
    )
    date = models.DateField(_("date"))
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    attendees = models.ManyToManyField(
        USER, blank=True, related_name="+", verbose_name=_("attendees")
    )

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(fields=["ritual", "date"], name="ritual_meeting_once")
        ]

    def __str__(self) -> str:
        return f"{self.ritual} · {self.date}"


class Decision(models.Model):
    """A decision taken in a meeting; one click turns it into a plan action."""

    meeting = models.ForeignKey(RitualMeeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField(_("decision"), max_length=200)
    owner = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    lever = models.ForeignKey(
        Lever,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lever"),
    )
    action = models.OneToOneField(
        Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="decision"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.text


class Kudos(models.Model):
    """Recognition from anyone to a rep, shown on the team feed and the rep's page."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="kudos")
    author = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    rep = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="kudos_received", verbose_name=_("to")
    )
    message = models.CharField(_("message"), max_length=280)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("kudos")
        verbose_name_plural = _("kudos")
        indexes = [models.Index(fields=["team", "-created_at"], name="kudos_team_feed")]

    def __str__(self) -> str:
        return f"{self.author} → {self.rep}"


# --------------------------------------------------------------------------- incentives


class IncentiveBasis(models.TextChoices):
    INDICATOR = "indicator", _("Indicator result (% of target)")
    EFFORT = "effort", _("Effort (share of actions done on time)")


class SchemeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class IncentiveScheme(models.Model):
    """A variable pay scheme (prime) on a plan; payouts are computed, never typed."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="incentive_schemes", verbose_name=_("plan")
    )
    name = models.CharField(_("name"), max_length=200)
    basis = models.CharField(_("based on"), max_length=10, choices=IncentiveBasis.choices)
    indicator = models.ForeignKey(
        "indicators.Indicator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indicator"),
        help_text=_("When the scheme pays on an indicator: one of the plan's."),
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    base_amount = models.DecimalField(
        _("base amount (€)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Needed by tiers paying a % of a base."),
    )
    cap = models.DecimalField(
        _("cap (€)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    reps = models.ManyToManyField(USER, related_name="+", verbose_name=_("reps covered"))
    status = models.CharField(
        _("status"), max_length=8, choices=SchemeStatus.choices, default=SchemeStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "name"]
        verbose_name = _("incentive scheme")
        verbose_name_plural = _("incentive schemes")
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="scheme_once_per_plan"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="scheme_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BonusKind(models.TextChoices):
    AMOUNT = "amount", _("Amount (€)")
    PERCENT_OF_BASE = "percent", _("% of the base")


class IncentiveTier(models.Model):
    """From ``threshold`` % achieved, the bonus is ``value`` (€ or % of the base)."""

    scheme = models.ForeignKey(IncentiveScheme, on_delete=models.CASCADE, related_name="tiers")
    threshold = models.DecimalField(_("from (%)"), max_digits=6, decimal_places=1)
    bonus_kind = models.CharField(
        _("bonus"), max_length=8, choices=BonusKind.choices, default=BonusKind.AMOUNT
    )
    value = models.DecimalField(_("value"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["threshold"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "threshold"], name="tier_threshold_once"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="tier_bonus_positive"),
        ]

    def __str__(self) -> str:
        return f"≥ {self.threshold} %: {self.value}"


class Payout(models.Model):
    """A frozen payout, written when the scheme's period is closed; HR marks it paid."""

    scheme = models.ForeignKey(IncentiveScheme, on_delete=models.CASCADE, related_name="payouts")
    # People leave, their history stays: users are deactivated, never deleted (issue 8).
    rep = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="payouts")
    achieved = models.DecimalField(_("achieved (%)"), max_digits=7, decimal_places=1)
    tier_number = models.PositiveSmallIntegerField(_("tier"), null=True, blank=True)
    amount = models.DecimalField(_("amount (€)"), max_digits=10, decimal_places=2)
    explanation = models.CharField(_("explanation"), max_length=255)
    # The explanation in each of the site's languages, written at close: the page and the
    # payroll export say it in their reader's language. ``explanation`` is the default's.
    explanations = models.JSONField(default=dict, blank=True, editable=False)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        ordering = ["rep__last_name", "rep__username"]
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        constraints = [models.UniqueConstraint(fields=["scheme", "rep"], name="payout_once")]

    def __str__(self) -> str:
        return f"{self.rep} · {self.scheme}: {self.amount}"

    def explanation_in(self, language: str | None) -> str:
        """The explanation in ``language``; a payout frozen before there were several, the
        one it was written in."""
        return self.explanations.get(language or "") or self.explanation


class PayoutMessage(models.Model):
    """The thread of a payout statement: the rep questions their line, the manager answers.

    Kept per (scheme, rep) rather than on ``Payout``: a rep may ask before the period is
    closed, while the line is still computed live.
    """

    scheme = models.ForeignKey(IncentiveScheme, on_delete=models.CASCADE, related_name="messages")
    # People leave, their history stays: users are deactivated, never deleted (issue 8).
    rep = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("payout message")
        verbose_name_plural = _("payout messages")
        # The statement page reads one rep's thread of one scheme, oldest first.
        indexes = [models.Index(fields=["scheme", "rep", "created_at"], name="payout_thread")]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.rep}: {self.text[:40]}"
