"""What the benchmark scripts share: Django set-up on a scratch database, fast inserts, timing.

Import ``bench.common`` before anything of Django. Without ``DATABASE_URL`` the scripts use
the SQLite file of ``PAC_VAR_DIR`` (``bench/run.py`` points it at a fresh temporary folder);
with ``DATABASE_URL`` that database, which must be a scratch one: it is filled up.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if not os.environ.get("DATABASE_URL") and not os.environ.get("PAC_VAR_DIR"):
    # Never the developer's var/pac.sqlite3: a fresh folder unless told otherwise.
    os.environ["PAC_VAR_DIR"] = tempfile.mkdtemp(prefix="pac-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacsite.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

IS_PG = connection.vendor == "postgresql"


def progress(label: str, done: int, total: int) -> None:
    """A plain progress bar on stderr (no dependency)."""
    width = 30
    filled = width * done // max(total, 1)
    end = "\n" if done >= total else ""
    sys.stderr.write(
        f"\r{label:<14} [{'#' * filled}{'.' * (width - filled)}] {done:>10,}/{total:,}{end}"
    )
    sys.stderr.flush()


class Inserter:
    """Bulk rows of one model straight into its table: COPY on PostgreSQL, executemany on SQLite.

    ``bulk_create`` builds a model instance per row, which is most of the time at millions of
    rows. Columns not given take the field's default, computed once. Ids are given by the
    caller (``next_id``) so children can point at their parents without reading them back.
    """

    def __init__(self, model, columns: list[str], batch: int = 20000):
        self.model = model
        self.table = model._meta.db_table
        self.batch = batch
        fields = list(model._meta.concrete_fields)
        given = set(columns)
        self.columns = list(columns)
        self.defaults = []
        for f in fields:
            if f.column in given:
                continue
            if f.null and not f.has_default():
                value = None
            elif f.has_default():
                value = f.get_db_prep_save(f.get_default(), connection)
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = NOW_DB
            elif f.blank:
                value = ""
            else:
                raise ValueError(f"{self.table}.{f.column} needs a value")
            self.columns.append(f.column)
            self.defaults.append(value)
        self.defaults = tuple(self.defaults)

    def next_id(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.table}")
            return cursor.fetchone()[0] + 1

    def insert(self, rows, total: int, label: str | None = None) -> int:
        """Insert ``rows`` (tuples in the order of ``columns``); returns how many."""
        label = label or self.table
        done = 0
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if IS_PG:
                raw = cursor.cursor
                with raw.copy(f"COPY {self.table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + self.defaults)
                        done += 1
                        if done % self.batch == 0:
                            progress(label, done, total)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                sql = f"INSERT INTO {self.table} ({cols}) VALUES ({marks})"
                chunk = []
                for row in rows:
                    chunk.append(row + self.defaults)
                    if len(chunk) >= self.batch:
                        cursor.executemany(sql, chunk)
                        done += len(chunk)
                        chunk = []
                        progress(label, done, total)
                if chunk:
                    cursor.executemany(sql, chunk)
                    done += len(chunk)
        progress(label, done, max(done, 1))
        return done


def reset_sequences(*models) -> None:
    """PostgreSQL: ids were given explicitly, so move each table's sequence past them."""
    if not IS_PG:
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(_NoStyle(), models):
            cursor.execute(sql)


class _NoStyle:
    def __getattr__(self, name):
        return lambda text: text


def best_of(fn, repeat: int) -> float:
    """Best wall time of ``repeat`` calls, in seconds (the least disturbed by other jobs)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def _now_db():
    from django.utils import timezone

    now = timezone.now()
    return now if IS_PG else connection.ops.adapt_datetimefield_value(now)


NOW_DB = _now_db()


def db_date(day):
    return day if IS_PG else day.isoformat()


def db_datetime(moment):
    return moment if IS_PG else connection.ops.adapt_datetimefield_value(moment)
