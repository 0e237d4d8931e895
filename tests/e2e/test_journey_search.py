"""Search, in a real browser: from the user menu, a word finds a plan's action and a person."""

import re

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_manager_searches_and_opens_an_action(
    desk, log_in, axe, screenshot, password, django_user_model, language
):
    call_command("seed_demo", password=password)
    log_in(desk, django_user_model.objects.get(username="manager"), language)
    desk.goto("/plans/")
    label = {"fr": "Rechercher", "en": "Search"}[language]
    desk.get_by_role("button", name="Claire Martin").click()  # the user menu
    desk.get_by_role("link", name=label, exact=True).click()
    desk.wait_for_url("**/search/")
    desk.get_by_role("searchbox").fill("prospect")
    desk.get_by_role("searchbox").press("Enter")
    desk.wait_for_url(re.compile(r"/search/\?q=prospect$"))
    actions = desk.locator("#search-actions")
    actions.wait_for()
    assert desk.locator("#search-indicators").is_visible()
    # Another team's actions are not found (the demo's Rhône-Alpes plan has its own).
    assert "Rhône" not in desk.locator("main").inner_text()
    assert axe(desk) == []
    if language == "en":
        screenshot(desk, "search-en")
    actions.get_by_role("link").first.click()
    desk.wait_for_url(re.compile(r"/actions/\d+/$"))

    desk.goto("/search/?q=karim")
    people = desk.locator("#search-people")
    people.get_by_role("link", name="Karim Haddad").click()
    desk.wait_for_url(re.compile(r"/indicators/rep/\d+/$"))
