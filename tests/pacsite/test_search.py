"""Search across plans, actions, people and indicators, within what the user may see
(PostgreSQL's full-text search where it runs, a plain lookup on SQLite)."""

import pytest

from indicators.models import Indicator
from teams.roles import Role
from tests.factories import UserFactory
from tests.plans.factories import ActionFactory, LeverFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(team, manager, rep, rep2, other_team, outsider):
    plan = PlanFactory(team=team, created_by=manager, title="PAC Conquête Île-de-France")
    lever = LeverFactory(plan=plan, name="Prospection")
    action = ActionFactory(lever=lever, assignee=rep, title="Appeler les prospects du salon")
    indicator = Indicator.objects.create(
        plan=plan, name="Rendez-vous de prospection", kind="quantitative", unit="count"
    )
    other = PlanFactory(team=other_team, title="PAC Conquête Rhône")
    ActionFactory(
        lever=LeverFactory(plan=other), assignee=outsider, title="Appeler les prospects de Lyon"
    )
    return {"plan": plan, "action": action, "indicator": indicator, "other": other}


def test_manager_finds_plans_actions_and_indicators_by_a_word(login, manager, world):
    page = login(manager).get("/search/?q=PROSPECT").content.decode()
    assert f"/actions/{world['action'].pk}/" in page
    assert f"/indicators/{world['indicator'].pk}/" in page
    page = login(manager).get("/search/?q=conquête").content.decode()
    assert world["plan"].get_absolute_url() in page


def test_every_word_must_match(login, manager, world):
    page = login(manager).get("/search/?q=appeler+salon").content.decode()
    assert "Appeler les prospects du salon" in page
    page = login(manager).get("/search/?q=appeler+introuvable").content.decode()
    assert "Appeler les prospects du salon" not in page and "Aucun résultat" in page


def test_another_teams_rows_are_never_found(login, manager, rep, world, outsider):
    for person in (manager, rep):
        page = login(person).get("/search/?q=prospects").content.decode()
        assert "Lyon" not in page and "Rhône" not in page
        page = login(person).get(f"/search/?q={outsider.first_name}").content.decode()
        assert f"/indicators/rep/{outsider.pk}/" not in page


def test_people_link_to_their_figures_only_where_the_reader_may_see_them(
    login, manager, rep, rep2, world
):
    page = login(manager).get(f"/search/?q={rep2.username}").content.decode()
    assert f"/indicators/rep/{rep2.pk}/" in page
    page = login(rep).get(f"/search/?q={rep2.username}").content.decode()
    assert rep2.get_full_name() in page and f"/indicators/rep/{rep2.pk}/" not in page
    page = login(rep).get(f"/search/?q={rep.username}").content.decode()
    assert f"/indicators/rep/{rep.pk}/" in page


def test_hr_finds_every_team(login, hr, world):
    page = login(hr).get("/search/?q=prospects").content.decode()
    assert "Lyon" in page and "du salon" in page


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "\x00",
        "x" * 100_000,
        "a & b | !c",
        "'):*",
        "_",
        "a__b ___",
        "<script>alert(1)</script>",
    ],
)
def test_any_query_is_answered(login, manager, world, query):
    response = login(manager).get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()


@pytest.mark.parametrize("size", [1, 15])
def test_search_queries_do_not_grow(
    login, manager, team, world, size, django_assert_max_num_queries
):
    lever = LeverFactory(plan=world["plan"])
    for _ in range(size):
        rep = UserFactory(role=Role.REP, first_name="Prosper")
        team.members.add(rep)
        ActionFactory(lever=lever, assignee=rep, title="Prospecter encore")
    client = login(manager)
    # Session, user, role, the four kinds, the bell: 8 at both sizes.
    with django_assert_max_num_queries(8):
        assert client.get("/search/?q=prosp").status_code == 200
