"""What a CRM record counts for under a mapping: the one place these rules are written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .adapters import ACTIVITIES, CONTACTS, DEALS, Record
from .models import Mapping, Metric

ONE = Decimal(1)
CENTS = Decimal("0.01")

# The kind of records each metric reads (an adapter's STREAMS say which streams hold them).
FAMILY = {
    Metric.DEALS_WON_COUNT: DEALS,
    Metric.DEALS_WON_AMOUNT: DEALS,
    Metric.DEALS_CREATED: DEALS,
    Metric.ACTIVITIES_DONE: ACTIVITIES,
    Metric.CONTACTS_NEW: CONTACTS,
}


def figure_of(mapping: Mapping, record: Record) -> tuple[date, Decimal] | None:
    """(day, value) that ``record`` counts for under ``mapping``, or None when it does not
    count (an open or lost deal, an activity not done or of another type, another pipeline)."""
    if mapping.pipeline and record.pipeline != mapping.pipeline:
        return None
    if mapping.stage and record.stage != mapping.stage:
        return None
    metric = mapping.metric
    if metric == Metric.DEALS_WON_COUNT:
        return (record.closed, ONE) if record.won and record.closed else None
    if metric == Metric.DEALS_WON_AMOUNT:
        if not (record.won and record.closed and record.amount is not None):
            return None
        return record.closed, record.amount.quantize(CENTS)
    if metric == Metric.ACTIVITIES_DONE:
        wanted = mapping.activity_type.strip().lower()
        if record.done is None or (wanted and record.activity_type.lower() != wanted):
            return None
        return record.done, ONE
    # Deals created, new contacts: on the day they were created.
    return (record.created, ONE) if record.created else None
