"""A loopback CRM: one threaded ``http.server`` answering the endpoints each vendor documents,
in the shapes of their public API reference, from data a test puts in.

Every vendor offers the same helpers (``owner``, ``deal``, ``delete_deal``, ``activity``,
``contact``), written in that vendor's own shape, so one test runs against the four. Faults
are queued with ``fail(path_part, status, headers, times)``; ``calls`` lists what was asked.
Pages are capped at ``page_cap`` records whatever the client asks, as the vendors do.
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import json
import re
import ssl
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

EPOCH = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


class Vendor:
    """What every fake vendor shares: its clock, its faults and its page size."""

    name = ""

    def __init__(self):
        self.lock = threading.Lock()
        self.clock = EPOCH
        self.page_cap = 1000
        self.faults: list[dict] = []
        self.calls: list[tuple[str, str]] = []
        self.owners: dict[str, int] = {}

    def tick(self) -> dt.datetime:
        self.clock += dt.timedelta(seconds=1)
        return self.clock

    def fail(self, path_part: str, status: int, headers: dict | None = None, times: int = 1):
        self.faults.append(
            {"path": path_part, "status": status, "headers": headers or {}, "times": times}
        )

    def fault_for(self, path: str) -> dict | None:
        for fault in self.faults:
            if fault["path"] in path and fault["times"] > 0:
                fault["times"] -= 1
                return fault
        return None

    def owner(self, email: str) -> int:
        return self.owners.setdefault(email, 100 + len(self.owners))


def _iso(stamp: dt.datetime) -> str:
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


# ------------------------------------------------------------------------------ Pipedrive


class Pipedrive(Vendor):
    name = "pipedrive"
    token = "pd-token"

    def __init__(self):
        super().__init__()
        self.rows = {"deals": {}, "activities": {}, "persons": {}}
        self._sorted: dict = {}  # a listing read page after page is sorted once

    def credentials(self):
        return {"api_token": self.token}

    def _put(self, kind, pk, row):
        self._sorted.clear()
        old = self.rows[kind].get(pk, {})
        stamp = self.tick().strftime("%Y-%m-%dT%H:%M:%SZ")
        self.rows[kind][pk] = {**old, **row, "id": pk, "update_time": stamp, "is_deleted": False}

    def deal(
        self, pk, owner, *, won=True, amount=100, closed=None, created=None, pipeline=1, stage=1
    ):
        self._put(
            "deals",
            int(pk),
            {
                "title": f"Deal {pk}",
                "owner_id": self.owner(owner),
                "value": amount,
                "currency": "EUR",
                "status": "won" if won else "open",
                "pipeline_id": pipeline,
                "stage_id": stage,
                "add_time": f"{created or closed}T09:00:00Z",
                "won_time": f"{closed}T10:00:00Z" if won and closed else None,
                "close_time": f"{closed}T10:00:00Z" if won and closed else None,
            },
        )

    def delete_deal(self, pk):
        self._sorted.clear()
        row = self.rows["deals"][int(pk)]
        row.update(
            is_deleted=True,
            status="deleted",
            update_time=self.tick().strftime("%Y-%m-%dT%H:%M:%SZ"),
        )

    def activity(self, pk, owner, *, kind="call", done_on=None):
        self._put(
            "activities",
            int(pk),
            {
                "owner_id": self.owner(owner),
                "type": kind,
                "done": done_on is not None,
                "due_date": str(done_on or "2026-03-01"),
                "add_time": "2026-03-01T08:00:00Z",
            },
        )

    def contact(self, pk, owner, *, created):
        self._put(
            "persons", int(pk), {"owner_id": self.owner(owner), "add_time": f"{created}T08:00:00Z"}
        )

    def answer(self, method, path, query, headers, body):
        if headers.get("x-api-token") != self.token:
            return 401, {}, {"success": False, "error": "unauthorized access", "errorCode": 401}
        if path == "/v1/users":
            users = [{"id": i, "email": e, "name": e} for e, i in self.owners.items()]
            return 200, {}, {"success": True, "data": users}
        kind = path.removeprefix("/api/v2/")
        if kind not in self.rows:
            return 404, {}, {"success": False, "error": "not found"}
        since, deleted = query.get("updated_since"), "deleted" in query.get("status", "")
        rows = self._sorted.get((kind, since, deleted))
        if rows is None:
            rows = sorted(self.rows[kind].values(), key=lambda r: (r["update_time"], r["id"]))
            if since:
                rows = [r for r in rows if r["update_time"] >= since]
            if not deleted:
                rows = [r for r in rows if not r["is_deleted"]]
            self._sorted[(kind, since, deleted)] = rows
        start = int(base64.b64decode(query["cursor"])) if query.get("cursor") else 0
        size = min(int(query.get("limit", 100)), self.page_cap)
        chunk = rows[start : start + size]
        following = start + size < len(rows)
        nxt = base64.b64encode(str(start + size).encode()).decode() if following else None
        return 200, {}, {"success": True, "data": chunk, "additional_data": {"next_cursor": nxt}}


# ------------------------------------------------------------------------------ HubSpot


class HubSpot(Vendor):
    name = "hubspot"
    token = "hs-token"

    def __init__(self):
        super().__init__()
        self.objects = {"deals": {}, "calls": {}, "meetings": {}, "contacts": {}}

    def credentials(self):
        return {"access_token": self.token}

    def _put(self, kind, pk, properties):
        stamp = self.tick()
        old = self.objects[kind].get(str(pk))
        modified = "lastmodifieddate" if kind == "contacts" else "hs_lastmodifieddate"
        props = {**(old or {}).get("properties", {}), **properties, modified: _iso(stamp)}
        self.objects[kind][str(pk)] = {
            "id": str(pk),
            "properties": props,
            "archived": False,
            "createdAt": (old or {}).get("createdAt", _iso(stamp)),
            "updatedAt": _iso(stamp),
        }

    def deal(
        self,
        pk,
        owner,
        *,
        won=True,
        amount=100,
        closed=None,
        created=None,
        pipeline="default",
        stage="closedwon",
    ):
        self._put(
            "deals",
            pk,
            {
                "hubspot_owner_id": str(self.owner(owner)),
                "amount": str(amount),
                "closedate": f"{closed}T10:00:00Z" if closed else None,
                "createdate": f"{created or closed}T09:00:00Z",
                "pipeline": pipeline,
                "dealstage": stage if won else "appointmentscheduled",
                "hs_is_closed_won": "true" if won else "false",
            },
        )

    def delete_deal(self, pk):
        row = self.objects["deals"][str(pk)]
        row.update(archived=True, archivedAt=_iso(self.tick()))

    def activity(self, pk, owner, *, kind="call", done_on=None):
        status = "COMPLETED" if done_on else "SCHEDULED"
        key = "hs_call_status" if kind == "call" else "hs_meeting_outcome"
        self._put(
            f"{kind}s",
            pk,
            {
                "hubspot_owner_id": str(self.owner(owner)),
                key: status,
                "hs_timestamp": f"{done_on or '2026-03-01'}T10:00:00Z",
            },
        )

    def contact(self, pk, owner, *, created):
        self._put(
            "contacts",
            pk,
            {"hubspot_owner_id": str(self.owner(owner)), "createdate": f"{created}T08:00:00Z"},
        )

    def _page(self, rows, after, limit, **extra):
        start = int(after or 0)
        size = min(int(limit or 10), self.page_cap)
        body = {"results": rows[start : start + size], **extra}
        if start + size < len(rows):
            body["paging"] = {"next": {"after": str(start + size), "link": "?after=x"}}
        return 200, {}, body

    def answer(self, method, path, query, headers, body):
        if headers.get("authorization") != f"Bearer {self.token}":
            return (
                401,
                {},
                {
                    "status": "error",
                    "message": "Authentication credentials not found.",
                    "category": "INVALID_AUTHENTICATION",
                },
            )
        if path.rstrip("/") == "/crm/v3/owners":
            owners = [
                {
                    "id": str(i),
                    "email": e,
                    "type": "PERSON",
                    "userId": i,
                    "createdAt": _iso(EPOCH),
                    "updatedAt": _iso(EPOCH),
                    "archived": False,
                }
                for e, i in self.owners.items()
            ]
            return self._page(owners, query.get("after"), query.get("limit"))
        match = re.fullmatch(r"/crm/v3/objects/(\w+)(/search)?", path)
        if not match or match[1] not in self.objects:
            return 404, {}, {"status": "error", "message": "not found"}
        rows = sorted(self.objects[match[1]].values(), key=lambda r: int(r["id"]))
        if match[2]:  # the search: one filter on the last modified date, ascending
            flt = body["filterGroups"][0]["filters"][0]
            since = dt.datetime.fromtimestamp(int(flt["value"]) / 1000, dt.UTC)
            rows = [
                r
                for r in rows
                if not r["archived"] and dt.datetime.fromisoformat(r["updatedAt"]) >= since
            ]
            rows.sort(key=lambda r: r["properties"][flt["propertyName"]])
            return self._page(rows, body.get("after"), body.get("limit"), total=len(rows))
        archived = query.get("archived", "").lower() == "true"
        rows = [r for r in rows if r["archived"] == archived]
        return self._page(rows, query.get("after"), query.get("limit"))


# ------------------------------------------------------------------------------ Salesforce


class SalesforceFake(Vendor):
    name = "salesforce"
    token = "sf-token"

    def __init__(self):
        super().__init__()
        self.objects = {"Opportunity": {}, "Task": {}, "Event": {}, "Lead": {}}
        self.deleted = {name: [] for name in self.objects}
        self.cursors: dict[str, list] = {}

    def credentials(self):
        return {"access_token": self.token}

    def _stamp(self) -> str:
        return self.tick().strftime("%Y-%m-%dT%H:%M:%S.000+0000")

    def _put(self, kind, pk, fields):
        email = fields.pop("owner")
        self.objects[kind][pk] = {
            "attributes": {"type": kind, "url": f"/services/data/v59.0/sobjects/{kind}/{pk}"},
            "Id": pk,
            **fields,
            "SystemModstamp": self._stamp(),
            "Owner": {"attributes": {"type": "User"}, "Email": email},
        }

    def deal(
        self,
        pk,
        owner,
        *,
        won=True,
        amount=100,
        closed=None,
        created=None,
        pipeline="",
        stage="Closed Won",
    ):
        self._put(
            "Opportunity",
            f"006{int(pk):012d}",
            {
                "owner": owner,
                "Amount": amount,
                "CloseDate": str(closed) if closed else None,
                "IsWon": won,
                "StageName": stage if won else "Prospecting",
                "CreatedDate": f"{created or closed}T09:00:00.000+0000",
            },
        )

    def delete_deal(self, pk):
        key = f"006{int(pk):012d}"
        del self.objects["Opportunity"][key]
        self.deleted["Opportunity"].append({"id": key, "deletedDate": self._stamp()})

    def activity(self, pk, owner, *, kind="call", done_on=None):
        if kind == "meeting":
            end = f"{done_on or '2099-01-01'}T11:00:00.000+0000"
            self._put(
                "Event",
                f"00U{int(pk):012d}",
                {
                    "owner": owner,
                    "ActivityDate": str(done_on or "2099-01-01"),
                    "EndDateTime": end,
                    "CreatedDate": "2026-03-01T08:00:00.000+0000",
                },
            )
            return
        self._put(
            "Task",
            f"00T{int(pk):012d}",
            {
                "owner": owner,
                "TaskSubtype": kind.capitalize(),
                "IsClosed": done_on is not None,
                "ActivityDate": str(done_on) if done_on else None,
                "CompletedDateTime": None,
                "CreatedDate": "2026-03-01T08:00:00.000+0000",
            },
        )

    def contact(self, pk, owner, *, created):
        self._put(
            "Lead",
            f"00Q{int(pk):012d}",
            {"owner": owner, "CreatedDate": f"{created}T08:00:00.000+0000"},
        )

    def _batch(self, rows, start):
        size = self.page_cap
        body = {
            "totalSize": len(rows),
            "done": start + size >= len(rows),
            "records": rows[start : start + size],
        }
        if not body["done"]:
            key = f"01g{len(self.cursors):015d}-{start + size}"
            self.cursors[key] = rows
            body["nextRecordsUrl"] = f"/services/data/v59.0/query/{key}"
        return 200, {}, body

    def answer(self, method, path, query, headers, body):
        if headers.get("authorization") != f"Bearer {self.token}":
            return (
                401,
                {},
                [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}],
            )
        if match := re.fullmatch(r"/services/data/v[\d.]+/query/(01g\d+)-(\d+)", path):
            return self._batch(self.cursors[f"{match[1]}-{match[2]}"], int(match[2]))
        if re.fullmatch(r"/services/data/v[\d.]+/query/?", path):
            soql = query["q"]
            kind = re.search(r"FROM (\w+)", soql)[1]
            if kind == "User":
                return 200, {}, {"totalSize": 1, "done": True, "records": [{"Id": "005"}]}
            rows = sorted(self.objects[kind].values(), key=lambda r: (r["SystemModstamp"], r["Id"]))
            if since := re.search(r"SystemModstamp >= (\S+)", soql):
                floor = dt.datetime.fromisoformat(since[1].replace("Z", "+00:00"))
                rows = [
                    r
                    for r in rows
                    if dt.datetime.strptime(r["SystemModstamp"], "%Y-%m-%dT%H:%M:%S.%f%z") >= floor
                ]
            return self._batch(rows, 0)
        if match := re.fullmatch(r"/services/data/v[\d.]+/sobjects/(\w+)/deleted/?", path):
            return (
                200,
                {},
                {
                    "deletedRecords": self.deleted[match[1]],
                    "earliestDateAvailable": "2026-02-01T00:00:00.000+0000",
                    "latestDateCovered": self._stamp(),
                },
            )
        return 404, {}, [{"message": "not found", "errorCode": "NOT_FOUND"}]


# ------------------------------------------------------------------------------ Odoo


PARTNER = 1000  # a user's partner id: the user's id plus this


class Odoo(Vendor):
    name = "odoo"
    key = "odoo-key"

    def __init__(self):
        super().__init__()
        self.models = {"crm.lead": {}, "res.partner": {}, "mail.message": {}}

    def credentials(self):
        return {"database": "acme", "login": "api@acme.test", "api_key": self.key}

    def _put(self, model, pk, fields):
        old = self.models[model].get(pk, {})
        stamp = self.tick().strftime("%Y-%m-%d %H:%M:%S")
        self.models[model][pk] = {**old, **fields, "id": pk, "write_date": stamp}

    def deal(
        self,
        pk,
        owner,
        *,
        won=True,
        amount=100,
        closed=None,
        created=None,
        pipeline="Sales",
        stage="Won",
    ):
        uid = self.owner(owner)
        self._put(
            "crm.lead",
            int(pk),
            {
                "user_id": [uid, owner],
                "type": "opportunity",
                "active": True,
                "stage_id": [4 if won else 1, stage if won else "New"],
                "team_id": [1, pipeline],
                "expected_revenue": amount,
                "probability": 100 if won else 10,
                "date_closed": f"{closed} 10:00:00" if won and closed else False,
                "create_date": f"{created or closed} 09:00:00",
            },
        )

    def delete_deal(self, pk):
        # Odoo keeps no trace of an unlinked row; people archive a lead (lost) instead.
        self._put("crm.lead", int(pk), {"active": False, "probability": 0})

    def activity(self, pk, owner, *, kind="call", done_on=None):
        # A planned activity is a mail.activity, which the connector does not read; marking it
        # done posts a message of its type by the user's partner (and unlinks the activity).
        if done_on is None:
            return
        self._put(
            "mail.message",
            int(pk),
            {
                "author_id": [PARTNER + self.owner(owner), owner],
                "mail_activity_type_id": [1 if kind == "call" else 2, kind.capitalize()],
                "message_type": "notification",
                "date": f"{done_on} 15:00:00",
            },
        )

    def contact(self, pk, owner, *, created):
        self._put(
            "res.partner",
            int(pk),
            {
                "user_id": [self.owner(owner), owner],
                "create_date": f"{created} 08:00:00",
                "is_company": False,
                "active": True,
            },
        )

    def answer(self, method, path, query, headers, body):
        if path != "/jsonrpc":
            return 404, {}, {"error": "not found"}
        params = body["params"]
        args = params["args"]
        if params["service"] == "common" and params["method"] == "authenticate":
            ok = args[:3] == ["acme", "api@acme.test", self.key]
            return 200, {}, {"jsonrpc": "2.0", "id": body["id"], "result": 2 if ok else False}
        _db, uid, key, model, _method, positional, options = args
        if key != self.key or uid != 2:
            return (
                200,
                {},
                {
                    "jsonrpc": "2.0",
                    "id": body["id"],
                    "error": {
                        "code": 200,
                        "message": "Odoo Server Error",
                        "data": {
                            "name": "odoo.exceptions.AccessDenied",
                            "message": "Access Denied",
                        },
                    },
                },
            )
        if model == "res.users":
            rows = [
                {"id": i, "login": e, "email": e, "partner_id": [PARTNER + i, e]}
                for e, i in self.owners.items()
            ]
        else:
            rows = sorted(self.models[model].values(), key=lambda r: (r["write_date"], r["id"]))
            for field, op, value in positional[0]:
                if (field, op, value) == ("mail_activity_type_id", "!=", False):
                    rows = [r for r in rows if r.get("mail_activity_type_id")]
                    continue
                assert (field, op) == ("write_date", ">="), (field, op)
                rows = [r for r in rows if r["write_date"] >= value]
            start, size = options.get("offset", 0), min(options.get("limit", 80), self.page_cap)
            rows = rows[start : start + size]
        return 200, {}, {"jsonrpc": "2.0", "id": body["id"], "result": rows}


VENDORS = {"pipedrive": Pipedrive, "hubspot": HubSpot, "salesforce": SalesforceFake, "odoo": Odoo}


# ------------------------------------------------------------------------------ the server


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def _serve(self):
        vendor = self.server.vendor
        parts = urlsplit(self.path)
        query = {k: ",".join(v) for k, v in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        headers = {k.lower(): v for k, v in self.headers.items()}
        with vendor.lock:
            vendor.calls.append((self.command, parts.path))
            fault = vendor.fault_for(parts.path)
            if fault:
                status, extra, payload = fault["status"], fault["headers"], {"error": "fault"}
            else:
                status, extra, payload = vendor.answer(
                    self.command, parts.path, query, headers, body
                )
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = _serve


class LoopbackCRM:
    """``with LoopbackCRM("hubspot") as crm:`` then ``crm.url``, ``crm.vendor``."""

    def __init__(self, name: str, *, tls: bool = False):
        self.vendor = VENDORS[name]()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.vendor = self.vendor
        self.ca_file = None
        if tls:
            self.ca_file = _self_signed()
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.ca_file)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        scheme = "https" if tls else "http"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _self_signed() -> str:
    """A certificate for 127.0.0.1 with its key, in one PEM file (server chain and CA alike)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    with tempfile.NamedTemporaryFile("wb", suffix=".pem", delete=False) as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM))
        handle.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return handle.name
