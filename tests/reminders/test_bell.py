"""The bell's count comes from the cache (reminders.bell), and every write that changes a
person's unread notifications shows at once: each test loads a page as the recipient first
(the count is cached), makes the change the way the product makes it, and loads the page
again."""

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.models import Connection, Kind
from plans.models import Action, ActionStatus
from plans.services import action_set_status
from reminders import bell, services
from reminders.models import (
    DeliveryState,
    EmailMode,
    ItemType,
    Reminder,
    ReminderPreference,
    Stage,
)
from reminders.services import connection_stopped_notify, digest_deliver
from reminders.sweep import run_sweep

from .conftest import MONDAY, day

pytestmark = pytest.mark.django_db

LATER = MONDAY.replace(hour=19)


@pytest.fixture(autouse=True)
def _outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def bell_of(client, user) -> int:
    """The number the bell shows ``user`` on the home page (0: no badge)."""
    client.force_login(user)
    page = client.get("/").content.decode()
    assert 'id="reminder-bell"' in page
    found = re.search(r'data-unread="(\d+)"', page)
    return int(found.group(1)) if found else 0


def notify(user, **kw) -> Reminder:
    """A row as the sweep records it (written before any page is loaded)."""
    return Reminder.objects.create(
        recipient=user,
        stage=Stage.OVERDUE,
        item_type=ItemType.ACTION,
        item_id=kw.pop("item_id", Reminder.objects.count() + 1),
        due_date=day(-1),
        title="Relancer Dupuis SA",
        state=DeliveryState.SENT,
        **kw,
    )


def sweep(when=MONDAY):
    with time_machine.travel(when, tick=False):
        return run_sweep()


def test_a_second_page_does_not_count_again(client, rep):
    notify(rep)
    notify(rep)
    assert bell_of(client, rep) == 2
    with CaptureQueriesContext(connection) as queries:
        assert bell_of(client, rep) == 2
    assert not [q for q in queries.captured_queries if "reminders_reminder" in q["sql"]]


def test_each_person_has_their_own_count(client, rep, rep2):
    notify(rep)
    assert bell_of(client, rep) == 1
    assert bell_of(client, rep2) == 0


def test_the_sweep_recording_a_reminder_shows(client, make_action, rep, manager):
    assert bell_of(client, rep) == 0
    assert bell_of(client, manager) == 0
    make_action(rep, day(-4))  # overdue to the rep, escalated to the manager
    assert sweep().created == 2
    assert bell_of(client, rep) == 1
    assert bell_of(client, manager) == 1


def test_the_sweep_cancelling_a_stale_reminder_shows(client, make_action, rep):
    ReminderPreference.objects.create(user=rep, email_mode=EmailMode.DAILY, daily_hour=18)
    action = make_action(rep, day(-1))
    sweep()  # recorded, waiting for the evening's digest
    assert bell_of(client, rep) == 1
    Action.objects.filter(pk=action.pk).update(status=ActionStatus.CANCELLED)  # round the service
    assert sweep(LATER).cancelled == 1
    assert bell_of(client, rep) == 0


def test_a_digest_finding_its_item_done_shows(client, make_action, rep):
    action = make_action(rep, day(-1))
    sweep()
    assert bell_of(client, rep) == 1
    Action.objects.filter(pk=action.pk).update(status=ActionStatus.DONE)  # round the service
    with time_machine.travel(MONDAY, tick=False):
        assert digest_deliver(recipient_id=rep.pk).cancelled == 1
    assert bell_of(client, rep) == 0


def test_completing_an_action_through_the_status_service_shows(client, make_action, rep, manager):
    ReminderPreference.objects.create(user=rep, email_mode=EmailMode.DAILY, daily_hour=18)
    ReminderPreference.objects.create(user=manager, email_mode=EmailMode.DAILY, daily_hour=18)
    action = make_action(rep, day(-4))
    sweep()
    assert bell_of(client, rep) == bell_of(client, manager) == 1
    action_set_status(action=action, by=rep, status=ActionStatus.DONE)
    assert bell_of(client, rep) == 0
    assert bell_of(client, manager) == 0


