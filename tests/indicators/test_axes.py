"""The dashboard's three axes (efficacité, efficience, pertinence), figures worked out by hand.

Plan of 181 days, today the 90th: a target of 181,000 expects 90,000 by now.
- rep: revenue 95,000 (on track, 52.5 %), calls 10,000 (off track, 5.5 %); done actions: one
  linked to revenue (pertinent), one linked to revenue and calls (calls is off track: not
  pertinent), one linked to nothing; an open action linked to revenue (not counted).
- rep2: revenue 81,000 (at risk, 44.8 %), no target on calls; done actions: one linked to
  revenue (at risk: not pertinent), one linked to calls (no target of theirs: the team's,
  summed from the reps', is off track: not pertinent).
"""

from datetime import date
from decimal import Decimal

import pytest

from indicators.models import Measurement
from indicators.selectors import dashboard
from plans.models import Action

from .conftest import TODAY, make_indicator, make_target

pytestmark = pytest.mark.django_db


@pytest.fixture
def board_data(plan, lever, team, rep, rep2):
    plan.status = "active"
    plan.save()
    revenue = make_indicator(plan, name="Revenue")
    calls = make_indicator(plan, name="Calls", unit="count")
    make_target(revenue, rep, 181_000)
    make_target(calls, rep, 181_000)
    make_target(revenue, rep2, 181_000)
    figures = [(revenue, rep, 95_000), (calls, rep, 10_000), (revenue, rep2, 81_000)]
    for indicator, who, value in figures:
        Measurement.objects.create(indicator=indicator, rep=who, date=date(2026, 2, 1), value=value)

    def action(who, status, *indicators):
        a = Action.objects.create(
            lever=lever, title="x", assignee=who, due_date=TODAY, status=status
        )
        a.indicators.set(indicators)
        return a

    action(rep, "done", revenue)
    action(rep, "done", revenue, calls)
    action(rep, "done")
    action(rep, "todo", revenue)
    action(rep2, "done", revenue)
    action(rep2, "done", calls)
    return revenue, calls


def axes_of(board, user):
    return next(row.axes for row in board.rows if row.rep.pk == user.pk)


def test_each_reps_axes(board_data, team, rep, rep2):
    board = dashboard(team, today=TODAY)
    mine = axes_of(board, rep)
    assert (mine.targets, mine.actions_done) == (2, 3)
    assert mine.efficacite == Decimal("50.0")  # revenue on track, calls off track
    assert mine.efficience == Decimal("9.7")  # (52.5 + 5.5) / 2 points per 3 actions
    assert mine.pertinence == Decimal("50.0")  # 1 of the 2 linked done actions
    theirs = axes_of(board, rep2)
    assert (theirs.targets, theirs.actions_done) == (1, 2)
    assert theirs.efficacite == Decimal("0.0")
    assert theirs.efficience == Decimal("22.4")  # 44.8 / 2
    assert theirs.pertinence == Decimal("0.0")


def test_team_axes(board_data, team, manager):
    board = dashboard(team, today=TODAY)
    # The manager is a member without targets nor actions: nothing of theirs counts.
    assert (board.axes.targets, board.axes.actions_done) == (3, 5)
    assert board.axes.efficacite == Decimal("33.3")
    assert board.axes.efficience == Decimal("6.9")  # (52.5 + 5.5 + 44.8) / 3 / 5
    assert board.axes.pertinence == Decimal("25.0")  # 1 of 4 linked done actions


def test_one_reps_row_keeps_their_axes_and_the_teams_action_count(board_data, team, rep):
    full = axes_of(dashboard(team, today=TODAY), rep)
    board = dashboard(team, today=TODAY, rep_ids=[rep.pk])
    assert [row.rep.pk for row in board.rows] == [rep.pk]
    assert board.rows[0].axes == full
    assert board.axes.actions_done == 5


def test_no_done_action_leaves_efficience_and_pertinence_unjudged(plan, team, rep):
    plan.status = "active"
    plan.save()
    revenue = make_indicator(plan)
    make_target(revenue, rep, 181_000)
    board = dashboard(team, today=TODAY)
    mine = axes_of(board, rep)
    assert mine.actions_done == 0
    assert mine.efficience is None and mine.pertinence is None
    assert mine.efficacite == Decimal("0.0")  # no figure yet: no data, not on track
