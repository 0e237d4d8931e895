"""``next`` after a button: only a path on this site is followed (pacsite/redirects.py)."""

import pytest
from django.test import RequestFactory

from teams.redirects import safe_next


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/my-actions/?page=2", "/my-actions/?page=2"),
        ("up", "fallback"),  # redirect() would reverse it as a view name: a 500
        ("//evil.example/", "fallback"),
        ("/\\evil.example", "fallback"),
        ("https://evil.example/", "fallback"),
        ("http://testserver/plans/", "fallback"),  # absolute: a path is enough
        ("javascript:alert(1)", "fallback"),
        ("", "fallback"),
    ],
)
def test_only_a_path_on_this_site_is_followed(given, expected):
    request = RequestFactory().post("/x/", {"next": given})
    assert safe_next(request, "fallback") == expected