def test_opening_a_notification_shows(client, rep):
    first, _second = notify(rep), notify(rep)
    assert bell_of(client, rep) == 2
    assert client.post(f"/reminders/{first.pk}/open/").status_code == 302
    assert bell_of(client, rep) == 1


def test_marking_all_read_on_the_page_shows(client, rep):
    notify(rep)
    notify(rep)
    assert bell_of(client, rep) == 2
    assert client.post("/reminders/read-all/").status_code == 302
    assert bell_of(client, rep) == 0


def test_marking_read_through_the_api_shows(client, api, rep):
    first = notify(rep)
    notify(rep)
    notify(rep)
    assert bell_of(client, rep) == 3
    api.force_authenticate(rep)
    assert api.post(f"/api/v1/notifications/{first.pk}/read/").status_code == 200
    assert bell_of(client, rep) == 2
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert bell_of(client, rep) == 0


def test_a_stopped_crm_connection_shows_on_the_managers_bell(client, team, manager):
    crm = Connection.objects.create(
        team=team, kind=Kind.HUBSPOT, name="HubSpot", base_url="https://crm.example.test"
    )
    assert bell_of(client, manager) == 0
    connection_stopped_notify(connection=crm)
    assert bell_of(client, manager) == 1
    services.notifications_mark_all_read(user=manager)
    assert bell_of(client, manager) == 0
    connection_stopped_notify(connection=crm)  # stopped again the same day: armed again
    assert bell_of(client, manager) == 1


def _admin_form(reminder: Reminder, **changes) -> dict:
    data = {
        "recipient": reminder.recipient_id,
        "stage": reminder.stage,
        "item_type": reminder.item_type,
        "item_id": reminder.item_id,
        "due_date": reminder.due_date.isoformat(),
        "title": reminder.title,
        "state": reminder.state,
        "attempts": reminder.attempts,
        "created_at_0": reminder.created_at.date().isoformat(),
        "created_at_1": "09:00:00",
    }
    return {**data, **changes}


def test_the_admins_change_and_delete_show(client, admin_user, rep, rep2):
    moved, gone = notify(rep), notify(rep)
    assert bell_of(client, rep) == 2
    assert bell_of(client, rep2) == 0
    client.force_login(admin_user)
    url = f"/admin/reminders/reminder/{moved.pk}/change/"
    assert client.post(url, _admin_form(moved, recipient=rep2.pk)).status_code == 302
    assert bell_of(client, rep) == 1
    assert bell_of(client, rep2) == 1
    client.force_login(admin_user)
    url = f"/admin/reminders/reminder/{gone.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert bell_of(client, rep) == 0


def test_the_admins_bulk_delete_shows(client, admin_user, rep):
    notify(rep)
    notify(rep)
    assert bell_of(client, rep) == 2
    client.force_login(admin_user)
    data = {
        "action": "delete_selected",
        "_selected_action": list(Reminder.objects.values_list("pk", flat=True)),
        "post": "yes",
    }
    assert client.post("/admin/reminders/reminder/", data).status_code == 302
    assert bell_of(client, rep) == 0


def test_a_page_inside_the_writers_transaction_counts_its_write(rep):
    notify(rep)
    assert bell.unread(rep) == 1
    services.notifications_mark_all_read(user=rep)  # this test's transaction is still open
    assert bell.unread(rep) == 0


def test_a_count_taken_elsewhere_before_the_commit_is_dropped_at_the_commit(
    rep, monkeypatch, django_capture_on_commit_callbacks
):
    notify(rep)
    assert bell.unread(rep) == 1
    with django_capture_on_commit_callbacks() as at_commit:
        services.notifications_mark_all_read(user=rep)
    # Another process, which cannot see the uncommitted write, counts the rows as they were.
    monkeypatch.setattr(bell, "unread_count", lambda user: 1)
    assert bell.unread(rep) == 1
    monkeypatch.undo()
    for callback in at_commit:  # the commit
        callback()
    assert bell.unread(rep) == 0


def test_without_the_cache_the_bell_counts(client, rep, settings):
    notify(rep)
    # Nothing listens on port 1: every cache call fails at once.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    assert bell_of(client, rep) == 1
    assert client.post("/reminders/read-all/").status_code == 302  # the write goes through
    assert bell_of(client, rep) == 0
