"""The HTTP client of the adapters that have no maintained vendor library (httpx)."""

from __future__ import annotations

import httpx

from . import CrmError, Transient, status_error, too_slow, unreachable, unreadable


def client(base_url: str, *, timeout: float, headers: dict | None = None) -> httpx.Client:
    return httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout, headers=headers or {})


def get_json(http: httpx.Client, vendor: str, method: str, url: str, **kwargs) -> dict:
    """The JSON body of a call; an HTTP fault or a timeout becomes the matching ``CrmError``."""
    try:
        response = http.request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        raise Transient(too_slow(vendor)) from exc
    except httpx.TransportError as exc:
        raise Transient(unreachable(vendor)) from exc
    if response.status_code >= 400:
        raise status_error(vendor, response.status_code, response.headers.get("Retry-After"))
    try:
        return response.json()
    except ValueError as exc:
        raise CrmError(unreadable(vendor)) from exc
