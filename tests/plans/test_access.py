"""Every plan page for each persona: the team reads, the manager writes, HR reads, another
team gets a 404 (never a 403 that would reveal the row exists)."""

import pytest

pytestmark = pytest.mark.django_db

READ_PAGES = [
    "/plans/",
    "/plans/{plan}/",
    "/actions/{action}/",
    "/my-actions/",
]
MANAGER_PAGES = [
    "/plans/{plan}/edit/",
    "/plans/{plan}/duplicate/",
    "/plans/{plan}/levers/new/",
    "/plans/{plan}/actions/new/",
    "/plans/{plan}/actions/reassign/",
    "/plans/{plan}/milestones/new/",
    "/levers/{lever}/edit/",
    "/milestones/{milestone}/edit/",
    "/actions/{action}/edit/",
]

# persona -> expected status on (read pages, manager pages)
EXPECTED = {
    "manager": (200, 200),
    "admin_user": (200, 200),
    "rep": (200, 403),
    "rep2": (200, 403),
    "hr": (200, 403),
    "other_manager": (None, 404),  # None: list pages 200, the plan's own pages 404
    "outsider": (None, 404),
}


@pytest.fixture
def urls(plan, lever, milestone, rep_action, other_team):
    ids = {"plan": plan.pk, "lever": lever.pk, "milestone": milestone.pk, "action": rep_action.pk}
    return {
        "read": [p.format(**ids) for p in READ_PAGES],
        "manage": [p.format(**ids) for p in MANAGER_PAGES],
    }


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_each_persona_gets_the_expected_answer_on_every_page(request, login, persona, urls):
    client = login(request.getfixturevalue(persona))
    read, manage = EXPECTED[persona]
    for url in urls["read"]:
        expected = read
        if read is None:
            expected = 200 if url in ("/plans/", "/my-actions/") else 404
        assert client.get(url).status_code == expected, (persona, url)
    for url in urls["manage"]:
        assert client.get(url).status_code == manage, (persona, url)


@pytest.mark.parametrize("persona", ["other_manager", "outsider"])
def test_another_team_never_sees_the_plan_in_a_list(
    request, login, persona, plan, rep_action, other_team
):
    client = login(request.getfixturevalue(persona))
    assert plan.title not in client.get("/plans/").content.decode()
    assert rep_action.title not in client.get("/my-actions/").content.decode()


@pytest.mark.parametrize("persona", ["rep", "hr", "outsider"])
def test_writes_are_refused_to_non_managers(
    request, login, persona, plan, lever, rep_action, other_team
):
    client = login(request.getfixturevalue(persona))
    expected = 404 if persona == "outsider" else 403
    posts = [
        (f"/plans/{plan.pk}/activate/", {}),
        (f"/plans/{plan.pk}/close/", {}),
        (f"/plans/{plan.pk}/levers/order/", {"lever": [lever.pk]}),
        (f"/levers/{lever.pk}/delete/", {}),
        (f"/levers/{lever.pk}/move/", {"direction": "up"}),
        (f"/actions/{rep_action.pk}/delete/", {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == expected, (persona, url)
    plan.refresh_from_db()
    assert plan.status == "active"
    assert type(rep_action).objects.filter(pk=rep_action.pk).exists()
