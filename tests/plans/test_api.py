"""The plans API: same rules as the pages, errors per field, 404 outside the team."""

from datetime import timedelta

import pytest

from plans.models import Action, ActionStatus, Plan, PlanStatus

from .factories import ActionFactory, LeverFactory, MilestoneFactory, PlanFactory, today

pytestmark = pytest.mark.django_db


def _d(day):
    return day.isoformat()


@pytest.fixture
def as_user(api):
    def _as(user, language="en"):
        api.force_authenticate(user)
        api.credentials(HTTP_ACCEPT_LANGUAGE=language)
        return api

    return _as


def test_rep_lists_their_team_plan_only(as_user, rep, plan, other_plan):
    data = as_user(rep).get("/api/v1/plans/").json()
    assert [p["id"] for p in data["results"]] == [plan.pk]


def test_another_teams_plan_and_action_are_404(as_user, outsider, plan, rep_action, other_team):
    client = as_user(outsider)
    assert client.get(f"/api/v1/plans/{plan.pk}/").status_code == 404
    assert client.get(f"/api/v1/actions/{rep_action.pk}/").status_code == 404
    assert client.post(f"/api/v1/actions/{rep_action.pk}/complete/").status_code == 404
    assert client.get(f"/api/v1/levers/{rep_action.lever_id}/").status_code == 404


def test_teams_endpoint_lists_visible_teams(as_user, rep, hr, team, other_team):
    assert [t["name"] for t in as_user(rep).get("/api/v1/teams/").json()["results"]] == [team.name]
    assert len(as_user(hr).get("/api/v1/teams/").json()["results"]) == 2


def test_manager_creates_a_plan_and_a_bad_period_is_refused_per_field(as_user, manager, team):
    client = as_user(manager)
    ok = client.post(
        "/api/v1/plans/",
        {"team": team.pk, "title": "PAC", "start_date": _d(today()), "end_date": _d(today())},
    )
    assert ok.status_code == 201, ok.json()
    assert Plan.objects.get(pk=ok.json()["id"]).created_by == manager
    bad = client.post(
        "/api/v1/plans/",
        {
            "team": team.pk,
            "title": "PAC",
            "start_date": _d(today()),
            "end_date": _d(today() - timedelta(days=1)),
        },
    )
    assert bad.status_code == 400
    assert bad.json() == {"end_date": ["The plan cannot end before it starts."]}


def test_plan_errors_in_french(as_user, manager, team):
    bad = as_user(manager, "fr").post(
        "/api/v1/plans/",
        {
            "team": team.pk,
            "title": "",
            "start_date": _d(today()),
            "end_date": _d(today() - timedelta(days=1)),
        },
    )
    assert bad.status_code == 400
    assert "title" in bad.json()


def test_a_manager_cannot_create_a_plan_for_another_team(as_user, manager, other_team):
    response = as_user(manager).post(
        "/api/v1/plans/",
        {"team": other_team.pk, "title": "X", "start_date": _d(today()), "end_date": _d(today())},
    )
    assert response.status_code == 400 and "team" in response.json()


def test_rep_and_hr_cannot_change_a_plan(as_user, rep, hr, plan):
    for user in (rep, hr):
        assert as_user(user).patch(f"/api/v1/plans/{plan.pk}/", {"title": "x"}).status_code == 403


def _action_body(lever, person, **over):
    body = {
        "lever": lever.pk,
        "title": "Relancer les devis",
        "assignee": person.pk,
        "due_date": _d(today() + timedelta(days=3)),
    }
    body.update(over)
    return body


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        (
            {"start_date": "T+5", "due_date": "T+1"},
            "due_date",
            "The due date cannot be before the start date.",
        ),
        ({"due_date": "END+1"}, "due_date", "Must fall within the plan's period"),
        ({"title": ""}, "title", "This field may not be blank."),
        ({"assignee": "OUTSIDER"}, "assignee", "must be a member of the plan's team"),
    ],
)
def test_bad_action_input_is_refused_per_field(
    as_user, manager, plan, lever, outsider, over, field, message
):
    marks = {
        "T+5": _d(today() + timedelta(days=5)),
        "T+1": _d(today() + timedelta(days=1)),
        "END+1": _d(plan.end_date + timedelta(days=1)),
        "OUTSIDER": outsider.pk,
    }
    over = {k: marks.get(v, v) for k, v in over.items()}
    response = as_user(manager).post("/api/v1/actions/", _action_body(lever, manager, **over))
    assert response.status_code == 400
    assert any(message in m for m in response.json()[field]), response.json()
    assert not Action.objects.exists()


