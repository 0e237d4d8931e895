"""A plan's timeline, in a real browser: the manager opens it from the plan page and narrows
it to the overdue actions; a rep reads it on a phone, where it stacks and only the weeks'
scale scrolls sideways."""

import re

import pytest
from django.core.management import call_command

from plans.models import Plan

from .test_journey_rep import fits_the_phone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_manager_opens_the_timeline_and_keeps_the_overdue_actions(
    desk, log_in, axe, screenshot, password, django_user_model
):
    """In English, for the README's screenshot (the rep's journey below is in French)."""
    call_command("seed_demo", password=password)
    plan = Plan.objects.get(team__manager__username="manager")
    log_in(desk, django_user_model.objects.get(username="manager"), "en")
    desk.goto(f"/plans/{plan.pk}/")
    desk.get_by_role("link", name="Timeline", exact=True).click()
    desk.wait_for_url(f"**/plans/{plan.pk}/timeline/")
    first = plan.milestones.order_by("date").first()
    group = desk.locator(f"#group-{first.pk}")
    group.wait_for()
    assert first.title in group.inner_text()
    # The scale's marker leads to the milestone's group.
    assert desk.locator(f".timeline-scale a[href='#group-{first.pk}']").count() == 1
    assert desk.locator(".timeline-week-current").count() == 1
    # The weeks' frame opens on this week, whatever the plan's first weeks.
    frame = desk.locator(".timeline-scroll").bounding_box()
    week = desk.locator(".timeline-week-current").bounding_box()
    assert frame["x"] <= week["x"] and week["x"] + week["width"] <= frame["x"] + frame["width"]
    assert axe(desk) == []
    screenshot(desk, "plan-timeline-en", full_page=False)  # the top, for the README

    desk.locator("select[name=status]").select_option("overdue")
    desk.get_by_role("button", name="Filter", exact=True).click()
    desk.wait_for_url(re.compile(r"status=overdue"))
    rows = desk.locator("li.timeline-action")
    assert rows.count() > 0
    assert rows.count() == desk.locator("li.timeline-action.timeline-overdue").count()
    for badge in rows.locator(".status-badge").all_inner_texts():
        assert badge.strip() == "Overdue"


def test_rep_reads_the_timeline_on_a_phone(phone, log_in, axe, password, django_user_model):
    call_command("seed_demo", password=password)
    rep = django_user_model.objects.get(username="rep1")
    plan = Plan.objects.filter(team__members=rep, status="active").first()
    log_in(phone, rep)
    phone.goto(f"/plans/{plan.pk}/")
    phone.get_by_role("link", name="Chronologie", exact=True).click()
    phone.wait_for_url(f"**/plans/{plan.pk}/timeline/")
    phone.locator("li.timeline-action").first.wait_for()
    assert fits_the_phone(phone)
    # The weeks scroll inside their frame, not the page.
    scale = phone.locator(".timeline-scroll")
    assert scale.evaluate("el => el.scrollWidth > el.clientWidth")
    # Stacked: an action's date sits above its title, not beside it.
    row = phone.locator("li.timeline-action").first
    when = row.locator("time").bounding_box()
    what = row.locator("a").first.bounding_box()
    assert when["y"] + when["height"] <= what["y"] + 1
    # A rep chooses a colleague by name.
    rep_names = phone.locator("select[name=assignee] option").all_inner_texts()
    assert rep.get_full_name() in rep_names and rep.username not in rep_names
    assert axe(phone) == []
