"""The login page of a demo database says where the demo logins are; any other says nothing."""

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_a_database_without_the_demo_shows_no_hint(client, manager):
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="demo-logins"' not in html
    assert "pac-demo" not in html and "Demo logins" not in html


def test_after_seed_demo_the_login_page_points_to_the_demo_logins(client):
    call_command("seed_demo", password="pac-demo", stdout=io.StringIO())
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="demo-logins"' in html
    assert "Sign in as <code>manager</code>" in html and "<code>pac-demo</code>" in html
    assert '"Demo logins"' in html or "&quot;Demo logins&quot;" in html
    french = client.get("/login/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Entreprise de démonstration." in french
    assert "avec le mot de passe <code>pac-demo</code>" in french
    # The hint's login works.
    response = client.post("/login/", {"username": "manager", "password": "pac-demo"})
    assert response.status_code == 302


def test_a_demo_with_its_own_password_does_not_print_one(client):
    call_command("seed_demo", password="s3cret-demo", stdout=io.StringIO())
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="demo-logins"' in html and "DEMO_PASSWORD" in html
    assert "pac-demo" not in html and "s3cret-demo" not in html
