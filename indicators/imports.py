"""Measurement import from a CRM export (columns: indicator, rep, date, value [, note]).

The rules of a figure are those of ``services._validate_measurement`` (called for every row,
with the team's reps known beforehand so a row costs no query); the writes are bulk inserts
in one transaction: every row or none.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from plans.imports import (
    ImportRefused,
    Preview,
    parse_date,
    read_table,
    users_by_login,
)
from plans.models import Plan
from teams import team_cache

from .models import Indicator, Measurement, Target
from .services import _validate_measurement

MEASUREMENT_COLUMNS = {
    "indicator": ("indicateur", "kpi"),
    "rep": ("commercial", "who", "qui", "user", "owner", "sales rep"),
    "date": ("jour", "day"),
    "value": ("valeur", "amount", "montant", "category", "catégorie"),
    "note": ("commentaire", "comment"),
}
MEASUREMENT_REQUIRED = ("indicator", "rep", "date", "value")
BATCH = 2000


def measurement_import_preview(*, plan: Plan, data: bytes, filename: str, progress=None):
    """Read and check every row, writing nothing.

    Queries, whatever the number of rows: indicators (1), the team's reps (1), the users named
    in the file (1).
    """
    rows = read_table(data, filename, MEASUREMENT_COLUMNS, MEASUREMENT_REQUIRED)
    indicators = {
        i.name.strip().lower(): i
        for i in Indicator.objects.filter(plan=plan).select_related("plan__team")
    }
    team_rep_ids = set(plan.team.members.values_list("pk", flat=True))
    people = users_by_login(row.values.get("rep") for row in rows)
    field_names = {
        "rep": _("rep"),
        "date": _("date"),
        "value": _("value"),
        "category": _("value"),
    }
    for index, row in enumerate(rows):
        v, errors = row.values, row.errors
        name = str(v.get("indicator") or "").strip()
        indicator = indicators.get(name.lower())
        if indicator is None:
            errors.append(_("unknown indicator '%(value)s'") % {"value": name})
        login = str(v.get("rep") or "").strip()
        rep = people.get(login.lower())
        if rep is None:
            errors.append(_("unknown rep '%(value)s'") % {"value": login})
        try:
            day = parse_date(v.get("date"))
        except ValueError:
            errors.append(
                _("the date '%(value)s' is not a date (2026-03-31 or 31/03/2026)")
                % {"value": v.get("date")}
            )
            day = False
        if indicator is not None and rep is not None and day is not False:
            raw = v.get("value")
            try:
                value, category = _validate_measurement(
                    indicator,
                    rep,
                    day,
                    None if indicator.uses_categories else raw,
                    str(raw or "") if indicator.uses_categories else "",
                    None,
                    team_rep_ids=team_rep_ids,
                )
            except ValidationError as error:
                messages = (
                    error.message_dict
                    if hasattr(error, "error_dict")
                    else {"value": error.messages}
                )
                for key, texts in messages.items():
                    for text in texts:
                        errors.append(f"{field_names.get(key, key)}: {text}")
            else:
                row.values = {
                    **v,
                    "indicator object": indicator,
                    "rep object": rep,
                    "day": day,
                    "clean value": value,
                    "clean category": category,
                }
        if progress and index % BATCH == 0:
            progress(index)
    return Preview(rows=rows, columns=list(MEASUREMENT_COLUMNS))


def measurement_import_apply(*, plan: Plan, data: bytes, filename: str, by, progress=None) -> int:
    """Import every row or none; returns the number of figures created.

    Raises ``FileRefused`` or ``ImportRefused`` (nothing written). Queries: the preview's
    three, the closed targets (1, for the "late" flag), then one INSERT per 2,000 rows.
    """
    total = [0]

    def checked(n):
        # Checking is the first half of the bar, writing the second.
        if progress:
            progress(n // 2)

    preview = measurement_import_preview(plan=plan, data=data, filename=filename, progress=checked)
    if not preview.is_valid:
        raise ImportRefused(preview)
    total[0] = len(preview.rows)
    # A figure dated inside a closed target's period is late (services._is_late), read once.
    closed = {}
    for t in Target.objects.filter(indicator__plan=plan, closed_at__isnull=False):
        closed.setdefault(t.indicator_id, []).append((t.period_start, t.period_end))

    def is_late(indicator_id, day):
        return any(s <= day <= e for s, e in closed.get(indicator_id, ()))

    objects = []
    for row in preview.rows:
        v = row.values
        objects.append(
            Measurement(
                indicator=v["indicator object"],
                rep=v["rep object"],
                date=v["day"],
                value=v["clean value"],
                category=v["clean category"],
                note=str(v.get("note") or "")[:300],
                entered_by=by,
                is_late=is_late(v["indicator object"].pk, v["day"]),
            )
        )
    with transaction.atomic():
        for start in range(0, len(objects), BATCH):
            Measurement.objects.bulk_create(objects[start : start + BATCH])
            if progress:
                progress(total[0] // 2 + (start + BATCH) // 2)
        team_cache.changed(plan.team_id)
    return len(objects)
