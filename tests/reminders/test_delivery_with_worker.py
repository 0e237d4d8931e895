"""End to end: a real Celery worker runs the tasks, a real SMTP server on loopback gets the
mail, time is moved with time-machine. The worker thread must see committed data, hence
``transaction=True``.
"""

import re
import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import OperationalError, connection
from django.utils import timezone

from plans.services import action_set_status, action_update
from reminders.models import DeliveryState, EmailMode, Reminder, ReminderPreference, Stage
from reminders.sweep import run_sweep
from reminders.tasks import enqueue_digest, sweep_reminders

from .conftest import MONDAY, day, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

URL = re.compile(r"https://pac\.example\.test(/\S*)")


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def test_each_stage_reaches_the_right_people_in_their_language_with_working_links(
    celery_worker,
    smtp,
    make_action,
    make_milestone,
    manager,
    rep,
    rep2,
    outsider,
    other_lever,
    client,
):
    # Given: rep reads English, the manager and rep2 keep the French default.
    ReminderPreference.objects.create(user=rep, language="en")
    milestone = make_milestone(day(-1), title="Jalon salon pro")
    make_action(rep, day(-5), title="Relancer Dupuis SA", milestone=milestone)  # overdue+esc.
    make_action(rep, day(1), title="Préparer la démo")  # upcoming (N=2)
    make_action(rep2, day(-1), title="Appeler Martin SARL", milestone=milestone)  # overdue
    make_action(rep2, day(5), title="Pas encore")  # not within 2 days: nothing
    make_action(outsider, day(-9), title="Autre équipe", on=other_lever)

    # When the beat job runs on the worker.
    with time_machine.travel(MONDAY, tick=True):
        sweep_reminders.delay()
        smtp.mailbox.wait_for(5)  # rep, rep2, manager, outsider, other_manager

    # Then: one digest each, in the right language.
    [to_rep] = smtp.mailbox.to(rep.email)
    [to_rep2] = smtp.mailbox.to(rep2.email)
    [to_manager] = smtp.mailbox.to(manager.email)
    [to_outsider] = smtp.mailbox.to(outsider.email)
    assert to_rep["Subject"] == "[PAC] 3 reminders"
    text = _text(to_rep)
    assert "Overdue actions" in text and "Actions due soon" in text
    assert "Slipped milestones" in text and "Relancer Dupuis SA" in text
    assert "Préparer la démo" in text and "Pas encore" not in text
    assert "Escalated" not in text
    assert to_rep2["Subject"] == "[PAC] 2 rappels"
    assert "Actions en retard" in _text(to_rep2) and "Jalons en retard" in _text(to_rep2)
    manager_text = _text(to_manager)
    assert to_manager["Subject"] == "[PAC] 2 rappels"
    assert "Escaladé vers vous" in manager_text and "Relancer Dupuis SA" in manager_text
    assert "Jalon salon pro" in manager_text and "Autre équipe" not in manager_text
    assert "Autre équipe" in _text(to_outsider)
    assert "Relancer Dupuis SA" in _html(to_rep)

    # Every link is absolute, and opens for its recipient (preferences page included).
    for message, user in [(to_rep, rep), (to_rep2, rep2), (to_manager, manager)]:
        paths = URL.findall(_text(message))
        assert "/reminders/preferences/" in paths
        assert len(paths) >= 3
        client.force_login(user)
        for path in paths:
            assert client.get(path).status_code == 200, path
    # The bell shows the same items.
    assert Reminder.objects.filter(recipient=rep).count() == 3
    assert set(Reminder.objects.values_list("state", flat=True)) == {DeliveryState.SENT}


