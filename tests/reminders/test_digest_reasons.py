"""An "at risk" item of the digest says why, in the recipient's language (indicators.reasons)."""

import datetime as dt

import pytest
import time_machine

from indicators.models import Measurement
from reminders.services import digest_deliver
from reminders.sweep import run_sweep
from tests.indicators.conftest import make_indicator, make_target

from .conftest import MONDAY

pytestmark = pytest.mark.django_db

APRIL_14 = dt.datetime(2026, 4, 14, 9, 0, tzinfo=MONDAY.tzinfo)


@pytest.fixture(autouse=True)
def _outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_the_at_risk_item_carries_its_reasons_in_both_parts(
    plan, lever, make_action, rep, manager, mailoutbox
):
    revenue = make_indicator(plan, name="Chiffre d'affaires signé")
    revenue.levers.add(lever)
    make_target(
        revenue, rep, 181_000, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 6, 30)
    )
    Measurement.objects.create(indicator=revenue, rep=rep, date=dt.date(2026, 1, 20), value=5_000)
    make_action(rep, dt.date(2026, 4, 1))
    with time_machine.travel(APRIL_14, tick=False):
        run_sweep(dispatch=lambda rid: digest_deliver(recipient_id=rid))
    to_rep = next(m for m in mailoutbox if m.to == [rep.email])
    html = to_rep.alternatives[0][0]
    for sentence in (
        "rythme à 5 % de ce que l",  # the apostrophe is escaped in HTML
        "1 action du levier Prospection en retard",
        "aucun chiffre saisi depuis 84 jours",
    ):
        assert sentence in to_rep.body
        assert sentence in html
    to_manager = next(m for m in mailoutbox if m.to == [manager.email])
    assert "1 action du levier Prospection en retard" in to_manager.body
