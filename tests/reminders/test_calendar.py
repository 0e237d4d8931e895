"""The private iCal feed: the user's due dates, milestones and training sessions."""

import datetime
from datetime import date
from decimal import Decimal

import icalendar
import pytest
from django.utils import timezone, translation

from coaching.models import Enrollment, Training, TrainingSession
from plans.models import Action, CalendarFeed, Lever, Milestone, Plan
from reminders.calendar import escape_text, fold
from reminders.services import language_save

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def world(team, other_team, manager, rep, rep2, outsider):
    plan = Plan.objects.create(
        team=team,
        title="PAC S1",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        status="active",
    )
    lever = Lever.objects.create(plan=plan, name="Conquête", aim="prospect")
    Milestone.objects.create(plan=plan, title="Kick-off; phase 1", date=date(2026, 2, 15))
    Action.objects.create(
        lever=lever, title="Call, then visit", assignee=rep, due_date=date(2026, 3, 31)
    )
    Action.objects.create(
        lever=lever, title="Sophie's action", assignee=rep2, due_date=date(2026, 4, 1)
    )
    Action.objects.create(
        lever=lever, title="Done already", assignee=rep, due_date=date(2026, 4, 2), status="done"
    )
    other = Plan.objects.create(
        team=other_team, title="PAC RA", start_date=date(2026, 1, 1), end_date=date(2026, 12, 31)
    )
    Milestone.objects.create(plan=other, title="Other team's milestone", date=date(2026, 3, 1))
    training = Training.objects.create(
        title="Maîtriser le CRM",
        topic="crm",
        kind="classroom",
        duration_hours=Decimal("7"),
        cost_per_seat=Decimal("350"),
    )
    session = TrainingSession.objects.create(
        training=training,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        place="Paris, salle 2",
        capacity=5,
    )
    Enrollment.objects.create(session=session, rep=rep)
    return plan


def read_feed(client, user):
    token = CalendarFeed.objects.get_or_create(user=user)[0].token
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return response


def test_feed_parses_and_holds_my_dates_only_in_french_by_default(client, world, rep):
    response = read_feed(client, rep)
    body = response.content.decode()
    assert "\r\n" in body and "\n" not in body.replace("\r\n", "")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {
        "Échéance : Call, then visit",
        "Jalon : Kick-off; phase 1 (PAC S1)",
        "Formation : Maîtriser le CRM, Paris, salle 2",
    }
    due = events["Échéance : Call, then visit"]
    assert due.decoded("DTSTART") == date(2026, 3, 31)
    assert str(due["UID"]).startswith("action-")
    call = Action.objects.get(title="Call, then visit")
    assert str(due["URL"]).endswith(f"/actions/{call.pk}/")
    assert "DTSTAMP" in due
    training = events["Formation : Maîtriser le CRM, Paris, salle 2"]
    assert isinstance(training.decoded("DTSTART"), datetime.datetime)


def _summaries(response) -> set[str]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}


def test_feed_speaks_its_owner_s_saved_language_not_the_fetcher_s(client, world, rep, rep2):
    # The calendar app's request says French (header and cookie): the English-saved owner
    # still reads English, and the other way round.
    language_save(user=rep, language="en")
    language_save(user=rep2, language="fr")
    client.cookies["django_language"] = "fr"
    english = read_feed(client, rep)
    assert english["Content-Language"] == "en"
    assert "Due: Call, then visit" in _summaries(english)
    assert "Milestone: Kick-off; phase 1 (PAC S1)" in _summaries(english)
    assert "Training: Maîtriser le CRM, Paris, salle 2" in _summaries(english)
    assert "X-WR-CALNAME:PAC: my dates" in english.content.decode()
    client.cookies["django_language"] = "en"
    french = client.get(
        f"/calendar/{CalendarFeed.objects.get_or_create(user=rep2)[0].token}.ics",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert french["Content-Language"] == "fr"
    assert _summaries(french) == {
        "Échéance : Sophie's action",
        "Jalon : Kick-off; phase 1 (PAC S1)",
    }


def test_a_revoked_token_gives_404(client, login, world, rep):
    old = CalendarFeed.objects.get_or_create(user=rep)[0].token
    client = login(rep)
    page = client.get("/profile/")
    assert old in page.content.decode()
    client.post("/profile/calendar/regenerate/")
    new = CalendarFeed.objects.get(user=rep).token
    assert new != old
    client.logout()
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200
    assert client.get("/calendar/made-up.ics").status_code == 404


def test_profile_needs_a_login_and_regenerate_needs_post(client, login, rep):
    assert client.get("/profile/").status_code == 302
    assert login(rep).get("/profile/calendar/regenerate/").status_code == 405


def test_feed_query_count_does_not_grow(client, world, rep, django_assert_max_num_queries):
    lever = Lever.objects.get()
    language_save(user=rep, language="en")
    token = CalendarFeed.objects.create(user=rep).token
    # feed with its user and their saved language, actions, the user's role (visible teams),
    # milestones, enrolments with their sessions and trainings: 5, whatever the number of dates.
    with django_assert_max_num_queries(5):
        assert client.get(f"/calendar/{token}.ics").status_code == 200
    for i in range(20):
        Action.objects.create(lever=lever, title=f"A{i}", assignee=rep, due_date=date(2026, 5, 1))
    with django_assert_max_num_queries(5):
        assert client.get(f"/calendar/{token}.ics").status_code == 200


def test_text_is_escaped_and_long_lines_folded():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "SUMMARY:" + "é" * 100
    folded = fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
