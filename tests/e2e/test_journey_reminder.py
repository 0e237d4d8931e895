"""Journey 4, in a real browser: a reminder reaches the rep and brings them to their action.

An action of an active plan slips (the clock moves past its due date), the reminder sweep runs
(``send_reminders``, the same work as the beat job), the digest arrives at a real SMTP server
on loopback, and its link, opened in the browser, leads through the login page to the action.
Runs in French and in English (the rep's email language).
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from plans.models import Lever, LeverAim, Plan, PlanStatus
from plans.services import action_create
from reminders import services as reminder_services

from ..reminders.conftest import SMTPServer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def smtp(settings, live_server):
    """A real SMTP server on a free loopback port; links in emails point at the live server."""
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = live_server.url
    yield server
    server.stop()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_slipped_action_is_emailed_and_its_link_opens_the_action(
    desk, live_server, smtp, team, rep, manager, password, axe, language
):
    today = timezone.localdate()
    plan = Plan.objects.create(
        team=team,
        title="PAC 2026",
        start_date=today - timedelta(days=30),
        end_date=today + timedelta(days=150),
        status=PlanStatus.ACTIVE,
    )
    lever = Lever.objects.create(plan=plan, name="Prospection", aim=LeverAim.PROSPECT)
    action = action_create(
        lever=lever,
        by=manager,
        assignee=rep,
        title="Relancer Dupuis SA",
        due_date=today + timedelta(days=10),  # beyond "due soon"
    )
    reminder_services.preference_update(
        user=rep, language=language, email_mode="immediate", weekend_quiet=False
    )

    # Nothing to say while the action is on time.
    call_command("send_reminders")
    assert smtp.mailbox.to(rep.email) == []

    # Twelve days later the action has slipped: the sweep sends the rep a digest.
    with time_machine.travel(timezone.now() + timedelta(days=12), tick=False):
        call_command("send_reminders")
    smtp.mailbox.wait_for(1)
    [message] = smtp.mailbox.to(rep.email)
    assert message["Content-Language"] == language
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Relancer Dupuis SA" in text
    link = next(
        line.strip()
        for line in text.splitlines()
        if line.strip() == f"{live_server.url}/actions/{action.pk}/"
    )
    html = message.get_body(preferencelist=("html",)).get_content()
    assert link in html  # the same link in both parts

    # The link opens the action's page, after the login page.
    desk.context.add_cookies([{"name": "django_language", "value": language, "url": link}])
    desk.goto(link)
    desk.wait_for_url(re.compile(r"/login/"))
    desk.locator("input[name=username]").fill(rep.username)
    desk.locator("input[name=password]").fill(password)
    desk.locator("#login-form button[type=submit]").click()
    desk.wait_for_url(re.compile(rf"/actions/{action.pk}/$"))
    desk.get_by_role("heading", name="Relancer Dupuis SA").wait_for()
    assert axe(desk) == []
