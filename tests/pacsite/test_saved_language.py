"""The person's language, saved once and used everywhere: the language buttons save it,
signing in (in another browser too) brings it back, the preferences page edits the same
field, and /api/v1/me/ says it."""

import pytest
from django.test import Client

from reminders.models import ReminderPreference

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en"}


def sign_in(client, user, password, **headers):
    """Sign in through the login form; the page it lands on."""
    response = client.post("/login/", {"username": user.username, "password": password}, **headers)
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def saved(user):
    return ReminderPreference.objects.filter(user=user).values_list("language", flat=True).first()


def test_the_button_saves_the_language_and_another_browser_comes_up_in_it(
    login, team, rep, password
):
    # In an English browser, rep presses "FR".
    login(rep).post("/i18n/setlang/", {"language": "fr", "next": "/"}, **ENGLISH_BROWSER)
    assert saved(rep) == "fr"

    # A new sign-in in another browser (English again, no cookie) comes up in French.
    other = Client()
    response = sign_in(other, rep, password, **ENGLISH_BROWSER)
    assert response.cookies["django_language"].value == "fr"
    home = other.get(response["Location"], **ENGLISH_BROWSER)
    assert home.status_code == 200
    assert '<html lang="fr"' in home.content.decode()

    # Pressing "EN" there saves English: the first browser's next sign-in is in English.
    other.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert saved(rep) == "en"
    third = Client()
    response = sign_in(third, rep, password)  # a French browser (the default)
    assert response.cookies["django_language"].value == "en"
    assert '<html lang="en"' in third.get("/").content.decode()


def test_a_language_chosen_on_the_login_page_is_saved_at_sign_in(client, team, rep, password):
    ReminderPreference.objects.create(user=rep, language="fr")
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert saved(rep) == "fr"  # nobody is signed in yet
    assert '<html lang="en"' in client.get("/login/").content.decode()
    sign_in(client, rep, password)
    assert saved(rep) == "en"
    assert '<html lang="en"' in client.get("/").content.decode()


def test_the_first_sign_in_saves_the_language_it_was_made_in(client, team, rep, password):
    assert saved(rep) is None
    response = sign_in(client, rep, password, **ENGLISH_BROWSER)
    assert saved(rep) == "en"  # so the emails speak it too
    assert response.cookies["django_language"].value == "en"


def test_a_saved_language_wins_over_the_browsers(client, team, rep, password):
    ReminderPreference.objects.create(user=rep, language="en")
    response = sign_in(client, rep, password)  # a French browser
    assert response.cookies["django_language"].value == "en"
    assert saved(rep) == "en"


def test_an_unknown_language_saves_nothing(login, team, rep):
    client = login(rep)
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    client.post("/i18n/setlang/", {"language": "", "next": "/"})
    assert saved(rep) is None


def test_the_preferences_page_shows_and_edits_the_same_field(login, team, rep):
    client = login(rep)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/reminders/preferences/").content.decode()
    assert "Language" in page and '<option value="en" selected>' in page

    response = client.post(
        "/reminders/preferences/",
        {
            "form": "pref",
            "pref-email_mode": "immediate",
            "pref-daily_hour": "8",
            "pref-weekend_quiet": "on",
            "pref-language": "fr",
        },
        follow=True,
    )
    assert saved(rep) == "fr"
    # The pages follow at once: the confirmation is in French, and so is the next page.
    html = response.content.decode()
    assert "Vos préférences de rappel sont enregistrées." in html
    assert '<option value="fr" selected>' in html and "Langue" in html
    assert '<html lang="fr"' in client.get("/").content.decode()


def test_the_api_says_the_persons_language(login, api, team, rep):
    api.force_authenticate(rep)
    assert api.get("/api/v1/me/").json()["language"] == "fr"  # none saved: the default
    login(rep).post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert api.get("/api/v1/me/").json()["language"] == "en"
    api.patch("/api/v1/reminder-preferences/", {"language": "fr"}, format="json")
    assert api.get("/api/v1/me/").json()["language"] == "fr"
    assert saved(rep) == "fr"


def test_the_profile_page_says_the_saved_language(login, team, rep):
    client = login(rep)
    page = client.get("/profile/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Les pages et tous les e-mails que vous recevez sont en français." in page
    assert '<a href="/reminders/preferences/">votre page de préférences</a>' in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/profile/"})
    page = client.get("/profile/").content.decode()
    assert "The pages and every email you get are in English." in page
    page = client.get("/profile/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()  # the cookie wins
    assert "The pages and every email you get are in English." in page
    client.cookies["django_language"] = "fr"  # French pages, English saved
    assert "sont en anglais." in client.get("/profile/").content.decode()
