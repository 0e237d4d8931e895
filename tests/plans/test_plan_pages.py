"""Plan pages for each persona: list, detail, forms, activation; bad input next to the field."""

from datetime import timedelta

import pytest

from plans.models import Action, Lever, Milestone, Plan, PlanStatus
from plans.selectors import plan_action_order

from .factories import ActionFactory, LeverFactory, MilestoneFactory, PlanFactory, steer, today

pytestmark = pytest.mark.django_db


def _date(day):
    return day.isoformat()


# Who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["manager", "rep", "rep2", "hr", "admin_user"])
def test_team_and_hr_can_read_the_plan(request, login, persona, plan, rep_action, milestone):
    client = login(request.getfixturevalue(persona))
    page = client.get(f"/plans/{plan.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert rep_action.title in body and milestone.title in body
    assert plan.value_proposition in body


def test_rep_of_another_team_gets_a_404_on_the_plan_and_its_action(
    login, outsider, plan, rep_action, other_team
):
    client = login(outsider)
    assert client.get(f"/plans/{plan.pk}/").status_code == 404
    assert client.get(f"/actions/{rep_action.pk}/").status_code == 404
    assert client.post(f"/actions/{rep_action.pk}/complete/").status_code == 404


def test_plan_list_shows_only_visible_plans(login, rep, plan, other_plan):
    body = login(rep).get("/plans/").content.decode()
    assert plan.title in body
    assert other_plan.title not in body


def test_hr_sees_every_team_in_the_plan_list(login, hr, plan, other_plan):
    body = login(hr).get("/plans/").content.decode()
    assert plan.title in body and other_plan.title in body


def test_plan_list_filters_by_status_and_team(login, manager, plan, team):
    draft = PlanFactory(team=team, title="Brouillon S2", status=PlanStatus.DRAFT)
    body = login(manager).get("/plans/", {"status": "draft"}).content.decode()
    assert draft.title in body and plan.title not in body
    body = login(manager).get("/plans/", {"team": team.pk}).content.decode()
    assert draft.title in body and plan.title in body


def test_plan_list_filters_by_period(login, manager, plan, team):
    later = PlanFactory(
        team=team,
        title="PAC 2028",
        start_date=plan.end_date + timedelta(days=1),
        end_date=plan.end_date + timedelta(days=100),
    )
    body = (
        login(manager)
        .get("/plans/", {"active_on_or_after": _date(plan.end_date + timedelta(days=10))})
        .content.decode()
    )
    assert later.title in body and plan.title not in body


@pytest.mark.parametrize("persona", ["rep", "hr"])
@pytest.mark.parametrize(
    "path",
    [
        "/plans/{plan}/edit/",
        "/plans/{plan}/levers/new/",
        "/plans/{plan}/actions/new/",
        "/plans/{plan}/milestones/new/",
        "/plans/{plan}/actions/reassign/",
        "/plans/{plan}/duplicate/",
    ],
)
def test_only_the_manager_may_open_the_plan_forms(request, login, persona, path, plan):
    client = login(request.getfixturevalue(persona))
    assert client.get(path.format(plan=plan.pk)).status_code == 403


def test_another_manager_gets_a_404_on_the_forms(login, other_manager, plan, other_team):
    assert login(other_manager).get(f"/plans/{plan.pk}/edit/").status_code == 404


def test_rep_sees_no_management_buttons(login, rep, plan, lever):
    body = login(rep).get(f"/plans/{plan.pk}/").content.decode()
    assert f"/plans/{plan.pk}/edit/" not in body
    assert "/actions/new/" not in body


def test_plan_page_shows_lever_progress_and_overdue_count(login, manager, plan, lever, rep):
    ActionFactory(lever=lever, assignee=rep, status="done")
    ActionFactory(lever=lever, assignee=rep, due_date=today() - timedelta(days=2))
    body = login(manager).get(f"/plans/{plan.pk}/").content.decode()
    assert "50% done (1/2)" in body or "50 % réalisées (1/2)" in body
    assert "1 overdue" in body or "1 en retard" in body


# Writing a plan --------------------------------------------------------------------------


def test_manager_writes_a_plan_with_levers_actions_and_activates_it(
    login, manager, team, rep, rep2
):
    client = login(manager)
    start, end = today(), today() + timedelta(days=90)
    response = client.post(
        "/plans/new/",
        {
            "team": team.pk,
            "title": "PAC printemps",
            "start_date": _date(start),
            "end_date": _date(end),
            "value_proposition": "Le partenaire des PME",
        },
    )
    plan = Plan.objects.get(title="PAC printemps")
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/"
    assert plan.created_by == manager and plan.status == PlanStatus.DRAFT

    refused = client.post(f"/plans/{plan.pk}/activate/")
    assert refused.status_code == 200
    assert "activation-missing" in refused.content.decode()

    client.post(f"/plans/{plan.pk}/levers/new/", {"name": "Conquête", "aim": "prospect"})
    lever = Lever.objects.get(plan=plan)
    response = client.post(
        f"/plans/{plan.pk}/actions/new/",
        {
            "lever": lever.pk,
            "title": "Appeler 20 prospects",
            "assignees": [rep.pk, rep2.pk],
            "due_date": _date(start + timedelta(days=7)),
            "priority": 2,
        },
    )
    assert response.status_code == 302
    assert Action.objects.filter(lever=lever).count() == 2

    steer(plan, Action.objects.filter(lever=lever))
    assert client.post(f"/plans/{plan.pk}/activate/").status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE


def test_activation_refusal_lists_what_is_missing(login, manager, team):
    plan = PlanFactory(team=team, status=PlanStatus.DRAFT)
    LeverFactory(plan=plan, name="Fidélisation")
    client = login(manager)
    client.cookies["django_language"] = "en"
    body = client.post(f"/plans/{plan.pk}/activate/").content.decode()
    assert "The lever “Fidélisation” has no action." in body
    client.cookies["django_language"] = "fr"
    body = client.post(f"/plans/{plan.pk}/activate/").content.decode()
    assert "Le levier « Fidélisation » n&#x27;a aucune action." in body


def test_milestone_and_lever_forms_save(login, manager, plan):
    client = login(manager)
    client.post(
        f"/plans/{plan.pk}/milestones/new/",
        {"title": "Salon", "date": _date(today() + timedelta(days=3))},
    )
    assert Milestone.objects.filter(plan=plan, title="Salon").exists()


def test_lever_move_buttons_reorder(login, manager, plan):
    _a, b = LeverFactory(plan=plan, name="a"), LeverFactory(plan=plan, name="b")
    login(manager).post(f"/levers/{b.pk}/move/", {"direction": "up"})
    assert list(plan.levers.values_list("name", flat=True)) == ["b", "a"]


def test_drag_and_drop_reorder_endpoint(login, manager, plan):
    a, b = LeverFactory(plan=plan, name="a"), LeverFactory(plan=plan, name="b")
    client = login(manager)
    assert (
        client.post(f"/plans/{plan.pk}/levers/order/", {"lever": [b.pk, a.pk]}).status_code == 204
    )
    assert list(plan.levers.values_list("name", flat=True)) == ["b", "a"]
    assert client.post(f"/plans/{plan.pk}/levers/order/", {"lever": [a.pk]}).status_code == 400


def test_duplicate_page_copies_the_plan(login, manager, plan, rep_action):
    new_start = plan.end_date + timedelta(days=1)
    response = login(manager).post(
        f"/plans/{plan.pk}/duplicate/", {"title": "PAC suivant", "start_date": _date(new_start)}
    )
    copy = Plan.objects.get(title="PAC suivant")
    assert response["Location"] == f"/plans/{copy.pk}/"
    assert copy.start_date == new_start
    assert Action.objects.filter(lever__plan=copy).count() == 1


def test_reassign_page_moves_actions_in_bulk(login, manager, lever, rep, rep2, plan):
    actions = [ActionFactory(lever=lever, assignee=rep) for _ in range(3)]
    response = login(manager).post(
        f"/plans/{plan.pk}/actions/reassign/",
        {"actions": [a.pk for a in actions[:2]], "assignee": rep2.pk},
    )
    assert response.status_code == 302
    assert Action.objects.filter(assignee=rep2).count() == 2


def test_close_and_archive(login, manager, plan):
    client = login(manager)
    client.post(f"/plans/{plan.pk}/close/")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED
    client.post(f"/plans/{plan.pk}/archive/")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ARCHIVED


# Bad input, next to the field, in French and in English ----------------------------------


def _field_errors(response, field):
    form = response.context["form"]
    return form.errors.get(field, [])


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Le plan ne peut pas se terminer avant de commencer."),
        ("en", "The plan cannot end before it starts."),
    ],
)
def test_plan_ending_before_it_starts_is_refused(login, manager, team, language, expected):
    client = login(manager)
    client.cookies["django_language"] = language
    response = client.post(
        "/plans/new/",
        {
            "team": team.pk,
            "title": "PAC",
            "start_date": _date(today()),
            "end_date": _date(today() - timedelta(days=1)),
        },
    )
    assert response.status_code == 200
    assert _field_errors(response, "end_date") == [expected]
    assert expected in response.content.decode().replace("&#x27;", "'")
    assert not Plan.objects.exists()


