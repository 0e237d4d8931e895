"""The issue's "done when", on the demo company, through the pages."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from coaching.models import CoachingSession, Enrollment, IncentiveScheme, Training

pytestmark = pytest.mark.django_db


def test_hr_manager_and_rep1_journey(login):
    call_command("seed_demo", password="pac-demo")
    users = {u.username: u for u in get_user_model().objects.all()}
    # HR plans a session, enrols rep1 and rep2, records attendance, sees the dashboard change.
    hr = login(users["hr"])
    before = hr.get("/coaching/hr/").context["d"].totals["hours"]
    training = Training.objects.get(topic="negotiation")
    starts = (timezone.localtime() + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    hr.post(
        f"/coaching/trainings/{training.pk}/sessions/new/",
        {"starts_at": starts, "place": "Salle 3", "capacity": "4"},
    )
    session = training.sessions.get(place="Salle 3")
    for username in ("rep1", "rep2"):
        hr.post(f"/coaching/sessions/{session.pk}/", {"rep": users[username].pk})
    session.starts_at = timezone.now() - datetime.timedelta(minutes=5)  # it took place
    session.save()
    sheet = {}
    for e in session.enrollments.all():
        sheet.update(
            {f"e{e.pk}-status": "completed", f"e{e.pk}-score": "80", f"e{e.pk}-certificate_ref": ""}
        )
    assert hr.post(f"/coaching/sessions/{session.pk}/attendance/", sheet).status_code == 302
    after = hr.get("/coaching/hr/").context["d"].totals["hours"]
    assert after == before + 2 * training.duration_hours

    # The manager reads each rep's payout with its explanation, and the leaderboard.
    manager = login(users["manager"])
    scheme = IncentiveScheme.objects.get(basis="effort")
    page = manager.get(f"/coaching/incentives/{scheme.pk}/")
    assert len(page.context["lines"]) == 3
    assert all("→" in line.explanation for line in page.context["lines"])
    challenge_page = manager.get("/coaching/challenges/").content.decode()
    assert "Challenge du mois" in challenge_page

    # rep1 gives feedback on a training and sees only their payout and their coaching notes.
    rep1 = login(users["rep1"])
    enrollment = Enrollment.objects.get(rep=users["rep1"], session=session)
    assert (
        rep1.post(
            f"/coaching/enrollments/{enrollment.pk}/feedback/", {"rating": "5", "comment": "Top"}
        ).status_code
        == 302
    )
    lines = rep1.get(f"/coaching/incentives/{scheme.pk}/").context["lines"]
    assert [line.rep.username for line in lines] == ["rep1"]
    mine = CoachingSession.objects.get(rep=users["rep1"])
    theirs = CoachingSession.objects.get(rep=users["rep2"])
    assert rep1.get(f"/coaching/one-to-ones/{mine.pk}/").status_code == 200
    assert rep1.get(f"/coaching/one-to-ones/{theirs.pk}/").status_code == 404


def test_leaderboard_refreshes_as_a_partial_for_htmx(login):
    call_command("seed_demo", password="pac-demo")
    from coaching.models import Challenge

    challenge = Challenge.objects.get()
    client = login(get_user_model().objects.get(username="rep1"))
    response = client.get(f"/coaching/challenges/{challenge.pk}/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "<table" in body
