"""Every write to indicators, targets and measurements (STYLE.md habit 2).

Functions are keyword-only and raise ``django.core.exceptions.ValidationError`` (with a
message per field where there is a field) before anything is saved; multi-row writes are
atomic, so a refused row leaves nothing half-saved. ``by`` is the person acting: the
permission rules that depend on the data (a rep enters only their own figures) are checked
here too, so the pages, the API and the demo cannot differ. Each write calls
``team_cache.changed`` with the plan's team, so the cached team pages follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.models import Action, Plan
from teams import team_cache
from teams.access import can_manage_team
from teams.archive import archive_tree, ensure_archived, restore_tree
from teams.audit import audit_record
from teams.deletion import delete_or_refuse, refuse_if_protected
from teams.errors import RowsInvalid

from . import catalogue
from .models import Indicator, Kind, Measurement, QualitativeMode, Target, Unit
from .progress import compute, months_of, progress_for

# What a manager sets on an indicator: the page's form and the API's serializer offer these.
INDICATOR_FIELDS = (
    "name",
    "kind",
    "unit",
    "direction",
    "aggregation",
    "cadence",
    "definition",
    "source",
    "baseline",
    "segment",
    "product_line",
    "numerator",
    "denominator",
    "qualitative_mode",
    "scale_min",
    "scale_max",
    "scale_labels",
    "categories",
    "target_category",
    "computation",
)


def _as_dict(exc: ValidationError, field: str = "non_field_errors") -> dict:
    if hasattr(exc, "error_dict"):
        return {
            (field if name == "__all__" else name): msgs for name, msgs in exc.message_dict.items()
        }
    return {field: exc.messages}


# --------------------------------------------------------------------------------------------
# Permissions that depend on the data
# --------------------------------------------------------------------------------------------


def can_manage_plan(user, plan: Plan) -> bool:
    return can_manage_team(user, plan.team)


def is_team_rep(plan: Plan, rep) -> bool:
    return rep is not None and plan.team.members.filter(pk=rep.pk).exists()


def can_enter_for(user, plan: Plan, rep) -> bool:
    """A rep enters their own figures; the team's manager (or an admin) enters anyone's."""
    if can_manage_plan(user, plan):
        return True
    return user.pk == getattr(rep, "pk", None) and is_team_rep(plan, rep)


def _require_manager(by, plan: Plan) -> None:
    if by is not None and not can_manage_plan(by, plan):
        raise ValidationError(_("Only the team's manager can change its indicators."))


# --------------------------------------------------------------------------------------------
# Indicators
# --------------------------------------------------------------------------------------------


def _validate_indicator(ind: Indicator) -> None:
    errors: dict[str, list[str]] = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    if ind.kind == Kind.RATE:
        for name in ("numerator", "denominator"):
            part = getattr(ind, name)
            if part is None:
                add(name, _("A rate needs a numerator and a denominator."))
            elif part.kind != Kind.QUANTITATIVE or part.computation:
                add(name, _("The parts of a rate must be quantitative indicators entered by reps."))
            elif part.plan_id != ind.plan_id:
                add(name, _("The parts of a rate must belong to the same plan."))
        if ind.numerator_id and ind.numerator_id == ind.denominator_id:
            add("denominator", _("The numerator and the denominator must differ."))
        ind.unit = Unit.PERCENT
    else:
        ind.numerator = ind.denominator = None
    if ind.kind == Kind.QUALITATIVE:
        if ind.qualitative_mode == QualitativeMode.SCALE:
            if ind.scale_min is None or ind.scale_max is None:
                add("scale_max", _("Give the scale's minimum and maximum."))
            elif ind.scale_min >= ind.scale_max:
                add("scale_max", _("The scale's maximum must be above its minimum."))
            elif ind.scale_labels and len(ind.scale_labels) != ind.scale_max - ind.scale_min + 1:
                add("scale_labels", _("Give one label per level, or none."))
            ind.unit = ind.unit or Unit.SCORE
        elif ind.qualitative_mode == QualitativeMode.CATEGORIES:
            cats = [str(c).strip() for c in (ind.categories or []) if str(c).strip()]
            if len(cats) < 2:
                add("categories", _("List at least two categories."))
            if len(set(cats)) != len(cats):
                add("categories", _("Each category must appear once."))
            ind.categories = cats
            if ind.target_category and ind.target_category not in cats:
                add("target_category", _("The category aimed at must be one of the categories."))
            ind.unit = Unit.PERCENT
        else:
            add("qualitative_mode", _("Choose a scale or a list of categories."))
    else:
        ind.qualitative_mode = ""
    if ind.computation and ind.kind != Kind.QUANTITATIVE:
        add("computation", _("Only a quantitative indicator can be computed from actions."))
    if errors:
        raise ValidationError(errors)
    ind.full_clean()


@transaction.atomic
def indicator_create(*, plan: Plan, by=None, **fields) -> Indicator:
    _require_manager(by, plan)
    unknown = set(fields) - set(INDICATOR_FIELDS) - {"template_code", "position"}
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    if "position" not in fields:
        top = plan.indicators.aggregate(top=Max("position"))["top"]
        fields["position"] = 0 if top is None else top + 1
    ind = Indicator(plan=plan, **fields)
    _validate_indicator(ind)
    ind.save()
    team_cache.changed(plan.team_id)
    return ind


@transaction.atomic
def indicator_update(*, indicator: Indicator, by=None, data: dict) -> Indicator:
    _require_manager(by, indicator.plan)
    for name, value in data.items():
        if name not in INDICATOR_FIELDS:
            raise TypeError(f"Unknown field: {name}")
        setattr(indicator, name, value)
    _validate_indicator(indicator)
    indicator.save()
    team_cache.changed(indicator.plan.team_id)
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: Indicator, by=None) -> bool:
    """Delete an indicator of a draft plan with its targets and figures; in a plan that has
    been active, archive them together (one stamp) instead. True when it was archived. Refused
    alike while a rate, an incentive scheme or a challenge uses it."""
    plan = indicator.plan
    _require_manager(by, plan)
    if Indicator.objects.filter(Q(numerator=indicator) | Q(denominator=indicator)).exists():
        raise ValidationError(_("A rate uses this indicator: delete the rate first."))
    team_cache.changed(plan.team_id)
    if not plan.keeps_deleted_rows:
        delete_or_refuse(indicator)
        return False
    refuse_if_protected(indicator)
    targets = Target.objects.filter(indicator=indicator)
    figures = Measurement.objects.filter(indicator=indicator)
    summary = {"targets": targets.count(), "measurements": figures.count()}
    archive_tree(indicator, [targets, figures], by=by, team=plan.team_id, summary=summary)
    return True


def _refuse_target_clash(targets) -> None:
    """A target comes back only if no live target took its rep (or the team) and period."""
    for target in targets:
        live = Target.objects.filter(
            indicator_id=target.indicator_id,
            rep_id=target.rep_id,
            period_start=target.period_start,
        )
        if live.exists():
            raise ValidationError(
                _("A target for the same person and period was set since: delete it first.")
            )


@transaction.atomic
def indicator_restore(*, indicator: Indicator, by) -> Indicator:
    """Bring back an archived indicator with the targets and figures archived with it."""
    plan = indicator.plan
    _require_manager(by, plan)
    ensure_archived(indicator)
    same = {"indicator": indicator, "archived_at": indicator.archived_at}
    _refuse_target_clash(Target.all_objects.filter(**same))
    children = [Target.all_objects.filter(**same), Measurement.all_objects.filter(**same)]
    restore_tree(indicator, children, by=by, team=plan.team_id)
    team_cache.changed(plan.team_id)
    return indicator


def _ensure_indicator_live(row) -> None:
    indicator = Indicator.all_objects.get(pk=row.indicator_id)
    if indicator.is_archived:
        raise ValidationError(
            _("Its indicator “%(name)s” is archived: restore the indicator first.")
            % {"name": indicator}
        )


@transaction.atomic
def indicator_add_from_template(*, plan: Plan, code: str, by=None) -> Indicator:
    """Add the catalogue's template ``code`` to ``plan`` in one step (a rate brings its parts).

    An indicator already on the plan from the same template (with no segment / product line)
    is reused for a rate's parts; the new indicator is returned for the manager to adjust.
    """
    _require_manager(by, plan)
    template = catalogue.get_template(code)
    if template is None:
        raise ValidationError({"code": _("This indicator is not in the catalogue.")})
    fields = {
        "name": template.name,
        "kind": template.kind,
        "unit": template.unit,
        "direction": template.direction,
        "aggregation": template.aggregation,
        "cadence": template.cadence,
        "definition": template.definition,
        "source": template.source,
        "template_code": template.code,
        "computation": template.computation,
    }
    if template.kind == Kind.QUALITATIVE:
        fields["qualitative_mode"] = template.qualitative_mode
        if template.qualitative_mode == QualitativeMode.SCALE:
            fields["scale_min"], fields["scale_max"] = template.scale_min, template.scale_max
            fields["scale_labels"] = list(template.scale_labels)
        else:
            fields["categories"] = template.categories
            fields["target_category"] = template.categories[0]
    if template.kind == Kind.RATE:
        for role in ("numerator", "denominator"):
            part_code = getattr(template, role)
            part = (
                plan.indicators.filter(template_code=part_code, segment="", product_line="")
                .order_by("pk")
                .first()
            )
            fields[role] = part or indicator_add_from_template(plan=plan, code=part_code, by=None)
    return indicator_create(plan=plan, by=None, **fields)


@transaction.atomic
def indicator_link(*, indicator: Indicator, by=None, actions=None, levers=None) -> Indicator:
    """Set the actions and / or levers ``indicator`` should move (all of the same plan)."""
    _require_manager(by, indicator.plan)
    errors = {}
    if actions is not None:
        actions = list(actions)
        if any(a.lever.plan_id != indicator.plan_id for a in actions):
            errors["actions"] = [_("Only actions of the indicator's plan can be linked.")]
    if levers is not None:
        levers = list(levers)
        if any(lv.plan_id != indicator.plan_id for lv in levers):
            errors["levers"] = [_("Only levers of the indicator's plan can be linked.")]
    if errors:
        raise ValidationError(errors)
    if actions is not None:
        indicator.actions.set(actions)
    if levers is not None:
        indicator.levers.set(levers)
    team_cache.changed(indicator.plan.team_id)
    return indicator


def action_set_indicators(*, action: Action, indicators, by=None) -> None:
    """Link ``action`` to exactly ``indicators`` (the action form's side of the link)."""
    plan = action.lever.plan
    _require_manager(by, plan)
    indicators = list(indicators)
    if any(i.plan_id != plan.pk for i in indicators):
        raise ValidationError({"indicators": [_("Only indicators of the action's plan.")]})
    action.indicators.set(indicators)
    team_cache.changed(plan.team_id)


# --------------------------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------------------------


def _validate_target(
    indicator: Indicator, value, period_start: date, period_end: date, weights
) -> tuple[Decimal, list]:
    errors: dict[str, list[str]] = {}
    plan = indicator.plan
    value = _number(value, "value", errors)
    if value is not None:
        if value < 0:
            errors.setdefault("value", []).append(_("A target cannot be negative."))
        elif value == 0 and indicator.kind == Kind.RATE:
            errors.setdefault("value", []).append(_("A rate's target must be above zero."))
        elif indicator.uses_scale and not (indicator.scale_min <= value <= indicator.scale_max):
            errors.setdefault("value", []).append(
                _("The target must lie on the scale, from %(min)s to %(max)s.")
                % {"min": indicator.scale_min, "max": indicator.scale_max}
            )
        elif indicator.display_unit == "%" and value > 100:
            errors.setdefault("value", []).append(_("A percentage cannot exceed 100."))
    if period_start and period_end:
        if period_end < period_start:
            errors.setdefault("period_end", []).append(_("The period cannot end before it starts."))
        elif period_start < plan.start_date or period_end > plan.end_date:
            errors.setdefault("period_end", []).append(plan_period_error(plan))
    clean_weights = []
    if weights:
        try:
            clean_weights = [Decimal(str(w)) for w in weights]
        except (InvalidOperation, ValueError, TypeError):
            errors.setdefault("monthly_weights", []).append(_("Weights must be numbers."))
        else:
            expected = months_of(period_start, period_end) if period_start and period_end else 0
            if any(w < 0 for w in clean_weights) or sum(clean_weights) <= 0:
                errors.setdefault("monthly_weights", []).append(
                    _("Weights cannot be negative and must not all be zero.")
                )
            elif expected and len(clean_weights) != expected:
                errors.setdefault("monthly_weights", []).append(
                    _("Give one weight per month of the period (%(n)s).") % {"n": expected}
                )
    if errors:
        raise ValidationError(errors)
    return value, [float(w) for w in clean_weights]


def plan_period_error(plan: Plan) -> str:
    return _("Must fall within the plan's period (%(start)s – %(end)s).") % {  # noqa: RUF001
        "start": plan.start_date.strftime("%d/%m/%Y"),
        "end": plan.end_date.strftime("%d/%m/%Y"),
    }


@transaction.atomic
def target_set(
    *,
    indicator: Indicator,
    rep=None,
    value,
    by=None,
    period_start: date | None = None,
    period_end: date | None = None,
    monthly_weights=None,
) -> Target:
    """Create or update the target of ``rep`` (None: the team) for a period (default: plan's)."""
    plan = indicator.plan
    _require_manager(by, plan)
    if rep is not None and not is_team_rep(plan, rep):
        raise ValidationError({"rep": [_("This person is not a rep of the plan's team.")]})
    period_start = period_start or plan.start_date
    period_end = period_end or plan.end_date
    value, weights = _validate_target(indicator, value, period_start, period_end, monthly_weights)
    target = Target.objects.filter(
        indicator=indicator, rep=rep, period_start=period_start
    ).first() or Target(indicator=indicator, rep=rep, period_start=period_start)
    if target.is_frozen:
        raise ValidationError(_("This target is closed: it can no longer change."))
    before = {"value": target.value, "period_end": target.period_end} if target.pk else None
    target.value = value
    target.period_end = period_end
    target.monthly_weights = weights
    target.full_clean(validate_constraints=False)
    target.save()
    team_cache.changed(plan.team_id)
    audit_record(
        by=by,
        action="target_set",
        obj=target,
        before=before,
        after={"value": target.value, "period_end": target.period_end, "rep": target.rep_id},
        team=plan.team_id,
    )
    return target


@transaction.atomic
def target_set_for_all_reps(*, indicator: Indicator, value, by=None, **period) -> list[Target]:
    """The same target for every rep of the plan's team, in one step (all or nothing)."""
    reps = list(indicator.plan.team.members.all())
    if not reps:
        raise ValidationError({"rep": [_("The team has no rep yet.")]})
    return [target_set(indicator=indicator, rep=r, value=value, by=by, **period) for r in reps]


@transaction.atomic
def target_delete(*, target: Target, by=None) -> bool:
    """Delete a target of a draft plan; in a plan that has been active, archive it (and it no
    longer counts in progress and payouts). True when it was archived."""
    plan = target.indicator.plan
    _require_manager(by, plan)
    if target.is_frozen:
        raise ValidationError(_("This target is closed: it can no longer change."))
    team_cache.changed(plan.team_id)
    if plan.keeps_deleted_rows:
        summary = {"value": target.value, "rep": target.rep_id}
        archive_tree(target, by=by, team=plan.team_id, summary=summary)
        return True
    audit_record(
        by=by,
        action="target_deleted",
        obj=target,
        before={"value": target.value, "rep": target.rep_id},
        after=None,
        team=target.indicator.plan.team_id,
    )
    delete_or_refuse(target)
    return False


@transaction.atomic
def target_restore(*, target: Target, by) -> Target:
    plan = target.indicator.plan
    _require_manager(by, plan)
    ensure_archived(target)
    _ensure_indicator_live(target)
    _refuse_target_clash([target])
    restore_tree(target, by=by, team=plan.team_id)
    team_cache.changed(plan.team_id)
    return target


# --------------------------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------------------------


def _number(raw, name: str, errors: dict) -> Decimal | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, Decimal):
        value = raw
    else:
        try:
            text = str(raw).strip().replace(",", ".")
            value = Decimal(re.sub(r"[\s\u202f\u00a0]", "", text))
        except (InvalidOperation, ValueError):
            errors.setdefault(name, []).append(_("Enter a number."))
            return None
    if not value.is_finite():
        errors.setdefault(name, []).append(_("Enter a number."))
        return None
    return value


