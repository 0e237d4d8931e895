"""Issue 8's fault tests of the reminder delivery, with real processes on loopback: our own
``redis-server`` (broker of this process and of the workers), Celery workers as subprocesses
(prefork, as in production), an aiosmtpd SMTP server, and the test database shared with them.

- Redis stopped in the middle of a sweep, then restarted: pages and /healthz keep answering
  (503, broker down), the sweep survives the refusal, nothing is lost (Redis restarts empty,
  as after a crash: the database, not the broker, remembers) and each digest goes out once.
  Stopped before any digest is queued, the idle worker reconnects by itself; stopped with a
  digest in flight, the worker may exit (a Celery 5.7 bug, see that test) and be restarted.
- A worker SIGKILLed in the middle of sending: after a restart and once the lease lapses
  (the new worker and the sweep live ``REMINDER_LEASE_SECONDS`` ahead, with time-machine),
  each digest is sent; twice only in README's "one duplicate window" (the SMTP server had
  accepted the message, the worker died before marking the rows sent).

Marked ``fault``: they skip without redis-server, and fail instead in CI (tests/faults/guard.py).
About 10 to 20 s each here, most of it starting workers.
"""

import asyncio
import threading
import warnings
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from reminders.models import DeliveryState, Reminder, ReminderPreference
from reminders.sweep import run_sweep
from reminders.tasks import enqueue_digest
from tests.faults.processes import RedisServer, Worker, broker, shared_database, wait_for

from .conftest import Mailbox, SMTPServer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.fault]

DELIVERY_TIMEOUT = 60  # a loaded 2-core machine; a healthy run needs a few seconds


def day(offset: int):
    # Real dates: the workers run on the real clock (or a known offset from it).
    return timezone.localdate() + timedelta(days=offset)


class HoldingMailbox(Mailbox):
    """A mailbox whose server holds its reply to one command of the first session (``DATA``:
    before accepting the message; ``QUIT``: after accepting it) until released. A client that
    dies meanwhile closes the connection, and aiosmtpd cancels the held reply: a message held
    at ``DATA`` is then never delivered, one held at ``QUIT`` already was."""

    def __init__(self, hold: str):
        super().__init__()
        self.hold = hold
        self.held = threading.Event()
        self.release = threading.Event()
        self.held_to: str | None = None

    async def _hold(self):
        self.held.set()
        for _ in range(600):  # 30 s at most, should the test die before releasing
            if self.release.is_set():
                return
            await asyncio.sleep(0.05)

    async def handle_DATA(self, server, session, envelope):
        if self.hold == "DATA" and not self.held.is_set():
            self.held_to = envelope.rcpt_tos[0]
            await self._hold()
        self.held_to = self.held_to or envelope.rcpt_tos[0]
        return await super().handle_DATA(server, session, envelope)

    async def handle_QUIT(self, server, session, envelope):
        if self.hold == "QUIT" and not self.held.is_set():
            await self._hold()
        return "221 Bye"


@pytest.fixture
def redis():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail():
    server = SMTPServer()
    yield server
    server.stop()


@pytest.fixture
def world(tmp_path, redis, mail):
    """Everything a worker needs to run against this test: returns ``start_worker(offset=0)``."""
    workers = []
    with shared_database(tmp_path) as database_url, broker(redis.url):
        env = {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis.url,
            "PAC_VAR_DIR": str(tmp_path),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(mail.port),
            "SITE_URL": "https://pac.example.test",
            "REMINDER_RETRY_BASE_SECONDS": "1",
            "LOG_LEVEL": "INFO",
        }

        def start_worker(*, offset: float = 0) -> Worker:
            worker = Worker(tmp_path, env, offset=offset)
            workers.append(worker)
            worker.wait_ready()
            return worker

        try:
            yield start_worker
        finally:
            for worker in workers:
                worker.stop()