def _action_post(client, plan, lever, **overrides):
    data = {
        "lever": lever.pk,
        "title": "Relancer les devis",
        "assignees": [overrides.pop("assignee_pk")],
        "due_date": _date(today() + timedelta(days=3)),
        "priority": 2,
    }
    data.update(overrides)
    return client.post(f"/plans/{plan.pk}/actions/new/", data)


@pytest.mark.parametrize(
    ("language", "field", "overrides", "expected"),
    [
        (
            "fr",
            "due_date",
            {"start_date": "START+5", "due_date": "START+1"},
            "L'échéance ne peut pas précéder la date de début.",
        ),
        (
            "en",
            "due_date",
            {"start_date": "START+5", "due_date": "START+1"},
            "The due date cannot be before the start date.",
        ),
        ("fr", "due_date", {"due_date": "END+1"}, "Doit être comprise dans la période du plan"),
        ("en", "due_date", {"due_date": "END+1"}, "Must fall within the plan's period"),
        ("fr", "title", {"title": ""}, "Ce champ est obligatoire."),
        ("en", "title", {"title": ""}, "This field is required."),
    ],
)
def test_bad_action_input_is_refused_next_to_the_field(
    login, manager, plan, lever, rep, language, field, overrides, expected
):
    client = login(manager)
    client.cookies["django_language"] = language
    marks = {
        "START+5": _date(today() + timedelta(days=5)),
        "START+1": _date(today() + timedelta(days=1)),
        "END+1": _date(plan.end_date + timedelta(days=1)),
    }
    overrides = {k: marks.get(v, v) for k, v in overrides.items()}
    response = _action_post(client, plan, lever, assignee_pk=rep.pk, **overrides)
    assert response.status_code == 200
    errors = _field_errors(response, field)
    assert any(expected in e for e in errors), errors
    assert not Action.objects.exists()