def _validate_measurement(
    indicator: Indicator, rep, day, value, category, by, *, team_rep_ids=None
) -> tuple:
    # ``team_rep_ids``: the team's rep ids known beforehand (bulk imports), so a row costs no query.
    errors: dict[str, list[str]] = {}
    plan = indicator.plan
    if indicator.is_computed:
        raise ValidationError(
            {"value": [_("This indicator is computed: its values cannot be typed.")]}
        )
    if by is not None and not can_enter_for(by, plan, rep):
        raise ValidationError({"rep": [_("You can only enter your own figures.")]})
    if rep is None or not (
        rep.pk in team_rep_ids if team_rep_ids is not None else is_team_rep(plan, rep)
    ):
        errors.setdefault("rep", []).append(_("This person is not a rep of the plan's team."))
    if day is None:
        errors.setdefault("date", []).append(_("Give the date of the figure."))
    elif not plan.covers(day):
        errors.setdefault("date", []).append(plan_period_error(plan))
    category = (category or "").strip()
    if indicator.uses_categories:
        if not category:
            errors.setdefault("category", []).append(_("Choose a category."))
        elif category not in indicator.categories:
            errors.setdefault("category", []).append(
                _("“%(value)s” is not one of the categories: %(choices)s.")
                % {"value": category, "choices": ", ".join(indicator.categories)}
            )
        value = None
    else:
        category = ""
        value = _number(value, "value", errors)
        if value is None and "value" not in errors:
            errors.setdefault("value", []).append(_("Enter a value."))
        elif value is not None:
            if indicator.uses_scale:
                if value != value.to_integral() or not (
                    indicator.scale_min <= value <= indicator.scale_max
                ):
                    errors.setdefault("value", []).append(
                        _("The level must be a whole number from %(min)s to %(max)s.")
                        % {"min": indicator.scale_min, "max": indicator.scale_max}
                    )
            elif value < 0 and indicator.unit != Unit.EUR:
                errors.setdefault("value", []).append(_("This value cannot be negative."))
            elif indicator.unit == Unit.COUNT and value != value.to_integral():
                errors.setdefault("value", []).append(_("A count is a whole number."))
            elif abs(value) >= Decimal("1e12"):
                errors.setdefault("value", []).append(_("This value is too large."))
    if errors:
        raise ValidationError(errors)
    return value, category


