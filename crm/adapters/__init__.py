"""One small adapter per CRM, all of the same shape, so that another CRM is one more module.

An adapter is built from a ``Settings`` (base URL, decrypted credentials, timeout) and offers

- ``STREAMS``: the record streams it reads (``deals``, ``activities``, ``contacts``);
- ``check()``: one cheap call that raises ``AuthFailed`` on a wrong or expired credential;
- ``pages(stream, cursor)``: the records changed since ``cursor`` (None: all), page by page,
  each ``Page`` carrying the cursor to resume after it.

Records come out normalised (``Record``); faults come out as ``RateLimited`` (with the
server's ``Retry-After``), ``Transient`` (5xx, timeouts) or ``AuthFailed``. The retry policy
is not the adapter's: each one sends its calls through ``Settings.call``, the same for every
vendor (``Retry-After`` honoured, back-off on 5xx and timeouts, a wrong credential at once).
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol

from django.utils.translation import gettext as _

DEALS, ACTIVITIES, CONTACTS = "deals", "activities", "contacts"


@dataclass(frozen=True)
class Settings:
    base_url: str
    credentials: dict
    timeout: float = 30.0
    retries: int = 5
    backoff: float = 1.0  # seconds before the first retry of a 5xx, doubled each time
    longest_wait: float = 300.0  # a Retry-After beyond this ends the sync (the next one resumes)
    sleep: Callable[[float], None] = time.sleep

    def call(self, fn: Callable):
        """``fn()``, tried again on a 429 (after its ``Retry-After``) or a transient fault."""
        attempt = 0
        while True:
            try:
                return fn()
            except RateLimited as exc:
                wait = exc.retry_after if exc.retry_after is not None else self.backoff * 2**attempt
                if attempt >= self.retries or wait > self.longest_wait:
                    raise
            except Transient:
                if attempt >= self.retries:
                    raise
                wait = self.backoff * 2**attempt
            attempt += 1
            self.sleep(wait)


@dataclass(frozen=True)
class Record:
    """One CRM record, in the words of the mappings (crm.metrics reads these and only these)."""

    id: str
    owner_email: str = ""
    created: date | None = None
    closed: date | None = None  # deals: the close date, when closed
    won: bool = False
    amount: Decimal | None = None
    pipeline: str = ""
    stage: str = ""
    activity_type: str = ""
    done: date | None = None  # activities: the day it was done, when done


@dataclass
class Page:
    records: list[Record] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)  # ids of records deleted in the CRM
    cursor: str | None = None  # where the next sync resumes once this page is applied


class CrmError(Exception):
    """A fault talking to a CRM, with a message a manager can read."""


class AuthFailed(CrmError):
    """The credential is wrong or expired: the connection stops until it is replaced."""


class RateLimited(CrmError):
    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class Transient(CrmError):
    """A 5xx, a timeout, a dropped connection: worth trying again shortly."""


class Adapter(Protocol):
    STREAMS: tuple[str, ...]

    def __init__(self, settings: Settings): ...

    def check(self) -> None: ...

    def pages(self, stream: str, cursor: str | None) -> Iterator[Page]: ...


def adapter_for(kind: str, settings: Settings) -> Adapter:
    """The adapter of ``kind`` (the module ``crm.adapters.<kind>``), built on ``settings``."""
    module = importlib.import_module(f"{__name__}.{kind}")
    return module.Adapter(settings)


def retry_after_seconds(value: str | None) -> float | None:
    """A ``Retry-After`` header's seconds (the HTTP-date form is rare with CRMs: None)."""
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def status_error(vendor: str, status: int, retry_after: str | None = None) -> CrmError:
    """The fault an HTTP status stands for."""
    if status in (401, 403):
        return AuthFailed(refused(vendor, status))
    if status == 429:
        return RateLimited(slow_down(vendor, status), retry_after_seconds(retry_after))
    if status >= 500:
        return Transient(answered(vendor, status))
    return CrmError(answered(vendor, status))


# The messages a manager reads on the connection page (in the site's language: a worker has
# no visitor).


def refused(vendor: str, status: int | None = None) -> str:
    if status is None:
        return _("%(crm)s refused the credentials: give new ones.") % {"crm": vendor}
    return _("%(crm)s refused the credentials (HTTP %(status)s): give new ones.") % {
        "crm": vendor,
        "status": status,
    }


def slow_down(vendor: str, status: int) -> str:
    return _("%(crm)s asked to slow down (HTTP %(status)s).") % {"crm": vendor, "status": status}


def answered(vendor: str, status: int) -> str:
    return _("%(crm)s answered HTTP %(status)s.") % {"crm": vendor, "status": status}


def unreachable(vendor: str) -> str:
    return _("%(crm)s could not be reached.") % {"crm": vendor}


def too_slow(vendor: str) -> str:
    return _("%(crm)s did not answer in time.") % {"crm": vendor}


def unreadable(vendor: str) -> str:
    return _("%(crm)s answered something this app cannot read.") % {"crm": vendor}


def parse_date(value) -> date | None:
    """The date part of an ISO date or date-time (``2026-03-02``, ``2026-03-02T10:00:00Z``,
    Odoo's ``2026-03-02 10:00:00``); None for empty values."""
    if not value:
        return None
    return date.fromisoformat(str(value)[:10])


def amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None
