"""API tokens: one per sign-in, hashed, expiring; revoked by DELETE, a new password, an admin."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from pacsite.api_tokens import token_issue
from pacsite.models import ApiToken
from pacsite.users import user_deactivate

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
TOKEN_URL = "/api/v1/auth/token/"


def sign_in(api, user, password):
    response = api.post(TOKEN_URL, {"username": user.username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()


def me_status(api, token) -> int:
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    status = api.get("/api/v1/me/").status_code
    api.credentials()
    return status


def test_each_sign_in_gives_a_new_token_and_each_works(api, rep, password):
    first, second = sign_in(api, rep, password), sign_in(api, rep, password)
    assert first["token"] != second["token"]
    assert me_status(api, first["token"]) == 200
    assert me_status(api, second["token"]) == 200
    assert ApiToken.objects.filter(user=rep).count() == 2


def test_the_token_itself_is_not_stored(api, rep, password):
    raw = sign_in(api, rep, password)["token"]
    row = ApiToken.objects.get(user=rep)
    stored = [str(getattr(row, field.attname)) for field in ApiToken._meta.concrete_fields]
    assert all(raw not in value for value in stored)
    assert row.token_key == raw[: len(row.token_key)]  # only a prefix, to find the row


def test_delete_revokes_the_token_used_and_only_that_one(api, rep, password):
    used, other = sign_in(api, rep, password)["token"], sign_in(api, rep, password)["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {used}")
    assert api.delete(TOKEN_URL).status_code == 204
    assert me_status(api, used) == 401
    assert me_status(api, other) == 200


def test_delete_without_a_token_is_refused(api, rep):
    api.force_login(rep)  # a browser session is not a token to revoke
    assert api.delete(TOKEN_URL).status_code in {401, 403}


def test_a_token_expires_after_api_token_days(api, rep, password):
    answer = sign_in(api, rep, password)
    expiry = parse_datetime(answer["expiry"])
    expected = timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
    assert abs((expiry - expected).total_seconds()) < 60
    with time_machine.travel(expiry - timedelta(minutes=1)):
        assert me_status(api, answer["token"]) == 200
    with time_machine.travel(expiry + timedelta(minutes=1)):
        assert me_status(api, answer["token"]) == 401
    assert not ApiToken.objects.filter(user=rep).exists()


def test_api_token_days_is_read_from_the_environment(tmp_path):
    environment = dict(os.environ, PAC_VAR_DIR=str(tmp_path), API_TOKEN_DAYS="7")
    environment.update(DJANGO_SETTINGS_MODULE="pacsite.settings")
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps([settings.API_TOKEN_DAYS,"
        " settings.REST_KNOX['TOKEN_TTL'].total_seconds()]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [7, 7 * 86400.0]


def test_a_password_change_on_the_page_revokes_every_token(api, client, rep, password):
    tokens = [sign_in(api, rep, password)["token"] for _ in range(2)]
    client.force_login(rep)
    response = client.post(
        "/password/change/",
        {
            "old_password": password,
            "new_password1": "An0ther-Secret!",
            "new_password2": "An0ther-Secret!",
        },
    )
    assert response.status_code == 302
    api.credentials(HTTP_AUTHORIZATION=f"Token {tokens[0]}")
    refused = api.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 401
    assert "password changed" in refused.json()["detail"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {tokens[1]}")
    in_french = api.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "changement de mot de passe" in in_french.json()["detail"]
    api.credentials()
    assert not ApiToken.objects.filter(user=rep).exists()
    assert me_status(api, sign_in(api, rep, "An0ther-Secret!")["token"]) == 200


def test_a_password_set_anywhere_else_revokes_too(api, rep, password):
    """The admin's form, ``changepassword`` and a reset all end in ``set_password``."""
    token = sign_in(api, rep, password)["token"]
    rep.set_password("Reset-By-Admin-1")
    rep.save()
    assert me_status(api, token) == 401


def test_an_admin_revokes_a_persons_tokens(api, client, rep, manager, password, admin_user):
    _row, token = token_issue(rep)
    _row, kept = token_issue(manager)
    client.force_login(admin_user)
    response = client.post(
        "/admin/auth/user/",
        {"action": "revoke_api_tokens", "_selected_action": [rep.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 jeton d&#x27;API révoqué" in response.content.decode()  # French by default
    assert me_status(api, token) == 401
    assert me_status(api, kept) == 200


def test_an_admin_sees_tokens_without_their_secret_and_deletes_one(api, client, rep, admin_user):
    row, raw = token_issue(rep)
    client.force_login(admin_user)
    listing = client.get("/admin/pacsite/apitoken/")
    assert listing.status_code == 200
    assert rep.username in listing.content.decode() and raw not in listing.content.decode()
    assert client.get("/admin/pacsite/apitoken/add/").status_code == 403
    deleted = client.post(f"/admin/pacsite/apitoken/{row.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert me_status(api, raw) == 401


def test_deactivation_revokes(api, rep, password, admin_user):
    token = sign_in(api, rep, password)["token"]
    user_deactivate(user=rep, by=admin_user)
    assert me_status(api, token) == 401


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Unable to log in"), ("fr", "Impossible de se connecter")],
)
def test_bad_credentials_are_a_400_in_the_callers_language(api, rep, language, message):
    response = api.post(
        TOKEN_URL,
        {"username": rep.username, "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    assert message in json.dumps(response.json(), ensure_ascii=False)
    assert not ApiToken.objects.exists()


def test_an_inactive_person_gets_no_token(api, rep, password):
    rep.is_active = False
    rep.save()
    response = api.post(TOKEN_URL, {"username": rep.username, "password": password})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_json_sign_in_works_too(api, rep, password):
    response = api.post(TOKEN_URL, {"username": rep.username, "password": password}, format="json")
    assert response.status_code == 200 and me_status(api, response.json()["token"]) == 200