def test_assignee_outside_the_team_is_refused_on_the_who_field(
    login, manager, plan, lever, outsider
):
    response = _action_post(login(manager), plan, lever, assignee_pk=outsider.pk)
    assert _field_errors(response, "assignees")
    assert not Action.objects.exists()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "Doit être comprise dans la période du plan"), ("en", "Must fall within the plan")],
)
def test_milestone_outside_the_plan_is_refused(login, manager, plan, language, expected):
    client = login(manager)
    client.cookies["django_language"] = language
    response = client.post(
        f"/plans/{plan.pk}/milestones/new/",
        {"title": "Trop tard", "date": _date(plan.end_date + timedelta(days=1))},
    )
    assert any(expected in e for e in _field_errors(response, "date"))
    assert not Milestone.objects.exists()


def test_empty_lever_name_is_refused(login, manager, plan):
    response = login(manager).post(f"/plans/{plan.pk}/levers/new/", {"name": "", "aim": "other"})
    assert _field_errors(response, "name")
    assert not Lever.objects.exists()


def test_a_rep_ticks_own_action_from_the_plan_page_but_not_a_colleagues(
    login, rep, plan, rep_action, rep2_action
):
    client = login(rep)
    body = client.get(f"/plans/{plan.pk}/").content.decode()
    assert f"/actions/{rep_action.pk}/complete/" in body
    assert f"/actions/{rep2_action.pk}/complete/" not in body
    response = client.post(
        f"/actions/{rep_action.pk}/complete/",
        {"next": f"/plans/{plan.pk}/#lever-{rep_action.lever_id}"},
    )
    assert response["Location"] == f"/plans/{plan.pk}/#lever-{rep_action.lever_id}"
    rep_action.refresh_from_db()
    assert rep_action.status == "done"


