"""Reminder records, per-user delivery preferences and per-team reminder settings.

The database, not the broker, is the source of truth: a ``Reminder`` row is created once per
(recipient, item, stage, item date at the time) thanks to a unique constraint, and its
``state`` says whether it still has to be emailed. The in-app notification list reads the
same rows, so it shows the same items whether or not email is on.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans import reminder_stamps as stamps


class Stage(models.TextChoices):
    """What triggered a reminder; the digest groups items by stage, in this order."""

    CRM_STOPPED = "crm_stopped", _("CRM connection stopped")
    ESCALATED = stamps.Stage.ESCALATED, _("Escalated to you")
    MILESTONE_SLIPPED = stamps.Stage.MILESTONE_SLIPPED, _("Slipped milestones")
    OVERDUE = stamps.Stage.OVERDUE, _("Overdue actions")
    UPCOMING = stamps.Stage.UPCOMING, _("Actions due soon")
    AT_RISK = "at_risk", _("Targets at risk")
    TRAINING_TOMORROW = "training_tomorrow", _("Training tomorrow")


STAGE_ORDER = {stage.value: position for position, stage in enumerate(Stage)}

# Emailed whatever the person's digest mode and the day of the week: each needs the
# manager's hand now. A stopped CRM connection is one, although no action slipped: until new
# credentials are given no figure comes in, and a manager who reads only escalations by email
# (or not at weekends) would otherwise learn it from a rep's empty dashboard days later.
URGENT_STAGES = (Stage.CRM_STOPPED, Stage.ESCALATED)


class ItemType(models.TextChoices):
    ACTION = "action", _("action")
    MILESTONE = "milestone", _("milestone")
    TARGET = "target", _("target")
    SESSION = "session", _("training session")
    CONNECTION = "connection", _("CRM connection")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting to be emailed")
    SENDING = "sending", _("Being emailed")
    SENT = "sent", _("Emailed")
    MUTED = "muted", _("In the app only")
    CANCELLED = "cancelled", _("Cancelled")


# Rows the email side still owes to someone (a lapsed "sending" lease is owed again).
UNDELIVERED = (DeliveryState.PENDING, DeliveryState.SENDING)


class Reminder(models.Model):
    """One item brought to one person's attention at one stage, emailed at most once."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("recipient"),
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    item_type = models.CharField(_("item type"), max_length=12, choices=ItemType.choices)
    item_id = models.PositiveBigIntegerField(_("item"))
    # The item's date when the reminder was made: moving a due date makes a new key, so the
    # reminder is "re-armed" for the new date instead of being swallowed by the old one.
    due_date = models.DateField(_("date"))
    # A copy, so the list still reads well if the item is deleted later.
    title = models.CharField(_("title"), max_length=200)
    # The database defaults serve the sweep's inserts (NewReminder), which leave them out.
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=DeliveryState.choices,
        default=DeliveryState.PENDING,
        db_default=DeliveryState.PENDING,
    )
    # A worker owns a "sending" row until this time; after it the row is claimed again.
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    claim_token = models.UUIDField(_("claim"), null=True, blank=True, editable=False)
    attempts = models.PositiveIntegerField(_("attempts"), default=0, db_default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=False)
    sent_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            # Two sweeps at once, or beat firing twice, create one row (reminders.sweep
            # inserts with ignore_conflicts and relies on it).
            models.UniqueConstraint(
                fields=["recipient", "item_type", "item_id", "stage", "due_date"],
                name="reminder_once",
            ),
        ]
        indexes = [
            # The sweep's delivery and clean-up passes (reminders.sweep): the rows still owed
            # by email, read by state (few pending, sending or muted rows among the sent).
            models.Index(fields=["state", "created_at"], name="reminder_state"),
            # Completing or moving an action cancels its rows (reminders.signals); the sweep
            # reads a batch's existing keys.
            models.Index(fields=["item_type", "item_id"], name="reminder_item"),
            # The bell: a person's unread notifications.
            models.Index(fields=["recipient", "read_at"], name="reminder_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.title}"


class NewReminder(models.Model):
    """A ``Reminder`` as the sweep records it: its key, title and time, nothing else.

    The same table (unmanaged: ``Reminder`` owns the schema); the columns left out take the
    table's defaults: pending, no attempt yet, nothing leased, emailed or read. A busy first
    sweep inserts ~20,000 rows, and Django prepares each value it sends one by one: 7 columns
    instead of 13 cost about half (bench/README.md, "reminders first").
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    stage = models.CharField(max_length=20, choices=Stage.choices)
    item_type = models.CharField(max_length=12, choices=ItemType.choices)
    item_id = models.PositiveBigIntegerField()
    due_date = models.DateField()
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = Reminder._meta.db_table

    def __str__(self) -> str:
        return self.title


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("As it happens")
    DAILY = "daily", _("Once a day, at the hour I choose")
    ESCALATIONS = "escalations", _("Only escalations")


def default_language() -> str:
    return settings.LANGUAGE_CODE


class ReminderPreference(models.Model):
    """How and in which language a person gets their digests. No row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminder_preference",
        verbose_name=_("user"),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=default_language
    )
    email_mode = models.CharField(
        _("email digest"), max_length=12, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )
    daily_hour = models.PositiveSmallIntegerField(
        _("hour of the daily digest"),
        default=8,
        validators=[MinValueValidator(0), MaxValueValidator(23)],
        help_text=_("Used by the daily digest (0 to 23, local time)."),
    )
    weekend_quiet = models.BooleanField(
        _("no email on Saturday and Sunday"),
        default=True,
        help_text=_("Escalations are sent anyway."),
    )
    # The day the last daily digest went out: "once a day" means once per local date.
    last_daily_digest_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self) -> str:
        return str(self.user)


class TeamReminderSettings(models.Model):
    """A team's reminder thresholds; a team without a row uses the defaults."""

    team = models.OneToOneField(
        "teams.Team",
        on_delete=models.CASCADE,
        related_name="reminder_settings",
        verbose_name=_("team"),
    )
    upcoming_days = models.PositiveSmallIntegerField(
        _("remind this many days before the due date"),
        default=stamps.DEFAULT_UPCOMING_DAYS,
        validators=[MaxValueValidator(30)],
    )
    escalation_days = models.PositiveSmallIntegerField(
        _("escalate to the manager this many days after the due date"),
        default=stamps.DEFAULT_ESCALATION_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("team reminder settings")
        verbose_name_plural = _("team reminder settings")

    def __str__(self) -> str:
        return str(self.team)
