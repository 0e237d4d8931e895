"""Every resource is in the schema; every GET answers its documented status and shape."""

import json

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.validation import validate_schema
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pacsite.wsgi import application

pytestmark = pytest.mark.django_db

RESOURCES = [
    "teams", "plans", "levers", "milestones", "actions", "indicators", "indicator-templates",
    "targets", "measurements", "dashboard", "trainings", "training-sessions", "enrollments",
    "skills", "coaching-sessions", "challenges", "rituals", "kudos", "incentive-schemes",
    "notifications", "reminder-preferences", "me", "crm-connections",
]  # fmt: skip


def _schema() -> dict:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


SCHEMA = _schema()
LOADED = schemathesis.openapi.from_dict(SCHEMA)
LOADED.app = application
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_schema_validates_and_lists_every_resource():
    validate_schema(SCHEMA)
    prefixes = {path.split("/")[3] for path in SCHEMA["paths"]}
    assert set(RESOURCES) <= prefixes


def test_lists_are_paginated_and_filters_documented():
    for path, item in SCHEMA["paths"].items():
        get = item.get("get")
        if not get or "{" in path or path.endswith(("/me/", "/reminder-preferences/")):
            continue
        names = {p["name"] for p in get.get("parameters", [])}
        if path.endswith(("/indicator-templates/", "/notifications/", "/what-worked/")):
            continue  # a fixed catalogue, the bell's short list, a report (one object)
        assert "page" in names, path
    actions = {p["name"] for p in SCHEMA["paths"]["/api/v1/actions/"]["get"]["parameters"]}
    assert {"status", "assignee", "plan"} <= actions


GET_LISTS = sorted(
    path for path, item in SCHEMA["paths"].items() if "get" in item and "{" not in path
)


@pytest.mark.parametrize("path", GET_LISTS)
def test_every_list_answers_its_documented_status_and_shape(path, world, manager, token_for):
    case = LOADED[path]["GET"].Case()
    response = case.call(headers={"Authorization": f"Token {token_for(manager)}"})
    assert response.status_code == 200, (path, response.status_code)
    case.validate_response(response, checks=CHECKS)


GET_DETAILS = sorted(
    path
    for path, item in SCHEMA["paths"].items()
    if "get" in item and path.endswith("{id}/") and path.count("{") == 1
)


@pytest.mark.parametrize("path", GET_DETAILS)
def test_every_detail_answers_its_documented_status_and_shape(
    path, every_kind, manager, token_for, api
):
    world = every_kind
    headers = {"Authorization": f"Token {token_for(manager)}"}
    list_path = path.replace("{id}/", "")
    if list_path in SCHEMA["paths"]:
        api.credentials(HTTP_AUTHORIZATION=headers["Authorization"])
        body = api.get(list_path).json()
        rows = body["results"] if isinstance(body, dict) and "results" in body else body
        ids = [row["id"] for row in rows if isinstance(row, dict) and "id" in row]
    else:  # the dashboard is read per team
        ids = [world["plan"].team_id]
    assert ids, f"{list_path} lists nothing for the manager: add a row to every_kind"
    case = LOADED[path]["GET"].Case(path_parameters={"id": ids[0]})
    response = case.call(headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    case.validate_response(response, checks=CHECKS)


def test_unknown_rows_are_a_json_404(api, world, manager):
    api.force_authenticate(manager)
    for path in GET_DETAILS:
        response = api.get(path.replace("{id}", "999999"))
        assert response.status_code == 404, path
        assert "detail" in response.json()


def test_anonymous_calls_are_a_401_everywhere(api):
    for path in GET_LISTS:
        assert api.get(path).status_code in (401, 403), path


def test_bad_input_gets_errors_per_field(api, world, manager):
    api.force_authenticate(manager)
    response = api.post(
        "/api/v1/actions/",
        {"lever": world["lever"].pk, "title": "", "assignee": 999999, "due_date": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert {"title", "assignee", "due_date"} <= set(response.json())


def test_nul_bytes_and_invalid_utf8_are_refused_cleanly(api, world, manager):
    api.force_authenticate(manager)
    nul = api.post(
        "/api/v1/plans/",
        {"team": world["plan"].team_id, "title": "PAC\x00", "start_date": "2026-01-01",
         "end_date": "2026-06-30"},
        format="json",
    )  # fmt: skip
    assert nul.status_code == 400 and "title" in nul.json()
    raw = api.generic(
        "POST", "/api/v1/levers/", b'{"name": "\xff\xfe", "plan": 1}', "application/json"
    )
    assert raw.status_code == 400
    query = api.get("/api/v1/actions/?status=%ff%00&search=%c3%28")
    assert query.status_code in (200, 400)
    patched = api.patch(f"/api/v1/actions/{world['own'].pk}/", {"title": "a\x00b"}, format="json")
    assert patched.status_code == 400 and "title" in patched.json()