def _is_late(indicator: Indicator, day: date) -> bool:
    """A figure dated inside a closed target's period arrives after the close: it is late."""
    return Target.objects.filter(
        indicator=indicator,
        closed_at__isnull=False,
        period_start__lte=day,
        period_end__gte=day,
    ).exists()


@transaction.atomic
def measurement_create(
    *, indicator: Indicator, rep, date: date, value=None, category: str = "", note: str = "", by
) -> Measurement:
    value, category = _validate_measurement(indicator, rep, date, value, category, by)
    m = Measurement(
        indicator=indicator,
        rep=rep,
        date=date,
        value=value,
        category=category,
        note=(note or "")[:300],
        entered_by=by,
        is_late=_is_late(indicator, date),
    )
    m.full_clean()
    m.save()
    team_cache.figures_changed(indicator.plan.team_id, [indicator.pk])
    return m


def _refuse_synced(measurement: Measurement) -> None:
    if measurement.is_synced:
        raise ValidationError(
            _("This figure comes from the CRM: change it there, the next sync brings it here.")
        )


@transaction.atomic
def measurement_update(*, measurement: Measurement, by, value=None, category="", note=None):
    _refuse_synced(measurement)
    ind = measurement.indicator
    value, category = _validate_measurement(
        ind, measurement.rep, measurement.date, value, category, by
    )
    measurement.value, measurement.category = value, category
    if note is not None:
        measurement.note = note[:300]
    measurement.is_late = measurement.is_late or _is_late(ind, measurement.date)
    measurement.full_clean()
    measurement.save()
    team_cache.figures_changed(ind.plan.team_id, [ind.pk])
    return measurement


