"""Coaching pages and rule messages speak French by default and English on request."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from coaching import services

pytestmark = pytest.mark.django_db


def test_pages_are_in_french_by_default_and_english_on_request(login, hr):
    client = login(hr)
    assert "Tableau de bord RH" in client.get("/coaching/hr/").content.decode()
    client.cookies["django_language"] = "en"
    assert "HR dashboard" in client.get("/coaching/hr/").content.decode()


def test_rule_messages_are_translated(make_session, manager, hr):
    with translation.override("fr"), pytest.raises(ValidationError) as err:
        services.enrollment_create(session=make_session(), rep=manager, by=hr)
    assert "Seuls les commerciaux" in err.value.message_dict["rep"][0]


def test_payout_explanation_in_french(plan, manager, rep, team, today):
    from decimal import Decimal

    from coaching.selectors import payout_for

    scheme = services.scheme_create(
        plan=plan,
        reps=[rep],
        by=manager,
        name="P",
        basis="effort",
        period_start=today,
        period_end=today,
        tiers=[{"threshold": Decimal(100), "bonus_kind": "amount", "value": Decimal(450)}],
    )
    scheme.basis = "indicator"
    with translation.override("fr"):
        _n, _amount, text = payout_for(scheme, list(scheme.tiers.all()), Decimal("112"))
    assert text == "112 % de l'objectif → palier 1 → 450 €"
    with translation.override("en"):
        _n, _amount, text = payout_for(scheme, list(scheme.tiers.all()), Decimal("112"))
    assert text == "112 % of target → tier 1 → 450 €"
