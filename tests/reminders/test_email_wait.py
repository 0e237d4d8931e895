"""The notification list says why an item still waits to be emailed, from the reader's own
preferences (quiet weekend, daily digest hour, escalations only), in their language."""

import html
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from reminders.models import DeliveryState, EmailMode, ReminderPreference, Stage

from .test_views import notify

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
WEDNESDAY, FRIDAY, SATURDAY = date(2026, 12, 9), date(2026, 12, 4), date(2026, 12, 5)


def _page(login, user, language, day, hour):
    # Signed in at that moment too: a session from another day may have expired by then.
    with time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)):
        response = login(user).get("/reminders/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _prefs(user, **fields):
    ReminderPreference.objects.create(user=user, language="en", **fields)


@pytest.mark.parametrize(
    ("fields", "day", "hour", "english", "french"),
    [
        # No preferences saved: as it happens, quiet at weekends.
        (
            None,
            SATURDAY,
            10,
            "Quiet weekend: emailed on Monday.",
            "Week-end au calme : envoyé lundi.",
        ),
        (
            None,
            WEDNESDAY,
            10,
            "Emailed with the next reminder round.",
            "prochaine tournée de rappels.",
        ),
        (
            {"email_mode": EmailMode.DAILY, "daily_hour": 8},
            WEDNESDAY,
            6,
            "In your daily digest at 8:00.",
            "Dans votre récapitulatif quotidien à 8 h 00.",
        ),
        (
            {"email_mode": EmailMode.DAILY, "daily_hour": 8},
            SATURDAY,
            10,
            "Quiet weekend: sent Monday at 8:00, in your daily digest.",
            "Week-end au calme : envoyé lundi à 8 h 00, dans votre récapitulatif quotidien.",
        ),
        (
            {"email_mode": EmailMode.DAILY, "daily_hour": 9, "last_daily_digest_on": FRIDAY},
            FRIDAY,
            11,
            "Quiet weekend: sent Monday at 9:00, in your daily digest.",
            "envoyé lundi à 9 h 00",
        ),
        (
            {"email_mode": EmailMode.DAILY, "daily_hour": 8, "last_daily_digest_on": WEDNESDAY},
            WEDNESDAY,
            11,
            "In tomorrow's daily digest at 8:00.",
            "Dans le récapitulatif quotidien de demain à 8 h 00.",
        ),
        (
            {"email_mode": EmailMode.DAILY, "daily_hour": 8, "weekend_quiet": False},
            SATURDAY,
            6,
            "In your daily digest at 8:00.",
            "Dans votre récapitulatif quotidien à 8 h 00.",
        ),
        (
            {"email_mode": EmailMode.ESCALATIONS},
            WEDNESDAY,
            10,
            "You get only escalations by email: this one stays in the app.",
            "celui-ci reste dans l'application.",
        ),
    ],
)
def test_a_waiting_notification_says_why(login, rep, fields, day, hour, english, french):
    if fields is not None:
        _prefs(rep, **fields)
    notify(rep, state=DeliveryState.PENDING)
    page = _page(login, rep, "en", day, hour)
    assert "Waiting to be emailed" in page and english in page
    assert french in _page(login, rep, "fr", day, hour)


def test_an_escalation_goes_out_whatever_the_preferences(login, manager):
    _prefs(manager, email_mode=EmailMode.DAILY, daily_hour=8)
    notify(manager, stage=Stage.ESCALATED, state=DeliveryState.PENDING)
    page = _page(login, manager, "en", SATURDAY, 10)
    assert "Emailed with the next reminder round, whatever your preferences." in page
    assert "Quiet weekend" not in page


def test_an_emailed_notification_gives_no_reason(login, rep):
    notify(rep, state=DeliveryState.SENT)
    page = _page(login, rep, "en", SATURDAY, 10)
    assert "Emailed" in page and 'class="email-wait"' not in page
