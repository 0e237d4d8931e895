"""The stages fed by the other apps: targets at risk (indicators' progress engine) and
training tomorrow (coaching's sessions)."""

import datetime as dt

import pytest
import time_machine

from coaching.models import Enrollment, EnrollmentStatus
from indicators.models import Measurement
from reminders.models import Reminder, Stage
from reminders.services import digest_deliver
from reminders.sweep import run_sweep
from tests.indicators.conftest import make_indicator, make_target

from .conftest import MONDAY, training_session

pytestmark = pytest.mark.django_db

PARIS = MONDAY.tzinfo


@pytest.fixture(autouse=True)
def _outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def sweep_and_send(when):
    with time_machine.travel(when, tick=False):
        return run_sweep(dispatch=lambda rid: digest_deliver(recipient_id=rid))


@pytest.fixture
def missed_target(plan, rep):
    revenue = make_indicator(plan, name="Chiffre d'affaires signé")
    target = make_target(
        revenue, rep, 181_000, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 6, 30)
    )
    Measurement.objects.create(indicator=revenue, rep=rep, date=dt.date(2026, 1, 20), value=5_000)
    return target


def test_a_target_forecast_to_be_missed_is_reported_once_past_mid_period(
    missed_target, manager, rep, rep2, mailoutbox, login
):
    sweep_and_send(MONDAY)  # 2 March: the period is not half gone yet
    assert not Reminder.objects.filter(stage=Stage.AT_RISK).exists()

    sweep_and_send(dt.datetime(2026, 4, 14, 9, 0, tzinfo=PARIS))
    rows = Reminder.objects.filter(stage=Stage.AT_RISK)
    assert sorted(r.recipient.username for r in rows) == sorted([rep.username, manager.username])
    assert {r.item_id for r in rows} == {missed_target.pk}
    to_manager = next(m for m in mailoutbox if m.to == [manager.email])
    assert "Objectifs menacés" in to_manager.body
    assert rep.get_full_name() in to_manager.body  # whose target it is
    assert not Reminder.objects.filter(recipient=rep2).exists()

    # The link opens the indicator for the rep.
    link = Reminder.objects.filter(recipient=rep, stage=Stage.AT_RISK).get()
    from reminders.selectors import hydrate

    hydrate([link])
    assert link.path == f"/indicators/{missed_target.indicator_id}/"
    assert login(rep).get(link.path).status_code == 200

    # Next sweep: nothing new.
    assert sweep_and_send(dt.datetime(2026, 4, 14, 10, 0, tzinfo=PARIS)).created == 0


def test_enrolled_reps_hear_about_tomorrows_training(rep, rep2, team, mailoutbox, login):
    session = training_session(dt.datetime(2026, 3, 3, 9, 30, tzinfo=PARIS), "Paris, salle 2")
    Enrollment.objects.create(session=session, rep=rep, status=EnrollmentStatus.PLANNED)
    Enrollment.objects.create(session=session, rep=rep2, status=EnrollmentStatus.CANCELLED)

    sweep_and_send(MONDAY)

    [row] = Reminder.objects.filter(stage=Stage.TRAINING_TOMORROW)
    assert row.recipient == rep and row.item_id == session.pk
    [message] = mailoutbox
    assert message.to == [rep.email]
    assert "Formation demain" in message.body and "Maîtriser le CRM" in message.body
    assert "09:30" in message.body
    path = f"/coaching/sessions/{session.pk}/"
    assert path in message.body
    assert login(rep).get(path).status_code == 200
