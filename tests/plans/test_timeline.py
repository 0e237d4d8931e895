"""A plan's timeline: its milestones in date order with their actions (who, what, when,
status), the actions of no milestone, the weeks as a scale, the filters; the plan page's
access rules; a query count that does not grow with the plan."""

import re
from datetime import timedelta

import pytest

from plans.models import ActionStatus
from plans.timeline import TIMELINE_ACTIONS_PER_GROUP

from .factories import ActionFactory, MilestoneFactory, today
from .test_query_counts import SIZES, _populate

pytestmark = pytest.mark.django_db


def _url(plan):
    return f"/plans/{plan.pk}/timeline/"


def _group(body, key) -> str:
    """The HTML of one group of the timeline (``key``: a milestone's id or ``none``)."""
    start = body.index(f'id="group-{key}"')
    end = body.find("</section>", start)
    return body[start:end]


@pytest.fixture
def world(plan, lever, rep, rep2):
    """Two milestones (the later one created first), an overdue action, a done one, and one
    serving no milestone."""
    late = MilestoneFactory(plan=plan, title="Bilan du trimestre", date=today() + timedelta(40))
    early = MilestoneFactory(plan=plan, title="Salon PME", date=today() + timedelta(5))
    actions = {
        "overdue": ActionFactory(
            lever=lever,
            assignee=rep,
            milestone=early,
            title="Relancer les devis",
            due_date=today() - timedelta(3),
        ),
        "open": ActionFactory(
            lever=lever,
            assignee=rep2,
            milestone=early,
            title="Réserver le stand",
            due_date=today() + timedelta(2),
        ),
        "done": ActionFactory(
            lever=lever,
            assignee=rep2,
            milestone=late,
            title="Compter les devis signés",
            status=ActionStatus.DONE,
        ),
        "loose": ActionFactory(
            lever=lever, assignee=rep, title="Appeler les anciens clients", milestone=None
        ),
    }
    return {"early": early, "late": late, **actions}


def test_plan_page_links_to_its_timeline(login, manager, plan):
    body = login(manager).get(f"/plans/{plan.pk}/").content.decode()
    assert f'href="{_url(plan)}"' in body


@pytest.mark.parametrize("persona", ["manager", "rep", "rep2", "hr", "admin_user"])
def test_milestones_in_date_order_with_their_actions(request, login, persona, plan, world):
    response = login(request.getfixturevalue(persona)).get(_url(plan))
    assert response.status_code == 200
    body = response.content.decode()
    early, late = world["early"], world["late"]
    # In date order, the actions of no milestone last.
    assert body.index(f'id="group-{early.pk}"') < body.index(f'id="group-{late.pk}"')
    assert body.index(f'id="group-{late.pk}"') < body.index('id="group-none"')
    first = _group(body, early.pk)
    assert world["overdue"].title in first and world["open"].title in first
    assert world["done"].title not in first
    # Who (by name), what (a link to the action), when, and the status.
    assert world["overdue"].assignee.get_full_name() in first
    assert f'href="/actions/{world["overdue"].pk}/"' in first
    assert (today() - timedelta(3)).isoformat() in first
    assert world["done"].title in _group(body, late.pk)
    assert "Done" in _group(body, late.pk) or "Réalisée" in _group(body, late.pk)
    assert world["loose"].title in _group(body, "none")


