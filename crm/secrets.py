"""Credentials at rest: a Fernet token (AES and HMAC) of a JSON object, keyed from the
environment (``CRM_ENCRYPTION_KEY``; unset: derived from ``SECRET_KEY``)."""

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    key = settings.CRM_ENCRYPTION_KEY
    if not key:
        digest = hashlib.sha256(b"pac-crm-credentials:" + settings.SECRET_KEY.encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key)


def seal(data: dict) -> str:
    """The stored form of ``data`` (empty dict: nothing stored)."""
    if not data:
        return ""
    return _fernet().encrypt(json.dumps(data, sort_keys=True).encode()).decode()


def unseal(token: str) -> dict:
    """What ``seal`` stored; {} when nothing was, or when the key changed since (the
    connection then asks for its credentials again, as a refused login would)."""
    if not token:
        return {}
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken:
        return {}
