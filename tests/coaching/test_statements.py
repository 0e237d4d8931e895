"""Payout statements: the rule applied, what the next tier needs, frozen when the period
closes, and a thread where the rep questions their line and the manager answers."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from coaching import services
from coaching.models import PayoutMessage
from plans.models import Action

pytestmark = pytest.mark.django_db

TIERS = [
    {"threshold": Decimal(50), "bonus_kind": "amount", "value": Decimal(200)},
    {"threshold": Decimal(80), "bonus_kind": "amount", "value": Decimal(450)},
]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.fixture
def scheme(plan, lever, manager, rep, rep2, today):
    """Effort pay: rep has done 2 of their 3 actions of the period on time (67 %: tier 1)."""
    scheme = services.scheme_create(
        plan=plan,
        reps=[rep, rep2],
        tiers=TIERS,
        by=manager,
        name="Prime effort",
        basis="effort",
        period_start=today - datetime.timedelta(days=30),
        period_end=today + datetime.timedelta(days=30),
    )
    for n, done in enumerate((True, True, False)):
        due = today - datetime.timedelta(days=5 - n)
        Action.objects.create(
            lever=lever,
            title=f"a{n}",
            assignee=rep,
            due_date=due,
            status="done" if done else "todo",
            completed_at=_at(due) if done else None,
        )
    return scheme


def _url(scheme, rep):
    return f"/coaching/incentives/{scheme.pk}/statement/{rep.pk}/"


def test_the_statement_gives_the_rule_applied_and_what_the_next_tier_needs(login, rep, scheme):
    page = login(rep).get(_url(scheme, rep), **EN)
    assert page.status_code == 200
    html = page.content.decode()
    assert "67 % of actions on time → tier 1 → 200 €" in html
    assert "tier 2 from 80 %: 13.3 points more → 450 €" in html


def test_the_rep_asks_and_the_manager_answers(login, client, rep, manager, scheme):
    response = login(rep).post(_url(scheme, rep), {"text": "Why not tier 2?"})
    assert response.status_code == 302
    client.logout()
    login(manager).post(_url(scheme, rep), {"text": "One action is still open."})
    thread = list(PayoutMessage.objects.filter(scheme=scheme, rep=rep))
    assert [(m.author, m.text) for m in thread] == [
        (rep, "Why not tier 2?"),
        (manager, "One action is still open."),
    ]
    html = client.get(_url(scheme, rep)).content.decode()
    assert html.index("Why not tier 2?") < html.index("One action is still open.")


def test_an_empty_or_overlong_message_is_refused(login, rep, scheme):
    client = login(rep)
    assert client.post(_url(scheme, rep), {"text": ""}).status_code == 400
    assert client.post(_url(scheme, rep), {"text": "x" * 2001}).status_code == 400
    assert not PayoutMessage.objects.exists()


def test_who_sees_and_who_writes(login, client, rep, rep2, hr, outsider, scheme):
    assert login(rep2).get(_url(scheme, rep)).status_code == 404  # a colleague's pay
    assert client.post(_url(scheme, rep), {"text": "?"}).status_code == 404
    client.logout()
    assert login(outsider).get(_url(scheme, rep)).status_code == 404
    client.logout()
    assert login(hr).get(_url(scheme, rep)).status_code == 200  # HR reads every payout
    assert client.post(_url(scheme, rep), {"text": "?"}).status_code == 403
    assert not PayoutMessage.objects.exists()


def test_closing_the_period_freezes_the_statement(login, rep, manager, scheme, today):
    services.scheme_close(scheme=scheme, by=manager, today=today)
    Action.objects.filter(status="todo").update(status="done", completed_at=timezone.now())
    html = login(rep).get(_url(scheme, rep), **EN).content.decode()
    assert "frozen: the period is closed" in html
    assert "67 % of actions on time → tier 1 → 200 €" in html
    assert "points more" not in html  # nothing more to reach
    # The thread stays open: a closed line can still be questioned.
    assert login(rep).post(_url(scheme, rep), {"text": "Paid when?"}).status_code == 302


def test_the_api_gives_what_the_next_tier_needs(api, rep, scheme):
    api.force_authenticate(rep)
    (line,) = api.get(
        f"/api/v1/incentive-schemes/{scheme.pk}/payouts/", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert line["next_tier"] == "tier 2 from 80 %: 13.3 points more → 450 €"


def test_the_scheme_page_links_each_line_to_its_statement(login, manager, rep, scheme):
    html = login(manager).get(f"/coaching/incentives/{scheme.pk}/").content.decode()
    assert _url(scheme, rep) in html
