"""``/api/v1/notifications/`` and ``/api/v1/reminder-preferences/``."""

import pytest
from django.utils import timezone

from reminders.models import DeliveryState, ReminderPreference, Stage

from .test_views import notify

pytestmark = pytest.mark.django_db


def test_the_list_holds_only_the_users_notifications(api, rep, rep2, make_action):
    from .conftest import day

    action = make_action(rep, day(-1))
    notify(rep, title="Mine", item_id=action.pk)
    notify(rep, title="Done since", state=DeliveryState.CANCELLED)
    notify(rep2, title="Theirs")
    api.force_authenticate(rep)
    body = api.get("/api/v1/notifications/").json()
    assert [n["title"] for n in body["results"]] == ["Mine"]
    assert body["results"][0]["url"] == f"http://testserver/actions/{action.pk}/"
    assert body["results"][0]["read"] is False


def test_filters_are_the_pages_ones(api, rep):
    notify(rep, title="Late")
    notify(rep, title="Soon", stage=Stage.UPCOMING, read_at=timezone.now())
    api.force_authenticate(rep)
    assert [
        n["title"] for n in api.get("/api/v1/notifications/?unread=true").json()["results"]
    ] == ["Late"]
    soon = api.get("/api/v1/notifications/?stage=upcoming").json()["results"]
    assert [n["title"] for n in soon] == ["Soon"]
    assert api.get("/api/v1/notifications/?stage=nope").status_code == 400


def test_mark_read_and_someone_elses_is_404(api, rep, rep2):
    mine = notify(rep)
    theirs = notify(rep2)
    api.force_authenticate(rep)
    response = api.post(f"/api/v1/notifications/{mine.pk}/read/")
    assert response.status_code == 200 and response.json()["read"] is True
    assert api.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(api, rep, rep2):
    notify(rep)
    notify(rep)
    notify(rep2)
    api.force_authenticate(rep)
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 2}


def test_preferences_read_and_update_with_errors_per_field(api, rep):
    api.force_authenticate(rep)
    assert api.get("/api/v1/reminder-preferences/").json() == {
        "language": "fr",
        "email_mode": "immediate",
        "daily_hour": 8,
        "weekend_quiet": True,
    }
    bad = api.patch(
        "/api/v1/reminder-preferences/", {"daily_hour": 24, "email_mode": "hourly"}, format="json"
    )
    assert bad.status_code == 400
    assert set(bad.json()) == {"daily_hour", "email_mode"}
    assert ReminderPreference.objects.get(user=rep).daily_hour == 8
    ok = api.patch(
        "/api/v1/reminder-preferences/",
        {"email_mode": "daily", "daily_hour": 6, "language": "en"},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["daily_hour"] == 6
    assert ReminderPreference.objects.get(user=rep).email_mode == "daily"


def test_anonymous_gets_nothing(api):
    assert api.get("/api/v1/notifications/").status_code in (401, 403)
    assert api.get("/api/v1/reminder-preferences/").status_code in (401, 403)
