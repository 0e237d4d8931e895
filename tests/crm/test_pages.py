"""The CRM pages: the team's manager sets a connection up; credentials are written, never
shown; reps, HR and other teams get a 404; the lists cost the same queries at two sizes."""

from datetime import date

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm import secrets, services
from crm.models import Connection, State, SyncRun
from plans.models import Plan

from .conftest import _indicator

pytestmark = pytest.mark.django_db

TOKEN = "pd-secret-token-123456"


def _connection(team, manager, name="Pipedrive IDF"):
    return services.connection_create(
        team=team, kind="pipedrive", name=name, credentials={"api_token": TOKEN}, by=manager
    )


def test_the_manager_connects_a_crm_and_the_token_is_stored_encrypted_never_shown(
    login, manager, team
):
    client = login(manager)
    response = client.post(
        reverse("crm:connection-create"),
        {"kind": "pipedrive", "name": "Pipedrive IDF", "api_token": TOKEN},
    )
    connection = Connection.objects.get()
    assert response.status_code == 302
    assert connection.team == team
    assert TOKEN not in connection.credentials  # encrypted at rest
    assert secrets.unseal(connection.credentials) == {"api_token": TOKEN}
    for url in (
        reverse("crm:connection-detail", args=[connection.pk]),
        reverse("crm:connection-edit", args=[connection.pk]),
        reverse("crm:connections"),
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert TOKEN not in page.content.decode()


def test_an_empty_credential_field_keeps_the_stored_one(login, manager, team):
    connection = _connection(team, manager)
    client = login(manager)
    form = client.get(reverse("crm:connection-edit", args=[connection.pk])).content.decode()
    assert 'name="api_token"' in form and 'name="access_token"' not in form  # its CRM's only
    client.post(
        reverse("crm:connection-edit", args=[connection.pk]),
        {"name": "Renamed", "base_url": "", "api_token": ""},
    )
    connection.refresh_from_db()
    assert connection.name == "Renamed"
    assert secrets.unseal(connection.credentials)["api_token"] == TOKEN


def test_new_credentials_start_a_stopped_connection_again(login, manager, team):
    connection = _connection(team, manager)
    Connection.objects.filter(pk=connection.pk).update(state=State.STOPPED, last_error="refused")
    login(manager).post(
        reverse("crm:connection-edit", args=[connection.pk]),
        {"name": connection.name, "api_token": "a-new-token"},
    )
    connection.refresh_from_db()
    assert (connection.state, connection.last_error) == (State.ACTIVE, "")


def test_a_missing_token_is_refused_with_its_message(login, manager, team):
    response = login(manager).post(
        reverse("crm:connection-create"), {"kind": "hubspot", "name": "HubSpot"}
    )
    assert response.status_code == 200
    assert "access_token" in response.content.decode()
    assert not Connection.objects.exists()


def test_a_mapping_feeds_an_indicator_of_the_team_only(login, manager, team, plan, other_team):
    won = _indicator(plan, "Deals won", "count")
    other_plan = Plan.objects.create(
        team=other_team, title="PAC RA", start_date=date(2026, 1, 1), end_date=date(2026, 12, 31)
    )
    foreign = _indicator(other_plan, "Their deals", "count")
    connection = _connection(team, manager)
    client = login(manager)
    url = reverse("crm:connection-detail", args=[connection.pk])

    refused = client.post(url, {"metric": "deals_won_count", "indicator": foreign.pk})
    added = client.post(url, {"metric": "deals_won_count", "indicator": won.pk})

    assert refused.status_code == 200 and added.status_code == 302
    assert list(connection.mappings.values_list("indicator", flat=True)) == [won.pk]


@pytest.mark.parametrize("who", ["rep", "hr", "other_manager", "outsider"])
def test_no_one_but_the_teams_manager_sees_or_changes_a_connection(
    who, request, login, manager, team, other_team, plan
):
    connection = _connection(team, manager)
    mapping = services.mapping_add(
        connection=connection,
        metric="deals_won_count",
        indicator=_indicator(plan, "Deals won", "count"),
        by=manager,
    )
    client = login(request.getfixturevalue(who))
    pk = connection.pk
    for method, url in [
        ("get", reverse("crm:connection-detail", args=[pk])),
        ("get", reverse("crm:connection-edit", args=[pk])),
        ("post", reverse("crm:connection-edit", args=[pk])),
        ("post", reverse("crm:connection-detail", args=[pk])),
        ("post", reverse("crm:connection-sync", args=[pk])),
        ("post", reverse("crm:connection-delete", args=[pk])),
        ("post", reverse("crm:mapping-delete", args=[mapping.pk])),
    ]:
        assert getattr(client, method)(url).status_code == 404, (method, url)
    listing = client.get(reverse("crm:connections"))
    assert listing.status_code in (200, 404)
    assert "Pipedrive IDF" not in listing.content.decode()
    assert Connection.objects.filter(pk=pk, name="Pipedrive IDF").exists()
    assert connection.mappings.exists()


def test_the_page_shows_the_last_sync_its_changes_the_error_and_the_unmatched_owners(
    login, manager, team
):
    connection = _connection(team, manager)
    SyncRun.objects.create(
        connection=connection,
        started_at=timezone.now(),
        finished_at=timezone.now(),
        records=12,
        created=7,
        updated=2,
        removed=1,
    )
    Connection.objects.filter(pk=connection.pk).update(
        state=State.STOPPED,
        last_error="Pipedrive refused the credentials (HTTP 401).",
        unmatched_owners=["stranger@elsewhere.test"],
        last_sync_at=timezone.now(),
    )
    body = login(manager).get(reverse("crm:connection-detail", args=[connection.pk])).content
    text = body.decode()
    assert "Pipedrive refused the credentials (HTTP 401)." in text
    assert "stranger@elsewhere.test" in text
    assert "<td>7</td><td>2</td><td>1</td>" in text.replace("\n", "")


def _grow(team, manager, plan, n):
    for i in range(n):
        connection = _connection(team, manager, name=f"CRM {i}")
        for j in range(3):
            SyncRun.objects.create(connection=connection, started_at=timezone.now(), records=j)
            services.mapping_add(
                connection=connection,
                metric="deals_created",
                indicator=_indicator(plan, f"Deals {i}-{j}", "count"),
                by=manager,
            )
    return connection


def test_the_pages_cost_the_same_queries_at_two_sizes(
    login, manager, team, plan, django_assert_max_num_queries
):
    client = login(manager)
    small = _grow(team, manager, plan, 1)
    counts = {}
    for name, url in [
        ("list", reverse("crm:connections")),
        ("detail", reverse("crm:connection-detail", args=[small.pk])),
    ]:
        with CaptureQueriesContext(db) as queries:
            assert client.get(url).status_code == 200
        counts[name] = len(queries)
    big = _grow(team, manager, plan, 12)
    with django_assert_max_num_queries(counts["list"]):
        client.get(reverse("crm:connections"))
    with django_assert_max_num_queries(counts["detail"]):
        client.get(reverse("crm:connection-detail", args=[big.pk]))
