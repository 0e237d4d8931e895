"""The issue's "done when": the demo's overdue actions give each demo rep a digest and the
manager an escalation, each once, and the bell shows the same items."""

import pytest
import time_machine
from django.core.management import call_command

from reminders.models import Reminder, Stage
from reminders.services import digest_deliver
from reminders.sweep import run_sweep

from .conftest import MONDAY

pytestmark = pytest.mark.django_db


def test_the_demo_company_gets_its_digests_once(settings, mailoutbox, client):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(MONDAY, tick=False):
        call_command("seed_demo", password="pac-demo")
        run_sweep(dispatch=lambda rid: digest_deliver(recipient_id=rid))
        run_sweep(dispatch=lambda rid: digest_deliver(recipient_id=rid))
    recipients = sorted(m.to[0].split("@")[0] for m in mailoutbox)
    assert len(recipients) == len(set(recipients))  # each once
    assert {"manager", "rep1", "rep2", "rep3"} <= set(recipients)
    assert Reminder.objects.filter(recipient__username="manager", stage=Stage.ESCALATED).exists()
    manager_mail = next(m for m in mailoutbox if m.to[0].startswith("manager@"))
    assert "Escaladé vers vous" in manager_mail.body

    # The bell counts the same items the email listed.
    for username in ("manager", "rep1"):
        count = Reminder.objects.filter(recipient__username=username).count()
        client.login(username=username, password="pac-demo")
        assert f'data-unread="{count}"' in client.get("/").content.decode()


def test_the_demo_seeds_reminder_settings_once():
    from reminders.models import ReminderPreference, TeamReminderSettings

    call_command("seed_demo", password="pac-demo")
    call_command("seed_demo", password="pac-demo")
    assert TeamReminderSettings.objects.count() == 2
    assert ReminderPreference.objects.get(user__username="rep4").language == "en"
    assert ReminderPreference.objects.count() == 3
