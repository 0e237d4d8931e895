"""The navigation bar is rendered once per role, language and current link
(pacsite/templatetags/navbar.py): each page still shows its viewer's menus in its own
language, and nothing of one person (name, bell, token, path) reaches another's page."""

import re

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from reminders.models import DeliveryState, ItemType, Reminder, Stage
from teams.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def page_of(client, user, language="fr", path="/"):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(path).content.decode()


def label(text, language):
    with translation.override(language):
        return gettext(text)


def links(page) -> str:
    """The menu of links (left of the bar)."""
    return page.split('<ul class="navbar-nav me-auto">')[1].split("</ul>")[0]


def test_each_role_and_language_has_its_own_menu(client, rep, manager):
    assert label("My figures", "fr") != "My figures"  # else the test proves nothing
    for language in ("fr", "en", "fr"):  # the second French page comes from the cache
        mine = links(page_of(client, rep, language))
        theirs = links(page_of(client, manager, language))
        assert f"{label('My figures', language)}</a>" in mine
        assert f"{label('Dashboard', language)}</a>" not in mine
        assert f"{label('Dashboard', language)}</a>" in theirs
        assert f"{label('My figures', language)}</a>" not in theirs
        other = "en" if language == "fr" else "fr"
        assert f"{label('My figures', other)}</a>" not in mine
        assert f'<html lang="{language}">' in page_of(client, rep, language)


def test_the_current_page_is_the_active_link(client, rep):
    home = links(page_of(client, rep, path="/"))
    plans = links(page_of(client, rep, path="/plans/"))
    assert re.search(r'class="nav-link active" href="/"', home)
    assert not re.search(r'class="nav-link active" href="/plans/"', home)
    assert re.search(r'class="nav-link active" href="/plans/"', plans)
    assert not re.search(r'class="nav-link active" href="/"', plans)


def notify(user):
    Reminder.objects.create(
        recipient=user,
        stage=Stage.OVERDUE,
        item_type=ItemType.ACTION,
        item_id=Reminder.objects.count() + 1,
        due_date="2026-01-05",
        title="Relancer Dupuis SA",
        state=DeliveryState.SENT,
    )


def test_a_persons_name_bell_and_path_are_theirs_alone(client, rep):
    other = UserFactory(username="sophie", first_name="Sophie", last_name="<Martin>", role=Role.REP)
    rep.first_name, rep.last_name = "Julien", "Moreau"
    rep.save()
    notify(other)
    notify(other)
    mine = page_of(client, rep, path="/plans/?q=a&b=1")
    theirs = page_of(client, other, path="/plans/?q=x")
    mine_again = page_of(client, rep, path="/plans/?q=a&b=1")
    assert mine_again == mine.replace(_token(mine), _token(mine_again))
    assert "Julien Moreau" in mine and "Sophie" not in mine
    assert "Sophie &lt;Martin&gt;" in theirs and "Julien" not in theirs
    assert 'data-unread="2"' in theirs and "data-unread" not in mine
    assert 'name="next" type="hidden" value="/plans/?q=a&amp;b=1"' in mine
    assert 'name="next" type="hidden" value="/plans/?q=x"' in theirs
    # The CSRF token is the request's: both forms of the bar and the page's htmx header.
    assert _token(mine) != _token(theirs)
    assert set(re.findall(r'csrfmiddlewaretoken" value="([^"]+)"', mine)) == {_token(mine)}


def _token(page) -> str:
    return re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)


def test_signed_out_the_bar_has_only_the_language_switcher(client):
    page = client.get("/login/?next=/plans/").content.decode()
    bar = page.split("<nav")[1].split("</nav>")[0]
    assert "main-nav" not in bar and "reminder-bell" not in bar
    assert 'name="next" type="hidden" value="/login/?next=/plans/"' in bar
    assert 'name="csrfmiddlewaretoken" value="' in bar
