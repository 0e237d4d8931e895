"""Journey 1, in a real browser: the manager writes a plan and sets it going.

On the demo company, the manager creates a plan, adds a lever, gives one action to two reps
with a due date, links an indicator to both actions and activates the plan. The journey runs
in French and in English; it saves the plan page and the team dashboard for the README.
"""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from indicators.models import Indicator
from plans.models import Action, Plan, PlanStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORDS = {
    "fr": {
        "created": "Plan créé",
        "active": "Le plan est actif",
        "missing": "Le plan ne peut pas encore être activé",
    },
    "en": {
        "created": "Plan created",
        "active": "The plan is active",
        "missing": "The plan cannot be activated yet",
    },
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_manager_writes_a_plan_and_activates_it(
    desk, log_in, submit, axe, screenshot, password, django_user_model, language
):
    words = WORDS[language]
    call_command("seed_demo", password=password)
    users = {u.username: u for u in django_user_model.objects.all()}
    today = timezone.localdate()
    log_in(desk, users["manager"], language)

    # First, the demo's running plan and its team dashboard, for the README (axe runs on
    # them in test_accessibility.py).
    demo_plan = Plan.objects.get(team__manager=users["manager"])
    desk.goto(f"/plans/{demo_plan.pk}/")
    screenshot(desk, f"plan-page-{language}", full_page=False)  # the top, for the README
    desk.goto("/indicators/")
    desk.locator("#team-grid").wait_for()
    # The whole page, so the README shows the trend charts under the grid; each chart is
    # drawn by then (Chart.js runs without animation once the page's script has loaded).
    desk.wait_for_function(
        "() => [...document.querySelectorAll(\"canvas[data-chart='dashboard-trend']\")]"
        ".every((c) => Chart.getChart(c))"
    )
    screenshot(desk, f"team-dashboard-{language}", full_page=True)

    # The plan: title and period (the team is the manager's only one, already chosen).
    desk.goto("/plans/new/")
    desk.locator("input[name=title]").fill(f"PAC S2 ({language})")
    desk.locator("input[name=start_date]").fill(today.isoformat())
    desk.locator("input[name=end_date]").fill((today + timedelta(days=180)).isoformat())
    submit(desk)
    desk.get_by_text(words["created"]).wait_for()
    plan = Plan.objects.get(title=f"PAC S2 ({language})")
    assert plan.status == PlanStatus.DRAFT

    # Activating an empty plan says what is missing, on the page.
    desk.locator(f"form[action='/plans/{plan.pk}/activate/'] button").click()
    desk.locator("#activation-missing").wait_for()
    assert words["missing"] in desk.locator("#activation-missing").inner_text()

    # A lever.
    desk.locator(f"a[href='/plans/{plan.pk}/levers/new/']").first.click()
    desk.locator("input[name=name]").fill("Fidélisation des comptes clés")
    desk.locator("select[name=aim]").select_option("retain")
    submit(desk)
    desk.wait_for_url(re.compile(rf"/plans/{plan.pk}/(#.*)?$"))

    # One action for two reps, with a due date: one action each.
    desk.locator(f"a[href='/plans/{plan.pk}/actions/new/']").first.click()
    desk.locator("select[name=lever]").select_option(label="Fidélisation des comptes clés")
    desk.locator("input[name=title]").fill("Appeler les 10 plus gros clients")
    for username in ("rep1", "rep2"):
        desk.get_by_label(users[username].get_full_name(), exact=True).check()
    desk.locator("input[name=due_date]").fill((today + timedelta(days=21)).isoformat())
    submit(desk)
    desk.wait_for_url(re.compile(rf"/plans/{plan.pk}/(#.*)?$"))
    actions = Action.objects.filter(lever__plan=plan)
    assert sorted(a.assignee.username for a in actions) == ["rep1", "rep2"]
    assert {a.due_date for a in actions} == {today + timedelta(days=21)}

    # An indicator that both actions should move.
    desk.goto(f"/indicators/plan/{plan.pk}/new/")
    desk.locator("input[name=name]").fill("Comptes clés revus")
    desk.locator("select[name=kind]").select_option("quantitative")
    desk.locator("select[name=unit]").select_option("count")
    desk.locator("textarea[name=definition]").fill("Comptes clés avec une revue d'affaires tenue.")
    desk.locator("input[name=baseline]").fill("2")
    for action in actions:
        desk.locator(f"input[name=actions][value='{action.pk}']").check()
    submit(desk)
    desk.wait_for_url(lambda url: "/new/" not in url)
    indicator = Indicator.objects.get(plan=plan)
    assert set(indicator.actions.values_list("pk", flat=True)) == {a.pk for a in actions}
    # Its target, on the indicator's page (SMART: measurable and time-bound).
    target_form = desk.locator(f"form[action='/indicators/{indicator.pk}/targets/']")
    target_form.locator("input[name=value]").fill("10")
    target_form.locator("input[name=period_start]").fill(plan.start_date.isoformat())
    target_form.locator("input[name=period_end]").fill(plan.end_date.isoformat())
    with desk.expect_navigation():
        target_form.locator("button[type=submit]").click()
    assert indicator.targets.exists()

    # Activate: the team now sees the plan.
    desk.goto(f"/plans/{plan.pk}/")
    desk.locator(f"form[action='/plans/{plan.pk}/activate/'] button").click()
    desk.get_by_text(words["active"]).wait_for()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    assert axe(desk) == []
