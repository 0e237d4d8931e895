"""Team animation: challenges and their leaderboard, recurring challenges, rituals, kudos."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coaching import services
from coaching.models import Challenge, Kudos
from coaching.selectors import challenge_leaderboard
from plans.models import Action, ActionStatus, Lever, Plan, PlanStatus
from teams.roles import Role
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def _done(lever, rep, n, when=None):
    when = when or timezone.now()
    for i in range(n):
        Action.objects.create(
            lever=lever,
            title=f"Action {i}",
            assignee=rep,
            due_date=when.date(),
            status=ActionStatus.DONE,
            completed_at=when,
        )


def test_a_challenge_cannot_end_before_it_starts(team, manager, today):
    with pytest.raises(ValidationError) as err:
        services.challenge_create(
            team=team,
            by=manager,
            title="Sprint",
            start_date=today,
            end_date=today - datetime.timedelta(days=1),
        )
    assert "end_date" in err.value.message_dict
    assert not Challenge.objects.exists()


def test_the_page_refuses_a_challenge_ending_before_it_starts(login, manager, team, today):
    response = login(manager).post(
        "/coaching/challenges/new/",
        {
            "title": "Sprint",
            "mode": "individual",
            "metric": "actions_done",
            "start_date": today.isoformat(),
            "end_date": (today - datetime.timedelta(days=3)).isoformat(),
            "recurrence": "none",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end_date"]
    assert not Challenge.objects.exists()


def test_leaderboard_ranks_reps_on_actions_done_and_marks_the_top_three_once_over(
    team, manager, rep, rep2, lever, today
):
    challenge = services.challenge_create(
        team=team,
        by=manager,
        title="Sprint",
        start_date=today - datetime.timedelta(days=3),
        end_date=today,
        target=4,
    )
    _done(lever, rep, 1)
    _done(lever, rep2, 3)
    _done(lever, rep2, 5, when=timezone.now() - datetime.timedelta(days=30))  # before the start
    rows = challenge_leaderboard(challenge, today=today)
    assert [(r.rank, r.user_id, r.value, r.progress) for r in rows] == [
        (1, rep2.pk, 3, 75),
        (2, rep.pk, 1, 25),
    ]
    assert all(not r.medal for r in rows)
    rows = challenge_leaderboard(challenge, today=today + datetime.timedelta(days=1))
    assert [r.medal for r in rows] == ["gold", "silver"]


def test_teams_of_reps_sum_their_members(team, manager, rep, rep2, lever, today):
    third = UserFactory(role=Role.REP)
    team.members.add(third)
    challenge = services.challenge_create(
        team=team,
        by=manager,
        title="Duo",
        mode="teams",
        start_date=today,
        end_date=today,
        groups=[{"name": "A", "members": [rep, rep2]}, {"name": "B", "members": [third]}],
    )
    _done(lever, rep, 1)
    _done(lever, rep2, 1)
    _done(lever, third, 3)
    rows = challenge_leaderboard(challenge, today=today)
    assert [(r.name, r.value) for r in rows] == [("B", 3), ("A", 2)]


def test_recurring_challenges_regenerate_once_per_period(team, manager, today):
    start = today - datetime.timedelta(days=20)
    services.challenge_create(
        team=team,
        by=manager,
        title="Hebdo",
        start_date=start,
        end_date=start + datetime.timedelta(days=6),
        recurrence="weekly",
    )
    created = services.challenges_regenerate(today=today)
    assert len(created) == 2  # week 2, then the running week 3
    assert created[-1].start_date <= today <= created[-1].end_date
    assert services.challenges_regenerate(today=today) == []
    assert Challenge.objects.count() == 3


def test_monthly_challenge_moves_to_the_same_days_next_month(team, manager):
    services.challenge_create(
        team=team,
        by=manager,
        title="Mois",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 1, 31),
        recurrence="monthly",
    )
    created = services.challenges_regenerate(today=datetime.date(2026, 2, 10))
    assert (created[0].start_date, created[0].end_date) == (
        datetime.date(2026, 2, 1),
        datetime.date(2026, 2, 28),
    )


def _world(size):
    manager = UserFactory(role=Role.MANAGER)
    reps = [UserFactory(role=Role.REP) for _ in range(size)]
    team = TeamFactory(manager=manager, members=reps)
    today = timezone.localdate()
    plan = Plan.objects.create(
        team=team, title="P", start_date=today, end_date=today, status=PlanStatus.ACTIVE
    )
    lever = Lever.objects.create(plan=plan, name="L", aim="prospect")
    for i, rep in enumerate(reps):
        _done(lever, rep, i % 3)
    challenge = services.challenge_create(
        team=team, by=manager, title="C", start_date=today, end_date=today
    )
    return manager, challenge


@pytest.mark.parametrize("size", [2, 10])
def test_leaderboard_page_keeps_a_constant_query_count(size, login, django_assert_max_num_queries):
    manager, challenge = _world(size)
    client = login(manager)
    # session, user, role (3); challenge with team (1); visible teams inside it (0: subquery);
    # members (1); values (1); navbar badge (1) = 7, plus one spare.
    with django_assert_max_num_queries(8):
        response = client.get(f"/coaching/challenges/{challenge.pk}/")
    assert len(response.context["rows"]) == size


def test_other_teams_challenges_are_404_and_not_listed(
    login, manager, other_team, other_manager, today, team
):
    theirs = services.challenge_create(
        team=other_team, by=other_manager, title="Rhône sprint", start_date=today, end_date=today
    )
    client = login(manager)
    assert client.get(f"/coaching/challenges/{theirs.pk}/").status_code == 404
    assert "Rhône sprint" not in client.get("/coaching/challenges/").content.decode()


def test_a_rep_reads_the_leaderboard_but_cannot_create_a_challenge(
    login, rep, team, manager, today
):
    challenge = services.challenge_create(
        team=team, by=manager, title="Sprint", start_date=today, end_date=today
    )
    client = login(rep)
    assert client.get(f"/coaching/challenges/{challenge.pk}/").status_code == 200
    assert client.get("/coaching/challenges/new/").status_code == 403


def test_ritual_meeting_decision_becomes_a_plan_action_in_one_click(
    login, manager, rep, team, lever, today
):
    ritual = services.ritual_create(
        team=team, by=manager, title="Réunion du lundi", kind="weekly_meeting"
    )
    client = login(manager)
    response = client.post(
        f"/coaching/rituals/{ritual.pk}/",
        {"date": today.isoformat(), "agenda": "Pipeline", "attendees": [rep.pk, manager.pk]},
    )
    meeting = ritual.meetings.get()
    assert response.status_code == 302
    assert set(meeting.attendees.all()) == {rep, manager}
    client.post(
        f"/coaching/meetings/{meeting.pk}/",
        {"form": "decision", "text": "Appeler les clients dormants", "owner": rep.pk},
    )
    decision = meeting.decisions.get()
    response = client.post(f"/coaching/decisions/{decision.pk}/to-action/")
    decision.refresh_from_db()
    assert decision.action.assignee == rep
    assert decision.action.lever == lever
    # A second click does not duplicate it.
    client.post(f"/coaching/decisions/{decision.pk}/to-action/")
    assert Action.objects.count() == 1


def test_a_rep_cannot_turn_decisions_into_actions(login, manager, rep, team, lever, today):
    ritual = services.ritual_create(team=team, by=manager, title="R", kind="other")
    meeting = services.meeting_save(ritual=ritual, by=manager, date=today)
    decision = services.decision_add(meeting=meeting, by=manager, text="D", owner=rep)
    assert login(rep).post(f"/coaching/decisions/{decision.pk}/to-action/").status_code == 403
    assert not Action.objects.exists()


def test_kudos_from_anyone_to_a_rep_show_on_the_feed_and_the_rep_page(
    login, rep, rep2, team, manager, outsider, other_team
):
    client = login(rep2)
    response = client.post("/coaching/kudos/", {"rep": rep.pk, "message": "Bravo pour le deal"})
    assert response.status_code == 302
    assert "Bravo pour le deal" in client.get("/coaching/kudos/").content.decode()
    assert "Bravo pour le deal" in login(manager).get(f"/coaching/reps/{rep.pk}/").content.decode()
    # Another team neither sees it nor can send kudos to our reps.
    other = login(outsider)
    assert "Bravo pour le deal" not in other.get("/coaching/kudos/").content.decode()
    other.post("/coaching/kudos/", {"rep": rep.pk, "message": "x"})
    assert Kudos.objects.count() == 1


def test_manager_creates_a_teams_of_reps_challenge_on_the_page(
    login, manager, rep, rep2, team, today
):
    data = {
        "title": "Duel",
        "mode": "teams",
        "metric": "actions_done",
        "start_date": today.isoformat(),
        "end_date": today.isoformat(),
        "recurrence": "none",
        "groups-TOTAL_FORMS": "3",
        "groups-INITIAL_FORMS": "0",
        "groups-0-name": "Nord",
        "groups-0-members": [rep.pk],
        "groups-1-name": "Sud",
        "groups-1-members": [rep2.pk],
        "groups-2-name": "",
    }
    response = login(manager).post("/coaching/challenges/new/", data)
    assert response.status_code == 302
    challenge = Challenge.objects.get()
    assert sorted(g.name for g in challenge.groups.all()) == ["Nord", "Sud"]


def test_a_rep_in_two_groups_is_refused(team, manager, rep, rep2, today):
    with pytest.raises(ValidationError):
        services.challenge_create(
            team=team,
            by=manager,
            title="X",
            mode="teams",
            start_date=today,
            end_date=today,
            groups=[{"name": "A", "members": [rep]}, {"name": "B", "members": [rep, rep2]}],
        )
    assert not Challenge.objects.exists()


def test_challenge_ranked_on_an_indicator_uses_the_progress_engine(
    team, manager, rep, rep2, plan, today
):
    from decimal import Decimal

    from indicators.models import Indicator, Measurement

    indicator = Indicator.objects.create(
        plan=plan,
        name="CA signé",
        kind="quantitative",
        unit="eur",
        aggregation="sum",
        cadence="monthly",
    )
    Measurement.objects.create(indicator=indicator, rep=rep, date=today, value=Decimal(900))
    Measurement.objects.create(indicator=indicator, rep=rep2, date=today, value=Decimal(1500))
    challenge = services.challenge_create(
        team=team,
        by=manager,
        title="CA",
        metric="indicator",
        indicator=indicator,
        start_date=today - datetime.timedelta(days=5),
        end_date=today,
    )
    rows = challenge_leaderboard(challenge, today=today)
    assert [(r.user_id, r.value) for r in rows] == [(rep2.pk, 1500), (rep.pk, 900)]


def test_an_indicator_of_another_team_is_refused(team, manager, other_plan, today):
    from indicators.models import Indicator

    foreign = Indicator.objects.create(
        plan=other_plan,
        name="CA",
        kind="quantitative",
        unit="eur",
        aggregation="sum",
        cadence="monthly",
    )
    with pytest.raises(ValidationError) as err:
        services.challenge_create(
            team=team,
            by=manager,
            title="X",
            metric="indicator",
            indicator=foreign,
            start_date=today,
            end_date=today,
        )
    assert "indicator" in err.value.message_dict


@pytest.mark.parametrize("size", [2, 10])
def test_kudos_feed_keeps_a_constant_query_count(size, login, django_assert_max_num_queries):
    manager, challenge = _world(size)
    reps = list(challenge.team.members.all())
    for i, rep in enumerate(reps):
        services.kudos_give(author=manager if i else reps[1], rep=rep, message=f"Bravo {i}")
    client = login(manager)
    # session, user, role (3); feed with authors, reps and teams (1); reps for the form
    # (1); navbar badge (1) = 6, plus one spare.
    with django_assert_max_num_queries(7):
        response = client.get("/coaching/kudos/")
    assert len(response.context["kudos"]) == size
