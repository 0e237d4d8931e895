"""The manager's morning, in a real browser: the home page says what needs them today.

On the demo company, the manager lands on "what needs you today", sees the overdue actions,
slipped milestones, reps off track and 1:1s due, opens an overdue action from its link and
plans a 1:1 with the rep already chosen. Saves the page for the README.
"""

import re

import pytest
from django.core.management import call_command

from teams.models import Team
from teams.roles import Role
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORDS = {
    "fr": {
        "title": "Ce qui vous attend aujourd'hui",
        "overdue": "Actions en retard",
        "off_track": "Commerciaux hors trajectoire",
        "open": "Ouvrir l'action",
        "plan_1to1": "Prévoir un entretien",
    },
    "en": {
        "title": "What needs you today",
        "overdue": "Actions overdue",
        "off_track": "Reps off track",
        "open": "Open the action",
        "plan_1to1": "Plan a 1:1",
    },
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_manager_acts_on_what_needs_them_today(
    desk, log_in, axe, screenshot, password, django_user_model, language
):
    words = WORDS[language]
    call_command("seed_demo", password=password)
    manager = django_user_model.objects.get(username="manager")
    # A rep who joined last week has had no 1:1 yet.
    newcomer = UserFactory(
        username="newcomer", first_name="Inès", last_name="Nouvel", role=Role.REP
    )
    Team.objects.get(manager=manager).members.add(newcomer)
    log_in(desk, manager, language)

    desk.goto("/")
    desk.get_by_role("heading", name=words["title"]).wait_for()
    overdue = desk.locator("#today-overdue")
    assert overdue.get_by_role("heading", name=words["overdue"]).is_visible()
    assert int(overdue.locator("[data-count]").get_attribute("data-count")) > 0
    # The demo's rep3 is off track.
    off_track = desk.locator("#today-off_track")
    assert off_track.get_by_text("Karim Haddad", exact=True).is_visible()
    assert axe(desk) == []
    if language == "en":
        screenshot(desk, "manager-home-en")

    # One click opens the overdue action.
    overdue.get_by_role("link", name=re.compile(words["open"])).first.click()
    desk.wait_for_url(re.compile(r"/actions/\d+/$"))

    # "Plan a 1:1" opens the form with the rep chosen.
    desk.goto("/")
    link = desk.locator("#today-one_to_one").get_by_role(
        "link", name=re.compile(words["plan_1to1"])
    )
    link.filter(has_text="Inès Nouvel").click()
    desk.wait_for_url(re.compile(r"/one-to-ones/new/\?rep=\d+$"))
    assert desk.locator("select[name=rep]").input_value() == str(newcomer.pk)
