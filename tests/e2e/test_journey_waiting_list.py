"""Journey, in a real browser: a full session's waiting list.

On the demo company, HR plans a session of one seat and enrols two reps at once: the first
gets the seat, the second goes on the waiting list. HR cancels the first enrolment from the
session's page, and the page shows the waiting rep in the freed seat. Runs in French and in
English.
"""

import pytest
from django.core.management import call_command

from coaching.models import Enrollment, EnrollmentStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORDS = {
    "fr": {
        "enrolled": "1 commercial inscrit.",
        "full": "La session est complète : 1 commercial est sur la liste d'attente.",
        "waiting": "Liste d'attente",
        "planned": "Prévue",
        "cancelled": "Annulée",
        "seats": "1 place prise sur 1",
        "cancel": "Annuler l'inscription de {}",
        "done": "L'inscription de {} est annulée.",
        "promoted": "{} était sur la liste d'attente et a maintenant la place libérée.",
    },
    "en": {
        "enrolled": "1 rep enrolled.",
        "full": "The session is full: 1 rep is on the waiting list.",
        "waiting": "Waiting list",
        "planned": "Planned",
        "cancelled": "Cancelled",
        "seats": "1 of 1 seats taken",
        "cancel": "Cancel the enrolment of {}",
        "done": "The enrolment of {} is cancelled.",
        "promoted": "{} was on the waiting list and now has the freed seat.",
    },
}


def status_of(page, name) -> str:
    """The status shown in ``name``'s row of the session's enrolments."""
    row = page.locator("tbody tr", has=page.get_by_role("cell", name=name, exact=True))
    return row.locator("td").nth(1).inner_text().strip()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_hr_cancels_a_seat_and_the_waiting_rep_gets_it(
    desk, log_in, submit, plan_session, axe, password, django_user_model, language
):
    words = WORDS[language]
    call_command("seed_demo", password=password)
    users = {u.username: u for u in django_user_model.objects.all()}
    reps = [users["rep1"], users["rep3"]]
    names = {rep.pk: rep.get_full_name() for rep in reps}
    log_in(desk, users["hr"], language)
    session_url = plan_session(
        desk,
        title="Prospecter au téléphone",
        topic="sales_technique",
        hours=3,
        place="Lyon, salle Bellecour",
        capacity=1,
    )

    # Both reps at once, on a session of one seat.
    for rep in reps:
        desk.get_by_label(names[rep.pk], exact=True).check()
    submit(desk)
    desk.get_by_text(words["enrolled"], exact=True).wait_for()
    desk.get_by_text(words["full"], exact=True).wait_for()
    by_status = {
        e.status: e.rep_id for e in Enrollment.objects.filter(session__place__startswith="Lyon, ")
    }
    assert set(by_status) == {EnrollmentStatus.PLANNED, EnrollmentStatus.WAITING}
    seated, waiting = names[by_status["planned"]], names[by_status["waiting"]]
    assert status_of(desk, seated) == words["planned"]
    assert status_of(desk, waiting) == words["waiting"]
    assert words["seats"] in desk.locator("main").inner_text()
    assert axe(desk) == []

    # HR cancels the seated rep's enrolment: the waiting rep gets the seat, on the page.
    with desk.expect_navigation():
        desk.get_by_role("button", name=words["cancel"].format(seated), exact=True).click()
    assert desk.url == session_url
    desk.get_by_text(words["done"].format(seated), exact=True).wait_for()
    desk.get_by_text(words["promoted"].format(waiting), exact=True).wait_for()
    assert status_of(desk, seated) == words["cancelled"]
    assert status_of(desk, waiting) == words["planned"]
    assert words["seats"] in desk.locator("main").inner_text()
    # A cancelled enrolment has no cancel button left; the new seat has its own.
    assert desk.get_by_role("button", name=words["cancel"].format(seated)).count() == 0
    assert desk.get_by_role("button", name=words["cancel"].format(waiting)).count() == 1
    assert dict(
        Enrollment.objects.filter(session__place__startswith="Lyon, ").values_list(
            "rep_id", "status"
        )
    ) == {by_status["planned"]: "cancelled", by_status["waiting"]: "planned"}
