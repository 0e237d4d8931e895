"""The language a person chooses follows them: pressed once on a desk, it is there when they
sign in on their phone, and on their preferences page."""

import pytest

from reminders.models import ReminderPreference

pytestmark = pytest.mark.django_db(transaction=True)


def test_english_chosen_on_the_desk_comes_back_on_the_phone(
    desk, phone, rep, team, password, log_in, axe
):
    # On the desk, in French, rep presses "EN" in the navigation bar.
    log_in(desk, rep, "fr")
    with desk.expect_navigation():
        desk.locator("nav .language-switcher button[value=en]").click()
    assert desk.locator("html").get_attribute("lang") == "en"
    assert ReminderPreference.objects.get(user=rep).language == "en"

    # Later, on a French phone that never saw the choice, rep signs in: English.
    phone.goto("/login/")
    assert phone.locator("html").get_attribute("lang") == "fr"
    phone.locator("input[name=username]").fill(rep.username)
    phone.locator("input[name=password]").fill(password)
    phone.locator("#login-form button[type=submit]").click()
    phone.wait_for_url(lambda url: "/login/" not in url)
    assert phone.locator("html").get_attribute("lang") == "en"

    # The preferences page shows the same choice, and changing it there turns the pages.
    phone.goto("/reminders/preferences/")
    language = phone.locator("select[name=pref-language]")
    assert "Language" in phone.locator("label[for=id_pref-language]").inner_text()
    assert language.input_value() == "en"
    language.select_option("fr")
    with phone.expect_navigation():
        phone.locator("form:has(input[value=pref]) button[type=submit]").click()
    assert phone.locator("html").get_attribute("lang") == "fr"
    phone.get_by_text("Vos préférences de rappel sont enregistrées.").wait_for()
    assert ReminderPreference.objects.get(user=rep).language == "fr"
    assert axe(phone) == []
