"""Demo company, CRM part: team one's HubSpot connection feeding "Revenue" with a sample sync.

The demo needs no internet: the sample sync runs the real road (``crm.sync``) on records
held here, shaped as the HubSpot adapter gives them, then the connection is left paused so
the beat job never calls HubSpot with its placeholder token. Idempotent: the connection is
found by name, and the sample sync changes nothing the second time.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from indicators.models import Indicator
from plans.models import Plan, PlanStatus

from . import services
from .adapters import DEALS, Page, Record
from .models import Connection, Metric, State
from .sync import sync_connection

NAME = "HubSpot (démo)"
UNMATCHED = "ancien.commercial@exemple.fr"


class SampleAdapter:
    """Three deals won by rep1 last weeks, one still open, one of a former colleague."""

    STREAMS = {"deals": DEALS}

    def __init__(self, rep_email: str, today):
        self.records = [
            Record(
                id="9001",
                owner_email=rep_email,
                won=True,
                amount=Decimal(2400),
                closed=today - timedelta(days=9),
                created=today - timedelta(days=30),
            ),
            Record(
                id="9002",
                owner_email=rep_email,
                won=True,
                amount=Decimal(1800),
                closed=today - timedelta(days=4),
                created=today - timedelta(days=20),
            ),
            Record(
                id="9003",
                owner_email=rep_email,
                won=True,
                amount=Decimal(950),
                closed=today - timedelta(days=2),
                created=today - timedelta(days=12),
            ),
            Record(
                id="9004",
                owner_email=rep_email,
                amount=Decimal(5200),
                created=today - timedelta(days=3),
            ),
            Record(
                id="9005",
                owner_email=UNMATCHED,
                won=True,
                amount=Decimal(3100),
                closed=today - timedelta(days=6),
                created=today - timedelta(days=40),
            ),
        ]

    def check(self) -> None:
        pass

    def pages(self, stream, cursor):
        yield Page(records=self.records, cursor=timezone.now().isoformat())


def seed(ctx) -> None:
    if not ctx.teams:
        return
    team = ctx.teams[0]
    plan = Plan.objects.filter(team=team, status=PlanStatus.ACTIVE).order_by("-start_date").first()
    revenue = plan and Indicator.objects.filter(plan=plan, template_code="revenue").first()
    rep = ctx.users.get("rep1")
    if revenue is None or rep is None:
        return
    connection = Connection.objects.filter(team=team, name=NAME).first()
    if connection is None:
        connection = services.connection_create(
            team=team,
            kind="hubspot",
            name=NAME,
            credentials={"access_token": "pat-demo-not-a-real-token"},
        )
        services.mapping_add(
            connection=connection, metric=Metric.DEALS_WON_AMOUNT, indicator=revenue
        )
    # The indicators' step writes rep1's figures again: the sample sync puts its own back
    # (keyed by record, so nothing doubles) and keeps one run on the page.
    sample = SampleAdapter(rep.email, timezone.localdate())
    run = sync_connection(connection=connection, adapter=sample)
    connection.runs.exclude(pk=run.pk).delete()
    Connection.objects.filter(pk=connection.pk).update(state=State.PAUSED)
