"""Typed readers for environment variables.

Each helper returns a working local default when the variable is unset and raises
``ImproperlyConfigured`` naming the variable when its value is malformed, so a typo in a
deployment stops start-up instead of running with a silently wrong setting.
"""

import base64
import os
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str) -> str:
    value = _raw(name)
    return default if value in (None, "") else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be a boolean (1/0, true/false, yes/no, on/off), got {value!r}."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value in (None, ""):
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


_DB_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}


def env_database(name: str, default: str) -> dict:
    """Parse a database URL (``sqlite:///path`` or ``postgres://user@host:port/name``)."""
    url = env_str(name, default)
    scheme = urlsplit(url).scheme
    if scheme not in _DB_SCHEMES:
        raise ImproperlyConfigured(f"{name} must be a sqlite:// or postgres:// URL, got {url!r}.")
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several kinds; all mean "bad URL"
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} must name a database, got {url!r}.")
    if scheme == "sqlite":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = _sqlite_options(config["NAME"])
    return config


def _sqlite_options(name: str) -> dict:
    """Options that let several workers write to one SQLite file without "database is locked".

    A transaction takes the write lock when it begins (``IMMEDIATE``), so a second writer
    waits up to ``timeout`` for it instead of failing when its read turns into a write, which
    SQLite cannot wait out. A file database is put in WAL mode, where readers never wait for
    the writer; an in-memory one (the tests') has no journal to change.
    """
    options = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    if name != ":memory:" and "mode=memory" not in name:
        options["init_command"] = "PRAGMA journal_mode=WAL"
    return options


def env_redis_url(name: str) -> str | None:
    value = _raw(name)
    if value in (None, ""):
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        raise ImproperlyConfigured(
            f"{name} must be a redis:// URL such as redis://127.0.0.1:6379/0, got {value!r}."
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a non-numeric port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has an invalid port: {value!r}.") from None
    return value


def env_fernet_key(name: str) -> str:
    """A Fernet key (32 bytes, URL-safe base64, as ``Fernet.generate_key()`` prints), or ""."""
    value = _raw(name)
    if value in (None, ""):
        return ""
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raw = b""
    if len(raw) != 32:
        raise ImproperlyConfigured(
            f"{name} must be a Fernet key (44 characters of URL-safe base64, from "
            f"`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key())'`)."
        )
    return value
