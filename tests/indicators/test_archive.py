"""Nothing lost, for indicators: in a plan that has been active, deleting an indicator, a
target or a figure archives it (out of pages, progress, the dashboard and pay) with what hangs
on it, and the plan's manager restores it exactly as it was."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from indicators import services
from indicators.models import Indicator, Measurement, Target
from plans.activation import missing_for_activation
from plans.models import PlanStatus
from teams.models import AuditEntry, AuditKind

from .conftest import make_indicator, make_target

pytestmark = pytest.mark.django_db

DASHBOARD = "/api/v1/dashboard/{team}/?today=2026-03-31"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _statuses(api, team) -> dict:
    data = api.get(DASHBOARD.format(team=team.pk)).json()
    return {row["rep"]: [c["status"] for c in row["cells"]] for row in data["rows"]}


def _rows(indicator):
    """The indicator's targets and figures, archived or not, as they stand."""
    targets = Target.all_objects.filter(indicator_id=indicator.pk)
    figures = Measurement.all_objects.filter(indicator_id=indicator.pk)
    return (
        sorted(targets.values_list("pk", "rep_id", "value", "archived_at")),
        sorted(figures.values_list("pk", "rep_id", "date", "value", "archived_at")),
    )


def test_the_confirmation_says_what_goes_with_an_indicator(login, manager, grid):
    page = login(manager).get(f"/indicators/{grid.pk}/delete/").content.decode()
    assert "2 targets" in page and "2 figures recorded by 2 reps" in page
    assert "archived" in page
    assert Indicator.objects.filter(pk=grid.pk).exists()


def test_archiving_an_indicator_takes_its_targets_and_figures_and_restore_brings_them_back(
    login, api, manager, team, rep, rep2, grid
):
    before = _rows(grid)
    api.force_authenticate(manager)
    assert _statuses(api, team) == {rep.pk: ["on_track"], rep2.pk: ["off_track"]}
    client = login(manager)

    response = client.post(f"/indicators/{grid.pk}/delete/", follow=True)

    assert f"/indicators/{grid.pk}/restore/" in response.content.decode()  # Undo
    plan_page = client.get(f"/indicators/plan/{grid.plan_id}/").content.decode()
    assert f"/indicators/{grid.pk}/" not in plan_page
    assert client.get(f"/indicators/{grid.pk}/").status_code == 404
    assert _statuses(api, team) == {rep.pk: [], rep2.pk: []}
    assert not Target.objects.filter(indicator_id=grid.pk).exists()
    assert not Measurement.objects.filter(indicator_id=grid.pk).exists()
    stamp = Indicator.all_objects.get(pk=grid.pk).archived_at
    assert {row[-1] for row in _rows(grid)[0] + _rows(grid)[1]} == {stamp}
    archived = client.get(f"/plans/{grid.plan_id}/archived/").content.decode()
    assert "with 2 targets and 2 figures" in archived

    response = client.post(f"/indicators/{grid.pk}/restore/", follow=True)

    assert "is restored" in response.content.decode()
    assert _rows(grid) == tuple([(*r[:-1], None) for r in rows] for rows in before)
    assert _statuses(api, team) == {rep.pk: ["on_track"], rep2.pk: ["off_track"]}
    kinds = AuditEntry.objects.filter(object_type="indicators.indicator", object_id=str(grid.pk))
    assert list(kinds.order_by("pk").values_list("kind", flat=True)) == [
        AuditKind.ARCHIVED,
        AuditKind.RESTORED,
    ]


def test_in_a_draft_plan_an_indicator_is_really_deleted(login, manager, plan, revenue, rep):
    make_target(revenue, rep, 100)
    assert plan.status == PlanStatus.DRAFT
    login(manager).post(f"/indicators/{revenue.pk}/delete/")
    assert not Indicator.all_objects.filter(pk=revenue.pk).exists()
    assert not Target.all_objects.filter(indicator_id=revenue.pk).exists()


