"""Salesforce: SOQL queries and the deleted-records call through the maintained
``simple-salesforce``, on the connection's instance URL (``https://yours.my.salesforce.com``).

``GET /services/data/vXX.X/query?q=...`` (2,000 records a batch, ``nextRecordsUrl`` for the
next), ordered by ``SystemModstamp`` from the cursor on; ``GET .../sobjects/{type}/deleted/``
for what was deleted since (Salesforce keeps that list 15 days). An OAuth access token of a
connected app goes in ``Authorization: Bearer``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceError

from . import (
    ACTIVITIES,
    CONTACTS,
    DEALS,
    AuthFailed,
    CrmError,
    Page,
    RateLimited,
    Record,
    Settings,
    Transient,
    amount,
    answered,
    parse_date,
    refused,
    slow_down,
    too_slow,
    unreachable,
)

VENDOR = "Salesforce"
_FIELDS = {
    "Opportunity": "Id, Amount, CloseDate, IsWon, CreatedDate, StageName, Owner.Email",
    "Task": "Id, TaskSubtype, IsClosed, ActivityDate, CompletedDateTime, CreatedDate, Owner.Email",
    "Event": "Id, ActivityDate, EndDateTime, CreatedDate, Owner.Email",
    "Lead": "Id, CreatedDate, Owner.Email",
}


class _TimedSession(requests.Session):
    """simple-salesforce takes a session, not a timeout: every call gets the connection's."""

    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)


class Adapter:
    STREAMS = {"Opportunity": DEALS, "Task": ACTIVITIES, "Event": ACTIVITIES, "Lead": CONTACTS}

    def __init__(self, settings: Settings):
        self.settings = settings
        self._sf = None

    @property
    def sf(self) -> Salesforce:
        if self._sf is None:
            self._sf = Salesforce(
                instance_url=self.settings.base_url,
                session_id=self.settings.credentials.get("access_token", ""),
                session=_TimedSession(self.settings.timeout),
            )
        return self._sf

    def _call(self, fn, *args, **kwargs):
        def once():
            try:
                return fn(*args, **kwargs)
            except SalesforceError as exc:
                raise _fault(exc) from exc
            except requests.Timeout as exc:
                raise Transient(too_slow(VENDOR)) from exc
            except requests.ConnectionError as exc:
                raise Transient(unreachable(VENDOR)) from exc

        return self.settings.call(once)

    def check(self) -> None:
        self._call(self.sf.query, "SELECT Id FROM User LIMIT 1")

    def pages(self, stream: str, cursor: str | None) -> Iterator[Page]:
        soql = f"SELECT {_FIELDS[stream]}, SystemModstamp FROM {stream}"
        if cursor:
            soql += f" WHERE SystemModstamp >= {cursor}"
        result = self._call(self.sf.query, soql + " ORDER BY SystemModstamp ASC")
        latest = cursor
        while True:
            rows = result.get("records") or []
            for row in rows:
                latest = max(latest or "", _soql_stamp(row.get("SystemModstamp"))) or latest
            yield Page(records=[_record(stream, r) for r in rows], cursor=latest)
            if result.get("done", True) or not result.get("nextRecordsUrl"):
                break
            result = self._call(self.sf.query_more, result["nextRecordsUrl"], True)
        if cursor:
            yield self._deleted(stream, cursor)

    def _deleted(self, stream: str, cursor: str) -> Page:
        start = datetime.fromisoformat(cursor.replace("Z", "+00:00"))
        gone = self._call(getattr(self.sf, stream).deleted, start, datetime.now(UTC))
        return Page(deleted=[r["id"] for r in gone.get("deletedRecords") or []])


def _fault(exc: SalesforceError) -> CrmError:
    status = getattr(exc, "status", 500) or 500
    text = str(getattr(exc, "content", ""))
    if status == 401:
        return AuthFailed(refused(VENDOR, status))
    if status == 429 or "REQUEST_LIMIT_EXCEEDED" in text:
        return RateLimited(slow_down(VENDOR, status))
    if status == 403:
        return AuthFailed(refused(VENDOR, status))
    if status >= 500:
        return Transient(answered(VENDOR, status))
    return CrmError(answered(VENDOR, status))


def _soql_stamp(value) -> str:
    """``2026-03-02T10:00:00.000+0000`` as SOQL writes a date-time: ``2026-03-02T10:00:00Z``."""
    if not value:
        return ""
    stamp = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z").astimezone(UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def _record(stream: str, row: dict) -> Record:
    owner = ((row.get("Owner") or {}).get("Email") or "").lower()
    created = parse_date(row.get("CreatedDate"))
    if stream == "Opportunity":
        won = bool(row.get("IsWon"))
        return Record(
            id=row["Id"],
            owner_email=owner,
            created=created,
            closed=parse_date(row.get("CloseDate")) if won else None,
            won=won,
            amount=amount(row.get("Amount")),
            stage=row.get("StageName") or "",
        )
    if stream == "Task":
        done = row.get("IsClosed")
        day = row.get("CompletedDateTime") or row.get("ActivityDate")
        return Record(
            id=row["Id"],
            owner_email=owner,
            created=created,
            activity_type=(row.get("TaskSubtype") or "task").lower(),
            done=parse_date(day) if done else None,
        )
    if stream == "Event":
        ended = row.get("EndDateTime")
        over = ended and _soql_stamp_dt(ended) <= datetime.now(UTC)
        return Record(
            id=row["Id"],
            owner_email=owner,
            created=created,
            activity_type="meeting",
            done=parse_date(row.get("ActivityDate") or ended) if over else None,
        )
    return Record(id=row["Id"], owner_email=owner, created=created)


def _soql_stamp_dt(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
