"""A rep in two teams' active plans: "My figures" shows both, and the week of each is entered
from its own section, in a real browser."""

from datetime import date

import pytest

from indicators.models import Measurement
from plans.models import Plan
from tests.indicators.conftest import make_indicator

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _plan(team, title, indicator):
    today = date.today()
    plan = Plan.objects.create(
        team=team,
        title=title,
        start_date=date(today.year, 1, 1),
        end_date=date(today.year, 12, 31),
        status="active",
    )
    make_indicator(plan, name=indicator, unit="count", baseline=None)
    return plan


def test_rep_reads_and_enters_figures_of_both_plans(desk, log_in, rep, team, other_team, axe):
    other_team.members.add(rep)
    ours = _plan(team, "PAC Île-de-France", "Rendez-vous")
    theirs = _plan(other_team, "PAC Rhône-Alpes", "Démonstrations")
    log_in(desk, rep, "en")

    desk.get_by_role("link", name="My figures").first.click()
    desk.get_by_role("heading", name="My figures", exact=True).wait_for()
    for plan, name in ((ours, "Rendez-vous"), (theirs, "Démonstrations")):
        section = desk.locator(f'section[data-plan="{plan.pk}"]')
        assert section.get_by_role("heading", name=plan.title).is_visible()
        assert section.get_by_role("link", name=name).is_visible()
    assert axe(desk) == []

    # The second plan's own entry: its indicator, saved into that plan.
    desk.locator(f'section[data-plan="{theirs.pk}"]').get_by_role(
        "link", name="Enter this week's figures"
    ).click()
    desk.get_by_label("Démonstrations").fill("4")
    assert desk.get_by_label("Rendez-vous").count() == 0
    desk.get_by_role("button", name="Save the week").click()
    desk.get_by_text("This week's figures are saved.").wait_for()
    figure = Measurement.objects.get(rep=rep)
    assert figure.indicator.plan_id == theirs.pk and figure.value == 4

    desk.goto(f"/indicators/rep/{rep.pk}/")
    card = desk.locator(f'section[data-plan="{theirs.pk}"] .card', has_text="Démonstrations")
    assert "4" in card.inner_text()
