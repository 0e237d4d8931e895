"""Settings read from the environment: defaults, database URLs, loud failures."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from pacsite import env

ROOT = Path(__file__).resolve().parents[2]

_PRINT = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps({'debug': settings.DEBUG, 'lang': settings.LANGUAGE_CODE,"
    " 'tz': settings.TIME_ZONE, 'engine': settings.DATABASES['default']['ENGINE'],"
    " 'db': str(settings.DATABASES['default']['NAME']), 'broker': settings.CELERY_BROKER_URL,"
    " 'email': settings.EMAIL_BACKEND, 'cache': settings.CACHES['default']['BACKEND']}))"
)
_CONFIG_VARS = [
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_USE_TLS",
    "TIME_ZONE",
    "LANGUAGE_CODE",
    "SITE_URL",
]


def _start(tmp_path, code=_PRINT, **variables):
    """Start Django in a fresh interpreter with only ``variables`` set, running ``code``."""
    environment = {k: v for k, v in os.environ.items() if k not in _CONFIG_VARS}
    environment.update(DJANGO_SETTINGS_MODULE="pacsite.settings", PAC_VAR_DIR=str(tmp_path))
    environment.update(variables)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_defaults_give_a_working_local_setup(tmp_path):
    result = _start(tmp_path)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["db"] == str(tmp_path / "pac.sqlite3")
    assert values["broker"] == "filesystem://"
    assert values["lang"] == "fr"
    assert values["tz"] == "Europe/Paris"
    assert values["email"].endswith("console.EmailBackend")
    assert values["cache"].endswith("FileBasedCache")  # shared by web and worker processes


def test_postgres_url_and_redis_url_are_used(tmp_path):
    result = _start(
        tmp_path,
        DATABASE_URL="postgres://pac:pw@db.example:5433/pacprod",
        REDIS_URL="redis://cache.example:6380/2",
        EMAIL_HOST="smtp.example",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["db"] == "pacprod"
    assert values["broker"] == "redis://cache.example:6380/2"
    assert values["email"].endswith("smtp.EmailBackend")
    assert values["cache"].endswith("RedisCache")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql-ish://nowhere"),
        ("DATABASE_URL", "postgres://host:notaport/db"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("EMAIL_PORT", "twenty-five"),
        ("EMAIL_USE_TLS", "sometimes"),
        ("REMINDER_SWEEP_MINUTES", "hourly"),
        ("REMINDER_SWEEP_MINUTES", "0"),
        ("REMINDER_LEASE_SECONDS", "-5"),
    ],
)
def test_a_malformed_variable_stops_start_up_and_is_named(tmp_path, name, value):
    result = _start(tmp_path, **{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr


def test_postgres_url_parsing(monkeypatch):
    monkeypatch.setenv("X_DB", "postgres://postgres@127.0.0.1:5432/pacsite")
    config = env.env_database("X_DB", "sqlite:///unused")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["HOST"], config["PORT"]) == (
        "pacsite",
        "postgres",
        "127.0.0.1",
        5432,
    )


# Two requests that read, then write, at the same time: what the workers of a site on SQLite
# do when two people record a figure at once. Each read happens before the other's write.
_TWO_WRITERS = """
import threading, time, django
django.setup()
from django.db import connection, transaction
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE tally (n integer)")
    cursor.execute("PRAGMA journal_mode")
    print(cursor.fetchone()[0])
connection.close()
errors = []
def record():
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM tally")
            time.sleep(0.3)
            cursor.execute("INSERT INTO tally VALUES (1)")
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connection.close()
threads = [threading.Thread(target=record) for _ in range(2)]
[t.start() for t in threads]
[t.join() for t in threads]
with connection.cursor() as cursor:
    cursor.execute("SELECT COUNT(*) FROM tally")
    print(cursor.fetchone()[0], errors)
"""


def test_two_writers_on_a_sqlite_file_wait_for_each_other(tmp_path):
    result = _start(tmp_path, code=_TWO_WRITERS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["wal", "2 []"]


def test_an_in_memory_sqlite_database_keeps_its_journal(monkeypatch):
    monkeypatch.setenv("X_DB", "sqlite:///:memory:")
    options = env.env_database("X_DB", "sqlite:///unused")["OPTIONS"]
    assert "init_command" not in options
    assert options["transaction_mode"] == "IMMEDIATE"


def test_database_url_without_a_name_is_refused(monkeypatch):
    monkeypatch.setenv("X_DB", "postgres://postgres@127.0.0.1:5432/")
    with pytest.raises(ImproperlyConfigured, match="X_DB"):
        env.env_database("X_DB", "sqlite:///unused")


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("off", False), ("TRUE", True)])
def test_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env.env_bool("X_FLAG", not expected) is expected


def test_lists_and_whole_numbers(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "a.example, b.example ,")
    monkeypatch.setenv("X_PORT", "0")
    assert env.env_list("X_HOSTS", []) == ["a.example", "b.example"]
    with pytest.raises(ImproperlyConfigured, match="X_PORT must be at least 1"):
        env.env_int("X_PORT", 25, minimum=1)
