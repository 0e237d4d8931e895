"""Query counts of the plan list, the plan page and "My actions", pinned at 5 and 200 actions
under the same bound: a query per row or per lever fails these tests."""

from datetime import timedelta

import pytest
from django.utils import timezone

from plans.models import Action, ActionStatus, Lever, Milestone
from plans.selectors import PLAN_ACTIONS_PER_LEVER

from .factories import PlanFactory, today

pytestmark = pytest.mark.django_db


def _populate(plan, people, n_actions):
    """``n_actions`` actions spread over up to 10 levers and 4 milestones, various states."""
    levers = Lever.objects.bulk_create(
        [
            Lever(plan=plan, name=f"Levier {i}", aim="prospect", position=i)
            for i in range(min(10, max(1, n_actions // 20)))
        ]
    )
    milestones = Milestone.objects.bulk_create(
        [
            Milestone(plan=plan, title=f"Jalon {i}", date=today() + timedelta(days=20 * i - 30))
            for i in range(4)
        ]
    )
    statuses = [ActionStatus.TODO, ActionStatus.IN_PROGRESS, ActionStatus.DONE]
    actions = []
    for i in range(n_actions):
        due = today() + timedelta(days=(i % 40) - 15)
        status = statuses[i % 3]
        actions.append(
            Action(
                lever=levers[i % len(levers)],
                title=f"Action {i}",
                assignee=people[i % len(people)],
                due_date=due,
                original_due_date=due - timedelta(days=i % 2),
                status=status,
                completed_at=timezone.now() if status == ActionStatus.DONE else None,
                milestone=milestones[i % 4],
            )
        )
    Action.objects.bulk_create(actions)


SIZES = [5, 200]

# Plan page: session, user, the plan with its team, levers with their progress counts, the
# first page of each lever's actions with assignee and milestone (one query: a LIMIT per lever
# and status), milestones with their action counts, the reminders bell of the navigation = 7;
# turning a lever to another page adds that page's query (8). At most 6 beyond session and
# user (issue 16). The role is read once per person, then kept (teams.roles.role_of): the
# first page of the session pays its query, so each test opens one page first.
PLAN_PAGE_MAX = 8


@pytest.mark.parametrize("size", SIZES)
def test_plan_page_queries_do_not_grow_with_actions(
    login, manager, rep, rep2, plan, size, django_assert_max_num_queries
):
    _populate(plan, [rep, rep2], size)
    client = login(manager)
    client.get("/")  # the role, read once
    with django_assert_max_num_queries(PLAN_PAGE_MAX - 1):
        response = client.get(f"/plans/{plan.pk}/")
    assert response.status_code == 200
    levers = response.context["levers"]
    # A page of actions per lever, not all of them.
    assert response.content.decode().count('href="/actions/') == sum(
        min(lever.actions_all, PLAN_ACTIONS_PER_LEVER) for lever in levers
    )
    lever = levers[-1]
    with django_assert_max_num_queries(PLAN_PAGE_MAX):
        response = client.get(f"/plans/{plan.pk}/", {"lever": lever.pk, "page": 2})
    assert response.status_code == 200


# "My actions": session, user, the page of actions with plan, team, lever, assignee and
# milestone (one query), the bucket counts when the rows fill more than a page (one
# aggregate); the filter form's choices: plans, levers (and people for a manager); the
# reminders bell = 7-8 at most, 6 beyond session and user. Another page costs the same; served
# from the cache: session, user and the bell.
MY_ACTIONS_MAX = 8


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("persona", ["rep", "manager"])
def test_my_actions_queries_do_not_grow_with_actions(
    request, login, rep, rep2, plan, size, persona, django_assert_max_num_queries
):
    _populate(plan, [rep, rep2], size)
    client = login(request.getfixturevalue(persona))
    # The role and the viewer's teams, read once (both kept in the cache); the pages asked
    # next are computed (a page is cached per query string).
    client.get("/my-actions/")
    for page in (1, 2):
        with django_assert_max_num_queries(MY_ACTIONS_MAX):
            response = client.get("/my-actions/", {"page": page})
        assert response.status_code == 200
    assert sum(len(b.actions) for b in response.context["buckets"]) > 0


# Plan list: session, user, groups (role), the manager's teams (the "new plan" button), the
# plans with team and three progress counts, the team filter's choices = 6, plus headroom.
PLAN_LIST_MAX = 8


@pytest.mark.parametrize("size", SIZES)
def test_plan_list_queries_do_not_grow_with_plans(
    login, manager, rep, team, size, django_assert_max_num_queries
):
    for i in range(max(1, size // 20)):
        p = PlanFactory(team=team, title=f"PAC {i}")
        _populate(p, [rep], 20)
    client = login(manager)
    with django_assert_max_num_queries(PLAN_LIST_MAX):
        response = client.get("/plans/")
    assert response.status_code == 200


# API lists: the user's groups (role), the page count, the page of rows with what they show
# (actions: plan, team, lever, assignee, milestone in one join; levers and milestones: their
# counts as annotations) = 3, plus one of headroom.
API_MAX = 4


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("endpoint", ["actions", "levers", "milestones", "plans"])
def test_api_lists_do_not_grow_with_rows(
    api, manager, rep, rep2, plan, size, endpoint, django_assert_max_num_queries
):
    _populate(plan, [rep, rep2], size)
    api.force_authenticate(manager)
    with django_assert_max_num_queries(API_MAX):
        response = api.get(f"/api/v1/{endpoint}/")
    assert response.status_code == 200
