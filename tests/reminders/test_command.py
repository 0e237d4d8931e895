"""``python manage.py send_reminders`` and its ``--dry-run``."""

import io

import pytest
import time_machine
from django.core.management import call_command

from reminders.models import Reminder

from .conftest import MONDAY, day

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    with time_machine.travel(MONDAY, tick=False):
        call_command("send_reminders", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_dry_run_lists_without_sending_or_recording(
    settings, make_action, rep, manager, mailoutbox
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_action(rep, day(-4), title="Relancer Dupuis SA")
    output = run("--dry-run")
    assert "julien\toverdue" in output and "claire\tescalated" in output
    assert "Relancer Dupuis SA" in output
    assert Reminder.objects.count() == 0 and mailoutbox == []


def test_the_command_sends_each_digest_once(settings, make_action, rep, manager, mailoutbox):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_action(rep, day(-4))
    assert "2 digests sent" in run()
    assert "0 digests sent" in run()
    assert len(mailoutbox) == 2


def test_smtp_down_keeps_the_rows_pending_and_says_so(settings, smtp, make_action, rep):
    make_action(rep, day(-1))
    smtp.stop()
    output = run()
    assert "will be retried" in output
    assert Reminder.objects.get().state == "pending"
    smtp.start()
    assert "1 digests sent" in run()
    assert smtp.mailbox.count() == 1


def test_an_address_refused_for_good_is_not_retried_forever(smtp, make_action, rep, rep2):
    smtp.mailbox.refused.add(rep.email)
    make_action(rep, day(-1))
    make_action(rep2, day(-1))
    assert "1 digests sent" in run()
    mine = Reminder.objects.get(recipient=rep)
    assert mine.state == "muted" and mine.sent_at is None  # still in the bell
    assert "0 digests sent" in run()
    assert [m["To"] for m in smtp.mailbox.messages] == [rep2.email]