@transaction.atomic
def measurement_delete(*, measurement: Measurement, by) -> bool:
    """Delete a figure of a draft plan; in a plan that has been active, archive it (restorable
    by the plan's manager). True when it was archived."""
    plan = measurement.indicator.plan
    if not can_enter_for(by, plan, measurement.rep):
        raise ValidationError(_("You can only change your own figures."))
    _refuse_synced(measurement)
    if measurement.is_late is False and _is_late(measurement.indicator, measurement.date):
        raise ValidationError(_("This figure belongs to a closed period."))
    team_cache.changed(plan.team_id)
    if plan.keeps_deleted_rows:
        summary = {"value": measurement.value, "rep": measurement.rep_id}
        archive_tree(measurement, by=by, team=plan.team_id, summary=summary)
        return True
    delete_or_refuse(measurement)
    return False


@transaction.atomic
def measurement_restore(*, measurement: Measurement, by) -> Measurement:
    plan = measurement.indicator.plan
    if not can_manage_plan(by, plan):
        raise ValidationError(_("Only the team's manager can restore a figure."))
    ensure_archived(measurement)
    _ensure_indicator_live(measurement)
    restore_tree(measurement, by=by, team=plan.team_id)
    team_cache.changed(plan.team_id)
    return measurement


def measurements_bulk_create(*, rows: list[dict], by) -> list[Measurement]:
    """Create many measurements, all or nothing.

    ``rows``: dicts with ``indicator``, ``rep``, ``date``, ``value`` / ``category``, ``note``.
    Raises ``RowsInvalid`` with ``rows = {index: {field: [messages]}}`` for every refused row;
    nothing is saved unless every row is valid.
    """
    errors = {}
    created = []
    with transaction.atomic():
        for index, row in enumerate(rows):
            try:
                created.append(measurement_create(by=by, **row))
            except ValidationError as exc:
                errors[index] = _as_dict(exc)
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise RowsInvalid(errors)
    return created


