"""Training pages, from each persona's side: HR runs them, managers request, reps give feedback."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coaching import services
from coaching.models import Enrollment, Skill, SkillLevel, Training, TrainingRequest
from teams.roles import Role
from tests.factories import TeamFactory, UserFactory

from .conftest import move_session_to_past

pytestmark = pytest.mark.django_db


def test_hr_creates_a_training_plans_a_session_enrols_and_records_attendance(
    login, hr, team, rep, rep2
):
    client = login(hr)
    response = client.post(
        "/coaching/trainings/new/",
        {
            "title": "Négociation avancée",
            "topic": "negotiation",
            "kind": "classroom",
            "duration_hours": "14",
            "cost_per_seat": "800",
            "provider": "Cegos",
        },
    )
    training = Training.objects.get(title="Négociation avancée")
    assert response.status_code == 302
    starts = (timezone.localtime() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT09:00")
    response = client.post(
        f"/coaching/trainings/{training.pk}/sessions/new/",
        {"starts_at": starts, "place": "Lyon", "trainer": "M. Blanc", "capacity": "2"},
    )
    session = training.sessions.get()
    for user in (rep, rep2):
        assert client.post(f"/coaching/sessions/{session.pk}/", {"rep": user.pk}).status_code == 302
    assert session.enrollments.count() == 2
    page = client.get(f"/coaching/sessions/{session.pk}/attendance/")
    assert page.status_code == 200
    e1, e2 = session.enrollments.order_by("rep__username")
    data = {
        f"e{e1.pk}-status": "completed",
        f"e{e1.pk}-score": "90",
        f"e{e1.pk}-certificate_ref": "C-1",
        f"e{e2.pk}-status": "no_show",
        f"e{e2.pk}-score": "",
        f"e{e2.pk}-certificate_ref": "",
    }
    assert client.post(f"/coaching/sessions/{session.pk}/attendance/", data).status_code == 302
    e1.refresh_from_db()
    e2.refresh_from_db()
    assert (e1.status, e1.score, e2.status) == ("completed", 90, "no_show")


def test_a_full_session_puts_the_next_rep_on_its_waiting_list(
    login, hr, make_session, rep, rep2, team
):
    session = make_session(capacity=1)
    services.enrollment_create(session=session, rep=rep, by=hr)
    response = login(hr).post(f"/coaching/sessions/{session.pk}/", {"rep": rep2.pk}, follow=True)
    assert "liste d&#x27;attente" in response.content.decode()
    assert session.enrollments.get(rep=rep2).status == "waiting"


def test_hr_enrols_several_reps_at_once_and_the_rest_wait(
    login, hr, make_session, rep, rep2, team, outsider, other_team
):
    session = make_session(capacity=2)
    page = (
        login(hr)
        .post(
            f"/coaching/sessions/{session.pk}/",
            {"rep": [rep.pk, rep2.pk, outsider.pk]},
            follow=True,
        )
        .content.decode()
    )
    statuses = sorted(session.enrollments.values_list("status", flat=True))
    assert statuses == ["planned", "planned", "waiting"]
    assert "2 commerciaux inscrits." in page and "1 commercial est sur la liste" in page


def test_a_cancelled_seat_goes_to_the_waiting_list(hr, make_session, rep, rep2, team):
    session = make_session(capacity=1)
    first = services.enrollment_create(session=session, rep=rep, by=hr)
    waiting = services.enrollment_create(session=session, rep=rep2, by=hr, waitlist=True)
    rows = [{"enrollment": first, "status": "cancelled"}]
    services.attendance_record(session=session, rows=rows, by=hr)
    waiting.refresh_from_db()
    assert waiting.status == "planned"


def test_hr_cancels_an_enrolment_and_the_page_names_who_gets_the_seat(
    login, hr, make_session, rep, rep2, team
):
    session = make_session(capacity=1)
    first = services.enrollment_create(session=session, rep=rep, by=hr)
    waiting = services.enrollment_create(session=session, rep=rep2, by=hr, waitlist=True)
    page = login(hr).post(f"/coaching/enrollments/{first.pk}/cancel/", follow=True)
    html = page.content.decode()
    assert page.redirect_chain == [(f"/coaching/sessions/{session.pk}/", 302)]
    assert f"L&#x27;inscription de {rep.get_full_name()} est annulée." in html
    assert f"{rep2.get_full_name()} était sur la liste d&#x27;attente" in html
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert (first.status, waiting.status) == ("cancelled", "planned")


def test_cancelling_twice_or_after_the_start_is_refused_in_plain_words(
    login, hr, make_session, rep, rep2, team
):
    session = make_session(capacity=1)
    first = services.enrollment_create(session=session, rep=rep, by=hr)
    second = services.enrollment_create(session=session, rep=rep2, by=hr, waitlist=True)
    client = login(hr)
    client.post(f"/coaching/enrollments/{first.pk}/cancel/")
    url = f"/coaching/enrollments/{first.pk}/cancel/"
    again = client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "This enrolment is already cancelled." in again.content.decode()
    move_session_to_past(session)
    url = f"/coaching/enrollments/{second.pk}/cancel/"
    late = client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "already started: record its attendance" in late.content.decode()
    second.refresh_from_db()
    assert second.status == "planned"


@pytest.mark.parametrize("persona", ["manager", "rep"])
def test_only_hr_cancels_an_enrolment(request, login, persona, hr, make_session, rep, team):
    session = make_session()
    enrollment = services.enrollment_create(session=session, rep=rep, by=hr)
    client = login(request.getfixturevalue(persona))
    cancel = f"/coaching/enrollments/{enrollment.pk}/cancel/"
    assert client.post(cancel).status_code == 403
    page = client.get(f"/coaching/sessions/{session.pk}/")
    assert page.status_code == 200 and cancel not in page.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.status == "planned"


def test_the_api_still_refuses_a_full_session(hr, make_session, rep, rep2, team):
    session = make_session(capacity=1)
    services.enrollment_create(session=session, rep=rep, by=hr)
    with pytest.raises(ValidationError):
        services.enrollment_create(session=session, rep=rep2, by=hr)


@pytest.mark.parametrize("persona", ["manager", "rep"])
def test_only_hr_runs_training(request, login, persona, make_session, rep):
    user = request.getfixturevalue(persona)
    client = login(user)
    session = make_session()
    assert client.get("/coaching/trainings/new/").status_code == 403
    assert client.get(f"/coaching/sessions/{session.pk}/attendance/").status_code == 403
    assert client.post(f"/coaching/sessions/{session.pk}/", {"rep": rep.pk}).status_code == 403
    assert not Enrollment.objects.exists()


def test_manager_requests_a_training_for_their_rep_and_hr_sees_it(
    login, manager, hr, rep, outsider, team, other_team, make_training
):
    training = make_training()
    client = login(manager)
    response = client.post(
        "/coaching/training-requests/", {"rep": rep.pk, "training": training.pk, "reason": "CRM"}
    )
    assert response.status_code == 302
    # Another team's rep is not offered: the form refuses them.
    response = client.post(
        "/coaching/training-requests/", {"rep": outsider.pk, "training": training.pk}
    )
    assert response.status_code == 200
    assert TrainingRequest.objects.count() == 1
    hr_client = login(hr)
    page = hr_client.get("/coaching/training-requests/").content.decode()
    assert "CRM" in page
    req = TrainingRequest.objects.get()
    hr_client.post(f"/coaching/training-requests/{req.pk}/decide/", {"status": "accepted"})
    req.refresh_from_db()
    assert req.status == "accepted"


def test_rep_gives_feedback_on_their_training_but_not_on_a_colleagues(
    login, hr, rep, rep2, team, make_session
):
    session = make_session()
    mine = services.enrollment_create(session=session, rep=rep, by=hr)
    theirs = services.enrollment_create(session=session, rep=rep2, by=hr)
    move_session_to_past(session)
    client = login(rep)
    assert "Maîtriser le CRM" in client.get("/coaching/my-trainings/").content.decode()
    response = client.post(
        f"/coaching/enrollments/{mine.pk}/feedback/", {"rating": "5", "comment": "Top"}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.feedback_rating == 5
    # A colleague's enrolment is not theirs to see: 404.
    assert client.get(f"/coaching/enrollments/{theirs.pk}/feedback/").status_code == 404


def test_manager_cannot_rate_in_a_reps_name(login, hr, manager, rep, team, make_session):
    session = make_session()
    enrollment = services.enrollment_create(session=session, rep=rep, by=hr)
    move_session_to_past(session)
    response = login(manager).post(
        f"/coaching/enrollments/{enrollment.pk}/feedback/", {"rating": "1"}
    )
    assert response.status_code == 200
    enrollment.refresh_from_db()
    assert enrollment.feedback_rating is None


def test_other_teams_enrolments_are_not_listed_to_a_manager(
    login, hr, manager, rep, outsider, team, other_team, make_session
):
    # Distinct names: random ones could appear elsewhere on the page.
    for user, name in ((rep, "Ourteamrep"), (outsider, "Otherteamrep")):
        user.last_name = name
        user.save(update_fields=["last_name"])
    session = make_session()
    services.enrollment_create(session=session, rep=rep, by=hr)
    services.enrollment_create(session=session, rep=outsider, by=hr)
    page = login(manager).get(f"/coaching/sessions/{session.pk}/").content.decode()
    assert "Ourteamrep" in page
    assert "Otherteamrep" not in page


def test_manager_assesses_a_rep_and_the_rep_page_shows_growth(
    login, manager, rep, team, outsider, other_team
):
    skill = Skill.objects.create(name="Prospection téléphonique")
    client = login(manager)
    response = client.post(f"/coaching/reps/{rep.pk}/", {"skill": skill.pk, "level": "2"})
    assert response.status_code == 302
    assert SkillLevel.objects.get(rep=rep, skill=skill).level == 2
    page = client.get(f"/coaching/reps/{rep.pk}/").content.decode()
    assert "0 → <strong>2</strong>" in page
    assert client.get(f"/coaching/reps/{outsider.pk}/").status_code == 404
    # A rep sees their own page only.
    assert (
        login(rep).post(f"/coaching/reps/{rep.pk}/", {"skill": skill.pk, "level": "4"}).status_code
        == 403
    )


def _world(size, hr, today):
    """``size`` reps in a team, each with a skill level and a done training."""
    manager = UserFactory(role=Role.MANAGER)
    reps = [UserFactory(role=Role.REP) for _ in range(size)]
    TeamFactory(manager=manager, members=reps)
    skill, _ = Skill.objects.get_or_create(name="CRM")
    training, _ = Training.objects.get_or_create(
        title="CRM",
        defaults={
            "topic": "crm",
            "kind": "online",
            "duration_hours": 3,
            "mandatory": True,
            "skill": skill,
        },
    )
    from coaching.models import TrainingSession

    session = TrainingSession.objects.create(
        training=training,
        starts_at=timezone.now() + datetime.timedelta(days=size),
        place="Teams",
        capacity=50,
    )
    for rep in reps:
        e = services.enrollment_create(session=session, rep=rep, by=hr)
        services.attendance_record(
            session=session, rows=[{"enrollment": e, "status": "completed"}], by=hr
        )
    return manager


@pytest.mark.parametrize("size", [2, 8])
def test_skills_matrix_and_hr_dashboard_keep_a_constant_query_count(
    size, login, hr, today, django_assert_max_num_queries
):
    _world(size, hr, today)
    client = login(hr)
    # Skills matrix: session, user, role (3); reps, skills, levels (3); the navbar's
    # notification badge (1) = 7, plus one spare.
    with django_assert_max_num_queries(8):
        assert client.get("/coaching/skills/").status_code == 200
    # HR dashboard: session, user, role (3); per rep, per team, rates, reps, mandatory
    # trainings, done pairs, upcoming sessions, feedback (8); navbar badge (1) = 12, + 1 spare.
    with django_assert_max_num_queries(13):
        assert client.get("/coaching/hr/").status_code == 200


def test_hr_dashboard_changes_after_attendance_and_exports_csv(login, hr, rep, team, make_session):
    session = make_session()
    enrollment = services.enrollment_create(session=session, rep=rep, by=hr)
    client = login(hr)
    before = client.get("/coaching/hr/")
    assert before.context["d"].totals["hours"] == 0
    move_session_to_past(session, days=0)  # it took place this year
    services.attendance_record(
        session=session, rows=[{"enrollment": enrollment, "status": "completed"}], by=hr
    )
    after = client.get("/coaching/hr/")
    assert after.context["d"].totals["hours"] == 7
    csv = client.get("/coaching/hr/?export=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert rep.username in csv.content.decode()


@pytest.mark.parametrize("persona", ["manager", "rep"])
def test_hr_dashboard_is_for_hr_only(request, login, persona):
    assert login(request.getfixturevalue(persona)).get("/coaching/hr/").status_code == 403


def test_hr_edits_a_training_and_others_cannot(login, hr, manager, make_training):
    training = make_training()
    url = f"/coaching/trainings/{training.pk}/edit/"
    assert login(manager).get(url).status_code == 403
    data = {
        "title": training.title,
        "topic": "crm",
        "kind": "online",
        "duration_hours": "4",
        "cost_per_seat": "100",
        "mandatory": "on",
    }
    assert login(hr).post(url, data).status_code == 302
    training.refresh_from_db()
    assert training.mandatory and training.duration_hours == 4


def test_hr_dashboard_lists_reps_with_no_training_too(login, hr, rep, rep2, team):
    page = login(hr).get("/coaching/hr/").content.decode()
    for person in (rep, rep2):
        assert f'href="/coaching/reps/{person.pk}/">{person.get_full_name()}</a>' in page


def test_the_attendance_page_refuses_a_seat_beyond_the_capacity_in_french(
    client, hr, rep, rep2, team, make_session
):
    session = make_session(capacity=1)
    seated, waiting = services.enrollments_create_many(session=session, reps=[rep, rep2], by=hr)
    client.force_login(hr)
    client.cookies["django_language"] = "fr"
    data = {}
    for enrollment in (seated, waiting):
        data |= {
            f"e{enrollment.pk}-status": "attended",
            f"e{enrollment.pk}-score": "",
            f"e{enrollment.pk}-certificate_ref": "",
        }
    page = client.post(f"/coaching/sessions/{session.pk}/attendance/", data, follow=True)
    text = page.content.decode()
    assert f"{rep2.get_full_name()} : la session est complète (1 place)" in text
    waiting.refresh_from_db()
    assert waiting.status == "waiting"


def test_the_api_refuses_to_seat_a_waiting_rep_in_a_full_session(
    api, hr, rep, rep2, team, make_session
):
    session = make_session(capacity=1)
    _, waiting = services.enrollments_create_many(session=session, reps=[rep, rep2], by=hr)
    api.force_authenticate(hr)
    response = api.patch(f"/api/v1/enrollments/{waiting.pk}/", {"status": "planned"})
    assert response.status_code == 400
    waiting.refresh_from_db()
    assert waiting.status == "waiting"
