"""Hostile sign-ins and tokens: the token endpoint and token authentication never answer 5xx.

Schemathesis leaves the sign-in out (made-up passwords would only feed the lockout counter), so
it is fuzzed here with the same hostile text as the forms: NUL bytes, invalid UTF-8, 100,000
characters, HTML, as form fields and as JSON. A refusal is a 400 (or the lockout's 429 / 403),
never a token; a hostile ``Authorization`` header is a 401.
"""

import json

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from pacsite.models import ApiToken

from .hostile import BAD_UTF8, HUGE, ODD_TEXT, _with_nul
from .test_forms import FUZZ_SETTINGS

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"

HOSTILE_TEXT = st.one_of(
    ODD_TEXT,
    _with_nul(),
    st.just("x" * HUGE),
    st.sampled_from(["", " ", "null", "[]", "{}", "0" * 64]),
)
HOSTILE_BYTES = st.one_of(HOSTILE_TEXT.map(str.encode), st.sampled_from(BAD_UTF8))


@FUZZ_SETTINGS
@given(username=HOSTILE_BYTES, password=HOSTILE_BYTES)
def test_hostile_form_sign_ins_are_refused_cleanly(username, password):
    client = Client()  # a fresh one per example
    body = b"username=" + username + b"&password=" + password
    response = client.post(TOKEN_URL, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in {400, 403, 429}, response.content[:300]
    assert not ApiToken.objects.exists()


@FUZZ_SETTINGS
@given(
    body=st.one_of(
        st.fixed_dictionaries({"username": HOSTILE_TEXT, "password": HOSTILE_TEXT}),
        st.dictionaries(st.text(max_size=10), st.one_of(st.integers(), st.none(), HOSTILE_TEXT)),
        st.lists(st.integers(), max_size=3),
    )
)
def test_hostile_json_sign_ins_are_refused_cleanly(body):
    client = Client()  # a fresh one per example
    response = client.post(TOKEN_URL, json.dumps(body), content_type="application/json")
    assert response.status_code in {400, 403, 429}, response.content[:300]
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("garbage", BAD_UTF8)
def test_a_body_that_is_not_utf8_json_is_a_400(client, garbage):
    response = client.post(TOKEN_URL, b'{"username": "' + garbage + b'"}', "application/json")
    assert response.status_code == 400


def _one_line(text: str) -> bool:
    return not any(c in text for c in "\x00\r\n")


@FUZZ_SETTINGS
# A WSGI server hands headers over as bytes read as Latin-1: any byte, no character above 255.
@given(value=HOSTILE_TEXT.map(lambda text: text.encode().decode("latin-1")).filter(_one_line))
def test_hostile_authorization_headers_are_a_401(value):
    client = Client()  # a fresh one per example
    for header in (value, f"Token {value}", f"Token {value} extra"):
        response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=header)
        assert response.status_code in {401, 403}, (header[:80], response.content[:300])


@pytest.mark.parametrize("garbage", BAD_UTF8)
def test_a_token_that_is_not_utf8_is_a_401(client, garbage):
    header = "Token " + garbage.decode("latin-1")
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=header).status_code == 401
