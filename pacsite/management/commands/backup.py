"""``manage.py backup [PATH]``: a consistent copy of the embedded SQLite database, app running.

SQLite's online backup API copies the pages under a read lock, so the copy is a snapshot of one
moment even while people keep saving; writers wait a moment (the connection's 20 s timeout)
rather than fail. The copy is written beside its destination and renamed at the end, so a
backup that stops half way never leaves a file that looks whole. PostgreSQL has its own tools
(``pg_dump``, point-in-time recovery): the README gives the recipe.
"""

import os
import sqlite3
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone


def default_path() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"pac-{stamp}.sqlite3"


def sqlite_backup(connection, destination: Path) -> None:
    """Copy ``connection``'s database to ``destination`` in one step, then check the copy."""
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    connection.ensure_connection()
    target = sqlite3.connect(partial)
    try:
        # One step (pages=-1): a step-by-step copy restarts whenever someone writes, and a
        # busy team would keep it from ever finishing.
        connection.connection.backup(target)
        (verdict,) = target.execute("PRAGMA integrity_check").fetchone()
    finally:
        target.close()
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise CommandError(f"The copy failed SQLite's integrity check: {verdict}")
    os.replace(partial, destination)


class Command(BaseCommand):
    help = (
        "Copy the SQLite database to PATH (default: PAC_VAR_DIR/backups/pac-<date>.sqlite3) "
        "while the app runs. For PostgreSQL use pg_dump (see the README)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="Where to write the copy (a new file).")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default)."
        )

    def handle(self, *args, path: str | None, database: str, **options):
        destination = Path(path) if path else default_path()
        if destination.exists():
            raise CommandError(f"{destination} already exists: give a new file name.")
        connection = connections[database]
        if connection.vendor != "sqlite":
            raise CommandError(
                "This database is PostgreSQL: back it up with pg_dump, e.g. "
                "pg_dump --format=custom --file=pac.dump <DATABASE_URL>, and restore with "
                "pg_restore --clean --dbname=<DATABASE_URL> pac.dump (README, Backups)."
            )
        if str(connection.settings_dict["NAME"]).startswith(("file:", ":memory:")):
            raise CommandError("This SQLite database lives in memory: there is no file to copy.")
        destination.parent.mkdir(parents=True, exist_ok=True)
        sqlite_backup(connection, destination)
        size = destination.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backup written to {destination} ({size} bytes)."))
