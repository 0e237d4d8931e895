"""The CRM tests' world: the persona team's active plan with a "Deals won" count and a
"Revenue" amount, and a loopback CRM of each vendor (tests/crm/loopback.py)."""

from datetime import date

import pytest

from crm import services
from indicators.models import Indicator
from plans.models import Plan, PlanStatus

from .loopback import LoopbackCRM

START, END = date(2026, 1, 1), date(2026, 12, 31)
VENDOR_NAMES = ["hubspot", "pipedrive", "salesforce", "odoo"]


@pytest.fixture
def plan(team, manager):
    return Plan.objects.create(
        team=team,
        title="PAC 2026",
        start_date=START,
        end_date=END,
        status=PlanStatus.ACTIVE,
        created_by=manager,
    )


def _indicator(plan, name, unit):
    return Indicator.objects.create(
        plan=plan,
        name=name,
        kind="quantitative",
        unit=unit,
        aggregation="sum",
        cadence="weekly",
        definition=name,
        source="CRM",
    )


@pytest.fixture
def won(plan):
    return _indicator(plan, "Deals won", "count")


@pytest.fixture
def revenue(plan):
    return _indicator(plan, "Revenue", "eur")


@pytest.fixture
def no_sleep(settings):
    settings.CRM_RETRY_BASE_SECONDS = 0


@pytest.fixture(params=VENDOR_NAMES)
def crm(request, monkeypatch):
    """A loopback CRM of each vendor in turn (Salesforce over TLS: its client speaks https)."""
    name = request.param
    with LoopbackCRM(name, tls=name == "salesforce") as server:
        if server.ca_file:
            monkeypatch.setenv("REQUESTS_CA_BUNDLE", server.ca_file)
        yield server


def connect(crm, team, manager, **mappings):
    """A connection of ``team`` to the loopback ``crm``, with ``metric=indicator`` mappings."""
    connection = services.connection_create(
        team=team,
        kind=crm.vendor.name,
        name=f"{crm.vendor.name} test",
        base_url=crm.url,
        credentials=crm.vendor.credentials(),
        by=manager,
    )
    for metric, indicator in mappings.items():
        services.mapping_add(connection=connection, metric=metric, indicator=indicator, by=manager)
    return connection
