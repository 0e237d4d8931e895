"""The rough edges of the indicator pages: the form by kind, ceilings read the right way round,
the axes explained, targets changed and deleted on their own pages, people by name."""

from datetime import date

import pytest
import time_machine

from indicators.forms import SHOWN_FOR
from indicators.models import Measurement, Target

from .conftest import make_indicator, make_target

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 3, 31), tick=False):
        yield


def test_the_form_marks_the_fields_of_each_kind(login, manager, active):
    page = login(manager).get(f"/indicators/plan/{active.pk}/new/").content.decode()
    for name, kinds in SHOWN_FOR.items():
        assert f'name="{name}"' in page
        assert f'data-shown-for="{kinds}"' in page
    assert "data-indicator-form" in page and "indicators/form.js" in page


def test_a_ceiling_reads_under_or_over_not_as_a_percent_above_100(login, manager, active, rep):
    churn = make_indicator(
        active, name="Attrition", unit="percent", direction="lower", aggregation="avg"
    )
    make_target(churn, rep, 30)
    Measurement.objects.create(indicator=churn, rep=rep, date=date(2026, 3, 2), value=18)
    page = login(manager).get(f"/indicators/{churn.pk}/").content.decode()
    assert "/ ≤ 30" in page and "12 sous le plafond" in page
    assert "(167 %)" not in page


def test_each_axis_has_its_sentence(login, manager, grid):
    page = login(manager).get("/indicators/").content.decode()
    assert "Les objectifs sont-ils atteints ?" in page
    assert "au regard des moyens engagés" in page
    assert "Faisons-nous les bonnes choses ?" in page


def test_manager_changes_a_target_on_its_page(login, manager, grid, rep):
    target = Target.objects.get(indicator=grid, rep=rep)
    client = login(manager)
    assert (
        f"/indicators/targets/{target.pk}/edit/"
        in client.get(f"/indicators/{grid.pk}/").content.decode()
    )
    response = client.post(
        f"/indicators/targets/{target.pk}/edit/",
        {"value": "200000", "period_end": "2026-06-30", "monthly_weights": ""},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.value == 200_000
    assert Target.objects.filter(indicator=grid, rep=rep).count() == 1


def test_manager_deletes_a_target_after_confirming(login, manager, grid, rep):
    target = Target.objects.get(indicator=grid, rep=rep)
    client = login(manager)
    assert client.get(f"/indicators/targets/{target.pk}/delete/").status_code == 200
    client.post(f"/indicators/targets/{target.pk}/delete/")
    assert not Target.objects.filter(pk=target.pk).exists()  # archived: out of the live rows


def test_a_rep_and_another_team_cannot_touch_a_target(login, rep, other_manager, grid):
    target = Target.objects.filter(indicator=grid).first()
    for person in (rep, other_manager):
        client = login(person)
        assert client.get(f"/indicators/targets/{target.pk}/edit/").status_code == 404
        assert client.post(f"/indicators/targets/{target.pk}/delete/").status_code == 404
    assert Target.objects.filter(pk=target.pk).exists()


def test_figure_entry_lists_people_by_name(login, manager, grid, rep):
    page = login(manager).get(f"/indicators/{grid.pk}/").content.decode()
    assert f'<option value="{rep.pk}">{rep.get_full_name()}</option>' in page
