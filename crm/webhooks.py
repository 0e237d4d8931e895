"""Signed pushes from the CRMs that send them: each valid call starts a sync of its connection.

- HubSpot signs with its v3 scheme: ``X-HubSpot-Signature-v3`` is the base64 HMAC-SHA256,
  keyed by the app's client secret, of method + full URL + body + ``X-HubSpot-Request-
  Timestamp``; a timestamp older than five minutes is refused (a replay).
- Pipedrive webhooks carry the HTTP Basic credentials given when the webhook was created.

The address itself holds the connection's unguessable key: ``/crm/hooks/<key>/``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from django.http import HttpRequest

from . import secrets
from .models import Connection, Kind

MAX_AGE_SECONDS = 300


def hubspot_valid(request: HttpRequest, client_secret: str, *, now: float | None = None) -> bool:
    signature = request.headers.get("X-HubSpot-Signature-v3", "")
    stamp = request.headers.get("X-HubSpot-Request-Timestamp", "")
    if not (client_secret and signature and stamp.isdigit()):
        return False
    if abs((now or time.time()) * 1000 - int(stamp)) > MAX_AGE_SECONDS * 1000:
        return False
    message = (
        request.method.encode()
        + request.build_absolute_uri().encode()
        + request.body
        + stamp.encode()
    )
    expected = base64.b64encode(hmac.new(client_secret.encode(), message, hashlib.sha256).digest())
    return hmac.compare_digest(expected.decode(), signature)


def hubspot_signature(secret: str, method: str, url: str, body: bytes, stamp: str) -> str:
    """What HubSpot sends (the tests sign with it)."""
    message = method.encode() + url.encode() + body + stamp.encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def pipedrive_valid(request: HttpRequest, user: str, password: str) -> bool:
    header = request.headers.get("Authorization", "")
    if not (user and password and header.startswith("Basic ")):
        return False
    try:
        given = base64.b64decode(header[6:], validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return False
    return hmac.compare_digest(given.encode(), f"{user}:{password}".encode())


def push_valid(connection: Connection, request: HttpRequest) -> bool:
    """Whether ``request`` really comes from ``connection``'s CRM."""
    creds = secrets.unseal(connection.credentials)
    if connection.kind == Kind.HUBSPOT:
        return hubspot_valid(request, creds.get("client_secret", ""))
    if connection.kind == Kind.PIPEDRIVE:
        return pipedrive_valid(
            request, creds.get("webhook_user", ""), creds.get("webhook_password", "")
        )
    return False  # the other CRMs are read on the beat only
