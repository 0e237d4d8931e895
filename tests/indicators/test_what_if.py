"""What if: "+N a week from now" for a rep or the team, following the target's distribution,
the day the target is reached, and the weekly pace that reaches it; pages and API."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from indicators.models import Measurement
from indicators.what_if import what_if

from .conftest import TODAY, make_indicator, make_target

pytestmark = pytest.mark.django_db


@pytest.fixture
def halfway(active, rep, rep2):
    """Revenue, 181,000 for each rep over the 181 days of the plan: rep exactly on pace on
    31 March (90,000 after 90 days, 7,000 a week), rep2 at 45,000."""
    revenue = make_indicator(active)
    make_target(revenue, rep, 181_000)
    make_target(revenue, rep2, 181_000)
    Measurement.objects.create(indicator=revenue, rep=rep, date=date(2026, 2, 1), value=90_000)
    Measurement.objects.create(indicator=revenue, rep=rep2, date=date(2026, 2, 1), value=45_000)
    return revenue


def _ask(api, user, indicator, **params):
    api.force_authenticate(user)
    query = "&".join(f"{k}={v}" for k, v in {"today": TODAY, **params}.items())
    return api.get(f"/api/v1/indicators/{indicator.pk}/what-if/?{query}")


def test_a_thousand_more_a_week_ends_above_target_and_says_when(api, manager, rep, halfway):
    response = _ask(api, manager, halfway, rep=rep.pk, extra_per_week=1000)
    assert response.status_code == 200
    data = response.json()
    # The 91 days left bring 91,000 at the pace so far and 13 weeks x 1,000 more.
    assert data["projected"] == "194000.00"
    assert data["projected_percent"] == "107.2"
    # 8,000 a week (1,142.86 a day) covers the 91,000 left on the 80th day.
    assert data["reached_on"] == "2026-06-19"
    assert data["needed_per_week"] == "7000.00"
    assert data["current_per_week"] == "7000.00"
    assert data["rep"] == rep.pk
    assert data["period_end"] == "2026-06-30"


def test_behind_the_target_is_not_reached_and_the_pace_needed_is_given(api, manager, rep2, halfway):
    data = _ask(api, manager, halfway, rep=rep2.pk, extra_per_week=0).json()
    assert data["projected"] == "90500.00"  # the run-rate: 45,000 x 181 / 90
    assert data["reached_on"] is None
    # 136,000 left over 13 weeks.
    assert data["needed_per_week"] == "10461.54"
    assert data["current_per_week"] == "3500.00"


def test_the_team_is_asked_without_a_rep(api, manager, halfway):
    data = _ask(api, manager, halfway, extra_per_week=2000).json()
    assert data["rep"] is None
    assert data["target"] == "362000.00"  # the reps' targets added up
    assert data["projected"] == "297500.00"  # 271,500 at the pace so far + 26,000


def test_the_extra_follows_the_targets_monthly_weights(active, rep):
    revenue = make_indicator(active)
    # June carries half the year's half: the months left (April, May, June) weigh 0.7.
    make_target(revenue, rep, 300_000, monthly_weights=[1, 1, 1, 1, 1, 5])
    Measurement.objects.create(indicator=revenue, rep=rep, date=date(2026, 2, 1), value=90_000)
    base = what_if(revenue, rep=rep, extra_per_week=Decimal(0), today=TODAY)
    more = what_if(revenue, rep=rep, extra_per_week=Decimal(700), today=TODAY)
    assert base.projected == Decimal("300000.00")  # 90,000 for 0.3 of the weights
    # 700 in an average week of the 181/7 weeks, times the 0.7 left (even: 700 x 13 = 9,100).
    assert more.projected - base.projected == Decimal("12670.00")
    assert base.reached_on == date(2026, 6, 30)


def test_a_level_moves_by_n_a_week(active, rep):
    satisfaction = make_indicator(
        active, name="Satisfaction", unit="score", aggregation="avg", baseline=None
    )
    make_target(satisfaction, rep, 4)
    Measurement.objects.create(indicator=satisfaction, rep=rep, date=date(2026, 3, 1), value=3)
    result = what_if(satisfaction, rep=rep, extra_per_week=Decimal("0.1"), today=TODAY)
    assert result.projected == Decimal("4.30")  # 13 weeks left
    assert result.reached_on == date(2026, 6, 9)  # 1 point at 0.1 a week: 70 days
    assert result.needed_per_week == Decimal("0.08")


def test_a_rep_asks_about_themselves_and_the_team_not_a_colleague(api, rep, rep2, halfway):
    assert _ask(api, rep, halfway, rep=rep.pk, extra_per_week=1).status_code == 200
    assert _ask(api, rep, halfway, extra_per_week=1).status_code == 200
    assert _ask(api, rep, halfway, rep=rep2.pk, extra_per_week=1).status_code == 404


def test_another_team_gets_404(api, outsider, rep, halfway):
    assert _ask(api, outsider, halfway, rep=rep.pk).status_code == 404


@pytest.mark.parametrize("value", ["abc", "NaN", "1e400", "Infinity", "%00", "9" * 40])
def test_a_malformed_number_is_a_400_naming_the_field(api, manager, halfway, value):
    response = _ask(api, manager, halfway, extra_per_week=value)
    assert response.status_code == 400
    assert "extra_per_week" in response.json()


def test_a_malformed_rep_is_a_400(api, manager, halfway):
    assert _ask(api, manager, halfway, rep="x").status_code == 400


def test_the_indicator_page_has_the_form_and_the_answer_comes_in_place(
    login, manager, rep, halfway
):
    client = login(manager)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(f"/indicators/{halfway.pk}/", HTTP_ACCEPT_LANGUAGE="en")
        assert f'hx-get="/indicators/{halfway.pk}/what-if/"' in page.content.decode()
        answer = client.get(
            f"/indicators/{halfway.pk}/what-if/?rep={rep.pk}&extra_per_week=1000",
            HTTP_ACCEPT_LANGUAGE="en",
            HTTP_HX_REQUEST="true",
        )
        assert answer.status_code == 200
        html = answer.content.decode()
        assert "<html" not in html  # the answer only, swapped into the page
        assert "194,000" in html
        assert "06/19/2026" in html
        assert "7,000" in html  # the weekly pace that reaches the target


def test_the_what_if_page_in_french_and_its_refusal(login, rep, halfway):
    client = login(rep)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(f"/indicators/{halfway.pk}/what-if/?rep={rep.pk}&extra_per_week=1000")
        assert page.status_code == 200
        assert "19/06/2026" in page.content.decode()
        refused = client.get(f"/indicators/{halfway.pk}/what-if/?extra_per_week=1e400")
        assert refused.status_code == 400


def test_the_what_if_page_of_another_team_is_404(login, outsider, halfway):
    assert login(outsider).get(f"/indicators/{halfway.pk}/what-if/").status_code == 404
