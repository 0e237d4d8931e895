"""The API: same rules and the same progress engine as the pages."""

from datetime import date

import pytest

from indicators.models import Indicator, Measurement, Target

from .conftest import make_indicator, make_target

pytestmark = pytest.mark.django_db


@pytest.fixture
def revenue(plan, rep, rep2):
    ind = make_indicator(plan)
    make_target(ind, rep, 181_000)
    make_target(ind, rep2, 181_000)
    Measurement.objects.create(indicator=ind, rep=rep, date=date(2026, 2, 1), value=95_000)
    Measurement.objects.create(indicator=ind, rep=rep2, date=date(2026, 2, 1), value=40_000)
    return ind


def test_indicator_list_is_scoped_and_shows_smart_letters(api, rep, outsider, revenue, other_plan):
    make_indicator(other_plan, name="Theirs")
    api.force_authenticate(rep)
    rows = api.get("/api/v1/indicators/").json()["results"]
    assert [r["name"] for r in rows] == ["Revenue"]
    assert rows[0]["smart_missing"] == ["R"]
    api.force_authenticate(outsider)
    assert api.get(f"/api/v1/indicators/{revenue.pk}/").status_code == 404


def test_progress_per_rep_and_team(api, manager, rep, revenue):
    api.force_authenticate(manager)
    data = api.get(f"/api/v1/indicators/{revenue.pk}/progress/?today=2026-03-31").json()
    by_rep = {r["rep"]: r for r in data["reps"]}
    assert by_rep[rep.pk]["status"] == "on_track"
    assert by_rep[rep.pk]["actual"] == "95000.00"
    assert by_rep[rep.pk]["expected"] == "90000.00"
    assert data["team"]["actual"] == "135000.00"
    api.force_authenticate(rep)
    data = api.get(f"/api/v1/indicators/{revenue.pk}/progress/?today=2026-03-31").json()
    assert [r["rep"] for r in data["reps"]] == [rep.pk]


def test_manager_creates_an_indicator_a_rep_cannot(api, manager, rep, plan, lever):
    payload = {
        "plan": plan.pk,
        "name": "Calls",
        "kind": "quantitative",
        "unit": "count",
        "cadence": "weekly",
        "definition": "Calls",
        "levers": [lever.pk],
    }
    api.force_authenticate(rep)
    assert api.post("/api/v1/indicators/", payload, format="json").status_code == 403
    api.force_authenticate(manager)
    response = api.post("/api/v1/indicators/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["levers"] == [lever.pk]


def test_bad_rate_is_refused_per_field(api, manager, plan):
    api.force_authenticate(manager)
    response = api.post(
        "/api/v1/indicators/",
        {"plan": plan.pk, "name": "R", "kind": "rate", "cadence": "weekly"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["numerator"] == ["A rate needs a numerator and a denominator."]
    assert not Indicator.objects.exists()


def test_catalogue_and_add_in_one_call(api, manager, plan):
    api.force_authenticate(manager)
    rows = api.get("/api/v1/indicator-templates/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert any(
        r["code"] == "churn_rate" and r["name"] == "Churn (% of customers lost)" for r in rows
    )
    response = api.post(
        "/api/v1/indicator-templates/churn_rate/add/", {"plan": plan.pk}, format="json"
    )
    assert response.status_code == 201
    assert Indicator.objects.filter(plan=plan).count() == 3


def test_targets_for_all_reps_and_zero_rate_refused(api, manager, rep, rep2, plan):
    deals = make_indicator(plan, name="Deals", unit="count")
    api.force_authenticate(manager)
    response = api.post(
        "/api/v1/targets/all-reps/", {"indicator": deals.pk, "value": "10"}, format="json"
    )
    assert response.status_code == 201 and len(response.json()) == 2
    team = api.post("/api/v1/targets/", {"indicator": deals.pk, "value": "25"}, format="json")
    assert team.status_code == 201 and team.json()["rep"] is None
    assert Target.objects.count() == 3


def test_a_rep_sees_only_own_measurements_and_enters_only_own(api, rep, rep2, revenue):
    api.force_authenticate(rep)
    rows = api.get("/api/v1/measurements/").json()["results"]
    assert {r["rep"] for r in rows} == {rep.pk}
    refused = api.post(
        "/api/v1/measurements/",
        {"indicator": revenue.pk, "rep": rep2.pk, "date": "2026-03-02", "value": "10"},
        format="json",
    )
    assert refused.status_code == 400 and "rep" in refused.json()
    ok = api.post(
        "/api/v1/measurements/",
        {"indicator": revenue.pk, "rep": rep.pk, "date": "2026-03-02", "value": "10"},
        format="json",
    )
    assert ok.status_code == 201


def test_bulk_create_is_all_or_nothing(api, rep, revenue):
    api.force_authenticate(rep)
    rows = [
        {"indicator": revenue.pk, "rep": rep.pk, "date": "2026-03-02", "value": "10"},
        {"indicator": revenue.pk, "rep": rep.pk, "date": "2027-03-02", "value": "10"},
        {"indicator": revenue.pk, "rep": rep.pk, "date": "2026-03-03", "value": "dix"},
    ]
    response = api.post(
        "/api/v1/measurements/bulk/", {"rows": rows}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    errors = response.json()["rows"]
    assert set(errors) == {"1", "2"}
    assert errors["2"] == {"value": ["Enter a number."]}
    assert Measurement.objects.count() == 2
    good = api.post("/api/v1/measurements/bulk/", {"rows": rows[:1]}, format="json")
    assert good.status_code == 201 and Measurement.objects.count() == 3


def test_dashboard_for_a_team(api, manager, team, other_manager, revenue, rep, rep2):
    api.force_authenticate(manager)
    plan = revenue.plan
    plan.status = "active"
    plan.save()
    data = api.get(f"/api/v1/dashboard/{team.pk}/?today=2026-03-31").json()
    statuses = {row["rep"]: row["cells"][0]["status"] for row in data["rows"]}
    assert statuses == {rep.pk: "on_track", rep2.pk: "off_track"}
    assert data["axes"]["efficacite"] == "50.0"
    api.force_authenticate(other_manager)
    assert api.get(f"/api/v1/dashboard/{team.pk}/").status_code == 404