def test_an_overdue_action_is_marked(login, manager, plan, world):
    body = login(manager).get(_url(plan), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    first = _group(body, world["early"].pk)
    rows = re.findall(r'<li class="list-group-item timeline-action[^"]*">.*?</li>', first, re.S)
    marked = [row for row in rows if "timeline-overdue" in row]
    assert len(marked) == 1 and world["overdue"].title in marked[0]
    assert "Overdue" in marked[0]


def test_weeks_scale_places_milestones_and_today(login, manager, plan, world):
    body = login(manager).get(_url(plan)).content.decode()
    start = body.index('class="timeline-scale')
    scale = body[start : body.index("</ol>", start)]
    weeks = re.findall(r'<li class="timeline-week[^"]*"', scale)
    # The plan runs from 60 days ago to 120 days ahead: 26 or 27 weeks, Monday to Monday.
    assert 26 <= len(weeks) <= 27
    current = [w for w in weeks if "timeline-week-current" in w]
    assert len(current) == 1
    assert scale.index("timeline-week-current") < scale.index(world["early"].title)
    assert scale.index(world["early"].title) < scale.index(world["late"].title)
    assert f'href="#group-{world["early"].pk}"' in scale


def test_filters_by_person_and_status(login, manager, plan, world, rep):
    client = login(manager)
    body = client.get(_url(plan), {"assignee": rep.pk}).content.decode()
    assert world["overdue"].title in body and world["loose"].title in body
    assert world["open"].title not in body and world["done"].title not in body
    # The milestones stay, with their own status, even with none of their actions shown.
    assert world["late"].title in body
    body = client.get(_url(plan), {"status": "overdue"}).content.decode()
    assert world["overdue"].title in body
    assert world["open"].title not in body and world["loose"].title not in body
    body = client.get(_url(plan), {"status": "done"}).content.decode()
    assert world["done"].title in body and world["overdue"].title not in body


def test_filters_list_people_by_name_and_say_all(login, manager, plan, world, rep):
    body = login(manager).get(_url(plan), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    start = body.index('id="timeline-filters"')
    form = body[start : body.index("</form>", start)]
    assert f'<option value="{rep.pk}">{rep.get_full_name()}</option>' in form
    assert rep.username not in form
    assert "---------" not in form
    assert form.count('<option value="" selected>All</option>') == 2


def test_a_refused_filter_value_is_said_next_to_the_field(login, manager, plan, world):
    response = login(manager).get(_url(plan), {"status": "nonsense"})
    assert response.status_code == 200
    assert 'id="id_status_error"' in response.content.decode()
    # Nothing is filtered by a value that was refused.
    assert world["loose"].title in response.content.decode()


def test_another_team_gets_a_404(login, outsider, other_team, plan, world):
    assert login(outsider).get(_url(plan)).status_code == 404


def test_anonymous_is_sent_to_log_in(client, plan):
    response = client.get(_url(plan))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_busy_milestone_shows_a_page_of_actions_and_turns_pages(login, manager, plan, lever, rep):
    milestone = MilestoneFactory(plan=plan, title="Salon PME", date=today() + timedelta(5))
    total = TIMELINE_ACTIONS_PER_GROUP + 5
    for i in range(total):
        ActionFactory(
            lever=lever,
            assignee=rep,
            milestone=milestone,
            title=f"Visite {i:02d}",
            due_date=today() + timedelta(days=i % 30),
        )
    client = login(manager)
    body = client.get(_url(plan), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    group = _group(body, milestone.pk)
    assert group.count('href="/actions/') == TIMELINE_ACTIONS_PER_GROUP
    assert f"Actions 1\N{EN DASH}{TIMELINE_ACTIONS_PER_GROUP} of {total}" in group
    next_link = re.search(r'rel="next" href="([^"]+)"', group).group(1).replace("&amp;", "&")
    body = client.get(_url(plan) + next_link.split("#")[0]).content.decode()
    group = _group(body, milestone.pk)
    assert group.count('href="/actions/') == 5
    # Earliest due first: the second page holds the latest dates.
    shown = re.findall(r'datetime="(\d{4}-\d\d-\d\d)">', group)
    assert shown == sorted(shown) and shown[-1] == (today() + timedelta(total - 1)).isoformat()


# Timeline: session, user, the plan with its team, milestones with their action counts, the
# people of the filter, each group's count under the filters (one aggregate), the shown page
# of every group (one query), the reminders bell = 8; 6 beyond session and user.
TIMELINE_MAX = 8


@pytest.fixture(params=SIZES, ids=lambda size: f"{size} actions")
def busy_plan(request, plan, rep, rep2):
    _populate(plan, [rep, rep2], request.param)
    return plan


def test_timeline_queries_do_not_grow_with_actions(
    login, manager, rep, busy_plan, django_assert_max_num_queries
):
    plan = busy_plan
    client = login(manager)
    client.get("/")  # the role, read once
    narrowed = {"assignee": rep.pk, "status": "open", "milestone": "none", "page": 2}
    for query in ({}, narrowed):
        with django_assert_max_num_queries(TIMELINE_MAX):
            page = client.get(_url(plan), query)
        # A page of actions per group, not all of them.
        shown = page.content.decode().count('href="/actions/')
        per_group = [min(g.count, TIMELINE_ACTIONS_PER_GROUP) for g in page.context["groups"]]
        assert shown == sum(per_group) > 0
