import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_token_is_issued_for_good_credentials_only(api, rep, password):
    good = api.post("/api/v1/auth/token/", {"username": rep.username, "password": password})
    assert good.status_code == 200
    assert len(good.json()["token"]) == 64
    bad = api.post("/api/v1/auth/token/", {"username": rep.username, "password": "wrong"})
    assert bad.status_code == 400
    assert "token" not in bad.json()


def test_me_answers_with_a_token(api, team, rep, password):
    token = api.post(
        "/api/v1/auth/token/", {"username": rep.username, "password": password}
    ).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json() == {
        "id": rep.pk,
        "username": rep.username,
        "name": rep.get_full_name(),
        "role": "rep",
        "team": {"id": team.pk, "name": team.name},
        "language": "fr",  # none saved: the default
    }


def test_me_refuses_a_bad_token(api):
    api.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert api.get("/api/v1/me/").status_code == 401


def test_me_for_a_manager_names_the_managed_team(api, team, manager):
    api.force_authenticate(manager)
    assert api.get("/api/v1/me/").json()["team"]["name"] == team.name


def test_schema_validates():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert "/api/v1/me/" in schema["paths"]


def test_schema_and_docs_are_served_to_logged_in_users(client, rep):
    client.force_login(rep)
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
    assert b"cdn.jsdelivr" not in docs.content