# A page of actions per lever (issue 9) -----------------------------------------------------


def _lever_with_many_actions(lever, rep, n_open=23, n_done=4):
    """``n_open`` open actions due one day apart (first one overdue) and ``n_done`` done."""
    start = today() - timedelta(days=3)
    opened = [
        ActionFactory(
            lever=lever, assignee=rep, title=f"open {i:02d}", due_date=start + timedelta(days=i)
        )
        for i in range(n_open)
    ]
    done = [
        ActionFactory(
            lever=lever,
            assignee=rep,
            title=f"done {i:02d}",
            status="done",
            due_date=today() - timedelta(days=30 + i),
        )
        for i in range(n_done)
    ]
    return opened, done


def _shown_titles(response, lever):
    shown = next(lv for lv in response.context["levers"] if lv.pk == lever.pk)
    return [a.title for a in shown.page_actions]


def test_plan_page_shows_a_page_of_actions_per_lever_open_ones_first(
    login, manager, plan, lever, rep
):
    from plans.selectors import PLAN_ACTIONS_PER_LEVER as SIZE

    opened, _done = _lever_with_many_actions(lever, rep)
    client = login(manager)
    response = client.get(f"/plans/{plan.pk}/")
    body = response.content.decode()
    # The earliest open ones (the overdue ones lead), not the done ones.
    assert _shown_titles(response, lever) == [a.title for a in opened[:SIZE]]
    assert body.count('href="/actions/') == SIZE
    # The lever's progress still counts every action.
    assert "(4/27)" in body
    assert f"?lever={lever.pk}&amp;page=2#lever-{lever.pk}" in body
    assert "Actions 1\u201310 of 27" in body or "Actions 1 à 10 sur 27" in body


def test_every_action_of_a_lever_is_reachable_page_after_page(login, manager, plan, lever, rep):
    opened, done = _lever_with_many_actions(lever, rep)
    client = login(manager)
    seen = []
    for page in (1, 2, 3):
        response = client.get(f"/plans/{plan.pk}/", {"lever": lever.pk, "page": page})
        seen += _shown_titles(response, lever)
    # Open ones by due date, then the done ones, the most recently due first.
    assert seen == [a.title for a in opened] + [a.title for a in done]
    body = response.content.decode()
    # The last page: a way back, none further; the oldest done action is there, with its link.
    assert f"?lever={lever.pk}&amp;page=2#lever-{lever.pk}" in body
    assert "page=4" not in body
    assert f'href="/actions/{done[-1].pk}/"' in body


