"""The rep's landing page: groups by date, one-click tick-off with htmx, undo, filters."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plans.models import ActionStatus, PlanStatus

from .factories import ActionFactory, LeverFactory, PlanFactory, today

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _bucket_titles(response, key):
    bucket = next(b for b in response.context["buckets"] if b.key == key)
    return [a.title for a in bucket.actions]


def test_actions_are_grouped_by_when_they_are_due(login, rep, lever):
    d = today()
    ActionFactory(lever=lever, assignee=rep, title="late", due_date=d - timedelta(days=1))
    ActionFactory(lever=lever, assignee=rep, title="now", due_date=d)
    ActionFactory(lever=lever, assignee=rep, title="far", due_date=d + timedelta(days=30))
    ActionFactory(
        lever=lever,
        assignee=rep,
        title="ticked",
        status=ActionStatus.DONE,
        completed_at=timezone.now(),
    )
    ActionFactory(
        lever=lever,
        assignee=rep,
        title="long ago",
        status=ActionStatus.DONE,
        completed_at=timezone.now() - timedelta(days=60),
    )
    response = login(rep).get("/my-actions/")
    assert response.status_code == 200
    assert _bucket_titles(response, "overdue") == ["late"]
    assert _bucket_titles(response, "today") == ["now"]
    assert _bucket_titles(response, "later") == ["far"]
    assert _bucket_titles(response, "done") == ["ticked"]


def test_this_week_holds_the_days_up_to_sunday(login, rep, lever):
    d = today()
    sunday = d + timedelta(days=6 - d.weekday())
    if sunday == d:
        pytest.skip("today is Sunday: no other day left this week")
    ActionFactory(lever=lever, assignee=rep, title="sunday", due_date=sunday)
    ActionFactory(lever=lever, assignee=rep, title="monday", due_date=sunday + timedelta(days=1))
    response = login(rep).get("/my-actions/")
    assert _bucket_titles(response, "week") == ["sunday"]
    assert _bucket_titles(response, "later") == ["monday"]


def test_a_rep_sees_only_their_own_actions(login, rep, rep_action, rep2_action, other_action):
    body = login(rep).get("/my-actions/").content.decode()
    assert rep_action.title in body
    assert rep2_action.title not in body
    assert other_action.title not in body


def test_actions_of_draft_plans_are_not_listed_yet(login, rep, team):
    draft = PlanFactory(team=team, status=PlanStatus.DRAFT)
    ActionFactory(lever=LeverFactory(plan=draft), assignee=rep, title="pas encore")
    assert "pas encore" not in login(rep).get("/my-actions/").content.decode()


def test_the_home_page_of_a_rep_is_my_actions(login, rep, rep_action):
    assert rep_action.title in login(rep).get("/").content.decode()


def test_manager_sees_the_team_and_filters_by_rep(
    login, manager, rep, rep2, rep_action, rep2_action
):
    client = login(manager)
    body = client.get("/my-actions/").content.decode()
    assert rep_action.title in body and rep2_action.title in body
    body = client.get("/my-actions/", {"assignee": rep2.pk}).content.decode()
    assert rep2_action.title in body and rep_action.title not in body


def test_filters_by_status_lever_and_due_range(login, rep, plan, lever):
    other_lever = LeverFactory(plan=plan, name="Fidélisation")
    near = ActionFactory(lever=lever, assignee=rep, due_date=today() + timedelta(days=2))
    far = ActionFactory(lever=other_lever, assignee=rep, due_date=today() + timedelta(days=40))
    started = ActionFactory(lever=lever, assignee=rep, status=ActionStatus.IN_PROGRESS)
    client = login(rep)

    def titles(**params):
        response = client.get("/my-actions/", params)
        return {a.title for b in response.context["buckets"] for a in b.actions}

    assert titles(lever=other_lever.pk) == {far.title}
    assert titles(status="in_progress") == {started.title}
    assert titles(due_before=(today() + timedelta(days=5)).isoformat()) == {near.title}
    assert far.title in titles(due_after=(today() + timedelta(days=30)).isoformat())


def test_a_rep_ticks_an_action_off_with_htmx_and_gets_the_row_back(login, rep, rep_action):
    response = login(rep).post(f"/actions/{rep_action.pk}/complete/", **HTMX)
    assert response.status_code == 200
    assert response.templates[0].name == "plans/_action_row.html"
    body = response.content.decode()
    assert f'id="action-{rep_action.pk}"' in body
    assert "data-undo-seconds" in body  # the undo button, for a few seconds
    assert f"/actions/{rep_action.pk}/reopen/" in body
    assert 'class="reopen-form" hidden' in body  # shown by actions.js once "Undo" fades
    assert "<html" not in body
    rep_action.refresh_from_db()
    assert rep_action.status == ActionStatus.DONE and rep_action.completed_by == rep


def test_undo_reopens_the_action_and_shows_the_tick_again(login, rep, rep_action):
    client = login(rep)
    client.post(f"/actions/{rep_action.pk}/complete/", **HTMX)
    response = client.post(f"/actions/{rep_action.pk}/reopen/", **HTMX)
    body = response.content.decode()
    assert f"/actions/{rep_action.pk}/complete/" in body
    assert "data-undo-seconds" not in body
    rep_action.refresh_from_db()
    assert rep_action.status == ActionStatus.TODO and rep_action.completed_at is None


def test_done_recently_offers_reopen_later(login, rep, lever):
    action = ActionFactory(
        lever=lever, assignee=rep, status=ActionStatus.DONE, completed_at=timezone.now()
    )
    body = login(rep).get("/my-actions/").content.decode()
    assert f"/actions/{action.pk}/reopen/" in body


def test_the_page_and_htmx_draw_the_row_with_the_same_partial(login, rep, rep_action):
    client = login(rep)
    page = client.get("/my-actions/")
    assert "plans/_action_row.html" in [t.name for t in page.templates]


def test_ticking_without_htmx_redirects_back(login, rep, rep_action):
    response = login(rep).post(
        f"/actions/{rep_action.pk}/complete/", {"next": "/my-actions/?status=todo"}
    )
    assert response.status_code == 302 and response["Location"] == "/my-actions/?status=todo"


def test_next_pointing_elsewhere_is_ignored(login, rep, rep_action):
    response = login(rep).post(
        f"/actions/{rep_action.pk}/complete/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/my-actions/"


def test_start_marks_in_progress(login, rep, rep_action):
    login(rep).post(f"/actions/{rep_action.pk}/start/", **HTMX)
    rep_action.refresh_from_db()
    assert rep_action.status == ActionStatus.IN_PROGRESS


def test_a_rep_cannot_tick_a_colleagues_action(login, rep2, rep_action):
    client = login(rep2)
    assert client.post(f"/actions/{rep_action.pk}/complete/", **HTMX).status_code == 403
    assert client.post(f"/actions/{rep_action.pk}/comment/", {"text": "hop"}).status_code == 403
    rep_action.refresh_from_db()
    assert rep_action.status == ActionStatus.TODO


def test_hr_cannot_tick_an_action(login, hr, rep_action):
    assert login(hr).post(f"/actions/{rep_action.pk}/complete/").status_code == 403


def test_the_manager_can_tick_a_team_action(login, manager, rep_action):
    assert login(manager).post(f"/actions/{rep_action.pk}/complete/", **HTMX).status_code == 200


def test_get_on_tick_off_is_not_allowed(login, rep, rep_action):
    assert login(rep).get(f"/actions/{rep_action.pk}/complete/").status_code == 405


def test_my_actions_loads_its_script_from_static_without_inline_js(login, rep, rep_action):
    body = login(rep).get("/my-actions/").content.decode()
    assert "/static/plans/actions.js" in body
    assert "<script>" not in body


def test_bad_filter_input_is_explained_next_to_the_field(login, rep, rep_action):
    response = login(rep).get("/my-actions/", {"due_before": "garbage"})
    assert response.status_code == 200
    assert "due_before" in response.context["filter"].errors
    assert "Saisissez une date valide." in response.content.decode()


# Fifty rows a page (issue 9) ------------------------------------------------------------


def _all_titles(response):
    return [a.title for b in response.context["buckets"] for a in b.actions]


def _many(lever, rep, n, prefix="a", first_day=-5):
    return [
        ActionFactory(
            lever=lever,
            assignee=rep,
            title=f"{prefix} {i:03d}",
            due_date=today() + timedelta(days=first_day + i),
        )
        for i in range(n)
    ]


def test_the_second_page_shows_the_rest_in_the_same_order(login, rep, lever):
    from plans.selectors import MY_ACTIONS_PER_PAGE as SIZE

    actions = _many(lever, rep, SIZE + 12)
    ticked = ActionFactory(
        lever=lever,
        assignee=rep,
        title="ticked",
        status=ActionStatus.DONE,
        completed_at=timezone.now(),
    )
    client = login(rep)
    first = client.get("/my-actions/")
    assert _all_titles(first) == [a.title for a in actions[:SIZE]]
    body = first.content.decode()
    assert "?page=2" in body and 'rel="next"' in body
    # The bucket badges count every page's rows, not this page's.
    later = next(b for b in first.context["buckets"] if b.key == "later")
    assert later.count > len(later.actions)
    second = client.get("/my-actions/", {"page": 2})
    # The rest, and the done action far down the list, with its link.
    assert _all_titles(second) == [a.title for a in actions[SIZE:]] + ["ticked"]
    body = second.content.decode()
    assert f'href="/actions/{ticked.pk}/"' in body
    assert 'rel="prev"' in body and 'rel="next"' not in body
    assert second.context["page"].paginator.count == SIZE + 13


def test_a_filter_survives_paging(login, rep, plan, lever):
    other = LeverFactory(plan=plan, name="Fidélisation")
    mine = _many(lever, rep, 55)
    _many(other, rep, 10, prefix="other")
    client = login(rep)
    first = client.get("/my-actions/", {"lever": lever.pk})
    body = first.content.decode()
    assert f"?lever={lever.pk}&amp;page=2" in body
    second = client.get("/my-actions/", {"lever": lever.pk, "page": 2})
    assert _all_titles(second) == [a.title for a in mine[50:]]
    # The filters stay open and keep their value on the second page.
    body = second.content.decode()
    assert '<details class="mb-3" open>' in body
    assert f'<option value="{lever.pk}" selected>' in body


def test_under_a_page_there_is_no_pager_and_no_count_query(login, rep, lever):
    _many(lever, rep, 3)
    client = login(rep)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/my-actions/")
    assert len(_all_titles(response)) == 3
    # One more row than a page told the rows fit: the buckets were counted in Python.
    assert not [q for q in queries if "COUNT(" in q["sql"] and '"plans_action"' in q["sql"]]
    assert 'id="action-pages"' not in response.content.decode()
    assert '<details class="mb-3">' in response.content.decode()


@pytest.mark.parametrize("page", ["x", "0", "99"])
def test_a_page_out_of_range_shows_one_that_exists(login, rep, lever, page):
    actions = _many(lever, rep, 60)
    response = login(rep).get("/my-actions/", {"page": page})
    assert response.status_code == 200
    expected = actions[50:] if page == "99" else actions[:50]
    assert _all_titles(response) == [a.title for a in expected]
