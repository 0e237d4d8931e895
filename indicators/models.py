"""SMART indicators of a plan, their targets and the reps' measurements (pillar 3, le pilotage).

Reads and computations live in ``progress.py`` (the progress engine), ``smart.py`` (the SMART
check) and ``selectors.py``; writes go through ``services.py``.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from teams.archive import Archivable, archived_index


class Kind(models.TextChoices):
    QUANTITATIVE = "quantitative", _("Quantitative")
    QUALITATIVE = "qualitative", _("Qualitative")
    RATE = "rate", _("Rate")


class Unit(models.TextChoices):
    EUR = "eur", _("€")
    COUNT = "count", _("count")
    PERCENT = "percent", _("%")
    DAYS = "days", _("days")
    SCORE = "score", _("score")


# Units whose values add up across reps (a team's "last value" is the sum of the reps').
ADDITIVE_UNITS = (Unit.EUR, Unit.COUNT)


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum")
    AVERAGE = "avg", _("Average")
    LAST = "last", _("Last value")


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class QualitativeMode(models.TextChoices):
    SCALE = "scale", _("Scale")
    CATEGORIES = "categories", _("Categories")


class Computation(models.TextChoices):
    """Internal indicators computed from the plan's own actions (no measurement is typed)."""

    NONE = "", _("Entered by the reps")
    ACTIONS_COMPLETED = "actions_completed", _("Actions completed (of the linked levers)")
    ACTIONS_ON_TIME = "actions_on_time", _("Actions done on time (of the linked levers)")


