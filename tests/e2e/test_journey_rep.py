"""Journey 2, in a real browser on a phone (390 x 844): a rep's week.

On the demo company, rep1 opens "My actions", ticks an action off without a page reload,
undoes, ticks again, enters this week's figures and reads their status. Runs in French and in
English. The manager's plan pages fit the same phone (from helper A's journey).
"""

import pytest
from django.core.management import call_command

from indicators.models import Measurement
from plans.models import Action, ActionStatus, Plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORDS = {
    "fr": {
        "heading": "Mes actions",
        "week_saved": "Les chiffres de la semaine sont enregistrés.",
        "statuses": ("En bonne voie", "À risque", "En dérive"),
    },
    "en": {
        "heading": "My actions",
        "week_saved": "This week's figures are saved.",
        "statuses": ("On track", "At risk", "Off track"),
    },
}


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("language", ["fr", "en"])
def test_rep_ticks_off_undoes_and_enters_the_week_on_a_phone(
    phone, log_in, axe, screenshot, password, django_user_model, language
):
    words = WORDS[language]
    call_command("seed_demo", password=password)
    rep = django_user_model.objects.get(username="rep1")
    log_in(phone, rep, language)

    phone.goto("/my-actions/")
    phone.get_by_role("heading", name=words["heading"], exact=True).wait_for()
    assert fits_the_phone(phone)
    screenshot(phone, f"my-actions-phone-{language}", full_page=False)  # the top, for the README
    # A mark on the window: a full page load would wipe it.
    phone.evaluate("window.__noReload = true")

    row = phone.locator("#bucket-overdue li.action-row").first
    row_id = row.get_attribute("id")
    action = Action.objects.get(pk=int(row_id.removeprefix("action-")))
    tick = phone.locator(f"#{row_id} form[action$='/complete/'] button")

    # Tick: htmx swaps the row in place and offers "Undo" for a few seconds.
    tick.click()
    undo = phone.locator(f"#{row_id} .undo-form button")
    undo.wait_for()
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert axe(phone) == []  # with the swapped row and its live status message

    # Undo: the action is open again and can be ticked again.
    undo.click()
    tick.wait_for()
    action.refresh_from_db()
    assert action.status in (ActionStatus.TODO, ActionStatus.IN_PROGRESS)

    # Tick again; after the undo fades the row offers "Reopen" instead.
    tick.click()
    undo.wait_for()
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert phone.evaluate("window.__noReload === true")
    if language == "fr":  # the 8 s fade is the same in both languages: watched once
        undo.wait_for(state="detached", timeout=12_000)  # static/plans/actions.js removes it
        phone.locator(f"#{row_id} .reopen-form").wait_for(state="visible")

    # This week's figures.
    phone.goto("/indicators/week/")
    before = Measurement.objects.filter(rep=rep).count()
    first_input = phone.locator("tbody tr input").first
    first_input.fill("4")
    phone.locator("main form[method=post] button[type=submit]").click()
    phone.get_by_text(words["week_saved"]).wait_for()
    assert Measurement.objects.filter(rep=rep).count() >= before + 1
    assert fits_the_phone(phone)

    # Their status, in words beside the colours.
    phone.goto("/indicators/mine/")
    text = phone.locator("main").inner_text()
    assert any(status in text for status in words["statuses"]), text
    assert fits_the_phone(phone)
    screenshot(phone, f"my-figures-phone-{language}")


def test_plan_pages_fit_a_phone_for_the_manager(phone, log_in, axe, password, django_user_model):
    call_command("seed_demo", password=password)
    plan = Plan.objects.get(team__manager__username="manager")
    log_in(phone, django_user_model.objects.get(username="manager"))
    for url in ("/plans/", f"/plans/{plan.pk}/", f"/plans/{plan.pk}/actions/new/"):
        phone.goto(url)
        assert fits_the_phone(phone), url
    # axe on the long plan page runs once, on a desk, in test_accessibility.py.
    assert axe(phone) == []
