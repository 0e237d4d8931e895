"""The rough edges of the plan pages: what creating says, an action needs a lever first,
filters say "All"."""

import pytest

from plans.models import Lever, Milestone

from .factories import PlanFactory

pytestmark = pytest.mark.django_db


def test_new_action_on_a_plan_without_levers_says_to_add_one(login, manager, team):
    plan = PlanFactory(team=team, created_by=manager, status="draft")
    client = login(manager)
    # The plan page offers "New action" before any lever exists...
    assert (
        f'href="/plans/{plan.pk}/actions/new/"' in client.get(f"/plans/{plan.pk}/").content.decode()
    )
    # ... and following it says to add a lever first, on the lever's form.
    response = client.get(f"/plans/{plan.pk}/actions/new/", follow=True)
    assert response.redirect_chain[-1][0] == f"/plans/{plan.pk}/levers/new/"
    assert "abord un levier : chaque action appartient" in response.content.decode()


def test_creating_a_lever_and_a_milestone_says_so(login, manager, plan):
    client = login(manager)
    page = client.post(
        f"/plans/{plan.pk}/levers/new/", {"name": "Reconquête", "aim": "win_back"}, follow=True
    ).content.decode()
    assert Lever.objects.filter(plan=plan, name="Reconquête").exists()
    assert "Levier « Reconquête » ajouté." in page
    date = plan.start_date.isoformat()
    page = client.post(
        f"/plans/{plan.pk}/milestones/new/", {"title": "Salon", "date": date}, follow=True
    ).content.decode()
    assert Milestone.objects.filter(plan=plan, title="Salon").exists()
    assert "Jalon « Salon » ajouté." in page


def test_one_action_created_is_singular_in_french(login, manager, plan, lever, rep):
    page = (
        login(manager)
        .post(
            f"/plans/{plan.pk}/actions/new/",
            {
                "lever": lever.pk,
                "title": "Appeler",
                "assignees": [rep.pk],
                "due_date": plan.end_date.isoformat(),
                "priority": 2,
            },
            follow=True,
        )
        .content.decode()
    )
    assert "1 action créée." in page


def test_filters_say_all(login, manager, plan):
    page = login(manager).get("/my-actions/").content.decode()
    assert ">Tous</option>" in page
    assert "---------" not in page and "Inconnu" not in page
