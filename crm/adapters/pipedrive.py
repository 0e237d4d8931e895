"""Pipedrive: its REST API (v2 lists with cursors, v1 for users) through httpx.

Docs: https://developers.pipedrive.com/docs/api/v1 — ``GET /api/v2/deals`` (``updated_since``,
``cursor``, ``limit`` up to 500, ``status=open,won,lost,deleted`` to see deletions),
``/api/v2/activities``, ``/api/v2/persons``, ``GET /v1/users``. The token goes in the
``x-api-token`` header.
"""

from __future__ import annotations

from collections.abc import Iterator

from . import (
    ACTIVITIES,
    CONTACTS,
    DEALS,
    AuthFailed,
    Page,
    Record,
    Settings,
    amount,
    parse_date,
    refused,
)
from ._http import client, get_json

VENDOR = "Pipedrive"
DEFAULT_URL = "https://api.pipedrive.com"
PAGE_SIZE = 500
_PATHS = {DEALS: "/api/v2/deals", ACTIVITIES: "/api/v2/activities", CONTACTS: "/api/v2/persons"}


class Adapter:
    STREAMS = {DEALS: DEALS, ACTIVITIES: ACTIVITIES, CONTACTS: CONTACTS}

    def __init__(self, settings: Settings):
        self.settings = settings
        token = settings.credentials.get("api_token", "")
        self.http = client(
            settings.base_url or DEFAULT_URL,
            timeout=settings.timeout,
            headers={"x-api-token": token, "Accept": "application/json"},
        )
        self._emails: dict | None = None

    def _get(self, path: str, params: dict | None = None) -> dict:
        body = self.settings.call(
            lambda: get_json(self.http, VENDOR, "GET", path, params=dict(params or {}))
        )
        if body.get("success") is False:
            raise AuthFailed(refused(VENDOR))
        return body

    def check(self) -> None:
        self._owner_emails()

    def _owner_emails(self) -> dict[int, str]:
        if self._emails is None:
            users = self._get("/v1/users").get("data") or []
            self._emails = {u["id"]: (u.get("email") or "").lower() for u in users}
        return self._emails

    def pages(self, stream: str, cursor: str | None) -> Iterator[Page]:
        emails = self._owner_emails()
        params = {"limit": PAGE_SIZE, "sort_by": "update_time", "sort_direction": "asc"}
        if stream == DEALS:
            params["status"] = "open,won,lost,deleted"
        if cursor:
            params["updated_since"] = cursor
        latest = cursor
        while True:
            body = self._get(_PATHS[stream], params)
            page = Page()
            for row in body.get("data") or []:
                latest = max(latest or "", row.get("update_time") or "") or latest
                if row.get("is_deleted") or row.get("status") == "deleted":
                    page.deleted.append(str(row["id"]))
                else:
                    page.records.append(_record(stream, row, emails))
            page.cursor = latest
            yield page
            following = (body.get("additional_data") or {}).get("next_cursor")
            if not following:
                return
            params["cursor"] = following


def _record(stream: str, row: dict, emails: dict) -> Record:
    owner = emails.get(row.get("owner_id"), "")
    if stream == DEALS:
        won = row.get("status") == "won"
        return Record(
            id=str(row["id"]),
            owner_email=owner,
            created=parse_date(row.get("add_time")),
            closed=parse_date(row.get("won_time") or row.get("close_time")) if won else None,
            won=won,
            amount=amount(row.get("value")),
            pipeline=str(row.get("pipeline_id") or ""),
            stage=str(row.get("stage_id") or ""),
        )
    if stream == ACTIVITIES:
        done = row.get("done")
        day = row.get("marked_as_done_time") or row.get("due_date")
        return Record(
            id=str(row["id"]),
            owner_email=owner,
            created=parse_date(row.get("add_time")),
            activity_type=row.get("type") or "",
            done=parse_date(day) if done else None,
        )
    return Record(id=str(row["id"]), owner_email=owner, created=parse_date(row.get("add_time")))
