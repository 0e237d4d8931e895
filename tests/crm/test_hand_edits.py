"""Figures from a CRM carry their source, are not edited by hand, and sit beside typed ones."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from crm import services
from crm import sync as crm_sync
from crm.adapters import Page, Record
from indicators.models import Measurement
from indicators.services import (
    SyncedFigure,
    measurement_create,
    measurement_delete,
    measurement_update,
    measurements_sync,
    week_save,
)

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 3, 2)


@pytest.fixture
def synced(won, rep):
    measurements_sync(
        indicator=won,
        source="crm:1",
        figures={"deals:7": SyncedFigure(rep_id=rep.pk, date=MONDAY, value=Decimal(1))},
    )
    return Measurement.objects.get(source="crm:1")


def test_a_crm_figure_is_refused_to_hand_edits_and_deletes(synced, rep, manager):
    for who in (rep, manager):
        with pytest.raises(ValidationError, match="vient du CRM"):
            measurement_update(measurement=synced, by=who, value=5)
        with pytest.raises(ValidationError, match="vient du CRM"):
            measurement_delete(measurement=synced, by=who)
    synced.refresh_from_db()
    assert synced.value == 1


def test_the_api_refuses_it_too(synced, rep):
    client = APIClient()
    client.force_authenticate(rep)
    assert client.patch(f"/api/v1/measurements/{synced.pk}/", {"value": "9"}).status_code == 400
    assert client.delete(f"/api/v1/measurements/{synced.pk}/").status_code == 400
    assert Measurement.objects.get(pk=synced.pk).value == 1


def test_typed_figures_sit_beside_and_the_week_grid_never_replaces_a_crm_one(
    synced, won, rep, plan
):
    typed = measurement_create(indicator=won, rep=rep, date=MONDAY, value=2, by=rep)
    week_save(plan=plan, rep=rep, monday=MONDAY, entries={won: "3"}, by=rep)
    rows = sorted((m.source, m.value) for m in Measurement.objects.filter(indicator=won))
    assert rows == [("", Decimal(3)), ("crm:1", Decimal(1))]
    typed.refresh_from_db()
    assert typed.value == 3


def test_the_same_input_twice_changes_nothing_and_outside_the_period_does_not_count(won, rep):
    figures = {
        "deals:1": SyncedFigure(rep_id=rep.pk, date=MONDAY, value=Decimal(1)),
        "deals:2": SyncedFigure(rep_id=rep.pk, date=date(2027, 5, 1), value=Decimal(1)),
    }
    first = measurements_sync(indicator=won, source="crm:1", figures=figures)
    second = measurements_sync(indicator=won, source="crm:1", figures=figures)
    assert (first.created, first.skipped) == (1, 1)
    assert (second.created, second.updated, second.removed) == (0, 0, 0)
    assert Measurement.objects.filter(indicator=won).count() == 1


def test_a_failing_write_leaves_no_half_applied_page(team, manager, rep, won, revenue, monkeypatch):
    connection = services.connection_create(
        team=team, kind="pipedrive", name="PD", credentials={"api_token": "t"}, by=manager
    )
    for metric, indicator in (("deals_won_count", won), ("deals_won_amount", revenue)):
        services.mapping_add(connection=connection, metric=metric, indicator=indicator, by=manager)
    page = Page(
        records=[Record(id="1", owner_email=rep.email, won=True, closed=MONDAY, amount=Decimal(9))],
        cursor="2026-03-02T10:00:00Z",
    )
    calls = {"n": 0}
    real = crm_sync.measurements_sync

    def second_fails(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(crm_sync, "measurements_sync", second_fails)
    world = crm_sync._world(connection, False)
    with pytest.raises(RuntimeError):
        crm_sync._apply(connection, "deals", "deals", page, world)
    connection.refresh_from_db()
    assert Measurement.objects.count() == 0  # the first mapping's figures went back too
    assert connection.cursors == {}
