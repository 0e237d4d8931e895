"""The action's page shows the indicators it should move; only the manager may change them."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_action_page_lists_its_indicators(login, rep, action, revenue):
    revenue.actions.add(action)
    page = login(rep).get(f"/actions/{action.pk}/").content.decode()
    assert f"/indicators/{revenue.pk}/" in page
    assert "Revenue" in page
    assert f"/indicators/action/{action.pk}/" not in page  # a rep does not change the links


def test_the_manager_is_told_an_unlinked_action_blocks_activation(login, manager, action):
    page = login(manager).get(f"/actions/{action.pk}/").content.decode()
    assert "le plan ne peut pas être activé" in page
    assert f"/indicators/action/{action.pk}/" in page


def test_the_plan_page_links_its_indicators(login, rep, plan):
    page = login(rep).get(f"/plans/{plan.pk}/").content.decode()
    assert f'href="/indicators/plan/{plan.pk}/"' in page
