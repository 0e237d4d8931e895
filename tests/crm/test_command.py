"""``manage.py crm_sync``: the beat job's work in-process, one line per connection."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from crm.models import State
from indicators.models import Measurement

from .conftest import connect
from .loopback import LoopbackCRM

pytestmark = pytest.mark.django_db


def test_it_syncs_every_active_connection_and_says_what_changed(team, manager, rep, won):
    with LoopbackCRM("pipedrive") as crm:
        crm.vendor.deal(1, rep.email, closed=date(2026, 3, 2))
        connection = connect(crm, team, manager, deals_won_count=won)
        out = StringIO()
        call_command("crm_sync", stdout=out)
        call_command("crm_sync", "--connection", str(connection.pk), stdout=out)
    first, again = out.getvalue().splitlines()
    assert first.endswith("1 records, +1 ~0 -0")
    # From the cursor: the last record read again (the vendors' "since" is inclusive), unchanged.
    assert again.endswith("+0 ~0 -0")
    assert Measurement.objects.filter(indicator=won).count() == 1


def test_full_reads_everything_again_and_changes_nothing(team, manager, rep, won):
    with LoopbackCRM("pipedrive") as crm:
        crm.vendor.deal(1, rep.email, closed=date(2026, 3, 2))
        connect(crm, team, manager, deals_won_count=won)
        call_command("crm_sync", stdout=StringIO())
        out = StringIO()
        call_command("crm_sync", "--full", stdout=out)
    assert out.getvalue().strip().endswith("1 records, +0 ~0 -0")


def test_a_failing_connection_fails_the_command_and_an_unknown_one_is_named(
    team, manager, rep, won
):
    with LoopbackCRM("pipedrive") as crm:
        connection = connect(crm, team, manager, deals_won_count=won)
        crm.vendor.token = "revoked"
        with pytest.raises(CommandError):
            call_command("crm_sync", stdout=StringIO())
    connection.refresh_from_db()
    assert connection.state == State.STOPPED
    with pytest.raises(CommandError, match="No CRM connection 999"):
        call_command("crm_sync", "--connection", "999")
