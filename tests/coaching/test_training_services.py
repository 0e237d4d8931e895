"""Training rules, without HTTP: enrolment, attendance, feedback, skills, the reminder selector."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coaching import services
from coaching.models import Enrollment, EnrollmentStatus, LevelSource, Skill, SkillLevelChange
from coaching.selectors import sessions_starting_on

from .conftest import move_session_to_past

pytestmark = pytest.mark.django_db


def test_enrolment_beyond_capacity_is_refused_and_nothing_saved(make_session, team, rep, rep2, hr):
    session = make_session(capacity=1)
    services.enrollment_create(session=session, rep=rep, by=hr)
    with pytest.raises(ValidationError) as err:
        services.enrollment_create(session=session, rep=rep2, by=hr)
    assert "session" in err.value.message_dict
    assert Enrollment.objects.filter(session=session).count() == 1


def test_a_cancelled_enrolment_frees_its_seat(make_session, team, rep, rep2, hr):
    session = make_session(capacity=1)
    enrollment = services.enrollment_create(session=session, rep=rep, by=hr)
    services.attendance_record(
        session=session, rows=[{"enrollment": enrollment, "status": "cancelled"}], by=hr
    )
    services.enrollment_create(session=session, rep=rep2, by=hr)
    assert session.enrollments.count() == 2


def test_only_reps_can_be_enrolled(make_session, manager, hr):
    with pytest.raises(ValidationError) as err:
        services.enrollment_create(session=make_session(), rep=manager, by=hr)
    assert "rep" in err.value.message_dict
    assert not Enrollment.objects.exists()


def test_a_past_session_takes_no_new_enrolment(make_session, rep, hr):
    session = make_session(days=-1)
    with pytest.raises(ValidationError) as err:
        services.enrollment_create(session=session, rep=rep, by=hr)
    assert "session" in err.value.message_dict
    assert not Enrollment.objects.exists()


def test_a_rep_is_enrolled_once_per_session(make_session, rep, hr):
    session = make_session()
    services.enrollment_create(session=session, rep=rep, by=hr)
    with pytest.raises(ValidationError):
        services.enrollment_create(session=session, rep=rep, by=hr)


def test_feedback_by_someone_not_enrolled_is_refused(make_session, team, rep, rep2, hr):
    session = make_session()
    enrollment = services.enrollment_create(session=session, rep=rep, by=hr)
    move_session_to_past(session)
    with pytest.raises(ValidationError) as err:
        services.enrollment_feedback(enrollment=enrollment, by=rep2, rating=5)
    assert "feedback_rating" in err.value.message_dict
    enrollment.refresh_from_db()
    assert enrollment.feedback_rating is None


def test_feedback_waits_for_the_session_and_is_kept(make_session, rep, hr):
    session = make_session()
    enrollment = services.enrollment_create(session=session, rep=rep, by=hr)
    with pytest.raises(ValidationError):
        services.enrollment_feedback(enrollment=enrollment, by=rep, rating=4)
    move_session_to_past(session)
    enrollment.refresh_from_db()
    services.enrollment_feedback(enrollment=enrollment, by=rep, rating=4, comment="Utile")
    enrollment.refresh_from_db()
    assert (enrollment.feedback_rating, enrollment.feedback_comment) == (4, "Utile")


def test_a_no_show_cannot_rate_the_session(make_session, rep, hr):
    session = make_session()
    enrollment = services.enrollment_create(session=session, rep=rep, by=hr)
    move_session_to_past(session)
    services.attendance_record(
        session=session, rows=[{"enrollment": enrollment, "status": "no_show"}], by=hr
    )
    enrollment.refresh_from_db()
    with pytest.raises(ValidationError):
        services.enrollment_feedback(enrollment=enrollment, by=rep, rating=1)


def test_completing_a_training_raises_the_skill_once_with_its_history(
    make_training, make_session, rep, hr
):
    skill = Skill.objects.create(name="CRM")
    session = make_session(training=make_training(skill=skill))
    enrollment = services.enrollment_create(session=session, rep=rep, by=hr)
    move_session_to_past(session)
    row = {"enrollment": enrollment, "status": EnrollmentStatus.COMPLETED, "score": 85}
    assert services.attendance_record(session=session, rows=[row], by=hr) == 1
    # Recording the same sheet again changes nothing.
    enrollment.refresh_from_db()
    services.attendance_record(session=session, rows=[{**row, "enrollment": enrollment}], by=hr)
    change = SkillLevelChange.objects.get(rep=rep, skill=skill)
    assert (change.old_level, change.new_level, change.source) == (0, 1, LevelSource.TRAINING)
    assert rep.skill_levels.get(skill=skill).level == 1


def test_a_bad_attendance_row_saves_nothing(make_session, rep, rep2, team, hr):
    session = make_session()
    e1 = services.enrollment_create(session=session, rep=rep, by=hr)
    e2 = services.enrollment_create(session=session, rep=rep2, by=hr)
    rows = [
        {"enrollment": e1, "status": EnrollmentStatus.ATTENDED},
        {"enrollment": e2, "status": EnrollmentStatus.ATTENDED, "score": 150},
    ]
    with pytest.raises(ValidationError):
        services.attendance_record(session=session, rows=rows, by=hr)
    assert set(session.enrollments.values_list("status", flat=True)) == {"planned"}


def test_skill_levels_stay_between_0_and_4(rep, manager):
    skill = Skill.objects.create(name="Négociation")
    with pytest.raises(ValidationError):
        services.skill_level_set(
            rep=rep, skill=skill, level=5, source=LevelSource.ASSESSMENT, by=manager
        )
    services.skill_level_set(rep=rep, skill=skill, level=3, source="assessment", by=manager)
    assert rep.skill_levels.get().level == 3


def test_sessions_starting_on_gives_tomorrows_sessions_with_their_reps_in_two_queries(
    make_session, make_training, rep, rep2, team, hr, django_assert_num_queries
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    at = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(9, 30)))
    session = make_session()
    session.starts_at = at
    session.save()
    other = make_session(training=make_training("Négocier"))
    other.starts_at = at + datetime.timedelta(hours=3)
    other.save()
    services.enrollment_create(session=session, rep=rep, by=hr)
    cancelled = services.enrollment_create(session=session, rep=rep2, by=hr)
    services.attendance_record(
        session=session, rows=[{"enrollment": cancelled, "status": "cancelled"}], by=hr
    )
    services.enrollment_create(session=other, rep=rep2, by=hr)
    make_session(days=5)  # not tomorrow
    # 1: sessions of the day with their training; 2: their planned enrolments with the rep.
    with django_assert_num_queries(2):
        found = sessions_starting_on(tomorrow)
        reps = {s.pk: [r.username for r in s.enrolled_reps] for s in found}
    assert reps == {session.pk: ["julien"], other.pk: ["sophie"]}


def _full_session_with_a_waiting_rep(make_session, rep, rep2, hr):
    session = make_session(capacity=1)
    seated, waiting = services.enrollments_create_many(session=session, reps=[rep, rep2], by=hr)
    assert (seated.status, waiting.status) == (EnrollmentStatus.PLANNED, EnrollmentStatus.WAITING)
    return session, seated, waiting


def test_attendance_seats_no_waiting_rep_beyond_the_capacity(make_session, rep, rep2, team, hr):
    session, seated, waiting = _full_session_with_a_waiting_rep(make_session, rep, rep2, hr)
    move_session_to_past(session)
    rows = [
        {"enrollment": seated, "status": EnrollmentStatus.ATTENDED},
        {"enrollment": waiting, "status": EnrollmentStatus.ATTENDED},
    ]
    with pytest.raises(ValidationError) as refused:
        services.attendance_record(session=session, rows=rows, by=hr)
    assert "the session is full (1 seat)" in refused.value.messages[0]
    assert rep2.get_full_name() in refused.value.messages[0]
    statuses = dict(session.enrollments.values_list("rep_id", "status"))
    assert statuses == {rep.pk: EnrollmentStatus.PLANNED, rep2.pk: EnrollmentStatus.WAITING}


def test_attendance_may_seat_the_waiting_rep_in_a_seat_it_frees(make_session, rep, rep2, team, hr):
    session, seated, waiting = _full_session_with_a_waiting_rep(make_session, rep, rep2, hr)
    move_session_to_past(session)
    rows = [
        {"enrollment": seated, "status": EnrollmentStatus.NO_SHOW},
        {"enrollment": waiting, "status": EnrollmentStatus.ATTENDED},
    ]
    with pytest.raises(ValidationError):  # a no-show still holds the seat
        services.attendance_record(session=session, rows=rows, by=hr)
    rows[0]["status"] = EnrollmentStatus.CANCELLED
    assert services.attendance_record(session=session, rows=rows, by=hr) == 2
    statuses = dict(session.enrollments.values_list("rep_id", "status"))
    assert statuses == {rep.pk: EnrollmentStatus.CANCELLED, rep2.pk: EnrollmentStatus.ATTENDED}


def test_attendance_puts_no_one_on_the_waiting_list(make_session, rep, rep2, team, hr):
    session = make_session(capacity=2)
    enrollment = services.enrollment_create(session=session, rep=rep, by=hr)
    rows = [{"enrollment": enrollment, "status": EnrollmentStatus.WAITING}]
    with pytest.raises(ValidationError) as refused:
        services.attendance_record(session=session, rows=rows, by=hr)
    assert "waiting list" in refused.value.messages[0]
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.PLANNED
