"""Hidden rows stay hidden beyond lists: counts, dashboards, exports, the calendar feed."""

import pytest
from django.utils.html import escape

from plans.calendar_feeds import feed_for
from plans.models import Action
from reminders.selectors import unread_count


@pytest.fixture
def other_action(world):
    return Action.objects.create(
        lever=world.other_lever,
        title="Visiter les grands comptes",
        assignee=world.users.outsider,
        due_date=world.today,
    )


def test_api_counts_leave_out_other_teams(api, world, other_action):
    # Given a row in each team, when each side lists actions, then the count is its own team's.
    api.force_authenticate(world.users.other_manager)
    body = api.get("/api/v1/actions/").json()
    assert body["count"] == 1 and body["results"][0]["id"] == other_action.pk
    api.force_authenticate(world.users.outsider)
    assert api.get("/api/v1/indicators/").json()["count"] == 0
    assert api.get("/api/v1/measurements/").json()["count"] == 0
    assert api.get("/api/v1/notifications/").json()["count"] == 0


def test_the_bell_counts_only_the_recipients_notifications(world):
    assert unread_count(world.users.owner) == 1
    for persona in ("manager", "mate", "outsider", "hr"):
        assert unread_count(getattr(world.users, persona)) == 0


def test_another_teams_dashboard_shows_none_of_this_team(client, world, other_action):
    client.force_login(world.users.other_manager)
    page = client.get("/indicators/").content.decode()
    assert escape(world.indicator.name) not in page
    assert world.users.owner.get_full_name() not in page
    api_page = client.get(f"/api/v1/dashboard/{world.other_team.pk}/")
    assert api_page.status_code == 200
    assert world.users.owner.get_full_name() not in api_page.content.decode()
    assert client.get(f"/api/v1/dashboard/{world.team.pk}/").status_code == 404


def test_another_teams_exports_hold_none_of_this_team(client, world, other_action):
    client.force_login(world.users.other_manager)
    plan_csv = client.get(f"/plans/{world.other_plan.pk}/export.csv")
    assert plan_csv.status_code == 200
    text = b"".join(plan_csv.streaming_content if plan_csv.streaming else [plan_csv.content])
    assert other_action.title.encode() in text
    assert world.action.title.encode() not in text
    board = client.get("/indicators/export.csv")
    assert board.status_code in (200, 404)
    assert world.indicator.name.encode() not in board.content
    assert client.get(f"/plans/{world.plan.pk}/export.csv").status_code == 404


def test_the_calendar_feed_carries_only_the_holders_dates(client, world, other_action):
    # Given an open action for the owner and one for the outsider
    mine = client.get(f"/calendar/{feed_for(world.users.owner).token}.ics").content.decode()
    theirs = client.get(f"/calendar/{feed_for(world.users.outsider).token}.ics").content.decode()
    mate = client.get(f"/calendar/{feed_for(world.users.mate).token}.ics").content.decode()
    # Then each feed holds its holder's action only
    assert world.action.title in mine and other_action.title not in mine
    assert other_action.title in theirs and world.action.title not in theirs
    assert world.action.title not in mate


def test_a_rep_reads_only_their_own_payout_line(api, world):
    world.closed_scheme.reps.add(world.users.mate)
    url = f"/api/v1/incentive-schemes/{world.closed_scheme.pk}/payouts/"
    # Given a closed period covering both reps, where only the owner earned a frozen payout
    api.force_authenticate(world.users.mate)
    assert api.get(url).json() == []  # the mate never sees the owner's line
    api.force_authenticate(world.users.owner)
    assert len(api.get(url).json()) == 1
    api.force_authenticate(world.users.manager)
    assert len(api.get(url).json()) == 1
