"""The error pages in a real browser: in the app's layout, readable, and with a way back."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_rep_lost_on_a_missing_page_finds_the_way_back(desk, rep, team, log_in, axe):
    log_in(desk, rep)
    desk.goto("/my-actions/")
    desk.evaluate("location.href = '/plans/999999/'")  # a link to a page that is not there
    desk.get_by_role("heading", name="Page introuvable").wait_for()
    assert desk.get_by_role("navigation", name="Navigation principale").is_visible()
    assert axe(desk) == []
    desk.get_by_role("link", name="Revenir à la page précédente").click()
    desk.wait_for_url("**/my-actions/")
    desk.goto("/audit/")
    desk.get_by_role("heading", name="Action non autorisée").wait_for()
    desk.get_by_role("link", name="Retour à l'accueil").click()
    desk.wait_for_url(lambda url: url.endswith("/"))
