# ruff: noqa: F811 - ``world`` is the fixture imported below, requested by name
"""A delete that another row forbids is refused in plain words: a page message, an API 400.

An incentive scheme, a challenge or a rate holds on to its indicator (``PROTECT``); deleting
the indicator, or a draft plan whose indicators they use, used to escape as a 500.
"""

import pytest

from indicators.models import Indicator
from plans.models import Plan
from tests.access.conftest import world  # noqa: F401 (the fixture, found by name)


@pytest.fixture(autouse=True)
def _scheme_on_the_indicator(world):
    world.scheme.basis, world.scheme.indicator = "indicator", world.indicator
    world.scheme.save()


def _challenge_ranks_on(challenge, indicator):
    challenge.metric, challenge.indicator = "indicator", indicator
    challenge.save()


SCHEME_REFUSAL = (
    "This indicator is used by the incentive scheme “Prime effort”: "
    "change that incentive scheme first."
)


def test_the_api_refuses_to_delete_an_indicator_a_scheme_uses(api, world, manager):
    api.force_authenticate(manager)

    response = api.delete(f"/api/v1/indicators/{world.indicator.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert SCHEME_REFUSAL in str(response.json())
    assert Indicator.objects.filter(pk=world.indicator.pk).exists()


def test_the_page_refuses_to_delete_an_indicator_a_scheme_uses(login, world, manager):
    client = login(manager)

    response = client.post(
        f"/indicators/{world.indicator.pk}/delete/", follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [SCHEME_REFUSAL]
    assert Indicator.objects.filter(pk=world.indicator.pk).exists()


def test_the_refusal_speaks_french(api, world, manager):
    api.force_authenticate(manager)

    response = api.delete(f"/api/v1/indicators/{world.indicator.pk}/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    assert "« Prime effort »" in str(response.json())


def test_the_api_refuses_to_delete_an_indicator_a_challenge_ranks_on(api, world, manager):
    world.scheme.basis, world.scheme.indicator = "effort", None
    world.scheme.save()
    _challenge_ranks_on(world.challenge, world.indicator)
    api.force_authenticate(manager)

    response = api.delete(f"/api/v1/indicators/{world.indicator.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "used by the challenge “Sprint de mars”" in str(response.json())
    assert Indicator.objects.filter(pk=world.indicator.pk).exists()


def test_the_api_refuses_to_delete_a_draft_plan_whose_indicator_a_challenge_uses(
    api, world, manager
):
    draft_indicator = Indicator.objects.create(
        plan=world.draft, name="Visites", kind="quantitative", unit="count", cadence="weekly"
    )
    _challenge_ranks_on(world.challenge, draft_indicator)
    api.force_authenticate(manager)

    response = api.delete(f"/api/v1/plans/{world.draft.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "used by the challenge “Sprint de mars”" in str(response.json())
    assert Plan.objects.filter(pk=world.draft.pk).exists()
