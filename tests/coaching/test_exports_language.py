"""The coaching exports follow the interface language: the HR training table and the
payroll export of an incentive scheme, headers and values, UTF-8 with a BOM for Excel."""

import csv
import datetime
import io
from decimal import Decimal

import pytest

from coaching import services

from .conftest import move_session_to_past

pytestmark = pytest.mark.django_db


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())  # Excel reads the accents
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


HR_HEADER = {
    "fr": ["Commercial", "Nom de l'utilisateur", "Formations", "Heures", "Coût (€)"],
    "en": ["Rep", "Username", "Trainings", "Hours", "Cost (€)"],
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_hr_training_export_speaks_the_interface_language(
    login, hr, rep, team, make_session, language
):
    session = make_session()
    enrollment = services.enrollment_create(session=session, rep=rep, by=hr)
    move_session_to_past(session, days=0)
    services.attendance_record(
        session=session, rows=[{"enrollment": enrollment, "status": "completed"}], by=hr
    )
    rows = rows_of(login(hr).get("/coaching/hr/?export=csv", HTTP_ACCEPT_LANGUAGE=language))
    assert rows[0] == HR_HEADER[language]
    _name, _login, trainings, hours, _cost = next(r for r in rows if r[1] == rep.username)
    assert (trainings, Decimal(hours)) == ("1", 7)  # "7" on SQLite, "7.0" on PostgreSQL


PAYOUT_WORDS = {
    "fr": {
        "header": ["Prime", "Période", "Nom de l'utilisateur", "Commercial", "Atteint (%)",
                   "Palier", "Montant (€)", "Explication", "Payée le"],
        "no_result": "pas encore de résultat → 0 €",
    },
    "en": {
        "header": ["Scheme", "Period", "Username", "Rep", "Achieved (%)", "Tier",
                   "Amount (€)", "Explanation", "Paid at"],
        "no_result": "no result yet → 0 €",
    },
}  # fmt: skip


# An effort scheme of one tier, over the month either side of today.
SCHEME = {
    "name": "Prime effort",
    "basis": "effort",
    "tiers": [{"threshold": Decimal(50), "bonus_kind": "amount", "value": Decimal(200)}],
}


@pytest.fixture
def effort_scheme(plan, manager, rep, rep2, today):
    month = datetime.timedelta(days=30)
    period = {"period_start": today - month, "period_end": today + month}
    return services.scheme_create(plan=plan, reps=[rep, rep2], by=manager, **SCHEME, **period)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_payroll_export_speaks_the_interface_language(
    login, effort_scheme, hr, rep, rep2, language
):
    url = f"/coaching/incentives/{effort_scheme.pk}/?export=csv"
    rows = rows_of(login(hr).get(url, HTTP_ACCEPT_LANGUAGE=language))
    words = PAYOUT_WORDS[language]
    assert rows[0] == words["header"]
    assert {r[2] for r in rows[1:]} == {rep.username, rep2.username}
    assert {r[7] for r in rows[1:]} == {words["no_result"]}
    start, end = rows[1][1].split("/")
    assert datetime.date.fromisoformat(start) < datetime.date.fromisoformat(end)  # ISO dates


@pytest.mark.parametrize(("closed_in", "read_in"), [("fr", "en"), ("en", "fr")])
def test_a_closed_schemes_frozen_explanation_reads_in_the_readers_language(
    login, effort_scheme, manager, hr, rep, closed_in, read_in
):
    closed = login(manager).post(
        f"/coaching/incentives/{effort_scheme.pk}/close/", HTTP_ACCEPT_LANGUAGE=closed_in
    )
    assert closed.status_code == 302
    client = login(hr)
    url = f"/coaching/incentives/{effort_scheme.pk}/"
    rows = rows_of(client.get(url + "?export=csv", HTTP_ACCEPT_LANGUAGE=read_in))
    assert rows[0] == PAYOUT_WORDS[read_in]["header"]
    assert {r[7] for r in rows[1:]} == {PAYOUT_WORDS[read_in]["no_result"]}
    assert (
        PAYOUT_WORDS[read_in]["no_result"]
        in client.get(url, HTTP_ACCEPT_LANGUAGE=read_in).content.decode()
    )