def test_two_sweeps_at_once_over_200_overdue_actions_send_one_digest_each(
    celery_worker, smtp, settings, make_action, manager, rep, rep2
):
    settings.REMINDER_RETRY_BASE_SECONDS = 1
    for n in range(200):
        make_action(rep if n % 2 else rep2, day(-1 - n % 10), title=f"Action {n}")
    barrier = threading.Barrier(2)
    errors = []

    def sweep():
        try:
            barrier.wait()
            for _attempt in range(50):
                try:
                    run_sweep(dispatch=enqueue_digest)
                    return
                except OperationalError as exc:
                    # SQLite's in-memory test database is shared-cache: a writer that meets
                    # another gets "table is locked" at once instead of waiting as a file
                    # database (busy timeout) or PostgreSQL would. The sweep is idempotent,
                    # so running it again is what waiting would have done.
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.05)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    with time_machine.travel(MONDAY, tick=True):
        threads = [threading.Thread(target=sweep) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        smtp.mailbox.wait_for(3)
        wait_until(
            lambda: not Reminder.objects.exclude(state=DeliveryState.SENT).exists(),
            what="every reminder sent",
        )
        # The other sweep's tasks found nothing left to claim.
        assert sorted(m["To"] for m in smtp.mailbox.messages) == sorted(
            [rep.email, rep2.email, manager.email]
        )
        assert Reminder.objects.filter(stage=Stage.OVERDUE).count() == 200
        # 160 of them are 3 or more days late: escalated to the manager.
        assert Reminder.objects.filter(stage=Stage.ESCALATED, recipient=manager).count() == 160

        # Running again sends nothing new.
        report = run_sweep(dispatch=enqueue_digest)
        assert report.created == 0 and report.recipients == []
    assert smtp.mailbox.count() == 3


def test_smtp_down_nothing_is_marked_sent_then_the_next_sweep_delivers_once(
    celery_worker, smtp, settings, make_action, rep
):
    settings.REMINDER_RETRY_BASE_SECONDS = 1
    make_action(rep, day(-1), title="Relancer Dupuis SA")
    smtp.stop()
    with time_machine.travel(MONDAY, tick=True):
        run_sweep(dispatch=enqueue_digest)
        wait_until(
            lambda: Reminder.objects.filter(attempts__gte=1, state=DeliveryState.PENDING).exists(),
            what="a failed attempt",
        )
        reminder = Reminder.objects.get()
        assert reminder.sent_at is None and reminder.state == DeliveryState.PENDING

        smtp.start()
        run_sweep(dispatch=enqueue_digest)
        smtp.mailbox.wait_for(1)
        wait_until(lambda: Reminder.objects.filter(state=DeliveryState.SENT).exists(), what="sent")
        # The task's own retries (1 s, 2 s...) come and find nothing left to send.
        time.sleep(3)
    assert smtp.mailbox.count() == 1
    assert "Relancer Dupuis SA" in _text(smtp.mailbox.messages[0])


def test_a_claimed_reminder_whose_worker_died_is_sent_by_the_next_sweep(
    celery_worker, smtp, make_action, rep
):
    make_action(rep, day(-1), title="Relancer Dupuis SA")
    with time_machine.travel(MONDAY, tick=True):
        run_sweep()  # records, dispatches nothing
        # A worker claimed the row, then died: the row is "sending" under a lease.
        Reminder.objects.update(
            state=DeliveryState.SENDING, lease_until=timezone.now() + timedelta(minutes=5)
        )
        assert run_sweep(dispatch=enqueue_digest).recipients == []  # lease still live
    with time_machine.travel(MONDAY + timedelta(minutes=6), tick=True):
        assert len(run_sweep(dispatch=enqueue_digest).recipients) == 1
        smtp.mailbox.wait_for(1)
        wait_until(lambda: Reminder.objects.filter(state=DeliveryState.SENT).exists(), what="sent")
    assert smtp.mailbox.count() == 1


def test_daily_digest_goes_out_at_its_hour_through_the_worker(
    celery_worker, smtp, make_action, rep
):
    ReminderPreference.objects.create(user=rep, email_mode=EmailMode.DAILY, daily_hour=14)
    make_action(rep, day(-1))
    with time_machine.travel(MONDAY, tick=True):  # 09:00
        assert run_sweep(dispatch=enqueue_digest).recipients == []
    with time_machine.travel(MONDAY + timedelta(hours=5), tick=True):  # 14:00
        run_sweep(dispatch=enqueue_digest)
        smtp.mailbox.wait_for(1)
    assert smtp.mailbox.count() == 1


def test_moved_due_date_re_arms_and_completion_cancels_through_the_worker(
    celery_worker, smtp, make_action, manager, rep, rep2
):
    ReminderPreference.objects.create(user=rep2, email_mode=EmailMode.DAILY, daily_hour=18)
    moved = make_action(rep, day(-1), title="Relancer Dupuis SA")
    done = make_action(rep2, day(-1), title="Appeler Martin SARL")
    with time_machine.travel(MONDAY, tick=True):
        run_sweep(dispatch=enqueue_digest)
        smtp.mailbox.wait_for(1)  # rep's digest; rep2's waits for 18:00
        action_set_status(action=done, by=rep2, status="done")
        assert Reminder.objects.get(recipient=rep2).state == DeliveryState.CANCELLED
        action_update(action=moved, by=manager, data={"due_date": day(1)})
    with time_machine.travel(MONDAY + timedelta(days=2, hours=9), tick=True):  # Wed 18:00
        run_sweep(dispatch=enqueue_digest)
        smtp.mailbox.wait_for(2)
        wait_until(
            lambda: not Reminder.objects.filter(state=DeliveryState.PENDING).exists(),
            what="nothing pending",
        )
    assert [m["To"] for m in smtp.mailbox.messages] == [rep.email, rep.email]
    assert sorted(
        Reminder.objects.filter(recipient=rep, stage=Stage.OVERDUE).values_list(
            "due_date", flat=True
        )
    ) == [day(-1), day(1)]
