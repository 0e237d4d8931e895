"""A closed plan is read only: no comment is added to its actions, by the page or the API."""

import pytest
from django.urls import reverse

from plans.models import ActionEvent, ActionEventKind, PlanStatus

CLOSED = "This plan is closed: it can no longer be changed."


@pytest.fixture
def closed_action(plan, rep_action):
    plan.status = PlanStatus.CLOSED
    plan.save(update_fields=["status"])
    return rep_action


def comments(action):
    return ActionEvent.objects.filter(action=action, kind=ActionEventKind.COMMENT).count()


@pytest.mark.django_db
def test_comment_on_a_closed_plan_is_refused_on_the_page(client, rep, closed_action):
    client.force_login(rep)
    url = reverse("plans:action-comment", args=[closed_action.pk])
    page = client.post(url, {"text": "Client rappelé"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert comments(closed_action) == 0
    assert CLOSED in [str(m) for m in page.context["messages"]]


@pytest.mark.django_db
def test_comment_on_a_closed_plan_is_a_400_in_the_api(api, rep, closed_action):
    api.force_authenticate(rep)
    answer = api.post(
        f"/api/v1/actions/{closed_action.pk}/comment/",
        {"text": "Client rappelé"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 400 and CLOSED in str(answer.json())
    assert comments(closed_action) == 0


@pytest.mark.django_db
def test_comment_on_an_active_plan_is_kept(api, rep, rep_action):
    api.force_authenticate(rep)
    answer = api.post(f"/api/v1/actions/{rep_action.pk}/comment/", {"text": "OK"}, format="json")
    assert answer.status_code == 201 and comments(rep_action) == 1
