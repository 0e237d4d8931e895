"""What "nothing saved" means here: every project table's row count, and chosen rows."""

from django.apps import apps
from django.db import connection

WATCHED_APPS = ("teams", "plans", "indicators", "coaching", "reminders", "pacsite", "auth")


def snapshot(watched) -> tuple:
    """Row counts of every project table (one query) and the watched rows' values."""
    tables = sorted(
        {m._meta.db_table for label in WATCHED_APPS for m in _models(label)} - {"auth_permission"}
    )
    quoted = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quoted(t)})" for t in tables))
        counts = dict(zip(tables, cursor.fetchone(), strict=True))
    rows = [type(obj).objects.filter(pk=obj.pk).values().first() for obj in watched]
    return counts, rows


def _models(label):
    try:
        config = apps.get_app_config(label)
    except LookupError:
        return []
    return config.get_models(include_auto_created=True)
