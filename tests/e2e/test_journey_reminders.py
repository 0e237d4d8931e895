"""Reminders in a real browser: the bell, the notification list and the preferences page
on a phone, in French, under the strict CSP, with axe."""

import datetime as dt

import pytest
from django.utils import timezone

from plans.models import Lever, LeverAim, Plan, PlanStatus
from plans.services import action_create
from reminders.sweep import run_sweep

pytestmark = pytest.mark.django_db(transaction=True)


def test_rep_reads_the_bell_on_a_phone_and_opens_a_reminder(phone, rep, team, log_in, axe):
    today = timezone.localdate()
    plan = Plan.objects.create(
        team=team,
        title="PAC 2026",
        start_date=today - dt.timedelta(days=60),
        end_date=today + dt.timedelta(days=300),
        status=PlanStatus.ACTIVE,
    )
    lever = Lever.objects.create(plan=plan, name="Prospection", aim=LeverAim.PROSPECT)
    by = team.manager
    late = action_create(
        lever=lever,
        by=by,
        assignee=rep,
        title="Relancer Dupuis SA",
        due_date=today - dt.timedelta(1),
    )
    action_create(
        lever=lever, by=by, assignee=rep, title="Préparer la démo", due_date=today + dt.timedelta(1)
    )
    run_sweep()  # records, emails nothing: the bell shows them anyway

    log_in(phone, rep)
    phone.get_by_role("button", name="Ouvrir le menu").click()
    # A click during Bootstrap's opening animation can be lost on a loaded machine: wait
    # until the menu is open, as a person would.
    phone.locator("#main-nav.collapse.show").wait_for()
    bell = phone.locator("#reminder-bell")
    assert bell.locator("[data-unread]").inner_text().startswith("2")
    bell.click()
    phone.wait_for_url("**/reminders/")
    phone.get_by_role("heading", name="Notifications").wait_for()
    page = phone.locator("main").inner_text()
    assert "Relancer Dupuis SA" in page and "Préparer la démo" in page
    assert "Actions en retard" in page and "Actions à échéance proche" in page
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe(phone) == []

    phone.locator("li", has_text="Relancer Dupuis SA").get_by_role(
        "button", name="Ouvrir et marquer comme lu"
    ).click()
    phone.wait_for_url(f"**/actions/{late.pk}/")
    phone.goto("/reminders/")
    assert phone.locator("#reminder-bell [data-unread]").get_attribute("data-unread") == "1"

    phone.goto("/reminders/preferences/")
    phone.get_by_label("Une fois par jour, à l'heure de mon choix").check()
    phone.get_by_role("button", name="Enregistrer").click()
    phone.get_by_text("Vos préférences de rappel sont enregistrées.").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe(phone) == []
