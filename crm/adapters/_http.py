"""The HTTP client of the adapters that have no maintained vendor library (httpx)."""

from __future__ import annotations

import httpx

from . import CrmError, Transient, status_error


def client(base_url: str, *, timeout: float, headers: dict | None = None) -> httpx.Client:
    return httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout, headers=headers or {})


def get_json(http: httpx.Client, vendor: str, method: str, url: str, **kwargs) -> dict:
    """The JSON body of a call; an HTTP fault or a timeout becomes the matching ``CrmError``."""
    try:
        response = http.request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        raise Transient(f"{vendor} did not answer in time.") from exc
    except httpx.TransportError as exc:
        raise Transient(f"{vendor} could not be reached ({exc.__class__.__name__}).") from exc
    if response.status_code >= 400:
        raise status_error(vendor, response.status_code, response.headers.get("Retry-After"))
    try:
        return response.json()
    except ValueError as exc:
        raise CrmError(f"{vendor} answered something that is not JSON.") from exc
