"""The language cookie, set the way Django's own language view sets it."""

from django.conf import settings
from django.utils import translation

# set_cookie's arguments, from the settings Django's own language view reads.
COOKIE_SETTINGS = {"max_age": "AGE", "path": "PATH", "domain": "DOMAIN"} | {
    name.lower(): name for name in ("SECURE", "HTTPONLY", "SAMESITE")
}


def language_cookie(response, language: str) -> None:
    """The cookie Django's language buttons set, with the same settings."""
    options = {
        arg: getattr(settings, f"LANGUAGE_COOKIE_{name}") for arg, name in COOKIE_SETTINGS.items()
    }
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, **options)


def language_activate(request, response, language: str) -> None:
    """This response in ``language`` from here on, and the next requests too (the cookie)."""
    translation.activate(language)
    request.LANGUAGE_CODE = language
    language_cookie(response, language)
