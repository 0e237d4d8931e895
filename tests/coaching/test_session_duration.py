"""A training session has a start and a duration in hours: the pages, the API, the calendar
feed and the form (more than zero, said next to the field) all carry it."""

import datetime
from decimal import Decimal

import icalendar
import pytest
from django.utils import timezone

from coaching.models import Enrollment, TrainingSession
from plans.models import CalendarFeed

pytestmark = pytest.mark.django_db


def _starts(days=3, hour=9):
    return (timezone.localtime() + datetime.timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


def _plan_session(client, training, **fields):
    data = {
        "starts_at": _starts().strftime("%Y-%m-%dT%H:%M"),
        "place": "Lyon",
        "capacity": "4",
        **fields,
    }
    return client.post(
        f"/coaching/trainings/{training.pk}/sessions/new/", data, HTTP_ACCEPT_LANGUAGE="en"
    )


def test_hr_plans_a_half_day_and_its_pages_show_start_end_and_hours(login, hr, rep, make_training):
    training = make_training(duration_hours=Decimal("7"))
    client = login(hr)
    form = client.get(f"/coaching/trainings/{training.pk}/sessions/new/").content.decode()
    assert 'name="duration_hours"' in form and 'value="7.0"' in form  # the training's, offered
    response = _plan_session(client, training, duration_hours="3.5")
    assert response.status_code == 302
    session = training.sessions.get()
    assert session.duration_hours == Decimal("3.5")
    assert session.ends_at - session.starts_at == datetime.timedelta(hours=3, minutes=30)
    page = client.get(f"/coaching/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "(3.5 h)" in html and "12:30" in html  # 9:00 + 3.5 h
    french = client.get(f"/coaching/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "(3,5 h)" in french.content.decode()
    listing = client.get(f"/coaching/trainings/{training.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Duration" in listing.content.decode() and "3.5 h" in listing.content.decode()


def test_an_empty_duration_takes_the_training_s(login, hr, make_training):
    training = make_training(duration_hours=Decimal("7"))
    assert _plan_session(login(hr), training, duration_hours="").status_code == 302
    assert training.sessions.get().duration_hours == Decimal("7")


@pytest.mark.parametrize("value", ["0", "-2", "0.2"])
def test_a_duration_of_zero_or_less_is_refused_next_to_the_field(login, hr, make_training, value):
    training = make_training()
    response = _plan_session(login(hr), training, duration_hours=value)
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "A session lasts at least half an hour (0.5)." in html
    assert "id_duration_hours" in html and "is-invalid" in html
    assert not training.sessions.exists()


def test_the_french_refusal(login, hr, make_training):
    training = make_training()
    data = {"starts_at": _starts().strftime("%Y-%m-%dT%H:%M"), "place": "Lyon", "capacity": "4"}
    response = login(hr).post(
        f"/coaching/trainings/{training.pk}/sessions/new/",
        {**data, "duration_hours": "0"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert "Une session dure au moins une demi-heure (0,5)." in response.content.decode()


def test_the_api_gives_and_takes_the_duration(api, hr, make_training):
    training = make_training(duration_hours=Decimal("14"))
    api.force_authenticate(hr)
    starts = _starts(days=5, hour=14)
    body = {"training": training.pk, "starts_at": starts.isoformat(), "place": "Visio"}
    made = api.post("/api/v1/training-sessions/", {**body, "capacity": 3, "duration_hours": "2"})
    assert made.status_code == 201, made.content
    assert Decimal(made.json()["duration_hours"]) == Decimal("2")
    ends = datetime.datetime.fromisoformat(made.json()["ends_at"])
    assert ends - starts == datetime.timedelta(hours=2)
    default = api.post("/api/v1/training-sessions/", {**body, "capacity": 3})
    assert default.status_code == 201 and Decimal(default.json()["duration_hours"]) == 14
    refused = api.post("/api/v1/training-sessions/", {**body, "capacity": 3, "duration_hours": 0})
    assert refused.status_code == 400 and "duration_hours" in refused.json()
    assert TrainingSession.objects.count() == 2


def test_the_calendar_feed_ends_the_session_after_its_duration(client, rep, make_session):
    session = make_session(duration_hours=Decimal("3.5"))
    Enrollment.objects.create(session=session, rep=rep)
    token = CalendarFeed.objects.get_or_create(user=rep)[0].token
    calendar = icalendar.Calendar.from_ical(client.get(f"/calendar/{token}.ics").content)
    (event,) = [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("training")]
    start, end = event["DTSTART"].dt, event["DTEND"].dt
    assert start == session.starts_at.replace(microsecond=0)
    assert end - start == datetime.timedelta(hours=3, minutes=30)


def _when(html: str) -> str:
    """The session's start and end as the page shows them."""
    return html.split('<span class="session-when">', 1)[1].split("</span>", 1)[0]


def _session(make_training, *, hour, hours):
    training = make_training(duration_hours=Decimal(hours))
    return TrainingSession.objects.create(
        training=training, starts_at=_starts(days=3, hour=hour), place="Lyon", capacity=4
    )


@pytest.mark.parametrize(
    ("hour", "hours", "days_later", "ends"),
    [
        ("9", "14", 1, (16, 0)),  # two training days of 7 h, not one sitting until 23:00
        ("9", "17.5", 2, (12, 30)),  # two days and a half
        ("20", "5", 1, (1, 0)),  # an evening session past midnight
        ("9", "7", 0, (16, 0)),  # one day
    ],
)
def test_a_session_ends_on_its_last_day(make_training, hour, hours, days_later, ends):
    session = _session(make_training, hour=int(hour), hours=hours)
    last_day = _starts(days=3 + days_later, hour=ends[0]).replace(minute=ends[1])
    assert session.ends_at == last_day


def test_a_two_day_session_shows_its_end_date_on_its_pages_api_and_feed(
    login, api, hr, rep, make_training
):
    session = _session(make_training, hour=9, hours="14")
    Enrollment.objects.create(session=session, rep=rep)
    start, end = _starts(days=3, hour=9), _starts(days=4, hour=16)
    page = login(hr).get(f"/coaching/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    when = _when(page.content.decode())
    assert "23:00" not in when and "(14 h)" in when
    assert f"{start:%m/%d/%Y} 9 a.m." in when and f"{end:%m/%d/%Y} 4 p.m." in when, when
    french = login(rep).get("/coaching/my-trainings/", HTTP_ACCEPT_LANGUAGE="fr")
    when = _when(french.content.decode())
    assert f"{start:%d/%m/%Y} 09:00" in when and f"{end:%d/%m/%Y} 16:00" in when, when
    api.force_authenticate(hr)
    body = api.get(f"/api/v1/training-sessions/{session.pk}/").json()
    assert datetime.datetime.fromisoformat(body["ends_at"]) == end
    token = CalendarFeed.objects.get_or_create(user=rep)[0].token
    calendar = icalendar.Calendar.from_ical(login(rep).get(f"/calendar/{token}.ics").content)
    (event,) = [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("training")]
    assert event["DTSTART"].dt == start and event["DTEND"].dt == end


def test_an_evening_session_shows_the_next_day_it_ends(login, hr, make_training):
    session = _session(make_training, hour=20, hours="5")
    page = login(hr).get(f"/coaching/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE="fr")
    end = _starts(days=4, hour=1)
    assert f"{end:%d/%m/%Y} 01:00" in _when(page.content.decode())


def test_the_second_day_starts_at_the_same_hour_across_the_clock_change(make_training):
    # Paris moves to summer time in the night of 27 to 28 March 2027.
    paris = timezone.get_current_timezone()
    session = _session(make_training, hour=9, hours="14")
    session.starts_at = datetime.datetime(2027, 3, 27, 9, tzinfo=paris)
    assert session.ends_at == datetime.datetime(2027, 3, 28, 16, tzinfo=paris)
    assert timezone.localtime(session.ends_at).hour == 16
