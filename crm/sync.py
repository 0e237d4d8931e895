"""Pull what changed in a connection's CRM into the indicators, one page at a time.

Each page is applied in one transaction with the connection's cursor for its stream, so a
sync that stops (a fault, a killed worker) leaves whole pages behind it and the next one
resumes after the last page applied; re-applying a page changes nothing (figures are keyed by
record id in ``indicators.services.measurements_sync``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings as django_settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.services import SyncCounts, SyncedFigure, measurements_sync, synced_keys
from reminders.services import connection_stopped_notify

from . import secrets
from .adapters import AuthFailed, CrmError, Page, Settings, adapter_for
from .metrics import FAMILY, figure_of
from .models import Connection, Mapping, State, SyncRun

log = logging.getLogger(__name__)


def adapter_settings(connection: Connection, **overrides) -> Settings:
    values = {
        "base_url": connection.base_url,
        "credentials": secrets.unseal(connection.credentials),
        "timeout": float(django_settings.CRM_TIMEOUT_SECONDS),
        "retries": django_settings.CRM_MAX_RETRIES,
        "backoff": float(django_settings.CRM_RETRY_BASE_SECONDS),
    }
    return Settings(**{**values, **overrides})


@dataclass
class _World:
    """What every page of a sync needs, read once: the mappings and the team's reps."""

    mappings: list[Mapping]
    reps: dict[str, int]  # lower-cased email -> rep id
    unmatched: set[str] = field(default_factory=set)
    counts: SyncCounts = field(default_factory=SyncCounts)
    records: int = 0


def _world(connection: Connection, full: bool) -> _World:
    mappings = list(
        connection.mappings.filter(indicator__archived_at__isnull=True).select_related(
            "indicator__plan__team"
        )
    )
    members = connection.team.members.filter(is_active=True).exclude(email="")
    reps = {email.lower(): pk for pk, email in members.values_list("pk", "email")}
    # An owner matched since (a rep added, an email corrected) is no longer listed; a full
    # sync lists again only the owners it meets.
    unmatched = set() if full else set(connection.unmatched_owners)
    unmatched = {e for e in unmatched if e.lower() not in reps}
    return _World(mappings, reps, unmatched)


def _apply(connection: Connection, stream: str, family: str, page: Page, world: _World) -> None:
    """Write one page's figures for every mapping of its kind, and its cursor, together."""
    with transaction.atomic():
        for mapping in world.mappings:
            if FAMILY[mapping.metric] != family:
                continue
            figures: dict[str, SyncedFigure | None] = {
                f"{stream}:{rid}": None for rid in page.deleted
            }
            for record in page.records:
                rep_id = world.reps.get(record.owner_email.lower())
                found = figure_of(mapping, record)
                figures[f"{stream}:{record.id}"] = (
                    SyncedFigure(rep_id=rep_id, date=found[0], value=found[1])
                    if found and rep_id
                    else None
                )
            world.counts.add(
                measurements_sync(
                    indicator=mapping.indicator, source=connection.source, figures=figures
                )
            )
        for record in page.records:
            if record.owner_email and record.owner_email.lower() not in world.reps:
                world.unmatched.add(record.owner_email.lower())
        world.records += len(page.records) + len(page.deleted)
        if page.cursor is not None:
            connection.cursors = {**connection.cursors, stream: page.cursor}
        connection.unmatched_owners = sorted(world.unmatched)
        connection.save(update_fields=["cursors", "unmatched_owners"])


LEASE = timedelta(minutes=30)


def claim(connection: Connection) -> bool:
    """Own the connection for one sync; False when another sync holds it (one UPDATE)."""
    now = timezone.now()
    return bool(
        Connection.objects.filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .filter(pk=connection.pk)
        .update(lease_until=now + LEASE)
    )


def sync_connection(
    *, connection: Connection, full: bool = False, adapter=None, **overrides
) -> SyncRun | None:
    """One sync of ``connection``: every stream its mappings read, from its cursor (``full``:
    from the start). A refused credential stops the connection; any other fault is written on
    the run and the connection page, and the next sync resumes. None when another sync of the
    same connection is under way. ``adapter``: another source of records of the same shape
    (the demo's sample); ``overrides``: adapter settings (``sleep``)."""
    if not claim(connection):
        return None
    try:
        return _sync(connection, full, adapter, overrides)
    finally:
        Connection.objects.filter(pk=connection.pk).update(lease_until=None)


def _sync(connection: Connection, full: bool, adapter, overrides: dict) -> SyncRun:
    run = SyncRun.objects.create(connection=connection, started_at=timezone.now())
    if full:
        connection.cursors = {}
    world = _world(connection, full)
    error = ""
    try:
        if adapter is None:
            adapter = adapter_for(connection.kind, adapter_settings(connection, **overrides))
        adapter.check()
        families = {FAMILY[m.metric] for m in world.mappings}
        for stream, family in adapter.STREAMS.items():
            if family not in families:
                continue
            seen: set[str] = set()
            for page in adapter.pages(stream, connection.cursors.get(stream)):
                _apply(connection, stream, family, page, world)
                seen.update(r.id for r in page.records)
            if full:
                _forget_unseen(connection, stream, family, seen, world)
    except AuthFailed as exc:
        error = str(exc)
        _stop(connection)
    except CrmError as exc:
        error = str(exc)
    except Exception as exc:  # a CRM answering an unexpected shape must not kill the beat
        log.exception("CRM sync of connection %s failed", connection.pk)
        error = _("Unexpected answer from the CRM (%(error)s).") % {"error": exc.__class__.__name__}
    _finish(connection, run, world, error)
    return run


def _forget_unseen(
    connection: Connection, stream: str, family: str, seen: set[str], world: _World
) -> None:
    """After a full read of ``stream``: what the CRM no longer has stops counting (a CRM that
    keeps no list of deletions, as Odoo, or one past the days its list covers)."""
    prefix = f"{stream}:"
    for mapping in world.mappings:
        if FAMILY[mapping.metric] != family:
            continue
        keys = synced_keys(indicator=mapping.indicator, source=connection.source, prefix=prefix)
        gone = {key: None for key in keys if key.removeprefix(prefix) not in seen}
        if gone:
            world.counts.add(
                measurements_sync(
                    indicator=mapping.indicator, source=connection.source, figures=gone
                )
            )


def _finish(connection: Connection, run: SyncRun, world: _World, error: str) -> None:
    counts = world.counts
    run.finished_at = timezone.now()
    run.records, run.error = world.records, error
    run.created, run.updated, run.removed = counts.created, counts.updated, counts.removed
    run.save()
    connection.last_sync_at = run.finished_at
    connection.last_error = error
    Connection.objects.filter(pk=connection.pk).update(
        last_sync_at=run.finished_at, last_error=error
    )


def _stop(connection: Connection) -> None:
    """No more syncs until the manager saves new credentials (crm.services); the manager's
    bell hears of it once per stop: only the UPDATE that changes the state tells them."""
    connection.state = State.STOPPED
    with transaction.atomic():
        stopped = (
            Connection.objects.filter(pk=connection.pk)
            .exclude(state=State.STOPPED)
            .update(state=State.STOPPED)
        )
        if stopped:
            connection_stopped_notify(connection=connection)
