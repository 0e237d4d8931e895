"""Accessibility of the main pages of each role, in a real browser, on the demo company.

- axe-core (tests/e2e/vendor) reports no serious or critical violation;
- the forms work with the keyboard alone (Tab to reach a field, keys to fill it, Enter to send);
- a status is never shown by colour alone: every coloured badge or status mark carries a word
  (visible or for screen readers) beside its colour.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command

from coaching.models import TrainingSession
from plans.models import Action, Lever, Plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Elements whose colour says something: Bootstrap's contextual backgrounds and text colours.
COLOURED = ", ".join(
    f"[class*='{prefix}{colour}']"
    for prefix in ("text-bg-", "bg-", "text-", "border-")
    for colour in ("success", "warning", "danger", "info")
)

# The coloured, visible elements without a word: neither text, aria-label, title nor hidden
# text for screen readers (for an icon, in its parent: the word beside it).
COLOUR_ONLY_JS = """
(selector) => {
  const words = (el) => [
      el.innerText, el.getAttribute('aria-label'), el.getAttribute('title'),
      el.getAttribute('aria-valuetext'),
      el.closest('[aria-label]') && el.closest('[aria-label]').getAttribute('aria-label'),
      el.closest('[title]') && el.closest('[title]').getAttribute('title'),
      [...el.querySelectorAll('.visually-hidden')].map(e => e.textContent).join(' '),
    ].filter(Boolean).join(' ').trim();
  return [...document.querySelectorAll(selector)]
    .filter(el => el.offsetParent !== null && el.getClientRects().length)
    .filter(el => !el.matches('.btn, .btn *, .alert, .alert *, a.text-decoration-none *'))
    // An icon speaks through the words beside it, in the same parent.
    .filter(el => !/[\\p{L}\\p{N}]/u.test(words(el.matches('i.bi') ? el.parentElement : el)))
    .map(el => el.outerHTML.slice(0, 160));
}
"""


def no_colour_only_status(page) -> list[str]:
    return page.evaluate(COLOUR_ONLY_JS, COLOURED)


def check_pages(page, paths, axe):
    problems = {}
    for path in paths:
        response = page.goto(path)
        assert response.ok, (path, response.status)
        found = {"axe": axe(page), "colour only": no_colour_only_status(page)}
        found = {k: v for k, v in found.items() if v}
        if found:
            problems[path] = found
    return problems


@pytest.fixture
def demo(password, django_user_model):
    call_command("seed_demo", password=password)
    return {u.username: u for u in django_user_model.objects.all()}


def test_manager_pages(desk, log_in, axe, demo):
    plan = Plan.objects.filter(team__manager=demo["manager"]).first()
    action = Action.objects.filter(lever__plan=plan).first()
    log_in(desk, demo["manager"])
    problems = check_pages(
        desk,
        [
            "/",
            "/my-actions/",
            "/plans/",
            f"/plans/{plan.pk}/",
            f"/plans/{plan.pk}/actions/new/",
            f"/actions/{action.pk}/",
            "/indicators/",
            "/coaching/one-to-ones/",
            "/coaching/challenges/",
            "/coaching/incentives/",
            "/coaching/what-worked/",
            "/reminders/",
            "/reminders/preferences/",
        ],
        axe,
    )
    assert problems == {}


def test_rep_pages_on_a_phone(phone, log_in, axe, demo):
    log_in(phone, demo["rep1"])
    problems = check_pages(
        phone,
        [
            "/",
            "/my-actions/",
            "/indicators/mine/",
            "/indicators/week/",
            "/coaching/my-trainings/",
            "/coaching/challenges/",
            "/coaching/incentives/",
            "/reminders/",
        ],
        axe,
    )
    assert problems == {}


def test_hr_pages(desk, log_in, axe, demo):
    session = TrainingSession.objects.order_by("starts_at").first()
    log_in(desk, demo["hr"])
    problems = check_pages(
        desk,
        [
            "/coaching/hr/",
            "/coaching/trainings/",
            f"/coaching/trainings/{session.training_id}/",
            f"/coaching/sessions/{session.pk}/",
            f"/coaching/sessions/{session.pk}/attendance/",
            "/coaching/skills/",
        ],
        axe,
    )
    assert problems == {}


def tab_to(page, selector, limit=80):
    """Press Tab until the element matching ``selector`` has the focus, as a keyboard user."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with Tab")


def test_forms_work_with_the_keyboard_alone(desk, password, demo):
    manager = demo["manager"]
    plan = Plan.objects.filter(team__manager=manager).first()

    # Log in: Tab, type, Tab, type, Enter.
    desk.goto("/login/")
    tab_to(desk, "input[name=username]")
    desk.keyboard.type(manager.username)
    tab_to(desk, "input[name=password]")
    desk.keyboard.type(password)
    with desk.expect_navigation():
        desk.keyboard.press("Enter")
    assert "/login/" not in desk.url

    # A new lever: a text field, a select moved with the arrow keys, Enter to save.
    desk.goto(f"/plans/{plan.pk}/levers/new/")
    tab_to(desk, "input[name=name]")
    desk.keyboard.type("Partenariats experts-comptables")
    tab_to(desk, "select[name=aim]")
    desk.keyboard.press("ArrowDown")
    tab_to(desk, "main form[method=post] button[type=submit]")
    with desk.expect_navigation():
        desk.keyboard.press("Enter")
    lever = Lever.objects.get(plan=plan, name="Partenariats experts-comptables")

    # A new action: checkboxes with Space, a date typed in, Enter on the button.
    desk.goto(f"/plans/{plan.pk}/actions/new/?lever={lever.pk}")
    tab_to(desk, "select[name=lever]")
    if desk.evaluate("document.activeElement.value") != str(lever.pk):
        desk.locator("select[name=lever]").select_option(str(lever.pk))  # preset by the link
    tab_to(desk, "input[name=title]")
    desk.keyboard.type("Présenter l'offre au cabinet Fiducia")
    tab_to(desk, "input[name=assignees]")
    desk.keyboard.press("Space")
    tab_to(desk, "input[name=due_date]")
    # A day whose number is its month's: typed the same in the browser's dd/mm and mm/dd.
    due = next(
        plan.start_date + timedelta(days=n)
        for n in range((plan.end_date - plan.start_date).days + 1)
        if (plan.start_date + timedelta(days=n)).day == (plan.start_date + timedelta(days=n)).month
    )
    desk.keyboard.type(due.strftime("%d%m%Y"))
    tab_to(desk, "main form[method=post] button[type=submit]")
    with desk.expect_navigation():
        desk.keyboard.press("Enter")
    action = Action.objects.get(lever=lever)
    assert action.due_date == due

    # Tick it off from the plan's list with the keyboard: the row changes in place.
    desk.goto(f"/plans/{plan.pk}/")
    button = f"form[action='/actions/{action.pk}/complete/'] button"
    tab_to(desk, button, limit=400)
    desk.keyboard.press("Enter")
    desk.wait_for_load_state()
    desk.wait_for_function(
        "(pk) => !document.querySelector(`form[action='/actions/${pk}/complete/']`)", arg=action.pk
    )
    action.refresh_from_db()
    assert action.status == "done"

    # Focus is always visible: the focused button has an outline or a shadow.
    tab_to(desk, "a, button")
    style = desk.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"
    )
    assert style[0] != "none" or style[2] != "none", style
