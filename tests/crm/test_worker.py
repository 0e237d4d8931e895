"""End to end through a real Celery worker (in a thread, on the configured broker): the
beat job's task and a signed webhook each bring the loopback CRM's deals in; a revoked token
stops the connection. ``transaction=True``: the worker must see committed rows."""

import json
import time
from datetime import date

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from crm import services
from crm.models import ChatPost, Connection, State, SyncRun
from crm.secrets import seal
from crm.tasks import chat_events, sync_all
from crm.webhooks import hubspot_signature
from indicators.models import Measurement
from pacsite.celery import app as celery_app
from plans.models import Action, Lever
from reminders.models import Reminder, Stage

from .conftest import connect
from .loopback import LoopbackCRM
from .test_chat import ChatServer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def celery_worker():
    with start_worker(
        celery_app, perform_ping_check=False, pool="solo", loglevel="WARNING"
    ) as worker:
        yield worker


def wait_until(predicate, timeout=60.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.parametrize("vendor", ["pipedrive", "odoo"])
def test_the_beat_task_syncs_every_active_connection_on_the_worker(
    vendor, celery_worker, team, manager, rep, won, settings
):
    settings.CRM_RETRY_BASE_SECONDS = 0
    with LoopbackCRM(vendor) as crm:
        crm.vendor.deal(1, rep.email, closed=date(2026, 3, 2))
        crm.vendor.deal(2, rep.email, closed=date(2026, 3, 9))
        crm.vendor.fail("/", 503)  # the first call fails: the worker's sync retries it
        connection = connect(crm, team, manager, deals_won_count=won)

        sync_all.delay()

        wait_until(lambda: SyncRun.objects.filter(finished_at__isnull=False).exists(), what="run")
        run = SyncRun.objects.get()
        assert run.error == ""
        assert Measurement.objects.filter(indicator=won, source=connection.source).count() == 2


def test_a_signed_hubspot_push_is_synced_by_the_worker(
    celery_worker, client, team, manager, rep, won, settings
):
    settings.CRM_RETRY_BASE_SECONDS = 0
    with LoopbackCRM("hubspot") as crm:
        crm.vendor.deal(1, rep.email, closed=date(2026, 3, 2))
        connection = connect(crm, team, manager, deals_won_count=won)
        Connection.objects.filter(pk=connection.pk).update(
            credentials=seal({"access_token": crm.vendor.token, "client_secret": "app-secret"})
        )
        url = reverse("crm:webhook", args=[connection.webhook_key])
        body = json.dumps([{"objectId": 1, "subscriptionType": "deal.creation"}]).encode()
        stamp = str(int(time.time() * 1000))
        signature = hubspot_signature("app-secret", "POST", f"http://testserver{url}", body, stamp)

        response = client.post(
            url,
            body,
            content_type="application/json",
            HTTP_X_HUBSPOT_SIGNATURE_V3=signature,
            HTTP_X_HUBSPOT_REQUEST_TIMESTAMP=stamp,
        )

        assert response.status_code == 204
        wait_until(lambda: Measurement.objects.filter(indicator=won).exists(), what="figure")
        assert Measurement.objects.get(indicator=won).rep == rep


def test_a_revoked_token_stops_the_connection_on_the_worker(
    celery_worker, team, manager, rep, won, settings
):
    with LoopbackCRM("pipedrive") as crm:
        connection = connect(crm, team, manager, deals_won_count=won)
        crm.vendor.token = "revoked-in-pipedrive"

        sync_all.delay()

        wait_until(
            lambda: Connection.objects.get(pk=connection.pk).state == State.STOPPED, what="stop"
        )
        assert "Pipedrive a refusé les identifiants (HTTP 401)" in (
            Connection.objects.get(pk=connection.pk).last_error
        )


def test_a_chat_post_is_sent_by_the_worker_after_commit(celery_worker, team, manager, rep, plan):
    server = ChatServer()
    try:
        services.chat_hook_add(team=team, kind="teams", url=server.url, by=manager)
        lever = Lever.objects.create(plan=plan, name="Conquête", aim="prospect")
        action = Action.objects.create(
            lever=lever, title="Relancer Martin SARL", assignee=rep, due_date=date(2026, 3, 2)
        )
        Reminder.objects.create(
            recipient=manager,
            stage=Stage.ESCALATED,
            item_type="action",
            item_id=action.pk,
            due_date=action.due_date,
            title=action.title,
        )

        chat_events.delay()

        wait_until(lambda: ChatPost.objects.filter(sent_at__isnull=False).exists(), what="post")
    finally:
        server.close()
    card = server.posted[0]["attachments"][0]["content"]
    assert "Relancer Martin SARL" in card["body"][0]["text"]