def test_turning_one_lever_leaves_the_others_on_their_first_page(login, manager, plan, lever, rep):
    other = LeverFactory(plan=plan, name="Fidélisation")
    first_other, _done = _lever_with_many_actions(other, rep, n_open=12, n_done=0)
    _lever_with_many_actions(lever, rep)
    response = login(manager).get(
        f"/plans/{plan.pk}/", {"lever": lever.pk, "page": 2, "keep": "me"}
    )
    assert _shown_titles(response, other) == [a.title for a in first_other[:10]]
    body = response.content.decode()
    # The other lever's link turns it and keeps the rest of the query string.
    assert f"?lever={other.pk}&amp;page=2&amp;keep=me#lever-{other.pk}" in body or (
        f"keep=me&amp;lever={other.pk}&amp;page=2#lever-{other.pk}" in body
    )


@pytest.mark.parametrize("page", ["abc", "-3", "0", "999"])
def test_a_page_number_out_of_range_shows_a_page_that_exists(
    login, manager, plan, lever, rep, page
):
    opened, done = _lever_with_many_actions(lever, rep)
    response = login(manager).get(f"/plans/{plan.pk}/", {"lever": lever.pk, "page": page})
    assert response.status_code == 200
    shown = _shown_titles(response, lever)
    expected_last = [a.title for a in opened[20:]] + [a.title for a in done]
    assert shown == (expected_last if page == "999" else [a.title for a in opened[:10]])


def test_ticking_an_action_on_a_later_page_comes_back_to_that_page(login, rep, plan, lever):
    opened, _done = _lever_with_many_actions(lever, rep)
    client = login(rep)
    page_url = f"/plans/{plan.pk}/?lever={lever.pk}&page=2"
    body = client.get(page_url).content.decode()
    target = opened[12]
    assert f"/actions/{target.pk}/complete/" in body
    assert f'value="/plans/{plan.pk}/?lever={lever.pk}&amp;page=2#lever-{lever.pk}"' in body
    response = client.post(
        f"/actions/{target.pk}/complete/", {"next": f"{page_url}#lever-{lever.pk}"}
    )
    assert response["Location"] == f"{page_url}#lever-{lever.pk}"


def test_a_first_page_mixes_statuses_in_the_order_of_every_later_page(
    login, manager, plan, lever, rep
):
    # Fewer open actions than a page: the finished ones fill it, done and cancelled mixed by
    # due date, ties broken by priority then age, as the plain ordered query has them.
    day = today()
    for i, (status, days, priority) in enumerate(
        [
            ("todo", 5, 2),
            ("in_progress", 2, 2),
            ("todo", 2, 3),
            ("in_progress", -4, 2),
            ("done", -1, 2),
            ("cancelled", -1, 3),
            ("done", -9, 2),
            ("cancelled", 3, 2),
            ("done", -20, 1),
            ("cancelled", -20, 1),
            ("done", 0, 2),
            ("done", -30, 2),
        ]
    ):
        ActionFactory(
            lever=lever,
            assignee=rep,
            title=f"a{i:02d}",
            status=status,
            due_date=day + timedelta(days=days),
            priority=priority,
        )
    expected = Action.objects.filter(lever=lever).order_by(*plan_action_order())
    response = login(manager).get(f"/plans/{plan.pk}/")
    assert _shown_titles(response, lever) == [a.title for a in expected[:10]]
    assert _shown_titles(response, lever)[:4] == ["a03", "a02", "a01", "a00"]


def test_plan_page_lists_milestones_in_date_order(login, manager, plan):
    later = MilestoneFactory(plan=plan, title="Bilan du trimestre", date=today() + timedelta(40))
    sooner = MilestoneFactory(plan=plan, title="Salon PME", date=today() + timedelta(5))
    body = login(manager).get(f"/plans/{plan.pk}/").content.decode()
    assert body.index(sooner.title) < body.index(later.title)
