"""The reminders' test world: an active plan of ``team``, a real SMTP server on loopback,
a real Celery worker, and helpers to create actions and milestones.
"""

import datetime as dt
import email
import socket
import threading
import time
from decimal import Decimal
from email import policy

import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from coaching.models import Training, TrainingSession
from pacsite.celery import app as celery_app
from plans.models import ActionStatus, Lever, LeverAim, Plan, PlanStatus
from plans.services import action_create, action_set_status, milestone_create

# A Monday morning, Paris time: weekday rules do not get in the way unless a test wants them.
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
TODAY = MONDAY.date()


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


@pytest.fixture
def plan(team):
    return Plan.objects.create(
        team=team,
        title="PAC 2026",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
        status=PlanStatus.ACTIVE,
    )


@pytest.fixture
def lever(plan):
    return Lever.objects.create(plan=plan, name="Prospection", aim=LeverAim.PROSPECT)


@pytest.fixture
def other_lever(other_team):
    plan = Plan.objects.create(
        team=other_team,
        title="PAC Rhône",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
        status=PlanStatus.ACTIVE,
    )
    return Lever.objects.create(plan=plan, name="Fidélisation", aim=LeverAim.RETAIN)


@pytest.fixture
def make_action(lever):
    """An action made through the services (which stamp its reminders), in any status."""

    def _make(assignee, due: dt.date, *, title=None, status=ActionStatus.TODO, on=None, **kw):
        on = on or lever
        manager = on.plan.team.manager
        action = action_create(
            lever=on,
            by=manager,
            assignee=assignee,
            title=title or f"Call customers before {due}",
            due_date=due,
            **kw,
        )
        if status != ActionStatus.TODO:
            action_set_status(action=action, by=manager, status=status)
        return action

    return _make


@pytest.fixture
def make_milestone(plan):
    def _make(date: dt.date, title="Jalon T1"):
        return milestone_create(plan=plan, title=title, date=date)

    return _make


def training_session(starts_at: dt.datetime, place: str = "Paris"):
    """A session of a one-day CRM training (no one enrolled yet)."""
    training = Training.objects.create(
        title="Maîtriser le CRM",
        topic="crm",
        kind="classroom",
        duration_hours=Decimal("7"),
        cost_per_seat=Decimal("350"),
    )
    return TrainingSession.objects.create(
        training=training, starts_at=starts_at, place=place, capacity=5
    )


class Mailbox:
    """What the SMTP server received: parsed messages, thread-safe."""

    def __init__(self):
        self.messages = []
        self.refused = set()  # addresses answered "550 no such user"
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        with self._lock:
            return [m for m in self.messages if address in m["To"]]

    def count(self) -> int:
        with self._lock:
            return len(self.messages)

    def wait_for(self, count: int, timeout: float = 60.0) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count() >= count:
                return list(self.messages)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} emails, got {self.count()}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPServer:
    """A real SMTP server on loopback that can be stopped and started again on its port."""

    def __init__(self):
        self.port = free_port()
        self.mailbox = Mailbox()
        self._controller = None

    def start(self):
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = "https://pac.example.test"
    yield server
    server.stop()


@pytest.fixture(scope="module")
def celery_worker():
    """A real worker in a thread of this process, on the configured broker."""
    with start_worker(
        celery_app, perform_ping_check=False, pool="solo", loglevel="WARNING"
    ) as worker:
        yield worker


def wait_until(predicate, timeout: float = 60.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def now() -> dt.datetime:
    return timezone.now()
