import pytest

pytestmark = pytest.mark.django_db


def test_login_page_is_french_by_default(client):
    page = client.get("/login/").content.decode()
    assert "Connectez-vous à votre plan d'action" in page
    assert '<html lang="fr">' in page


def test_login_page_in_english(client):
    client.cookies["django_language"] = "en"
    page = client.get("/login/").content.decode()
    assert "Log in to your action plan" in page
    assert '<html lang="en">' in page


def test_language_switcher_changes_the_language(client, rep, password):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Log in to your action plan" in client.get("/login/").content.decode()


def test_login_and_logout(client, rep, password):
    response = client.post("/login/", {"username": rep.username, "password": password})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/logout/")
    assert client.get("/").status_code == 302


def test_wrong_password_shows_an_error_in_french(client, rep):
    page = client.post("/login/", {"username": rep.username, "password": "nope"}).content.decode()
    assert "Saisissez un nom d" in page  # Django's own French message


def test_password_change(client, rep, password):
    client.force_login(rep)
    response = client.post(
        "/password/change/",
        {
            "old_password": password,
            "new_password1": "An0ther-long-pass",
            "new_password2": "An0ther-long-pass",
        },
    )
    assert response.status_code == 302
    rep.refresh_from_db()
    assert rep.check_password("An0ther-long-pass")


def test_htmx_requests_carry_the_csrf_token(client, rep):
    client.force_login(rep)
    page = client.get("/").content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
    assert "/static/vendor/htmx/htmx.min.js" in page
    assert "cdn" not in page.lower()
