"""The first steps of every user, in a real browser: log in, switch language, use the menu."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_rep_logs_in_on_a_phone_and_opens_the_menu(phone, rep, team, log_in, axe, screenshot):
    log_in(phone, rep)
    assert phone.locator("html").get_attribute("lang") == "fr"
    toggler = phone.get_by_role("button", name="Ouvrir le menu")
    assert toggler.is_visible()  # collapsed navigation at 390 px
    toggler.click()
    # Bootstrap's collapse animates; a click during the animation can be lost on a loaded
    # machine, so wait until the menu has finished opening.
    phone.locator("#main-nav.collapse.show").wait_for()
    phone.get_by_role("button", name="Se déconnecter").wait_for(state="hidden")
    phone.get_by_text(rep.get_full_name(), exact=False).first.click()
    phone.get_by_role("button", name="Se déconnecter").wait_for(state="visible", timeout=5000)
    # Nothing is wider than the screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    violations = axe(phone)
    assert violations == [], violations


def test_login_page_switches_to_english(desk, live_server, axe):
    desk.goto("/login/")
    assert desk.get_by_role("heading").first.inner_text() == "Connectez-vous à votre plan d'action"
    desk.get_by_role("button", name="EN").click()
    desk.get_by_role("heading", name="Log in to your action plan").wait_for()
    assert desk.locator("html").get_attribute("lang") == "en"
    assert axe(desk) == []


def test_wrong_password_is_explained_next_to_the_form(desk, rep):
    desk.goto("/login/")
    desk.locator("input[name=username]").fill(rep.username)
    desk.locator("input[name=password]").fill("wrong")
    desk.locator("#login-form button[type=submit]").click()
    assert "Saisissez un nom d" in desk.locator("#login-form").inner_text()