def test_action_error_in_french(as_user, manager, plan, lever, outsider):
    response = as_user(manager, "fr").post("/api/v1/actions/", _action_body(lever, outsider))
    assert response.json()["assignee"] == [
        "La personne responsable doit faire partie de l'équipe du plan."
    ]


def test_manager_creates_an_action_with_history(as_user, manager, lever, rep):
    response = as_user(manager).post("/api/v1/actions/", _action_body(lever, rep))
    assert response.status_code == 201, response.json()
    action = Action.objects.get()
    assert action.events.get().kind == "created"
    assert response.json()["original_due_date"] == _d(action.due_date)


def test_manager_cannot_create_an_action_in_another_teams_lever(as_user, manager, other_action):
    response = as_user(manager).post("/api/v1/actions/", _action_body(other_action.lever, manager))
    assert response.status_code == 400 and "lever" in response.json()


def test_rep_completes_and_reopens_own_action(as_user, rep, rep_action):
    client = as_user(rep)
    done = client.post(f"/api/v1/actions/{rep_action.pk}/complete/")
    assert done.status_code == 200 and done.json()["status"] == "done"
    again = client.post(f"/api/v1/actions/{rep_action.pk}/reopen/")
    assert again.json()["status"] == "todo" and again.json()["completed_at"] is None


def test_rep_cannot_complete_a_colleagues_action(as_user, rep2, rep_action):
    assert as_user(rep2).post(f"/api/v1/actions/{rep_action.pk}/complete/").status_code == 403


def test_rep_may_patch_only_the_status_of_own_action(as_user, rep, rep2, rep_action):
    client = as_user(rep)
    ok = client.patch(f"/api/v1/actions/{rep_action.pk}/", {"status": "in_progress"})
    assert ok.status_code == 200 and ok.json()["status"] == "in_progress"
    moved = client.patch(
        f"/api/v1/actions/{rep_action.pk}/", {"due_date": _d(today() + timedelta(days=20))}
    )
    assert moved.status_code == 403
    other = as_user(rep2).patch(f"/api/v1/actions/{rep_action.pk}/", {"status": "done"})
    assert other.status_code == 403


def test_manager_moves_a_due_date_and_the_first_commitment_stays(as_user, manager, rep_action):
    first = rep_action.due_date
    response = as_user(manager).patch(
        f"/api/v1/actions/{rep_action.pk}/", {"due_date": _d(first + timedelta(days=6))}
    )
    assert response.json()["original_due_date"] == _d(first)
    assert response.json()["moved_days"] == 6


def test_comment_through_the_api(as_user, rep, rep_action):
    client = as_user(rep)
    ok = client.post(f"/api/v1/actions/{rep_action.pk}/comment/", {"text": "Devis envoyé"})
    assert ok.status_code == 201
    assert client.post(f"/api/v1/actions/{rep_action.pk}/comment/", {"text": ""}).status_code == 400


def test_action_filters_match_the_pages(as_user, manager, rep, rep2, plan, lever):
    late = ActionFactory(lever=lever, assignee=rep, due_date=today() - timedelta(days=3))
    soon = ActionFactory(lever=lever, assignee=rep2, due_date=today() + timedelta(days=2))
    done = ActionFactory(lever=lever, assignee=rep2, status=ActionStatus.DONE)
    other_lever = LeverFactory(plan=plan)
    far = ActionFactory(lever=other_lever, assignee=rep, due_date=today() + timedelta(days=50))
    client = as_user(manager)

    def ids(**params):
        return {a["id"] for a in client.get("/api/v1/actions/", params).json()["results"]}

    assert ids(overdue="true") == {late.pk}
    assert ids(assignee=rep2.pk) == {soon.pk, done.pk}
    assert ids(status="done") == {done.pk}
    assert ids(lever=other_lever.pk) == {far.pk}
    assert ids(plan=plan.pk) == {late.pk, soon.pk, done.pk, far.pk}
    assert ids(due_before=_d(today()), due_after=_d(today() - timedelta(days=5))) == {late.pk}


