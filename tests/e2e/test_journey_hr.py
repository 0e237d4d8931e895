"""Journey 3, in a real browser: HR runs a training.

On the demo company, HR creates a training and a session, enrols two reps at once, records their
attendance, and the HR dashboard counts the hours. Runs in French and in English; saves the
HR dashboard for the README.
"""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from coaching import selectors
from coaching.models import Enrollment, Training

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORDS = {
    "fr": {"enrolled": "2 commerciaux inscrits.", "attendance": "Présence enregistrée"},
    "en": {"enrolled": "2 reps enrolled.", "attendance": "Attendance recorded"},
}


def hours_of(page, name) -> Decimal:
    """The hours in ``name``'s row of the per-rep table; no row is no training this year."""
    rows = page.locator("tr", has=page.get_by_role("link", name=name, exact=True))
    if rows.count() == 0:
        return Decimal(0)
    row = rows.first
    return Decimal(row.locator("td").nth(2).inner_text().strip().replace(",", "."))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_hr_plans_a_session_enrols_two_reps_and_records_attendance(
    desk, log_in, submit, plan_session, axe, screenshot, password, django_user_model, language
):
    words = WORDS[language]
    call_command("seed_demo", password=password)
    users = {u.username: u for u in django_user_model.objects.all()}
    reps = [users["rep3"], users["rep4"]]  # one rep of each team
    log_in(desk, users["hr"], language)
    desk.goto("/coaching/hr/")
    before = {rep.pk: hours_of(desk, rep.get_full_name()) for rep in reps}

    # A training of 7 hours and its session, tomorrow.
    session_url = plan_session(
        desk,
        title="Négocier les renouvellements",
        topic="negotiation",
        hours=7,
        place="Paris, salle Turgot",
        capacity=8,
    )
    training = Training.objects.get(title="Négocier les renouvellements")

    # Enrol two reps at once.
    for rep in reps:
        desk.get_by_label(rep.get_full_name(), exact=True).check()
    submit(desk)
    desk.get_by_text(words["enrolled"]).first.wait_for()
    assert Enrollment.objects.filter(session__training=training).count() == 2
    assert axe(desk) == []

    # After the day, the attendance: both attended, one with a score.
    desk.goto(session_url + "attendance/")
    assert axe(desk) == []
    for select in desk.locator("select[name$='-status']").all():
        select.select_option("attended")
    desk.locator("input[name$='-score']").first.fill("85")
    submit(desk)
    desk.get_by_text(words["attendance"]).wait_for()
    assert set(
        Enrollment.objects.filter(session__training=training).values_list("status", flat=True)
    ) == {"attended"}

    # The HR dashboard counts the 7 hours for each of them.
    desk.goto("/coaching/hr/")
    for rep in reps:
        assert hours_of(desk, rep.get_full_name()) == before[rep.pk] + 7, rep
    dashboard = selectors.hr_dashboard(today=timezone.localdate())
    assert {r["rep"] for r in dashboard.per_rep} >= {rep.pk for rep in reps}
    screenshot(desk, f"hr-dashboard-{language}", full_page=False)  # the top, for the README
