"""HubSpot: CRM objects (deals, calls, meetings, contacts) and owners through the maintained
``hubspot-api-client``, pointed at the connection's base URL (default https://api.hubapi.com).

A first sync lists every object (``GET /crm/v3/objects/{type}``, 100 a page, ``after``
cursor); later ones search what changed since the cursor (``POST .../search`` on the last
modified date, ascending; the search stops at 10,000 results, so it starts again from the last
date read) and list the archived (deleted) objects archived since. A private app's access
token goes in ``Authorization: Bearer``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import urllib3
from hubspot import HubSpot
from hubspot.crm.objects import ApiException as ObjectsError
from hubspot.crm.objects import PublicObjectSearchRequest
from hubspot.crm.owners import ApiException as OwnersError

from . import (
    ACTIVITIES,
    CONTACTS,
    DEALS,
    Page,
    Record,
    Settings,
    Transient,
    amount,
    parse_date,
    status_error,
    unreachable,
)

VENDOR = "HubSpot"
DEFAULT_URL = "https://api.hubapi.com"
PAGE_SIZE = 100
SEARCH_LIMIT = 10_000  # HubSpot's search answers at most this many results per query
_MODIFIED = {"contacts": "lastmodifieddate"}  # every other object: hs_lastmodifieddate
_PROPERTIES = {
    "deals": [
        "amount",
        "closedate",
        "createdate",
        "dealstage",
        "pipeline",
        "hubspot_owner_id",
        "hs_is_closed_won",
        "hs_lastmodifieddate",
    ],
    "calls": ["hs_timestamp", "hs_call_status", "hubspot_owner_id", "hs_lastmodifieddate"],
    "meetings": ["hs_timestamp", "hs_meeting_outcome", "hubspot_owner_id", "hs_lastmodifieddate"],
    "contacts": ["createdate", "hubspot_owner_id", "lastmodifieddate"],
}


class Adapter:
    STREAMS = {"deals": DEALS, "calls": ACTIVITIES, "meetings": ACTIVITIES, "contacts": CONTACTS}

    def __init__(self, settings: Settings):
        self.settings = settings
        self.client = HubSpot(
            access_token=settings.credentials.get("access_token", ""),
            host=(settings.base_url or DEFAULT_URL).rstrip("/"),
            # urllib3 would otherwise sleep on a 429 itself: the retries are Settings.call's.
            retry=urllib3.Retry(total=0, respect_retry_after_header=False, raise_on_status=False),
        )
        self._emails: dict | None = None

    def _call(self, fn, **kwargs):
        def once():
            try:
                return fn(_request_timeout=self.settings.timeout, **kwargs)
            except (ObjectsError, OwnersError) as exc:
                retry_after = (exc.headers or {}).get("Retry-After")
                raise status_error(VENDOR, exc.status or 500, retry_after) from exc
            except urllib3.exceptions.HTTPError as exc:
                raise Transient(unreachable(VENDOR)) from exc

        return self.settings.call(once)

    def check(self) -> None:
        self._owner_emails()

    def _owner_emails(self) -> dict[str, str]:
        if self._emails is None:
            emails, after = {}, None
            while True:
                page = self._call(
                    self.client.crm.owners.owners_api.get_page, limit=500, after=after
                )
                emails.update({str(o.id): (o.email or "").lower() for o in page.results})
                if not (page.paging and page.paging.next):
                    break
                after = page.paging.next.after
            self._emails = emails
        return self._emails

    def pages(self, stream: str, cursor: str | None) -> Iterator[Page]:
        emails = self._owner_emails()
        if cursor is None:
            yield from self._listed(stream, emails)
        else:
            yield from self._searched(stream, cursor, emails)
            yield from self._archived(stream, cursor)

    def _listed(self, stream: str, emails: dict) -> Iterator[Page]:
        after, latest = None, None
        basic = self.client.crm.objects.basic_api
        while True:
            result = self._call(
                basic.get_page,
                object_type=stream,
                limit=PAGE_SIZE,
                after=after,
                properties=_PROPERTIES[stream],
                archived=False,
            )
            latest = _latest(latest, result.results)
            yield Page(records=[_record(stream, o, emails) for o in result.results], cursor=latest)
            if not (result.paging and result.paging.next):
                return
            after = result.paging.next.after

    def _searched(self, stream: str, cursor: str, emails: dict) -> Iterator[Page]:
        search = self.client.crm.objects.search_api
        since, after, latest = cursor, None, cursor
        while True:
            request = PublicObjectSearchRequest(
                filter_groups=[
                    {
                        "filters": [
                            {
                                "propertyName": _MODIFIED.get(stream, "hs_lastmodifieddate"),
                                "operator": "GTE",
                                "value": str(_millis(since)),
                            }
                        ]
                    }
                ],
                sorts=[
                    {
                        "propertyName": _MODIFIED.get(stream, "hs_lastmodifieddate"),
                        "direction": "ASCENDING",
                    }
                ],
                properties=_PROPERTIES[stream],
                limit=PAGE_SIZE,
                after=after,
            )
            result = self._call(
                search.do_search, object_type=stream, public_object_search_request=request
            )
            latest = _latest(latest, result.results)
            yield Page(records=[_record(stream, o, emails) for o in result.results], cursor=latest)
            if not (result.paging and result.paging.next):
                return
            after = result.paging.next.after
            if int(after) >= SEARCH_LIMIT:  # past HubSpot's window: search again from here
                since, after = latest, None

    def _archived(self, stream: str, cursor: str) -> Iterator[Page]:
        after, since = None, _parse(cursor)
        basic = self.client.crm.objects.basic_api
        while True:
            result = self._call(
                basic.get_page, object_type=stream, limit=PAGE_SIZE, after=after, archived=True
            )
            gone = [o.id for o in result.results if o.archived_at and o.archived_at >= since]
            yield Page(deleted=gone, cursor=None)
            if not (result.paging and result.paging.next):
                return
            after = result.paging.next.after


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _millis(text: str) -> int:
    return int(_parse(text).timestamp() * 1000)


def _latest(latest: str | None, objects) -> str | None:
    for o in objects:
        if o.updated_at is not None:
            stamp = o.updated_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
            if latest is None or _parse(stamp) > _parse(latest):
                latest = stamp
    return latest


def _record(stream: str, obj, emails: dict) -> Record:
    p = obj.properties or {}
    owner = emails.get(str(p.get("hubspot_owner_id") or ""), "")
    created = parse_date(p.get("createdate")) or (obj.created_at and obj.created_at.date())
    if stream == "deals":
        won = str(p.get("hs_is_closed_won")).lower() == "true"
        return Record(
            id=str(obj.id),
            owner_email=owner,
            created=created,
            closed=parse_date(p.get("closedate")) if won else None,
            won=won,
            amount=amount(p.get("amount")),
            pipeline=p.get("pipeline") or "",
            stage=p.get("dealstage") or "",
        )
    if stream in ("calls", "meetings"):
        status = p.get("hs_call_status") if stream == "calls" else p.get("hs_meeting_outcome")
        done = str(status or "").upper() == "COMPLETED"
        return Record(
            id=str(obj.id),
            owner_email=owner,
            created=created,
            activity_type=stream[:-1],
            done=parse_date(p.get("hs_timestamp")) if done else None,
        )
    return Record(id=str(obj.id), owner_email=owner, created=created)
