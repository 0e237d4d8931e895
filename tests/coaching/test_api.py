"""The coaching API: same scope, rules and messages as the pages."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from coaching import services
from coaching.models import Enrollment, IncentiveScheme, Kudos, Skill

from .conftest import move_session_to_past

pytestmark = pytest.mark.django_db


def test_hr_creates_a_training_and_a_session_a_rep_cannot(api, hr, rep):
    api.force_authenticate(rep)
    payload = {"title": "CRM", "topic": "crm", "kind": "online", "duration_hours": "3"}
    assert api.post("/api/v1/trainings/", payload).status_code == 403
    api.force_authenticate(hr)
    response = api.post("/api/v1/trainings/", payload)
    assert response.status_code == 201
    starts = (timezone.now() + datetime.timedelta(days=2)).isoformat()
    response = api.post(
        "/api/v1/training-sessions/",
        {"training": response.data["id"], "starts_at": starts, "place": "Teams", "capacity": 1},
    )
    assert response.status_code == 201


def test_enrolment_rules_answer_400_per_field(api, hr, make_session, rep, rep2, manager, team):
    session = make_session(capacity=1)
    api.force_authenticate(hr)
    assert (
        api.post("/api/v1/enrollments/", {"session": session.pk, "rep": rep.pk}).status_code == 201
    )
    full = api.post("/api/v1/enrollments/", {"session": session.pk, "rep": rep2.pk})
    assert full.status_code == 400 and "session" in full.data
    not_a_rep = api.post(
        "/api/v1/enrollments/", {"session": make_session(days=3).pk, "rep": manager.pk}
    )
    assert not_a_rep.status_code == 400 and "rep" in not_a_rep.data
    assert Enrollment.objects.count() == 1


def test_feedback_through_the_api_only_by_the_enrolled_rep(api, hr, make_session, rep, rep2, team):
    session = make_session()
    enrollment = services.enrollment_create(session=session, rep=rep, by=hr)
    move_session_to_past(session)
    api.force_authenticate(rep2)
    url = f"/api/v1/enrollments/{enrollment.pk}/feedback/"
    assert api.post(url, {"rating": 5}).status_code == 404  # not theirs to see
    api.force_authenticate(hr)
    assert api.post(url, {"rating": 5}).status_code == 400  # HR is not enrolled
    api.force_authenticate(rep)
    response = api.post(url, {"rating": 4, "comment": "Bien"})
    assert response.status_code == 200 and response.data["feedback_rating"] == 4


def test_skills_with_history_scoped_to_the_team(api, manager, rep, outsider, other_team, team):
    skill = Skill.objects.create(name="CRM")
    api.force_authenticate(manager)
    response = api.post("/api/v1/skills/", {"rep": rep.pk, "skill": skill.pk, "level": 2})
    assert response.status_code == 201
    # Another team's rep is not visible to this manager: a 404, as for any hidden row.
    assert (
        api.post("/api/v1/skills/", {"rep": outsider.pk, "skill": skill.pk, "level": 2}).status_code
        == 404
    )
    rows = api.get("/api/v1/skills/").data["results"]
    assert [(r["rep"], r["level"], len(r["history"])) for r in rows] == [(rep.pk, 2, 1)]
    api.force_authenticate(outsider)
    assert api.get("/api/v1/skills/").data["results"] == []


def test_challenge_leaderboard_and_scope(api, manager, rep, team, other_manager, other_team):
    api.force_authenticate(manager)
    today = timezone.localdate()
    bad = api.post(
        "/api/v1/challenges/",
        {
            "title": "S",
            "start_date": today.isoformat(),
            "end_date": (today - datetime.timedelta(1)).isoformat(),
        },
    )
    assert bad.status_code == 400 and "end_date" in bad.data
    created = api.post(
        "/api/v1/challenges/",
        {"title": "S", "start_date": today.isoformat(), "end_date": today.isoformat()},
    )
    assert created.status_code == 201
    board = api.get(f"/api/v1/challenges/{created.data['id']}/leaderboard/")
    assert board.status_code == 200 and {r["user_id"] for r in board.data} >= {rep.pk}
    api.force_authenticate(other_manager)
    assert api.get(f"/api/v1/challenges/{created.data['id']}/leaderboard/").status_code == 404


def test_incentive_scheme_tiers_validated_and_payouts_scoped(api, manager, rep, rep2, team, plan):
    api.force_authenticate(manager)
    today = timezone.localdate()
    base = {
        "plan": plan.pk,
        "name": "Prime",
        "basis": "effort",
        "period_start": today.isoformat(),
        "period_end": today.isoformat(),
        "reps": [rep.pk, rep2.pk],
    }
    bad = api.post(
        "/api/v1/incentive-schemes/",
        {
            **base,
            "tiers": [{"threshold": "80", "value": "100"}, {"threshold": "50", "value": "50"}],
        },
        format="json",
    )
    assert bad.status_code == 400 and "tiers" in bad.data
    negative = api.post(
        "/api/v1/incentive-schemes/",
        {**base, "tiers": [{"threshold": "80", "value": "-1"}]},
        format="json",
    )
    assert negative.status_code == 400
    assert not IncentiveScheme.objects.exists()
    ok = api.post(
        "/api/v1/incentive-schemes/",
        {
            **base,
            "tiers": [{"threshold": "50", "value": "100"}, {"threshold": "80", "value": "300"}],
        },
        format="json",
    )
    assert ok.status_code == 201
    url = f"/api/v1/incentive-schemes/{ok.data['id']}/payouts/"
    assert len(api.get(url).data) == 2
    api.force_authenticate(rep)
    lines = api.get(url).data
    assert [line["rep"] for line in lines] == [rep.pk]
    assert Decimal(lines[0]["amount"]) == 0


def test_coaching_sessions_api_hides_notes_from_colleagues(api, manager, rep, rep2, team, hr):
    api.force_authenticate(manager)
    today = timezone.localdate()
    created = api.post(
        "/api/v1/coaching-sessions/",
        {"rep": rep.pk, "date": today.isoformat(), "notes": "Confidentiel"},
    )
    assert created.status_code == 201
    for user, count in ((rep, 1), (hr, 1), (rep2, 0)):
        api.force_authenticate(user)
        assert api.get("/api/v1/coaching-sessions/").data["count"] == count
    api.force_authenticate(rep2)
    assert api.get(f"/api/v1/coaching-sessions/{created.data['id']}/").status_code == 404


def test_kudos_api(api, rep, rep2, team, outsider, other_team):
    api.force_authenticate(rep2)
    assert api.post("/api/v1/kudos/", {"rep": rep.pk, "message": "Merci"}).status_code == 201
    api.force_authenticate(outsider)
    assert api.post("/api/v1/kudos/", {"rep": rep.pk, "message": "x"}).status_code == 400
    assert api.get("/api/v1/kudos/").data["count"] == 0
    assert Kudos.objects.count() == 1


def test_rituals_api_manager_creates_rep_reads(api, manager, rep, team):
    api.force_authenticate(rep)
    assert api.post("/api/v1/rituals/", {"title": "R", "kind": "other"}).status_code == 403
    api.force_authenticate(manager)
    assert api.post("/api/v1/rituals/", {"title": "R", "kind": "weekly_meeting"}).status_code == 201
    api.force_authenticate(rep)
    assert api.get("/api/v1/rituals/").data["count"] == 1


def test_hr_records_attendance_through_the_api_and_a_manager_cannot(
    api, hr, manager, rep, team, make_session
):
    session = make_session()
    enrollment = services.enrollment_create(session=session, rep=rep, by=hr)
    url = f"/api/v1/enrollments/{enrollment.pk}/"
    api.force_authenticate(manager)
    assert api.patch(url, {"status": "attended"}).status_code == 403
    api.force_authenticate(hr)
    bad = api.patch(url, {"score": "150"})
    assert bad.status_code == 400 and "score" in bad.data
    assert api.patch(url, {"status": "completed", "score": "75"}).status_code == 200
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.score) == ("completed", 75)


def test_payouts_api_after_close_are_frozen(api, manager, rep, team, plan, lever):
    from plans.models import Action

    today = timezone.localdate()
    Action.objects.create(
        lever=lever,
        title="a",
        assignee=rep,
        due_date=today,
        status="done",
        completed_at=timezone.now(),
    )
    scheme = services.scheme_create(
        plan=plan,
        reps=[rep],
        by=manager,
        name="P",
        basis="effort",
        period_start=today,
        period_end=today,
        tiers=[{"threshold": Decimal(0), "bonus_kind": "amount", "value": Decimal(50)}],
    )
    services.scheme_close(scheme=scheme, by=manager, today=today)
    api.force_authenticate(rep)
    lines = api.get(f"/api/v1/incentive-schemes/{scheme.pk}/payouts/").data
    assert lines[0]["frozen"] is True and Decimal(lines[0]["amount"]) == 50


def test_rituals_api_lists_meetings_with_their_decisions(api, manager, rep, team):
    today = timezone.localdate()
    ritual = services.ritual_create(team=team, by=manager, title="Lundi", kind="weekly_meeting")
    meeting = services.meeting_save(ritual=ritual, by=manager, date=today, attendees=[rep])
    services.decision_add(meeting=meeting, by=manager, text="Relancer", owner=rep)
    api.force_authenticate(rep)
    data = api.get(f"/api/v1/rituals/{ritual.pk}/").data
    assert data["meetings"][0]["attendees"] == [rep.pk]
    assert data["meetings"][0]["decisions"][0]["text"] == "Relancer"
