"""Settings of the page benchmark's gunicorn: the project's, plus one trivial view (bench/urls.py).

Used only by ``bench/pages.py`` (``DJANGO_SETTINGS_MODULE=bench.settings``); the application
never loads it, so the trivial view is not part of the product.
"""

from pacsite.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