def test_an_action_linked_only_to_an_archived_indicator_counts_as_unlinked(manager, active, action):
    revenue = make_indicator(active)
    revenue.actions.add(action)
    assert not any("linked to no indicator" in line for line in missing_for_activation(active))
    services.indicator_delete(indicator=revenue, by=manager)
    assert any("linked to no indicator" in line for line in missing_for_activation(active))


def test_a_part_of_an_archived_rate_stays_for_the_rate_to_come_back(manager, active):
    calls = make_indicator(active, name="Calls", unit="count")
    won = make_indicator(active, name="Won", unit="count")
    rate = make_indicator(active, name="Hit rate", kind="rate", numerator=won, denominator=calls)
    services.indicator_delete(indicator=rate, by=manager)
    with pytest.raises(ValidationError, match="Hit rate"):
        services.indicator_delete(indicator=calls, by=manager)
    assert Indicator.objects.filter(pk=calls.pk).exists()
    services.indicator_restore(indicator=Indicator.all_objects.get(pk=rate.pk), by=manager)
    assert Indicator.objects.filter(pk=rate.pk).exists()


# ----------------------------------------------------------------------------------- targets


def test_archiving_a_target_takes_it_out_of_the_dashboard_and_restore_puts_it_back(
    api, login, manager, team, rep, rep2, grid
):
    target = Target.objects.get(indicator=grid, rep=rep)
    api.force_authenticate(manager)

    assert api.delete(f"/api/v1/targets/{target.pk}/").status_code == 204

    assert _statuses(api, team)[rep.pk] == ["no_target"]
    assert target.pk not in {t["id"] for t in api.get("/api/v1/targets/").json()["results"]}
    archived = api.get("/api/v1/targets/?archived=true").json()["results"]
    assert [t["id"] for t in archived] == [target.pk]
    page = login(manager).get(f"/plans/{grid.plan_id}/archived/").content.decode()
    assert f"/indicators/targets/{target.pk}/restore/" in page

    response = api.post(f"/api/v1/targets/{target.pk}/restore/")

    assert response.status_code == 200 and Decimal(response.json()["value"]) == 181_000
    assert _statuses(api, team)[rep.pk] == ["on_track"]


def test_a_target_set_again_since_keeps_the_archived_one_from_coming_back(api, manager, rep, grid):
    target = Target.objects.get(indicator=grid, rep=rep)
    services.target_delete(target=target, by=manager)
    services.target_set(indicator=grid, rep=rep, value=Decimal(5000), by=manager)  # room for it
    api.force_authenticate(manager)
    response = api.post(f"/api/v1/targets/{target.pk}/restore/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "was set since" in str(response.json())
    assert Target.all_objects.get(pk=target.pk).is_archived


# ----------------------------------------------------------------------------------- figures


def test_a_rep_archives_their_figure_and_only_the_manager_restores_it(
    api, login, manager, team, rep, rep2, grid
):
    figure = Measurement.objects.get(indicator=grid, rep=rep)
    api.force_authenticate(rep)

    assert api.delete(f"/api/v1/measurements/{figure.pk}/").status_code == 204

    assert api.get(f"/api/v1/measurements/{figure.pk}/").status_code == 404
    assert api.post(f"/api/v1/measurements/{figure.pk}/restore/").status_code == 404
    assert api.get("/api/v1/measurements/?archived=true").status_code == 403
    api.force_authenticate(manager)
    assert _statuses(api, team)[rep.pk] == ["off_track"]  # 0 of 181,000 at the end of March
    assert [m["id"] for m in api.get("/api/v1/measurements/?archived=true").json()["results"]] == [
        figure.pk
    ]

    login(manager).post(f"/indicators/measurements/{figure.pk}/restore/")

    assert Measurement.objects.get(pk=figure.pk).value == 95_000
    assert _statuses(api, team)[rep.pk] == ["on_track"]


def test_the_archived_page_lists_a_figure_archived_on_its_own(login, manager, rep, grid):
    figure = Measurement.objects.get(indicator=grid, rep=rep)
    services.measurement_delete(measurement=figure, by=rep)
    page = login(manager).get(f"/plans/{grid.plan_id}/archived/").content.decode()
    assert f"/indicators/measurements/{figure.pk}/restore/" in page
    assert "Revenue: 95000" in page
