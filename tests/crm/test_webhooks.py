"""The signed push endpoints: a valid HubSpot v3 signature or Pipedrive Basic credentials
start a sync (after commit); anything else is a 401, an unknown address a 404."""

import base64
import json
import time

import pytest
from django.urls import reverse

from crm import services
from crm.webhooks import hubspot_signature

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr("crm.views.sync_connection.delay", calls.append)
    return calls


def _hubspot(team, manager):
    return services.connection_create(
        team=team,
        kind="hubspot",
        name="HS",
        credentials={"access_token": "t", "client_secret": "app-secret"},
        by=manager,
    )


def _post_hubspot(client, connection, *, secret="app-secret", stamp=None):
    url = reverse("crm:webhook", args=[connection.webhook_key])
    body = json.dumps([{"objectId": 1, "subscriptionType": "deal.propertyChange"}]).encode()
    stamp = stamp or str(int(time.time() * 1000))
    signature = hubspot_signature(secret, "POST", f"http://testserver{url}", body, stamp)
    return client.post(
        url,
        body,
        content_type="application/json",
        HTTP_X_HUBSPOT_SIGNATURE_V3=signature,
        HTTP_X_HUBSPOT_REQUEST_TIMESTAMP=stamp,
    )


def test_a_signed_hubspot_push_starts_a_sync(client, team, manager, queued):
    connection = _hubspot(team, manager)
    assert _post_hubspot(client, connection).status_code == 204
    assert queued == [connection.pk]


def test_a_wrong_signature_or_an_old_timestamp_is_refused(client, team, manager, queued):
    connection = _hubspot(team, manager)
    old = str(int((time.time() - 600) * 1000))
    assert _post_hubspot(client, connection, secret="guess").status_code == 401
    assert _post_hubspot(client, connection, stamp=old).status_code == 401
    assert queued == []


def test_pipedrive_pushes_carry_their_basic_credentials(client, team, manager, queued):
    connection = services.connection_create(
        team=team,
        kind="pipedrive",
        name="PD",
        by=manager,
        credentials={"api_token": "t", "webhook_user": "pac", "webhook_password": "s3cr3t"},
    )
    url = reverse("crm:webhook", args=[connection.webhook_key])

    def post(user, password):
        auth = base64.b64encode(f"{user}:{password}".encode()).decode()
        return client.post(
            url, "{}", content_type="application/json", HTTP_AUTHORIZATION=f"Basic {auth}"
        )

    assert post("pac", "wrong").status_code == 401
    assert client.post(url, "{}", content_type="application/json").status_code == 401
    assert post("pac", "s3cr3t").status_code == 204
    assert queued == [connection.pk]


def test_an_unknown_address_is_a_404(client, queued):
    assert client.post(reverse("crm:webhook", args=["nope"])).status_code == 404
