"""The plan world: ``plan`` of ``team`` with one lever, and ``other_plan`` of ``other_team``."""

import pytest

from .factories import ActionFactory, LeverFactory, MilestoneFactory, PlanFactory


@pytest.fixture
def plan(team, manager):
    return PlanFactory(team=team, created_by=manager, title="PAC Île-de-France")


@pytest.fixture
def lever(plan):
    return LeverFactory(plan=plan, name="Conquête des PME")


@pytest.fixture
def milestone(plan):
    return MilestoneFactory(plan=plan, title="Salon PME")


@pytest.fixture
def rep_action(lever, rep):
    """An open action of ``rep`` (due in ten days)."""
    return ActionFactory(lever=lever, assignee=rep, title="Relancer les devis de septembre")


@pytest.fixture
def rep2_action(lever, rep2):
    return ActionFactory(lever=lever, assignee=rep2, title="Appeler les anciens clients")


@pytest.fixture
def other_plan(other_team, other_manager):
    return PlanFactory(team=other_team, created_by=other_manager, title="PAC Rhône-Alpes")


@pytest.fixture
def other_action(other_plan, outsider):
    lever = LeverFactory(plan=other_plan, name="Fidélisation")
    return ActionFactory(lever=lever, assignee=outsider, title="Visiter les grands comptes")
