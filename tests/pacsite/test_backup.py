"""``manage.py backup``: a consistent copy of the SQLite database while people keep saving."""

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
WRITES = 400


def _manage(var_dir: Path, *args: str) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(PAC_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="pacsite.settings")
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _write_rows(database: Path, started: threading.Event) -> None:
    """One saved row at a time, each its own transaction, as many people saving would."""
    writer = sqlite3.connect(database, timeout=20)
    try:
        for n in range(1, WRITES + 1):
            with writer:
                writer.execute("INSERT INTO backup_probe (n) VALUES (?)", (n,))
            if n == 50:
                started.set()
    finally:
        writer.close()


def test_a_backup_taken_under_writes_is_a_whole_snapshot_and_restores(tmp_path):
    live = tmp_path / "live"
    _manage(live, "migrate", "--noinput")
    _manage(
        live,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; "
        "get_user_model().objects.create_user('saved-before', password='x')",
    )
    database = live / "pac.sqlite3"
    with sqlite3.connect(database) as setup:
        setup.execute("CREATE TABLE backup_probe (n INTEGER NOT NULL)")
    started = threading.Event()
    writer = threading.Thread(target=_write_rows, args=(database, started))
    writer.start()
    try:
        assert started.wait(60), "the writer never started"
        copy = tmp_path / "copies" / "pac-copy.sqlite3"
        result = _manage(live, "backup", str(copy))
    finally:
        writer.join(120)
    assert "Backup written to" in result.stdout
    assert not copy.with_name(copy.name + ".partial").exists()

    with sqlite3.connect(copy) as snapshot:
        assert snapshot.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = [n for (n,) in snapshot.execute("SELECT n FROM backup_probe ORDER BY n")]
    # A snapshot of one moment: every save up to it, none missing in between.
    assert len(rows) >= 50
    assert rows == list(range(1, len(rows) + 1))
    with sqlite3.connect(database) as original:
        assert original.execute("SELECT count(*) FROM backup_probe").fetchone() == (WRITES,)

    # Restore as the README says: the app stopped, the copy put in place of the database file.
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copyfile(copy, restored / "pac.sqlite3")
    _manage(restored, "migrate", "--check")
    shown = _manage(
        restored,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; "
        "print(get_user_model().objects.filter(username='saved-before').count())",
    )
    assert shown.stdout.strip().splitlines()[-1] == "1"


def test_a_backup_never_overwrites_a_file(tmp_path):
    existing = tmp_path / "there.sqlite3"
    existing.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(existing))
    assert existing.read_bytes() == b"keep me"


@pytest.mark.django_db
def test_the_database_the_tests_run_on_is_refused_with_the_way_to_back_it_up(tmp_path):
    expected = "pg_dump" if connection.vendor == "postgresql" else "in memory"
    with pytest.raises(CommandError, match=expected):
        call_command("backup", str(tmp_path / "copy.sqlite3"))
    assert not (tmp_path / "copy.sqlite3").exists()