def test_a_filter_on_another_teams_plan_is_refused(as_user, rep, plan, other_plan):
    response = as_user(rep).get("/api/v1/actions/", {"plan": other_plan.pk})
    assert response.status_code == 400


def test_milestones_carry_their_derived_status(as_user, rep, plan, lever):
    slipped = MilestoneFactory(plan=plan, date=today() - timedelta(days=1))
    ActionFactory(lever=lever, assignee=rep, milestone=slipped)
    on_track = MilestoneFactory(plan=plan, date=today())
    data = as_user(rep).get("/api/v1/milestones/", {"plan": plan.pk}).json()["results"]
    status = {m["id"]: m["status"] for m in data}
    assert status == {slipped.pk: "slipped", on_track.pk: "on_track"}


def test_milestone_outside_the_plan_is_refused_per_field(as_user, manager, plan):
    response = as_user(manager).post(
        "/api/v1/milestones/",
        {"plan": plan.pk, "title": "Tard", "date": _d(plan.end_date + timedelta(days=1))},
    )
    assert response.status_code == 400 and "date" in response.json()


def test_activation_refused_lists_missing_items(as_user, manager, team):
    plan = PlanFactory(team=team, status=PlanStatus.DRAFT)
    response = as_user(manager).post(f"/api/v1/plans/{plan.pk}/activate/")
    assert response.status_code == 400
    assert response.json()["missing"] == ["The plan has no lever yet."]
    # The same lines with the page where each is fixed.
    assert response.json()["reasons"] == [
        {
            "text": "The plan has no lever yet.",
            "fix": "Add a lever",
            "url": f"/plans/{plan.pk}/levers/new/",
        }
    ]


def test_duplicate_through_the_api(as_user, manager, plan, rep_action):
    start = plan.end_date + timedelta(days=1)
    response = as_user(manager).post(
        f"/api/v1/plans/{plan.pk}/duplicate/", {"start_date": _d(start)}
    )
    assert response.status_code == 201
    assert response.json()["start_date"] == _d(start)
    assert response.json()["status"] == "draft"


def test_levers_report_their_progress(as_user, rep, plan, lever):
    ActionFactory(lever=lever, assignee=rep, status=ActionStatus.DONE)
    ActionFactory(lever=lever, assignee=rep, due_date=today() - timedelta(days=1))
    data = as_user(rep).get(f"/api/v1/levers/{lever.pk}/").json()
    assert (data["actions_total"], data["actions_done"], data["actions_overdue"]) == (2, 1, 1)


def test_hr_reads_every_teams_actions_but_cannot_tick_them(as_user, hr, rep_action, other_action):
    client = as_user(hr)
    ids = {a["id"] for a in client.get("/api/v1/actions/").json()["results"]}
    assert ids == {rep_action.pk, other_action.pk}
    assert client.post(f"/api/v1/actions/{rep_action.pk}/complete/").status_code == 403


def test_another_manager_cannot_touch_the_plan(as_user, other_manager, plan, rep_action, lever):
    client = as_user(other_manager)
    assert client.patch(f"/api/v1/plans/{plan.pk}/", {"title": "x"}).status_code == 404
    assert client.delete(f"/api/v1/actions/{rep_action.pk}/").status_code == 404
    assert client.post(f"/api/v1/plans/{plan.pk}/activate/").status_code == 404
    response = client.post(
        "/api/v1/levers/", {"plan": plan.pk, "name": "Intrusion", "aim": "other"}
    )
    assert response.status_code == 400 and "plan" in response.json()


def test_rep_cannot_create_actions_or_levers(as_user, rep, plan, lever):
    client = as_user(rep)
    assert client.post("/api/v1/actions/", _action_body(lever, rep)).status_code == 400
    assert client.delete(f"/api/v1/levers/{lever.pk}/").status_code == 403
