"""The refusal to activate a plan: each thing still missing links to the page where the
manager fixes it, on the plan page and in the API's answer; each link opens."""

import re
from html import unescape

import pytest

from indicators.models import Indicator
from plans.models import PlanStatus

from .factories import ActionFactory, LeverFactory, PlanFactory, steer

pytestmark = pytest.mark.django_db


def _refusal_links(client, plan) -> list[tuple[str, str]]:
    """(line, link) of each item of the refusal the plan page shows after "Activate"."""
    page = client.post(f"/plans/{plan.pk}/activate/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    box = body[body.index('id="activation-missing"') :]
    box = box[: box.index("</ul>")]
    items = re.findall(r"<li>(.*?) <a class=\"alert-link\" href=\"([^\"]+)\">", box)
    return [(unescape(text), unescape(url)) for text, url in items]


@pytest.fixture
def draft(team, manager):
    return PlanFactory(team=team, created_by=manager, status=PlanStatus.DRAFT, title="PAC S2")


def test_a_plan_with_no_lever_links_to_the_new_lever_form(login, manager, draft):
    client = login(manager)
    assert _refusal_links(client, draft) == [
        ("The plan has no lever yet.", f"/plans/{draft.pk}/levers/new/")
    ]
    assert client.get(f"/plans/{draft.pk}/levers/new/").status_code == 200


def test_each_gap_links_to_where_it_is_fixed(login, manager, rep, draft):
    empty = LeverFactory(plan=draft, name="Fidélisation")
    busy = LeverFactory(plan=draft, name="Conquête")
    loose = ActionFactory(lever=busy, assignee=rep, title="Appeler les prospects")
    steered = ActionFactory(lever=busy, assignee=rep, title="Relancer les devis")
    smart = steer(draft, [steered])
    # Complete but for its target: its page, where targets are set.
    no_target = steer(draft, [steered])
    no_target.name = "Marge"
    no_target.save()
    no_target.targets.all().delete()
    # Lacks a definition: its form.
    vague = Indicator.objects.create(plan=draft, name="Satisfaction", kind="quantitative")
    vague.actions.add(steered)

    client = login(manager)
    links = dict(_refusal_links(client, draft))
    assert links == {
        "The lever “Fidélisation” has no action.": (
            f"/plans/{draft.pk}/actions/new/?lever={empty.pk}"
        ),
        "The action “Appeler les prospects” is linked to no indicator.": (
            f"/indicators/action/{loose.pk}/"
        ),
        "The indicator “Marge” is not SMART yet: missing M (Measurable), T (Time-bound).": (
            f"/indicators/{no_target.pk}/#set-target"
        ),
        next(line for line in links if "“Satisfaction”" in line): f"/indicators/{vague.pk}/edit/",
    }
    assert not any(f"/indicators/{smart.pk}/" in url for url in links.values())
    # Every link opens for the manager; the new action form has the lever chosen.
    for url in links.values():
        assert client.get(url).status_code == 200, url
    form = client.get(f"/plans/{draft.pk}/actions/new/", {"lever": empty.pk}).content.decode()
    assert re.search(rf'<option value="{empty.pk}" selected>', form)
    target_page = client.get(f"/indicators/{no_target.pk}/").content.decode()
    assert 'id="set-target"' in target_page


def test_the_api_gives_the_same_reasons_with_their_pages(api, manager, rep, draft):
    lever = LeverFactory(plan=draft, name="Conquête")
    action = ActionFactory(lever=lever, assignee=rep, title="Appeler les prospects")
    api.force_authenticate(manager)
    response = api.post(f"/api/v1/plans/{draft.pk}/activate/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    answer = response.json()
    assert answer["missing"] == ["The action “Appeler les prospects” is linked to no indicator."]
    assert answer["reasons"] == [
        {
            "text": answer["missing"][0],
            "fix": "Link it to an indicator",
            "url": f"/indicators/action/{action.pk}/",
        }
    ]


def test_the_refusal_reads_in_french(login, manager, draft):
    page = login(manager).post(f"/plans/{draft.pk}/activate/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Ajouter un levier" in page.content.decode()
