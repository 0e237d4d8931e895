"""Liveness of the two parts the app cannot work without: the database and the broker."""

from pathlib import Path

from django.conf import settings
from django.db import connection
from kombu import Connection


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure to answer means "down"; the reason goes to the logs
        return False


def broker_ok(timeout: float = 2.0) -> bool:
    """Open (and close) a connection to the Celery broker named in the settings."""
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            connect_timeout=timeout,
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
            # The filesystem transport "connects" without touching disk; make sure the
            # folder it writes messages to is really there.
            folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in")
            if folder is not None:
                return Path(folder).is_dir()
        return True
    except Exception:
        return False
