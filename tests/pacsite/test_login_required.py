"""Every page needs a logged-in user, except the few public ones.

The test walks the URL resolver, so a page added later is covered without editing this file.
"""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

# Paths anyone may open.
PUBLIC = {
    "/login/",
    "/healthz",
    "/i18n/setlang/",
    "/api/v1/auth/token/",
    "/admin/login/",
    # The private calendar feed: its secret token is the credential (plans/views_data.py).
    "/calendar/x.ics",
    # A CRM's push: its signature (or Basic credentials) and the address's key are the
    # credential, refused otherwise (tests/crm/test_webhooks.py).
    "/crm/hooks/x/",
}

_SAMPLE = {"int": "1", "str": "x", "slug": "x", "uuid": str(uuid.uuid4()), "path": "x"}


def _route_to_path(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: _SAMPLE[m.group(1) or "str"], route)


def _walk(patterns, prefix=""):
    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, RegexPattern):
            # Regex routes (the admin's, DRF's format suffixes) are reached through a
            # concrete sibling route; only plain literal regexes are walked.
            literal = pattern._regex.lstrip("^").rstrip("$")
            if re.search(r"[()\[\]?*+\\]", literal):
                continue
            part = literal
        elif isinstance(pattern, RoutePattern):
            part = _route_to_path(str(pattern))
        else:  # pragma: no cover - Django has only the two kinds
            raise AssertionError(type(pattern))
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + part)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + part


def _all_paths():
    paths = sorted(set(_walk(get_resolver().url_patterns)))
    assert len(paths) > 10, paths  # the walk found the site, not an empty list
    return [p for p in paths if p not in PUBLIC and not p.startswith("/static/")]


@pytest.mark.django_db
@pytest.mark.parametrize("path", _all_paths())
def test_anonymous_user_is_sent_to_login(client, path):
    response = client.get(path)
    if path.startswith("/api/") and not path.startswith("/api/docs/"):
        # The API answers in JSON: 401/403, never data.
        assert response.status_code in (401, 403), (path, response.status_code)
    else:
        assert response.status_code == 302, (path, response.status_code)
        assert "/login/" in response["Location"], (path, response["Location"])


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login/", "/healthz"])
def test_public_pages_open_without_login(client, path):
    assert client.get(path).status_code == 200
