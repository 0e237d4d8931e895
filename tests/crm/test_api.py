"""``/api/v1/crm-connections/``: the team's manager only, credentials write-only."""

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from crm import secrets, services
from crm.models import Connection, State
from plans.models import Plan

from .conftest import _indicator

pytestmark = pytest.mark.django_db
URL = "/api/v1/crm-connections/"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_manager_creates_a_connection_with_mappings_and_never_reads_the_token(
    manager, team, plan
):
    won = _indicator(plan, "Deals won", "count")
    body = {
        "kind": "hubspot",
        "name": "HubSpot",
        "credentials": {"access_token": "pat-na1-secret"},
        "mappings": [{"metric": "deals_won_count", "indicator": won.pk}],
    }
    created = api(manager).post(URL, body, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert "credentials" not in data and data["has_credentials"] is True
    assert data["mappings"][0]["indicator"] == won.pk
    assert "pat-na1-secret" not in str(api(manager).get(URL).json())
    connection = Connection.objects.get()
    assert secrets.unseal(connection.credentials) == {"access_token": "pat-na1-secret"}


def test_a_patch_replaces_credentials_and_a_sync_is_refused_while_stopped(manager, team):
    client = api(manager)
    pk = client.post(
        URL,
        {"kind": "pipedrive", "name": "PD", "credentials": {"api_token": "one"}},
        format="json",
    ).json()["id"]
    Connection.objects.filter(pk=pk).update(state=State.STOPPED)
    assert client.post(f"{URL}{pk}/sync/").status_code == 409
    patched = client.patch(f"{URL}{pk}/", {"credentials": {"api_token": "two"}}, format="json")
    assert patched.status_code == 200 and patched.json()["state"] == "active"
    assert secrets.unseal(Connection.objects.get(pk=pk).credentials) == {"api_token": "two"}


def test_an_unknown_credential_or_a_foreign_indicator_is_a_400(manager, team, other_team):
    other_plan = Plan.objects.create(
        team=other_team, title="RA", start_date="2026-01-01", end_date="2026-12-31"
    )
    foreign = _indicator(other_plan, "Theirs", "count")
    client = api(manager)
    bad_cred = client.post(
        URL,
        {"kind": "pipedrive", "name": "PD", "credentials": {"api_token": "x", "oops": "y"}},
        format="json",
    )
    bad_map = client.post(
        URL,
        {
            "kind": "pipedrive",
            "name": "PD",
            "credentials": {"api_token": "x"},
            "mappings": [{"metric": "deals_won_count", "indicator": foreign.pk}],
        },
        format="json",
    )
    assert (bad_cred.status_code, bad_map.status_code) == (400, 400)
    assert not Connection.objects.exists()


@pytest.mark.parametrize("who", ["rep", "hr", "other_manager", "outsider"])
def test_others_get_404_and_an_empty_list(who, request, manager, team, other_team):
    pk = (
        api(manager)
        .post(
            URL,
            {"kind": "pipedrive", "name": "PD", "credentials": {"api_token": "x"}},
            format="json",
        )
        .json()["id"]
    )
    client = api(request.getfixturevalue(who))
    assert client.get(URL).json()["results"] == []
    assert client.get(f"{URL}{pk}/").status_code == 404
    assert client.patch(f"{URL}{pk}/", {"name": "x"}, format="json").status_code == 404
    assert client.post(f"{URL}{pk}/sync/").status_code == 404
    assert client.delete(f"{URL}{pk}/").status_code == 404
    assert Connection.objects.filter(pk=pk, name="PD").exists()


def test_a_rep_cannot_create_one(rep, team):
    response = api(rep).post(
        URL,
        {"kind": "pipedrive", "name": "PD", "credentials": {"api_token": "x"}},
        format="json",
    )
    assert response.status_code == 403
    assert not Connection.objects.exists()


def test_the_list_costs_the_same_queries_at_two_sizes(
    manager, team, plan, django_assert_max_num_queries
):
    client = api(manager)

    def grow(n):
        for i in range(n):
            pk = client.post(
                URL,
                {"kind": "pipedrive", "name": f"PD {i}", "credentials": {"api_token": "x"}},
                format="json",
            ).json()["id"]
            connection = Connection.objects.get(pk=pk)
            for j in range(3):
                services.mapping_add(
                    connection=connection,
                    metric="deals_created",
                    by=manager,
                    indicator=_indicator(plan, f"Deals {i}-{j}", "count"),
                )

    grow(1)
    with CaptureQueriesContext(db) as queries:
        assert client.get(URL).status_code == 200
    small = len(queries)  # now: the next request empties the log
    grow(12)
    with django_assert_max_num_queries(small):
        assert len(client.get(URL).json()["results"]) == 13