class Indicator(Archivable):
    """One indicator of a plan: what is measured, how, and in which direction is better."""

    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.CASCADE, related_name="indicators", verbose_name=_("plan")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, blank=True)
    direction = models.CharField(
        _("direction"), max_length=6, choices=Direction.choices, default=Direction.HIGHER
    )
    aggregation = models.CharField(
        _("aggregation"), max_length=4, choices=Aggregation.choices, default=Aggregation.SUM
    )
    cadence = models.CharField(
        _("cadence"), max_length=10, choices=Cadence.choices, default=Cadence.WEEKLY, blank=True
    )
    definition = models.TextField(_("definition"), blank=True)
    source = models.CharField(_("how and where it is measured"), max_length=300, blank=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    segment = models.CharField(_("customer segment"), max_length=100, blank=True)
    product_line = models.CharField(_("product line"), max_length=100, blank=True)
    # Rates: numerator / denominator, two quantitative indicators of the same plan.
    numerator = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("numerator"),
    )
    denominator = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("denominator"),
    )
    # Qualitative indicators: a scale (min..max, optional level labels) or a list of categories.
    qualitative_mode = models.CharField(
        _("qualitative form"), max_length=10, choices=QualitativeMode.choices, blank=True
    )
    scale_min = models.PositiveSmallIntegerField(_("scale minimum"), null=True, blank=True)
    scale_max = models.PositiveSmallIntegerField(_("scale maximum"), null=True, blank=True)
    scale_labels = models.JSONField(_("level labels"), default=list, blank=True)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    # For categories: the target is the share (%) of this category among the measurements.
    target_category = models.CharField(_("category aimed at"), max_length=100, blank=True)
    computation = models.CharField(
        _("computed from"), max_length=20, choices=Computation.choices, default="", blank=True
    )
    template_code = models.CharField(_("catalogue template"), max_length=40, blank=True)
    actions = models.ManyToManyField(
        "plans.Action", related_name="indicators", blank=True, verbose_name=_("actions")
    )
    levers = models.ManyToManyField(
        "plans.Lever", related_name="indicators", blank=True, verbose_name=_("levers")
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        indexes = [archived_index("indicator_archived")]

    def __str__(self) -> str:
        scope = " · ".join(s for s in (self.segment, self.product_line) if s)
        return f"{self.name} — {scope}" if scope else self.name

    @property
    def is_rate(self) -> bool:
        return self.kind == Kind.RATE

    @property
    def is_computed(self) -> bool:
        """Values nobody types: rates (from their parts) and internal action indicators."""
        return self.kind == Kind.RATE or bool(self.computation)

    @property
    def lower_is_better(self) -> bool:
        return self.direction == Direction.LOWER

    @property
    def uses_categories(self) -> bool:
        return self.kind == Kind.QUALITATIVE and self.qualitative_mode == QualitativeMode.CATEGORIES

    @property
    def uses_scale(self) -> bool:
        return self.kind == Kind.QUALITATIVE and self.qualitative_mode == QualitativeMode.SCALE

    @property
    def effective_aggregation(self) -> str:
        """How the engine aggregates: scales average, categories and rates are shares."""
        if self.uses_scale:
            return Aggregation.AVERAGE
        return self.aggregation

    @property
    def display_unit(self) -> str:
        if self.kind == Kind.RATE or self.uses_categories or self.computation == "actions_on_time":
            return "%"
        return self.get_unit_display() if self.unit else ""


class Target(Archivable):
    """What a rep (or, with no rep, the whole team) should reach on an indicator over a period.

    ``monthly_weights`` spreads the target over the period's months (seasonal business); empty
    means an even spread. Closing the plan freezes ``final_actual`` / ``final_status`` so late
    figures no longer change history.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,  # people leave, their history stays: deactivate (issue 8)
        null=True,
        blank=True,
        related_name="indicator_targets",
        verbose_name=_("rep"),
        help_text=_("Empty: the target of the whole team."),
    )
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    monthly_weights = models.JSONField(_("monthly weights"), default=list, blank=True)
    final_actual = models.DecimalField(
        _("final actual"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    final_status = models.CharField(_("final status"), max_length=10, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["indicator", "rep", "period_start"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        indexes = [archived_index("target_archived")]
        # One live target per rep (or team) and period: an archived one leaves room for a new
        # one, and restoring it is refused while the new one is there.
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "rep", "period_start"],
                name="target_one_per_rep_period",
                condition=models.Q(rep__isnull=False, archived_at__isnull=True),
            ),
            models.UniqueConstraint(
                fields=["indicator", "period_start"],
                name="target_one_team_per_period",
                condition=models.Q(rep__isnull=True, archived_at__isnull=True),
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="target_period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        who = self.rep.get_full_name() if self.rep_id else _("team")
        return f"{self.indicator}: {self.value} ({who})"

    @property
    def is_frozen(self) -> bool:
        return self.closed_at is not None


class Measurement(Archivable):
    """One figure a rep reports for an indicator on a date: a value, a scale level or a category."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="measurements",
        verbose_name=_("indicator"),
    )
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,  # people leave, their history stays: deactivate (issue 8)
        related_name="measurements",
        verbose_name=_("rep"),
    )
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    category = models.CharField(_("category"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Entered after the period was closed: shown, but not part of the frozen result.
    is_late = models.BooleanField(_("late"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Figures brought by a connector (crm/): where from (``crm:<connection id>``; empty: typed
    # by a person) and the record's id there, so each record counts once and nobody edits it.
    source = models.CharField(_("source"), max_length=40, blank=True, default="", editable=False)
    external_id = models.CharField(
        _("external id"), max_length=120, blank=True, default="", editable=False
    )

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        indexes = [
            # The progress engine aggregates one indicator's figures per rep over a period, and
            # the charts group them by week. The columns those queries read come after the key
            # (``id`` first: the latest value is the last by date then id), so they are read
            # from the index alone: looking each row up in the table was most of their time
            # (a team's year, 33,000 figures: bench/pages.py, dashboard-cold).
            models.Index(
                fields=["indicator", "rep", "date", "id", "archived_at", "value", "category"],
                name="measurement_ind_rep_date",
            ),
            archived_index("measurement_archived"),
        ]
        constraints = [
            # One figure per indicator and outside record: a re-run of a sync changes nothing,
            # and its upsert finds the row to move by this key (indicators.services).
            models.UniqueConstraint(
                fields=["indicator", "source", "external_id"],
                name="measurement_once_per_record",
                condition=~models.Q(source=""),
            ),
        ]

    def __str__(self) -> str:
        shown = self.category or (self.value if self.value is not None else "")
        return f"{self.indicator} {self.date}: {shown}"

    @property
    def is_synced(self) -> bool:
        """Brought by a connector: changed only where it comes from, never by hand."""
        return bool(self.source)

    @property
    def shown_value(self):
        if self.category:
            return self.category
        if self.value is None:
            return ""
        return int(self.value) if self.value == self.value.to_integral() else self.value


ZERO = Decimal("0")
