"""Every page with filters offers "All" (in the reader's language) as its empty choice,
never Django's "---------"."""

import pytest

pytestmark = pytest.mark.django_db

PAGES = [
    ("manager", "/my-actions/"),
    ("manager", "/plans/"),
    ("rep", "/reminders/"),
    ("hr", "/coaching/trainings/"),
    ("hr", "/audit/"),
]


@pytest.mark.parametrize(("persona", "url"), PAGES)
@pytest.mark.parametrize(("language", "all_"), [("fr", ">Tous</option>"), ("en", ">All</option>")])
def test_filters_say_all_in_the_readers_language(
    request, login, team, persona, url, language, all_
):
    client = login(request.getfixturevalue(persona))
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    html = page.content.decode()
    assert page.status_code == 200
    assert all_ in html
    assert "---------" not in html
