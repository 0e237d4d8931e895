"""The team's chat: Slack and Teams incoming webhooks on a loopback server. Events post once,
a failing chat is retried, the email never waits for it, the weekly round-up congratulates."""

import json
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from crm import chat, services
from crm.models import ChatHook, ChatPost
from indicators.models import Measurement, Target
from plans.models import Action, Lever, Plan
from reminders.models import Reminder, Stage
from reminders.services import digest_deliver

pytestmark = pytest.mark.django_db


class ChatServer:
    """Answers like Slack (200 "ok") after ``failures`` 500s; keeps what was posted."""

    def __init__(self, failures=0):
        self.failures, self.posted = failures, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status = 500 if outer.failures > 0 else 200
                outer.failures -= 1
                if status == 200:
                    outer.posted.append(body)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/services/T/B/x"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def chat_server():
    server = ChatServer()
    yield server
    server.close()


def _escalation(team, rep, title="Relancer Dupuis SA"):
    plan = Plan.objects.filter(team=team).first()
    lever = Lever.objects.create(plan=plan, name="Conquête", aim="prospect")
    action = Action.objects.create(
        lever=lever, title=title, assignee=rep, due_date=date.today() - timedelta(days=5)
    )
    return Reminder.objects.create(
        recipient=team.manager,
        stage=Stage.ESCALATED,
        item_type="action",
        item_id=action.pk,
        due_date=action.due_date,
        title=title,
    )


def test_an_escalation_is_posted_once_and_a_failing_chat_is_tried_again(
    team, manager, rep, plan, other_team, django_capture_on_commit_callbacks
):
    server = ChatServer(failures=1)
    try:
        hook = services.chat_hook_add(team=team, kind="slack", url=server.url, by=manager)
        services.chat_hook_add(team=other_team, kind="slack", url=server.url)  # not told
        _escalation(team, rep)

        with django_capture_on_commit_callbacks() as queued:
            assert chat.events_post() == 1
        assert chat.events_post() == 0  # once
        assert len(queued) == 1
        post = ChatPost.objects.get()
        assert post.hook == hook
        assert chat.post_deliver(post_id=post.pk) is False  # the chat failed: retried later
        assert chat.posts_owed() == [post.pk]
        assert chat.post_deliver(post_id=post.pk) is True
        assert chat.post_deliver(post_id=post.pk) is None  # sent: nothing owed
    finally:
        server.close()
    assert len(server.posted) == 1
    assert "Relancer Dupuis SA" in server.posted[0]["text"]


def test_teams_gets_an_adaptive_card():
    body = chat.payload("teams", "Bravo")
    card = body["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["body"][0]["text"] == "Bravo"


def test_the_email_goes_out_while_the_chat_is_down(team, manager, rep, plan, mailoutbox):
    services.chat_hook_add(team=team, kind="slack", url="http://127.0.0.1:9/down", by=manager)
    reminder = _escalation(team, rep)
    chat.events_post()
    post = ChatPost.objects.get()

    assert chat.post_deliver(post_id=post.pk) is False  # refused connection: owed still
    digest_deliver(recipient_id=manager.pk)

    assert len(mailoutbox) == 1
    reminder.refresh_from_db()
    assert reminder.state == "sent"
    assert ChatPost.objects.get().sent_at is None


def test_the_weekly_round_up_congratulates_and_names_no_one_behind(
    team, manager, rep, rep2, plan, won
):
    today = timezone.localdate()
    for who, value in ((rep, 120), (rep2, 1)):  # on track, off track
        Target.objects.create(
            indicator=won,
            rep=who,
            value=120,
            period_start=plan.start_date,
            period_end=plan.end_date,
        )
        Measurement.objects.create(indicator=won, rep=who, date=plan.start_date, value=value)
    text = chat.weekly_text(team, today=today)
    assert rep.get_full_name() in text
    assert rep2.get_full_name() not in text


def test_only_the_manager_sets_the_chat_and_its_address_is_never_shown(
    login, manager, rep, team, chat_server
):
    assert login(rep).get(reverse("crm:chat")).status_code == 404
    client = login(manager)
    response = client.post(reverse("crm:chat"), {"kind": "slack", "url": chat_server.url})
    assert response.status_code == 302
    hook = ChatHook.objects.get()
    assert chat_server.url not in hook.url and chat.hook_url(hook) == chat_server.url
    assert chat_server.url not in client.get(reverse("crm:chat")).content.decode()
    assert login(rep).post(reverse("crm:chat-delete", args=[hook.pk])).status_code == 404
    assert ChatHook.objects.exists()
