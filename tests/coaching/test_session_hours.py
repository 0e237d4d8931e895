"""HR counts the hours a rep spent in training by each attended session's own duration: a
half-day session of a one-day training is 3.5 hours on the dashboard, its tables and its
export, not the training's 7."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from coaching import services
from coaching.models import Training

from .conftest import move_session_to_past

pytestmark = pytest.mark.django_db


def _attend(hr, session, reps, status="attended"):
    enrollments = [services.enrollment_create(session=session, rep=rep, by=hr) for rep in reps]
    move_session_to_past(session, days=0)  # it took place, this year
    services.attendance_record(
        session=session, rows=[{"enrollment": e, "status": status} for e in enrollments], by=hr
    )


def _rep_row_hours(page: str, rep) -> Decimal:
    """The Hours cell of ``rep``'s row in the per-rep table (Rep, Trainings, Hours, Cost)."""
    link = f'href="/coaching/reps/{rep.pk}/">{rep.get_full_name()}</a>'
    row = re.search(re.escape(link) + r"(.*?)</tr>", page, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    return Decimal(cells[1].strip())


def _team_row_hours(page: str, team_name: str) -> Decimal:
    row = re.search(rf"<td>{re.escape(team_name)}</td>(.*?)</tr>", page, re.S).group(1)
    return Decimal(re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[1].strip())


def _csv_hours(client, rep) -> Decimal:
    response = client.get("/coaching/hr/?export=csv", HTTP_ACCEPT_LANGUAGE="en")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return Decimal(next(r for r in rows if r[1] == rep.username)[3])


def test_a_half_day_session_of_a_day_training_counts_its_own_hours(
    login, hr, rep, rep2, team, make_training, make_session
):
    training = make_training(duration_hours=Decimal("7"))
    _attend(hr, make_session(training, duration_hours=Decimal("3.5")), [rep])
    client = login(hr)
    page = client.get("/coaching/hr/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _rep_row_hours(page, rep) == Decimal("3.5")
    assert _rep_row_hours(page, rep2) == 0
    assert _team_row_hours(page, team.name) == Decimal("3.5")
    total = re.search(r'id="total-hours">(.*?)</div>', page).group(1)
    assert Decimal(total) == Decimal("3.5")
    assert _csv_hours(client, rep) == Decimal("3.5")


def test_each_session_counts_its_hours_and_only_attended_ones_count(
    login, hr, rep, rep2, team, make_training, make_session
):
    training = make_training(duration_hours=Decimal("7"))
    _attend(hr, make_session(training, duration_hours=Decimal("3.5")), [rep, rep2], "completed")
    _attend(hr, make_session(training), [rep])  # left empty: the training's 7 hours
    _attend(hr, make_session(training, duration_hours=Decimal("2")), [rep2], "no_show")
    client = login(hr)
    page = client.get("/coaching/hr/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _rep_row_hours(page, rep) == Decimal("10.5")
    assert _rep_row_hours(page, rep2) == Decimal("3.5")
    assert _team_row_hours(page, team.name) == 14
    assert client.get("/coaching/hr/").context["d"].totals["hours"] == 14
    assert (_csv_hours(client, rep), _csv_hours(client, rep2)) == (Decimal("10.5"), 3.5)


def test_the_demo_two_day_training_has_a_session_of_its_hours():
    call_command("seed_demo", password="pac-demo")
    negotiation = Training.objects.get(topic="negotiation")
    assert negotiation.duration_hours == 14
    assert [s.duration_hours for s in negotiation.sessions.all()] == [14]
