"""A refused credential reaches the manager's bell and mailbox: once per stop, in the
manager's language, linking to the connection's page; new credentials take it away."""

from datetime import date

import pytest
from django.urls import reverse

from crm import services
from crm.models import State
from crm.sync import sync_connection
from reminders.models import DeliveryState, EmailMode, ReminderPreference
from reminders.services import digest_deliver
from reminders.sweep import run_sweep

from .conftest import connect

pytestmark = pytest.mark.django_db


def bell(client) -> str:
    """The bell's count as the layout shows it ("0" when it shows none)."""
    page = client.get(reverse("reminders:notifications")).content.decode()
    assert 'id="reminder-bell"' in page
    marker = 'data-unread="'
    return page.split(marker, 1)[1].split('"', 1)[0] if marker in page else "0"


def sweep():
    return run_sweep(dispatch=lambda pk: digest_deliver(recipient_id=pk))


@pytest.fixture
def revoked(crm, team, manager, rep, won, no_sleep):
    """A connection whose key the CRM has just revoked."""
    crm.vendor.deal(1, rep.email, closed=date(2026, 3, 2))
    connection = connect(crm, team, manager, deals_won_count=won)
    crm.vendor.token = crm.vendor.key = "revoked"
    return connection


def test_a_refused_credential_rings_the_managers_bell_once_with_a_link(
    revoked, login, manager, rep
):
    client = login(manager)
    assert bell(client) == "0"

    sync_connection(connection=revoked)
    revoked.refresh_from_db()
    assert revoked.state == State.STOPPED

    assert bell(client) == "1"
    page = client.get(reverse("reminders:notifications")).content.decode()
    link = reverse("crm:connection-detail", args=[revoked.pk])
    assert f'<a href="{link}">{revoked.name} ({revoked.get_kind_display()}) : le CRM a refusé' in (
        page
    )
    assert "Connexion CRM arrêtée" in page
    client.post(reverse("reminders:read-all"))
    assert bell(client) == "0"
    # Another try (the command, a push) on the stopped connection rings nothing more.
    sync_connection(connection=revoked)
    assert bell(client) == "0"
    # Nobody else hears of it.
    assert bell(login(rep)) == "0"


def test_it_is_emailed_once_even_to_a_manager_who_reads_only_escalations(
    revoked, manager, mailoutbox, settings
):
    settings.SITE_URL = "https://pac.example"
    ReminderPreference.objects.create(
        user=manager, language="en", email_mode=EmailMode.ESCALATIONS, weekend_quiet=True
    )
    sync_connection(connection=revoked)

    sweep()
    sweep()

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [manager.email]
    body = message.body
    assert "== CRM connection stopped ==" in body
    assert f"{revoked.name} ({revoked.get_kind_display()}): the CRM refused the credentials" in body
    link = reverse("crm:connection-detail", args=[revoked.pk])
    assert f"https://pac.example{link}" in body
    row = manager.reminders.get()
    assert row.state == DeliveryState.SENT


def test_a_deleted_connection_takes_its_reminder_away(revoked, login, manager):
    client = login(manager)
    sync_connection(connection=revoked)
    assert bell(client) == "1"
    services.connection_delete(connection=revoked, by=manager)
    assert bell(client) == "0"
    sweep()
    assert manager.reminders.get().state == DeliveryState.CANCELLED


def test_new_credentials_take_it_away_and_a_later_stop_rings_again(revoked, login, manager, crm):
    client = login(manager)
    sync_connection(connection=revoked)
    assert bell(client) == "1"

    # The manager gives a new key before the sweep: at once the bell no longer asks for it,
    # and no email does.
    crm.vendor.token = crm.vendor.key = "fresh"
    services.connection_update(connection=revoked, by=manager, credentials=crm.vendor.credentials())
    assert bell(client) == "0"
    assert manager.reminders.get().state == DeliveryState.CANCELLED
    sweep()
    assert manager.reminders.get().state == DeliveryState.CANCELLED

    # Revoked again the same day: one stop, one more ring.
    sync_connection(connection=revoked)
    revoked.refresh_from_db()
    assert revoked.state == State.ACTIVE
    crm.vendor.token = crm.vendor.key = "revoked-again"
    sync_connection(connection=revoked)
    assert bell(client) == "1"
    assert manager.reminders.get().state == DeliveryState.PENDING