# --------------------------------------------------------------------------------------------
# Figures brought by a connector (crm/)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncedFigure:
    """What an outside record should count for on one indicator: whose, on which day, how much."""

    rep_id: int
    date: date
    value: Decimal


@dataclass
class SyncCounts:
    created: int = 0
    updated: int = 0
    removed: int = 0
    skipped: int = 0  # outside the plan's period, or a value the indicator refuses

    def add(self, other: SyncCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.removed += other.removed
        self.skipped += other.skipped

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.removed


def _synced_value_ok(indicator: Indicator, figure: SyncedFigure, team_rep_ids: set) -> bool:
    try:
        _validate_measurement(
            indicator,
            figure.rep_id and _RepRef(figure.rep_id),
            figure.date,
            figure.value,
            "",
            None,
            team_rep_ids=team_rep_ids,
        )
    except ValidationError:
        return False
    return True


@dataclass(frozen=True)
class _RepRef:
    """A rep known by id only: the checks read ``pk`` and nothing else."""

    pk: int


@transaction.atomic
def measurements_sync(
    *, indicator: Indicator, source: str, figures: dict[str, SyncedFigure | None]
) -> SyncCounts:
    """Bring ``indicator``'s figures from ``source`` in line with ``figures``.

    ``figures`` maps an outside record's id to what it counts for now, or to None when it no
    longer counts (deleted there, lost, moved out of the mapping). Keyed by (indicator,
    source, record id): a new record creates its figure, a changed one moves it, a None
    removes it, the same input twice changes nothing. A figure outside the plan's period or
    refused by the indicator's rules (a negative count) does not count. A handful of queries
    per call whatever the number of records: the caller sends a page of records at a time.
    """
    if not source:
        raise ValueError("a synced figure needs its source")
    if indicator.is_computed:
        raise ValidationError(_("This indicator is computed: its values cannot be typed."))
    plan = indicator.plan
    team_rep_ids = set(plan.team.members.values_list("pk", flat=True))
    closed = list(
        Target.objects.filter(indicator=indicator, closed_at__isnull=False).values_list(
            "period_start", "period_end"
        )
    )
    existing = {
        m.external_id: m
        for m in Measurement.all_objects.filter(
            indicator=indicator, source=source, external_id__in=list(figures)
        )
    }
    counts, new, changed, gone = SyncCounts(), [], [], []
    for key, figure in figures.items():
        if figure is not None and not _synced_value_ok(indicator, figure, team_rep_ids):
            counts.skipped += 1
            figure = None
        row = existing.get(key)
        if figure is None:
            if row is not None:
                gone.append(row.pk)
            continue
        late = any(start <= figure.date <= end for start, end in closed)
        if row is None:
            new.append(
                Measurement(
                    indicator=indicator,
                    rep_id=figure.rep_id,
                    date=figure.date,
                    value=figure.value,
                    source=source,
                    external_id=key,
                    is_late=late,
                )
            )
        elif (row.rep_id, row.date, row.value) != (figure.rep_id, figure.date, figure.value):
            row.rep_id, row.date, row.value = figure.rep_id, figure.date, figure.value
            row.is_late = row.is_late or late
            changed.append(row)
    if new:
        Measurement.objects.bulk_create(new)
    if changed:
        Measurement.all_objects.bulk_update(changed, ["rep", "date", "value", "is_late"])
    if gone:
        Measurement.all_objects.filter(pk__in=gone).delete()
    counts.created, counts.updated, counts.removed = len(new), len(changed), len(gone)
    if counts.changed:
        team_cache.changed(plan.team_id)
    return counts


def synced_keys(*, indicator: Indicator, source: str, prefix: str = "") -> list[str]:
    """The record ids ``source`` has figures for on ``indicator`` (starting with ``prefix``)."""
    rows = Measurement.all_objects.filter(indicator=indicator, source=source)
    if prefix:
        rows = rows.filter(external_id__startswith=prefix)
    return list(rows.values_list("external_id", flat=True))


@transaction.atomic
def measurements_forget_source(*, source: str, indicator: Indicator | None = None) -> int:
    """Remove the figures ``source`` brought (to ``indicator`` only, when given): a CRM
    mapping or connection was removed, so nothing keeps them in line with the CRM any more."""
    if not source:
        raise ValueError("typed figures are never removed this way")
    rows = Measurement.all_objects.filter(source=source)
    if indicator is not None:
        rows = rows.filter(indicator=indicator)
    teams = set(rows.values_list("indicator__plan__team_id", flat=True).distinct())
    removed, _by_model = rows.delete()
    for team_id in teams:
        team_cache.changed(team_id)
    return removed


def week_bounds(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def week_anchor(plan: Plan, monday: date) -> date:
    """The date the weekly grid gives a week's figures: the Monday, kept inside the plan."""
    return min(max(monday, plan.start_date), plan.end_date)


@transaction.atomic
def week_save(*, plan: Plan, rep, monday: date, entries: dict, by) -> list[Measurement]:
    """Save the weekly grid: ``entries`` maps indicator -> value (or category), blank skipped.

    A figure already entered through the grid for that week is replaced, so saving the grid
    twice does not count the week twice. All or nothing: ``RowsInvalid`` keyed by indicator id.
    """
    day = week_anchor(plan, monday)
    errors, saved = {}, []
    for indicator, raw in entries.items():
        if raw is None or str(raw).strip() == "":
            continue
        field = "category" if indicator.uses_categories else "value"
        # The grid replaces its own figure of the week, never one a CRM brought that day.
        existing = Measurement.objects.filter(
            indicator=indicator, rep=rep, date=day, source=""
        ).first()
        try:
            if existing is not None:
                saved.append(measurement_update(measurement=existing, by=by, **{field: raw}))
            else:
                saved.append(
                    measurement_create(
                        indicator=indicator, rep=rep, date=day, by=by, **{field: raw}
                    )
                )
        except ValidationError as exc:
            errors[indicator.pk] = _as_dict(exc, field)
    if errors:
        transaction.set_rollback(True)
        raise RowsInvalid(errors)
    return saved


# --------------------------------------------------------------------------------------------
# Period close
# --------------------------------------------------------------------------------------------


@transaction.atomic
def period_close(*, plan: Plan, by, today: date | None = None) -> int:
    """Freeze every open target of ``plan``: its final actual and status stop changing.

    Figures entered afterwards for a frozen period are flagged late. Runs when the plan is
    closed (``freeze_closed_plan``). Returns the number of targets frozen.
    """
    today = min(today or timezone.localdate(), plan.end_date)
    targets = list(
        Target.objects.filter(indicator__plan=plan, closed_at__isnull=True).select_related(
            "indicator__plan"
        )
    )
    if not targets:
        return 0
    indicators = list({t.indicator_id: t.indicator for t in targets}.values())
    rep_ids = sorted({t.rep_id for t in targets if t.rep_id})
    results = compute(indicators, rep_ids=rep_ids, include_team=True, today=today)
    now = timezone.now()
    for target in targets:
        row = results.get((target.indicator_id, target.rep_id))
        if row is None or row.target is None or row.target.pk != target.pk:
            # Another period's target: close it on its own figures.
            row = progress_for(
                target.indicator,
                rep=target.rep,
                today=today,
                start=target.period_start,
                end=target.period_end,
            )
        target.final_actual = row.actual
        target.final_status = row.status
        target.closed_at = now
    Target.objects.bulk_update(targets, ["final_actual", "final_status", "closed_at"])
    team_cache.changed(plan.team_id)
    audit_record(
        by=by,
        action="period_closed",
        obj=plan,
        before=None,
        after={"targets_frozen": len(targets)},
        team=plan.team_id,
    )
    return len(targets)


def freeze_closed_plan(sender, *, plan: Plan, by, **kwargs) -> None:
    """Receiver of ``plans.signals.plan_closed``: the closed plan's targets are frozen in the
    closing's transaction (plans/ sends it, so it never imports the indicators)."""
    period_close(plan=plan, by=by)
