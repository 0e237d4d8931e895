"""The cached plan page and "My actions" (teams/team_cache.py): a repeated view is served
without reading the actions again, a change through the services (the pages, the API, the
import) shows on the next view, and no viewer is ever served a page cached for someone else.

The world (tests/plans/conftest.py): ``plan`` of ``team`` (``manager``, ``rep``, ``rep2``)
with ``lever``; ``other_plan`` of ``other_team`` (``other_manager``, ``outsider``)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from plans import services
from plans.imports import plan_import_apply
from plans.models import ActionStatus, PlanStatus
from tests.clients import as_user, page

from .factories import ActionFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def active(plan):
    plan.status = PlanStatus.ACTIVE  # My actions lists the active plans' actions
    plan.save()
    return plan


def reads_actions(client, url) -> bool:
    with CaptureQueriesContext(connection) as queries:
        page(client, url)
    return any('"plans_action"' in q["sql"] for q in queries.captured_queries)


@pytest.mark.parametrize("who", ["manager", "rep"])
@pytest.mark.parametrize("url", ["plan", "my-actions"])
def test_a_repeated_view_is_served_without_reading_the_actions(
    request, who, url, active, rep_action
):
    client = as_user(request.getfixturevalue(who))
    url = f"/plans/{active.pk}/" if url == "plan" else "/my-actions/"
    assert reads_actions(client, url)
    assert not reads_actions(client, url)
    assert rep_action.title in page(client, url)


@pytest.mark.parametrize("url", ["plan", "my-actions"])
def test_a_cached_pages_forms_carry_this_sessions_token(url, active, rep, rep_action):
    client = as_user(rep, enforce_csrf_checks=True)
    url = f"/plans/{active.pk}/" if url == "plan" else "/my-actions/"
    page(client, url)
    again = page(client, url)  # from the cache
    assert "csrf-token-slot" not in again
    tokens = TOKEN.findall(again)
    assert tokens
    response = client.post(
        f"/actions/{rep_action.pk}/complete/", {"csrfmiddlewaretoken": tokens[0], "next": url}
    )
    assert response.status_code == 302
    rep_action.refresh_from_db()
    assert rep_action.status == ActionStatus.DONE
    # Another session never receives this one's token from the cache.
    stranger = page(as_user(rep), url)
    assert not set(TOKEN.findall(stranger)) & set(tokens)


def done_on_plan_page(html: str, title: str) -> bool:
    row = html[html.index(title) :]
    row = row[: row.index("</tr>")]
    return "bi-check-circle-fill" in row  # the "Done" badge


def done_in_my_actions(html: str, title: str) -> bool:
    done = html.find('id="bucket-done"')
    return done != -1 and title in html[done:]


def test_an_action_ticked_on_the_page_shows_at_once(active, rep, manager, rep_action):
    boss, me = as_user(manager), as_user(rep)
    plan_url = f"/plans/{active.pk}/"
    assert not done_on_plan_page(page(boss, plan_url), rep_action.title)
    assert not done_in_my_actions(page(me, "/my-actions/"), rep_action.title)
    assert me.post(f"/actions/{rep_action.pk}/complete/").status_code == 302
    assert done_on_plan_page(page(boss, plan_url), rep_action.title)
    assert done_in_my_actions(page(me, "/my-actions/"), rep_action.title)


def test_an_action_ticked_through_the_api_shows_at_once(active, rep, manager, rep_action):
    boss, me = as_user(manager), as_user(rep)
    plan_url = f"/plans/{active.pk}/"
    assert not done_on_plan_page(page(boss, plan_url), rep_action.title)
    assert not done_in_my_actions(page(me, "/my-actions/"), rep_action.title)
    api = APIClient()
    api.force_authenticate(rep)
    assert api.post(f"/api/v1/actions/{rep_action.pk}/complete/").status_code == 200
    assert done_on_plan_page(page(boss, plan_url), rep_action.title)
    assert done_in_my_actions(page(me, "/my-actions/"), rep_action.title)


def test_an_action_reopened_through_the_service_shows_at_once(active, rep, manager, rep_action):
    services.action_set_status(action=rep_action, by=rep, status=ActionStatus.DONE)
    boss, me = as_user(manager), as_user(rep)
    plan_url = f"/plans/{active.pk}/"
    assert done_on_plan_page(page(boss, plan_url), rep_action.title)
    assert done_in_my_actions(page(me, "/my-actions/"), rep_action.title)
    services.action_set_status(action=rep_action, by=manager, status=ActionStatus.TODO)
    assert not done_on_plan_page(page(boss, plan_url), rep_action.title)
    assert not done_in_my_actions(page(me, "/my-actions/"), rep_action.title)


def test_imported_actions_show_at_once(active, rep, manager, lever):
    boss, me = as_user(manager), as_user(rep)
    plan_url = f"/plans/{active.pk}/"
    assert "Visit the fair" not in page(boss, plan_url)
    assert "Visit the fair" not in page(me, "/my-actions/")
    data = f"lever,what,who,due\n{lever.name},Visit the fair,{rep.username},{active.end_date}\n"
    assert plan_import_apply(plan=active, data=data.encode(), filename="p.csv", by=manager) == 1
    assert "Visit the fair" in page(boss, plan_url)
    assert "Visit the fair" in page(me, "/my-actions/")


def test_a_colleague_is_never_served_anothers_my_actions(active, rep, rep2, rep_action, lever):
    mine = ActionFactory(lever=lever, assignee=rep2, title="Appeler les anciens clients")
    assert rep_action.title in page(as_user(rep), "/my-actions/")
    theirs = page(as_user(rep2), "/my-actions/")
    assert mine.title in theirs and rep_action.title not in theirs


def test_a_colleague_is_never_served_anothers_plan_page(active, rep, rep2, rep_action):
    url = f"/plans/{active.pk}/"
    tick = f'action="/actions/{rep_action.pk}/complete/"'
    assert tick in page(as_user(rep), url)  # their own action: they may tick it off
    assert tick not in page(as_user(rep2), url)  # a colleague's: they may not


def test_a_rep_is_never_served_the_managers_plan_page(active, rep, manager, rep_action):
    url = f"/plans/{active.pk}/"
    edit = f'href="/plans/{active.pk}/edit/"'
    assert edit in page(as_user(manager), url)
    assert edit not in page(as_user(rep), url)


def test_another_team_gets_a_404_after_the_page_was_cached(active, manager, outsider, rep_action):
    url = f"/plans/{active.pk}/"
    page(as_user(manager), url)
    assert as_user(outsider).get(url).status_code == 404


def test_another_teams_manager_sees_their_own_team_actions(
    active, manager, other_manager, other_plan, other_action, rep_action
):
    other_plan.status = PlanStatus.ACTIVE
    other_plan.save()
    assert rep_action.title in page(as_user(manager), "/my-actions/")
    theirs = page(as_user(other_manager), "/my-actions/")
    assert other_action.title in theirs and rep_action.title not in theirs


def test_each_language_and_query_string_has_its_own_page(active, rep, rep_action):
    assert "Plus tard" in page(as_user(rep, "fr"), "/my-actions/")
    assert "Later" in page(as_user(rep), "/my-actions/")
    assert rep_action.title not in page(as_user(rep), "/my-actions/?status=done")
