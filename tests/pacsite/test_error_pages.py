"""403, 404 and 500 pages in the app's layout, with a way back; the real 404 in development."""

import logging

import pytest

from pacsite import errors
from tests.plans.factories import PlanFactory

pytestmark = pytest.mark.django_db

LAYOUT = "navbar-pac"  # the app's navigation bar


def test_a_missing_page_is_the_apps_404_with_a_way_home(login, rep, team):
    response = login(rep).get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert LAYOUT in page and "Page introuvable" in page
    assert 'href="/"' in page


def test_another_teams_plan_is_the_same_404(login, rep, team, other_team):
    plan = PlanFactory(team=other_team)
    response = login(rep).get(f"/plans/{plan.pk}/")
    assert response.status_code == 404 and "Page introuvable" in response.content.decode()


def test_a_refusal_is_the_apps_403(login, rep, team):
    response = login(rep).get("/audit/")
    page = response.content.decode()
    assert response.status_code == 403
    assert LAYOUT in page and "Action non autorisée" in page


def test_the_way_back_is_the_previous_page_when_it_is_ours(login, rep, team):
    client = login(rep)
    ours = client.get("/nope/", HTTP_REFERER="http://testserver/my-actions/").content.decode()
    theirs = client.get("/nope/", HTTP_REFERER="https://evil.example/x").content.decode()
    assert 'href="http://testserver/my-actions/"' in ours
    assert "evil.example" not in theirs and "Revenir à la page précédente" not in theirs


@pytest.mark.urls("tests.pacsite.error_urls")
def test_a_server_error_is_the_apps_500(login, rep, team, client):
    client.raise_request_exception = False
    response = login(rep).get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert LAYOUT in page and "Une erreur est survenue" in page


@pytest.mark.urls("tests.pacsite.error_urls")
def test_a_500_whose_layout_fails_is_the_bare_page(login, rep, team, client, monkeypatch):
    def layout_fails(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(errors, "render", layout_fails)
    client.raise_request_exception = False
    response = login(rep).get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert LAYOUT not in page and "Une erreur est survenue" in page


def test_development_serves_the_real_404(login, rep, team, other_team, settings):
    settings.DEBUG = True
    client = login(rep)
    missing = client.get("/no-such-page/").content.decode()
    hidden = client.get(f"/plans/{PlanFactory(team=other_team).pk}/").content.decode()
    assert LAYOUT in missing and "Page introuvable" in missing
    assert LAYOUT in hidden and "Page introuvable" in hidden


def test_django_debug_404_only_when_asked(login, rep, team, settings):
    settings.DEBUG = True
    settings.DEBUG_PAGES = True
    page = login(rep).get("/no-such-page/").content.decode()
    assert "URLconf" in page and LAYOUT not in page


def test_an_ordinary_403_is_logged_without_a_traceback(login, rep, team, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        login(rep).get("/audit/")
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records and all(r.exc_info is None for r in records)
    assert "Forbidden" in records[0].getMessage()
