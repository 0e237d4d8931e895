"""The API docs page: in the app's layout, its assets from this origin, endpoints grouped by
resource (the schema's tags)."""

import html

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


def test_the_docs_page_is_in_the_app_s_layout_with_local_assets(client, manager):
    client.force_login(manager)
    page = html.unescape(client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE="fr").content.decode())
    assert "Documentation de l'API" in page and "regroupés par ressource" in page
    assert 'id="main"' in page and "navbar" in page  # the base layout and its navigation
    assert '<div id="swagger-ui"' in page
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "<style>" not in page and "<script>" not in page  # nothing inline for the CSP
    assert "cdn." not in page and "https://" not in page.split("<main", 1)[1]


def test_its_init_script_is_a_file_of_its_own(client, rep):
    client.force_login(rep)
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    body = script.content.decode()
    assert '"docExpansion": "none"' in body and '"validatorUrl": null' in body


def test_every_endpoint_is_tagged_with_its_resource():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    tags = {
        path: {t for op in ops.values() for t in op.get("tags", [])}
        for path, ops in schema["paths"].items()
    }
    assert tags["/api/v1/plans/{id}/activate/"] == {"plans"}
    assert tags["/api/v1/training-sessions/"] == {"training-sessions"}
    assert all(t and "v1" not in t for t in tags.values())


def test_signed_out_the_docs_page_sends_to_the_login_page(client):
    response = client.get("/api/docs/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