@pytest.fixture
def owed(make_action, other_lever, manager, rep, rep2, outsider):
    """Due items for four people of two teams; returns their addresses. Email every day,
    weekends included (the workers run on the real calendar)."""
    for user in (rep, rep2, outsider):
        ReminderPreference.objects.create(user=user, weekend_quiet=False)
    make_action(rep, day(-1), title="Relancer Dupuis SA")
    make_action(rep, day(-5), title="Devis Bernard SARL")  # escalated to the manager
    make_action(rep2, day(-1), title="Appeler Martin SARL")
    make_action(outsider, day(-2), title="Visite Lyon", on=other_lever)
    return sorted(u.email for u in (manager, rep, rep2, outsider))


def delivered(mailbox) -> dict[str, int]:
    counts = {}
    for message in list(mailbox.messages):
        counts[message["To"]] = counts.get(message["To"], 0) + 1
    return counts


def all_sent() -> bool:
    return not Reminder.objects.exclude(state=DeliveryState.SENT).exists()


def broker_down_during_sweep(redis, *, queued_first: int):
    """A ``dispatch`` for ``run_sweep`` that stops Redis once ``queued_first`` digests are
    queued: the sweep has recorded every reminder and is handing the digests to the broker."""
    queued = []

    def dispatch(recipient_id):
        if len(queued) == queued_first:
            redis.stop()
        enqueue_digest(recipient_id)  # must not raise: the rows stay pending
        queued.append(recipient_id)

    return dispatch


def assert_serving_while_the_broker_is_down(client, not_queued: list[int]):
    # The digests not queued are pending in the database, never attempted.
    rows = Reminder.objects.filter(recipient_id__in=not_queued)
    assert rows.exists()
    assert set(rows.values_list("state", flat=True)) == {DeliveryState.PENDING}
    assert set(rows.values_list("attempts", flat=True)) == {0}
    # The app keeps serving pages, and /healthz says the broker is down.
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down"}
    assert client.get("/").status_code == 200
    assert client.get("/plans/").status_code == 200
    assert client.get("/reminders/").status_code == 200


def assert_each_digest_sent_once(mail, owed, worker, *, people):
    wait_for(
        lambda: all_sent() and len(mail.mailbox.messages) >= len(owed),
        timeout=DELIVERY_TIMEOUT,
        what="every reminder sent",
        details=lambda: f"{delivered(mail.mailbox)}\n{worker.log()}",
    )
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    # Nothing owed any more: a further sweep queues nothing, and each person got one digest.
    assert run_sweep(dispatch=enqueue_digest).recipients == []
    assert delivered(mail.mailbox) == dict.fromkeys(owed, 1), worker.log()
    manager, rep = people
    [to_manager] = mail.mailbox.to(manager.email)
    assert "Devis Bernard SARL" in to_manager.get_body(("plain",)).get_content()
    [to_rep] = mail.mailbox.to(rep.email)
    assert "Relancer Dupuis SA" in to_rep.get_body(("plain",)).get_content()


def sweep_as_redis_dies_then_restart_it(redis, client, *, queued_first: int):
    report = run_sweep(dispatch=broker_down_during_sweep(redis, queued_first=queued_first))
    assert len(report.recipients) == 4
    assert Reminder.objects.count() == 5
    assert_serving_while_the_broker_is_down(client, report.recipients[queued_first:])
    # Redis comes back empty, as after a crash: whatever was queued in it is lost.
    redis.start()
    assert client.get("/healthz").json() == {"database": "ok", "broker": "ok"}


def test_redis_stopped_as_the_sweep_queues_the_digests_then_restarted_sends_each_once(
    world, redis, mail, owed, login, manager, rep
):
    mail.start()
    worker = world()
    sweep_as_redis_dies_then_restart_it(redis, login(manager), queued_first=0)

    run_sweep(dispatch=enqueue_digest)
    assert_each_digest_sent_once(mail, owed, worker, people=(manager, rep))
    # The idle worker rode out the outage: it reconnected by itself.
    assert worker.process.poll() is None, worker.log()


