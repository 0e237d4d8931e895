"""Odoo: its external JSON-RPC API (``POST /jsonrpc``, services ``common`` and ``object``)
through httpx, on the connection's address (Odoo Online or a self-hosted server).

``common.authenticate(db, login, api_key)`` gives the user id; ``object.execute_kw(...,
"search_read", [domain], {fields, limit, offset, order})`` reads the leads / opportunities
(``crm.lead``), contacts (``res.partner``) and done activities (``mail.message`` with an
activity type: Odoo posts one when an activity is marked done, by its author's partner, and
deletes the ``mail.activity``) written since the cursor, 500 at a time, with
archived ones (``active_test: False``: a lost lead is archived, so it stops counting). Odoo
keeps no list of deleted rows: ``crm_sync --full`` reads everything again and removes the
figures of what it no longer finds (crm.sync).
"""

from __future__ import annotations

from collections.abc import Iterator

from . import (
    ACTIVITIES,
    CONTACTS,
    DEALS,
    AuthFailed,
    CrmError,
    Page,
    Record,
    Settings,
    amount,
    answered,
    parse_date,
    refused,
)
from ._http import client, get_json

VENDOR = "Odoo"
PAGE_SIZE = 500
_FIELDS = {
    "crm.lead": [
        "id",
        "user_id",
        "type",
        "stage_id",
        "team_id",
        "expected_revenue",
        "date_closed",
        "create_date",
        "write_date",
        "probability",
        "active",
    ],
    "res.partner": ["id", "user_id", "create_date", "write_date", "is_company", "active"],
    "mail.message": ["id", "author_id", "mail_activity_type_id", "date", "write_date"],
}
# Only the messages that record a done activity (the others are the chatter's notes, emails).
_DOMAIN = {"mail.message": [["mail_activity_type_id", "!=", False]]}


class Adapter:
    STREAMS = {"crm.lead": DEALS, "mail.message": ACTIVITIES, "res.partner": CONTACTS}

    def __init__(self, settings: Settings):
        self.settings = settings
        creds = settings.credentials
        self.db, self.login, self.key = (
            creds.get("database"),
            creds.get("login"),
            creds.get("api_key"),
        )
        self.http = client(settings.base_url, timeout=settings.timeout)
        self._uid = None
        self._emails: dict | None = None
        self._partner_emails: dict[int, str] = {}

    def _rpc(self, service: str, method: str, *args):
        body = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": list(args)},
            "id": 1,
        }
        answer = self.settings.call(
            lambda: get_json(self.http, VENDOR, "POST", "/jsonrpc", json=body)
        )
        if "error" in answer:
            error = answer["error"] or {}
            name = (error.get("data") or {}).get("name", "")
            if "AccessDenied" in name or "AccessError" in name:
                raise AuthFailed(refused(VENDOR))
            raise CrmError(answered(VENDOR, error.get("code") or 500))
        return answer.get("result")

    def _search_read(self, model: str, domain: list, **options):
        return self._rpc(
            "object",
            "execute_kw",
            self.db,
            self.uid,
            self.key,
            model,
            "search_read",
            [domain],
            {"context": {"active_test": False}, **options},
        )

    @property
    def uid(self) -> int:
        if self._uid is None:
            uid = self._rpc("common", "authenticate", self.db, self.login, self.key, {})
            if not uid:
                raise AuthFailed(refused(VENDOR))
            self._uid = uid
        return self._uid

    def check(self) -> None:
        self._owner_emails()

    def _owner_emails(self) -> dict[int, str]:
        if self._emails is None:
            users = self._search_read(
                "res.users", [], fields=["id", "login", "email", "partner_id"]
            )
            self._emails = {
                u["id"]: (u.get("email") or u.get("login") or "").lower() for u in users
            }
            # A message's author is a partner: the users' own partners name the reps.
            self._partner_emails = {
                _many2one(u.get("partner_id"))[0]: self._emails[u["id"]] for u in users
            }
        return self._emails

    def pages(self, stream: str, cursor: str | None) -> Iterator[Page]:
        emails = self._owner_emails()
        domain = [*_DOMAIN.get(stream, []), *([["write_date", ">=", cursor]] if cursor else [])]
        offset, latest = 0, cursor
        while True:
            rows = self._search_read(
                stream,
                domain,
                fields=_FIELDS[stream],
                limit=PAGE_SIZE,
                offset=offset,
                order="write_date asc, id asc",
            )
            for row in rows:
                latest = max(latest or "", row.get("write_date") or "") or latest
            records = [
                _activity(r, self._partner_emails)
                if stream == "mail.message"
                else _record(stream, r, emails)
                for r in rows
            ]
            yield Page(records=records, cursor=latest)
            if len(rows) < PAGE_SIZE:
                return
            offset += PAGE_SIZE


def _many2one(value) -> tuple[int | None, str]:
    """Odoo's many2one value: ``[id, "name"]``, or ``False`` when empty."""
    return (value[0], str(value[1])) if value else (None, "")


def _record(stream: str, row: dict, emails: dict) -> Record:
    owner = emails.get(_many2one(row.get("user_id"))[0], "")
    created = parse_date(row.get("create_date"))
    if stream == "crm.lead":
        # Won: an opportunity still active at 100 % (Odoo's "won" stages set it); lost ones
        # are archived.
        won = bool(row.get("active")) and float(row.get("probability") or 0) >= 100
        return Record(
            id=str(row["id"]),
            owner_email=owner,
            created=created,
            closed=parse_date(row.get("date_closed")) if won else None,
            won=won,
            amount=amount(row.get("expected_revenue")),
            pipeline=_many2one(row.get("team_id"))[1],
            stage=_many2one(row.get("stage_id"))[1],
        )
    return Record(id=str(row["id"]), owner_email=owner, created=created)


def _activity(row: dict, partner_emails: dict) -> Record:
    """A done activity: its type's name (as the mapping names it: call, meeting) and day."""
    return Record(
        id=str(row["id"]),
        owner_email=partner_emails.get(_many2one(row.get("author_id"))[0], ""),
        activity_type=_many2one(row.get("mail_activity_type_id"))[1].lower(),
        done=parse_date(row.get("date")),
    )
