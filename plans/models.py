import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from teams.archive import AllRowsManager, Archivable, LiveManager, archived_index, live
from teams.models import Team


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")
    ARCHIVED = "archived", _("Archived")


class PlanQuerySet(models.QuerySet):
    def with_progress(self, today):
        """Annotate ``actions_total`` (not cancelled), ``actions_done`` and ``actions_overdue``.

        One SQL query for any number of plans: the plan list reads these, never a count per row.
        """
        # Archived actions (and those of archived levers, archived with them) do not count.
        kept = live("levers__actions__")
        not_cancelled = kept & ~Q(levers__actions__status=ActionStatus.CANCELLED)
        return self.annotate(
            actions_total=Count("levers__actions", filter=not_cancelled),
            actions_done=Count(
                "levers__actions", filter=kept & Q(levers__actions__status=ActionStatus.DONE)
            ),
            actions_overdue=Count(
                "levers__actions", filter=kept & overdue_q(today, "levers__actions__")
            ),
        )


class Plan(models.Model):
    """A team's commercial action plan (PAC) for a period, with the strategy of pillar 1."""

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="plans", verbose_name=_("team")
    )
    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    # Pillar 1, "le plan commercial": the strategy the actions serve.
    value_proposition = models.TextField(
        _("value proposition"),
        blank=True,
        help_text=_("The plan's overall objective, as the leadership states it."),
    )
    target_customers = models.TextField(_("target customers"), blank=True)
    customer_relationship = models.TextField(_("customer relationship"), blank=True)
    offer_and_services = models.TextField(_("offer and services"), blank=True)
    market_share = models.TextField(_("market share aimed at"), blank=True)
    new_customers_and_markets = models.TextField(
        _("new customers and markets aimed at"), blank=True
    )
    partners = models.TextField(_("partners"), blank=True)
    resources = models.TextField(_("resources"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        indexes = [models.Index(fields=["team", "status"], name="plan_team_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="plan_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:plan-detail", args=[self.pk])

    STRATEGY_FIELDS = (
        "value_proposition",
        "target_customers",
        "customer_relationship",
        "offer_and_services",
        "market_share",
        "new_customers_and_markets",
        "partners",
        "resources",
    )

    def strategy_items(self) -> list[tuple[str, str]]:
        """The strategy (pillar 1) as (label, text) pairs, empty ones left out."""
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in self.STRATEGY_FIELDS
            if getattr(self, name)
        ]

    def covers(self, day) -> bool:
        """Whether ``day`` falls inside the plan's period (both ends included)."""
        return self.start_date <= day <= self.end_date

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("The plan cannot end before it starts.")}, code="plan_dates"
            )

    @property
    def keeps_deleted_rows(self) -> bool:
        """Once it has been active, a plan archives what is deleted from it (restorable,
        teams/archive.py); a draft really deletes it."""
        return self.status != PlanStatus.DRAFT

    @property
    def is_editable(self) -> bool:
        """Closed and archived plans are kept as a record: nothing in them changes."""
        return self.status in (PlanStatus.DRAFT, PlanStatus.ACTIVE)

    def outside_period_error(self):
        return _("Must fall within the plan's period, from %(start)s to %(end)s.") % {
            "start": date_format(self.start_date, "SHORT_DATE_FORMAT"),
            "end": date_format(self.end_date, "SHORT_DATE_FORMAT"),
        }

    def assignable_users_q(self) -> Q:
        """Who may carry an action of this plan: the team's members and its manager."""
        return Q(teams=self.team_id) | Q(managed_teams=self.team_id)

    def percent_done(self) -> int:
        """Share of live actions done, from the ``with_progress`` annotation."""
        total = getattr(self, "actions_total", 0)
        return round(100 * self.actions_done / total) if total else 0


class LeverAim(models.TextChoices):
    PROSPECT = "prospect", _("Identify and convert prospects")
    WIN_BACK = "win_back", _("Win back former customers")
    RETAIN = "retain", _("Retain customers")
    DEVELOP = "develop", _("Develop existing customers")
    OTHER = "other", _("Other")


class LeverQuerySet(models.QuerySet):
    def with_progress(self, today):
        """Annotate ``actions_total`` (not cancelled), ``actions_done``, ``actions_overdue``."""
        kept = live("actions__")
        return self.annotate(
            actions_total=Count(
                "actions", filter=kept & ~Q(actions__status=ActionStatus.CANCELLED)
            ),
            actions_done=Count("actions", filter=kept & Q(actions__status=ActionStatus.DONE)),
            actions_overdue=Count("actions", filter=kept & overdue_q(today, "actions__")),
        )


class Lever(Archivable):
    """A lever of action (levier) of a plan; its actions say who does what, when."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="levers", verbose_name=_("plan")
    )
    name = models.CharField(_("name"), max_length=200)
    aim = models.CharField(_("aim"), max_length=10, choices=LeverAim.choices)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("order"), default=0)

    objects = LiveManager.from_queryset(LeverQuerySet)()
    all_objects = AllRowsManager.from_queryset(LeverQuerySet)()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("lever")
        verbose_name_plural = _("levers")
        indexes = [archived_index("lever_archived")]

    def __str__(self) -> str:
        return self.name

    def percent_done(self) -> int:
        """Share of live actions done, from the ``with_progress`` annotation."""
        total = getattr(self, "actions_total", 0)
        return round(100 * self.actions_done / total) if total else 0


class MilestoneStatus(models.TextChoices):
    DONE = "done", _("Done")
    ON_TRACK = "on_track", _("On track")
    SLIPPED = "slipped", _("Slipped")


class MilestoneQuerySet(models.QuerySet):
    def slipped(self, today):
        """The one definition of a slipped milestone, for every page, reason and reminder:
        its date is strictly before ``today`` (on the day itself it is still on track) and
        one of its live actions is still open. A milestone with no action, or whose actions
        are all done or cancelled, has not slipped: nothing is left to chase. Whether its
        plan is active is the caller's filter (the home page and the sweep want active
        plans only)."""
        still_open = Action.objects.filter(milestone=OuterRef("pk"), status__in=OPEN_STATUSES)
        return self.filter(date__lt=today).filter(Exists(still_open))

    def with_action_counts(self):
        """Annotate ``open_actions`` and ``done_actions`` so ``status()`` needs no query."""
        kept = live("actions__")
        return self.annotate(
            open_actions=Count("actions", filter=kept & Q(actions__status__in=OPEN_STATUSES)),
            done_actions=Count("actions", filter=kept & Q(actions__status=ActionStatus.DONE)),
        )


class Milestone(Archivable):
    """A dated milestone (jalon) of a plan; its status is derived from its actions."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("plan")
    )
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    description = models.TextField(_("description"), blank=True)

    # Archiving a milestone unlinks its actions (they stay, under their levers); these are
    # linked back when it is restored.
    detached_action_ids = models.JSONField(default=list, blank=True, editable=False)
    # When the reminder sweep next looks at this milestone, and for which stage (stamped by
    # plans.reminder_stamps from the services that change what is due; empty: nothing is).
    next_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)
    next_reminder_stage = models.CharField(max_length=20, blank=True, default="", editable=False)

    objects = LiveManager.from_queryset(MilestoneQuerySet)()
    all_objects = AllRowsManager.from_queryset(MilestoneQuerySet)()

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [
            models.Index(fields=["date"], name="milestone_date"),
            # The reminder sweep (reminders.sweep): the milestones due a reminder, oldest first.
            models.Index(
                fields=["next_reminder_at", "id"],
                name="milestone_reminder_due",
                condition=models.Q(next_reminder_at__isnull=False),
            ),
            archived_index("milestone_archived"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        plan = self.plan if self.plan_id else None
        if plan and self.date and not plan.covers(self.date):
            raise ValidationError({"date": plan.outside_period_error()}, code="outside_plan")

    def status(self, today) -> MilestoneStatus:
        """Where the milestone stands on ``today``.

        - ``DONE``: at least one of its actions is done and none is still open (cancelled
          actions neither block nor count);
        - ``SLIPPED``: what ``MilestoneQuerySet.slipped`` selects, its date strictly before
          ``today`` with an action still open: on the day itself the milestone is still on
          track, it slips the day after;
        - ``ON_TRACK``: otherwise (a milestone with no open action has nothing left to slip).

        Reads the ``open_actions`` / ``done_actions`` counts annotated by
        ``Milestone.objects.with_action_counts()``; without them it counts (one query).
        """
        if hasattr(self, "open_actions"):
            open_count, done_count = self.open_actions, self.done_actions
        else:
            open_count = self.actions.filter(status__in=OPEN_STATUSES).count()
            done_count = self.actions.filter(status=ActionStatus.DONE).count()
        if done_count and not open_count:
            return MilestoneStatus.DONE
        # The counted form of ``slipped(today)`` (tests/plans/test_slipped.py holds them equal).
        if open_count and self.date < today:
            return MilestoneStatus.SLIPPED
        return MilestoneStatus.ON_TRACK


class ActionStatus(models.TextChoices):
    TODO = "todo", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (ActionStatus.TODO, ActionStatus.IN_PROGRESS)


def overdue_q(today, prefix: str = "") -> Q:
    """The one definition of an overdue action: open, and due strictly before ``today`` (an
    action due today is not late yet). ``prefix`` reaches actions through a relation
    (``"actions__"`` from a lever); ``Action.is_overdue`` applies it to a loaded row."""
    return Q(**{f"{prefix}status__in": OPEN_STATUSES, f"{prefix}due_date__lt": today})


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")


class ActionQuerySet(models.QuerySet):
    def overdue(self, today):
        """Open and due strictly before ``today`` (``overdue_q``)."""
        return self.filter(overdue_q(today))

    def for_display(self):
        """Everything a row shows (plan, lever, assignee, milestone) in the same query."""
        return self.select_related("lever__plan__team", "assignee", "milestone")


class Action(Archivable):
    """A "who / what / when" action of a lever: one assignee, one due date."""

    lever = models.ForeignKey(
        Lever, on_delete=models.CASCADE, related_name="actions", verbose_name=_("lever")
    )
    title = models.CharField(_("what"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("who"),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"))
    # The first commitment: slippage is measured against it, however often the date moves.
    original_due_date = models.DateField(_("original due date"), editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.TODO
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("milestone"),
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completed by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Who saved last: named when a later save is refused as a conflict (services.action_update).
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("updated by"),
    )
    # When the reminder sweep next looks at this action, and for which stage (stamped by
    # plans.reminder_stamps from the services that change what is due; empty: nothing is).
    next_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)
    next_reminder_stage = models.CharField(max_length=20, blank=True, default="", editable=False)

    objects = LiveManager.from_queryset(ActionQuerySet)()
    all_objects = AllRowsManager.from_queryset(ActionQuerySet)()

    class Meta:
        ordering = ["due_date", "-priority", "id"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        indexes = [
            # Overdue lists and counts: open actions by due date.
            models.Index(
                fields=["due_date"],
                name="action_open_due",
                condition=models.Q(status__in=["todo", "in_progress"]),
            ),
            # "My actions": a rep's actions by status and date.
            models.Index(fields=["assignee", "status", "due_date"], name="action_assignee"),
            # The plan page (plans/selectors.py, _first_pages): each lever's first actions of
            # a status in due-date order, read with a LIMIT on this index. The assignee and the
            # archive mark make it cover the levers' progress counts and the "My actions"
            # filter's people (plans/filters.py: who has actions in the team's plans), read
            # from the index alone instead of every action row.
            models.Index(
                fields=["lever", "status", "due_date", "assignee", "archived_at"],
                name="action_lever_status_due",
            ),
            # The reminder sweep (reminders.sweep): the actions due a reminder, oldest first.
            models.Index(
                fields=["next_reminder_at", "id"],
                name="action_reminder_due",
                condition=models.Q(next_reminder_at__isnull=False),
            ),
            archived_index("action_archived"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(due_date__gte=models.F("start_date")),
                name="action_due_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if self.original_due_date is None:
            self.original_due_date = self.due_date
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("plans:action-detail", args=[self.pk])

    def clean(self):
        """The rules of a who / what / when, each reported on its own field."""
        errors = {}
        if self.start_date and self.due_date and self.due_date < self.start_date:
            errors["due_date"] = _("The due date cannot be before the start date.")
        plan = self.lever.plan if self.lever_id else None
        if plan is not None:
            for name in ("start_date", "due_date"):
                day = getattr(self, name)
                if day and not plan.covers(day) and name not in errors:
                    errors[name] = plan.outside_period_error()
            if (
                self.assignee_id
                and not plan.team.members.filter(pk=self.assignee_id).exists()
                and plan.team.manager_id != self.assignee_id
            ):
                errors["assignee"] = _("The person in charge must be a member of the plan's team.")
            if self.milestone_id and self.milestone.plan_id != plan.pk:
                errors["milestone"] = _("This milestone belongs to another plan.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today) -> bool:
        """The rule of ``overdue_q`` on one loaded action (no query)."""
        return self.is_open and self.due_date < today

    @property
    def moved_days(self) -> int:
        """Days the due date moved from the first commitment (negative: moved earlier)."""
        return (self.due_date - (self.original_due_date or self.due_date)).days


class ActionEventKind(models.TextChoices):
    CREATED = "created", _("created")
    STATUS = "status", _("status changed")
    ASSIGNEE = "assignee", _("reassigned")
    DUE_DATE = "due_date", _("due date moved")
    COMMENT = "comment", _("comment")


class ActionEvent(models.Model):
    """One line of an action's history: a change or a comment, by whom and when."""

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="events", verbose_name=_("action")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ActionEventKind.choices)
    old_value = models.CharField(_("before"), max_length=200, blank=True)
    new_value = models.CharField(_("after"), max_length=200, blank=True)
    text = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("action event")
        verbose_name_plural = _("action events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.action}"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A user's private iCal feed: whoever holds the token reads the user's dates, nothing else.

    Regenerating the token revokes every subscription made with the old one.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("user"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(_("created at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    PREVIEWING = "previewing", _("Checking")
    READY = "ready", _("Checked")
    QUEUED = "queued", _("Waiting to import")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# The stages a worker holds under a lease (plans/import_jobs.py).
IMPORT_WORKING = (ImportStatus.PREVIEWING, ImportStatus.RUNNING)


class ImportJobQuerySet(models.QuerySet):
    def lease_ran_out(self, now):
        """Jobs a worker holds whose lease ended before ``now``: the worker stopped."""
        return self.filter(status__in=IMPORT_WORKING, lease_until__lt=now)


class ImportJob(models.Model):
    """A spreadsheet import: the file, read and checked by a worker (the preview), then
    written by a worker once confirmed, with its progress for the page's bar.

    Kept in the database rather than the cache: the worker is another process.
    """

    kind = models.CharField(_("kind"), max_length=20)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("created by"),
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    filename = models.CharField(_("file"), max_length=255)
    content = models.BinaryField(_("content"))
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    # The uploader's language: the worker writes the row errors in it.
    language = models.CharField(_("language"), max_length=10, blank=True)
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows imported"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # What the preview stage found: {"columns", "rows" (shown ones), "valid", "bad_rows"}.
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    # Until when the worker holding the job (previewing / running) is known to be alive.
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [
            # ImportJob.objects.lease_ran_out(), for plans.tasks.expire_import_leases.
            models.Index(
                fields=["lease_until"],
                condition=Q(status__in=IMPORT_WORKING),
                name="importjob_lease_due",
            ),
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def is_checking(self) -> bool:
        """Still being read: the page polls until the preview is ready."""
        return self.status in (ImportStatus.PENDING, ImportStatus.PREVIEWING)

    @property
    def is_polled(self) -> bool:
        """A worker has it or will have it: the page asks again every second."""
        return not self.is_finished and self.status != ImportStatus.READY

    @property
    def can_retry(self) -> bool:
        """A job stopped by a dead worker or a failed write keeps its file to try again; a
        refused file is dropped (sending it again would be refused again)."""
        return self.status == ImportStatus.FAILED and bool(self.content)