def test_redis_stopped_mid_sweep_with_a_digest_in_flight_then_restarted_sends_each_once(
    world, redis, mail, owed, login, manager, rep
):
    mail.start()
    worker = world()
    # The first digest reaches the broker (and, usually, the worker: sent, or lost with
    # Redis), then Redis dies.
    sweep_as_redis_dies_then_restart_it(redis, login(manager), queued_first=1)

    # A worker holding unacknowledged (acks_late) messages when Redis goes away sometimes
    # exits instead of reconnecting: Celery 5.7 / kombu 5.7 collect the lost connection,
    # then close it, and restoring the messages through the collected transport raises
    # AttributeError ("'NoneType' object has no attribute 'hostname'": "Unrecoverable
    # error"). It exits with an error status, so its supervisor (pac-worker.service:
    # Restart=on-failure) starts it again. So do we, and say so.
    wait_for(
        lambda: worker.process.poll() is not None or worker.ping(),
        timeout=DELIVERY_TIMEOUT,
        what="the worker to reconnect or exit",
        details=worker.log,
    )
    if worker.process.poll() is not None:
        assert worker.process.returncode != 0, worker.log()
        warnings.warn(
            f"the Celery worker exited ({worker.process.returncode}) on losing Redis with a "
            "task in flight; restarted, as its supervisor would",
            stacklevel=1,
        )
        worker = world()
    run_sweep(dispatch=enqueue_digest)
    assert_each_digest_sent_once(mail, owed, worker, people=(manager, rep))


@pytest.mark.parametrize(
    ("hold", "first_gets"),
    [
        # Killed before the SMTP server accepted the message: sent exactly once afterwards.
        ("DATA", 1),
        # Killed after the server accepted it, before the rows were marked sent: README's
        # "one duplicate window" (reminders/services.py, digest_deliver): sent twice.
        ("QUIT", 2),
    ],
    ids=["killed-before-accepted", "killed-in-the-duplicate-window"],
)
def test_worker_killed_mid_send_each_digest_goes_out_after_restart(
    world, mail, owed, hold, first_gets
):
    mail.mailbox = HoldingMailbox(hold)
    mail.start()
    worker = world()
    report = run_sweep(dispatch=enqueue_digest)
    assert len(report.recipients) == 4
    wait_for(
        mail.mailbox.held.is_set,
        timeout=DELIVERY_TIMEOUT,
        what=f"the SMTP server to hold its {hold} reply",
        details=worker.log,
    )

    # SIGKILL in the middle of the SMTP transaction (Django's SMTP timeout is 10 s: well
    # after this). The rows being sent stay claimed under the dead worker's lease.
    worker.kill()
    first = mail.mailbox.held_to
    claimed = Reminder.objects.filter(recipient__email=first)
    assert set(claimed.values_list("state", flat=True)) == {DeliveryState.SENDING}
    wait_for(
        lambda: len(mail.mailbox.to(first)) == first_gets - 1,
        timeout=10,
        what="the held transaction to end with the client",
    )
    mail.mailbox.release.set()
    # The lease protects the claim while it is live: the sweep does not hand it out again.
    assert claimed.first().recipient_id not in run_sweep().recipients

    # A new worker, and the sweep, once the lease has lapsed.
    lease = settings.REMINDER_LEASE_SECONDS
    later = timezone.now() + timedelta(seconds=lease + 60)
    worker = world(offset=lease + 60)
    with time_machine.travel(later, tick=True):
        run_sweep(dispatch=enqueue_digest)
        wait_for(
            lambda: all_sent() and len(mail.mailbox.messages) >= len(owed) + first_gets - 1,
            timeout=DELIVERY_TIMEOUT,
            what="every reminder sent",
            details=lambda: f"{delivered(mail.mailbox)}\n{worker.log()}",
        )
        assert run_sweep(dispatch=enqueue_digest).recipients == []
    expected = dict.fromkeys(owed, 1)
    expected[first] = first_gets
    assert delivered(mail.mailbox) == expected, worker.log()
