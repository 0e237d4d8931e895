"""The shared shape, against each vendor's loopback CRM: a record counts once, an edit moves
its figure, a deletion removes it, a re-run changes nothing, pages are followed, owners are
matched by email and never guessed, 429 / 5xx are retried, a bad token stops the connection."""

from datetime import date
from decimal import Decimal

import pytest

from crm import services
from crm.models import State
from crm.sync import sync_connection
from indicators.models import Measurement

from .conftest import _indicator, connect

pytestmark = pytest.mark.django_db


def figures(indicator):
    rows = Measurement.objects.filter(indicator=indicator).order_by("date", "value")
    return [(m.rep.username, m.date, m.value) for m in rows]


def sync(connection, **overrides):
    connection.refresh_from_db()
    run = sync_connection(connection=connection, **overrides)
    assert run is not None
    return run


def test_won_deals_become_figures_of_their_owners_on_their_close_date(
    crm, team, manager, rep, rep2, won, revenue, no_sleep
):
    v = crm.vendor
    v.deal(1, rep.email, amount=1200, closed=date(2026, 3, 2))
    v.deal(2, rep2.email, amount=800, closed=date(2026, 3, 5))
    v.deal(3, rep.email, won=False, amount=5000, created=date(2026, 3, 1))
    connection = connect(crm, team, manager, deals_won_count=won, deals_won_amount=revenue)

    run = sync(connection)

    assert run.error == ""
    assert figures(won) == [
        ("julien", date(2026, 3, 2), Decimal(1)),
        ("sophie", date(2026, 3, 5), Decimal(1)),
    ]
    assert figures(revenue) == [
        ("julien", date(2026, 3, 2), Decimal(1200)),
        ("sophie", date(2026, 3, 5), Decimal(800)),
    ]
    assert (run.created, run.updated, run.removed) == (4, 0, 0)
    assert Measurement.objects.filter(source=connection.source).count() == 4


def test_an_edit_moves_a_figure_a_deletion_removes_it_and_a_rerun_changes_nothing(
    crm, team, manager, rep, rep2, revenue, no_sleep
):
    v = crm.vendor
    v.deal(1, rep.email, amount=1200, closed=date(2026, 3, 2))
    v.deal(2, rep.email, amount=300, closed=date(2026, 3, 3))
    connection = connect(crm, team, manager, deals_won_amount=revenue)
    sync(connection)

    v.deal(1, rep2.email, amount=1500, closed=date(2026, 4, 1))  # moved to sophie, in April
    v.delete_deal(2)
    run = sync(connection)

    assert figures(revenue) == [("sophie", date(2026, 4, 1), Decimal(1500))]
    assert (run.updated, run.removed) == (1, 1)
    again = sync(connection)
    assert (again.created, again.updated, again.removed) == (0, 0, 0)
    assert figures(revenue) == [("sophie", date(2026, 4, 1), Decimal(1500))]


def test_every_page_is_read_and_each_page_moves_the_cursor(
    crm, team, manager, rep, won, no_sleep, monkeypatch
):
    v = crm.vendor
    v.page_cap = 3
    monkeypatch.setattr("crm.adapters.odoo.PAGE_SIZE", 3)
    for pk in range(1, 11):
        v.deal(pk, rep.email, closed=date(2026, 2, pk))
    connection = connect(crm, team, manager, deals_won_count=won)

    sync(connection)

    assert len(figures(won)) == 10
    connection.refresh_from_db()
    assert connection.cursors  # the next sync starts from there
    listed = [path for _method, path in v.calls]
    assert len(listed) >= 4  # ten records, three a page, plus the owners


def test_owners_are_matched_by_email_and_the_unmatched_are_listed_not_guessed(
    crm, team, manager, rep, won, no_sleep
):
    v = crm.vendor
    v.deal(1, rep.email.upper(), closed=date(2026, 3, 2))
    v.deal(2, "stranger@elsewhere.test", closed=date(2026, 3, 2))
    connection = connect(crm, team, manager, deals_won_count=won)

    sync(connection)

    assert figures(won) == [("julien", date(2026, 3, 2), Decimal(1))]
    connection.refresh_from_db()
    assert connection.unmatched_owners == ["stranger@elsewhere.test"]


def test_a_429_waits_for_its_retry_after_and_a_5xx_backs_off(
    crm, team, manager, rep, won, settings
):
    settings.CRM_RETRY_BASE_SECONDS = 2
    v = crm.vendor
    v.deal(1, rep.email, closed=date(2026, 3, 2))
    connection = connect(crm, team, manager, deals_won_count=won)
    path = {
        "hubspot": "/objects/",
        "pipedrive": "/api/v2/",
        "salesforce": "/query",
        "odoo": "/jsonrpc",
    }[v.name]
    v.fail(path, 429, {"Retry-After": "7"})
    v.fail(path, 503, times=2)
    waits = []

    run = sync(connection, sleep=waits.append)

    assert run.error == ""
    assert figures(won) == [("julien", date(2026, 3, 2), Decimal(1))]
    # The 429's Retry-After, then 2 s doubled at each further try. simple-salesforce does not
    # hand the headers over: there the back-off applies to the 429 too.
    first = 2.0 if v.name == "salesforce" else 7.0
    assert waits == [first, 4.0, 8.0]


def test_a_wrong_token_stops_the_connection_with_a_plain_message_and_writes_nothing(
    crm, team, manager, rep, won, no_sleep
):
    v = crm.vendor
    v.deal(1, rep.email, closed=date(2026, 3, 2))
    connection = connect(crm, team, manager, deals_won_count=won)
    v.token = v.key = "revoked"  # the key in the CRM was revoked

    run = sync(connection)

    connection.refresh_from_db()
    assert connection.state == State.STOPPED
    # In the site's language (French by default): the manager reads it as it is.
    assert connection.last_error == f"{connection.get_kind_display()} a refusé les identifiants" + (
        " : donnez-en de nouveaux." if v.name == "odoo" else " (HTTP 401) : donnez-en de nouveaux."
    )
    assert run.error == connection.last_error
    assert figures(won) == []


def test_a_fault_after_some_pages_keeps_whole_pages_and_the_next_run_resumes(
    crm, team, manager, rep, won, no_sleep, monkeypatch
):
    v = crm.vendor
    v.page_cap = 2
    monkeypatch.setattr("crm.adapters.odoo.PAGE_SIZE", 2)
    for pk in range(1, 6):
        v.deal(pk, rep.email, closed=date(2026, 2, pk))
    connection = connect(crm, team, manager, deals_won_count=won)
    calls = {"n": 0}
    original = v.answer

    def failing_after_first_page(method, path, query, headers, body):
        status, extra, payload = original(method, path, query, headers, body)
        is_page = (
            "deals" in path
            or "/query/01g" in path
            or "Opportunity" in query.get("q", "")
            or (body and "crm.lead" in body["params"]["args"])
        )
        if is_page:
            calls["n"] += 1
            if calls["n"] > 1:
                return 503, {}, {"error": "down"}
        return status, extra, payload

    v.answer = failing_after_first_page
    run = sync(connection)
    assert "503" in run.error
    assert len(figures(won)) == 2  # the first page, whole

    v.answer = original
    sync(connection)
    assert len(figures(won)) == 5


def test_a_full_sync_removes_what_the_crm_no_longer_has(crm, team, manager, rep, won, no_sleep):
    v = crm.vendor
    v.deal(1, rep.email, closed=date(2026, 3, 2))
    v.deal(2, rep.email, closed=date(2026, 3, 3))
    v.deal(3, "gone@elsewhere.test", closed=date(2026, 3, 3))
    connection = connect(crm, team, manager, deals_won_count=won)
    sync(connection)
    # Gone without a trace (an Odoo unlink, or older than the vendor's list of deletions).
    store = {
        "pipedrive": lambda: v.rows["deals"],
        "hubspot": lambda: v.objects["deals"],
        "salesforce": lambda: v.objects["Opportunity"],
        "odoo": lambda: v.models["crm.lead"],
    }
    rows = store[v.name]()
    del rows[sorted(rows)[1]]
    if hasattr(v, "_sorted"):
        v._sorted.clear()  # the fake's cache of its listing

    sync(connection)  # an incremental sync cannot see it
    assert len(figures(won)) == 2
    run = sync(connection, full=True)

    assert figures(won) == [("julien", date(2026, 3, 2), Decimal(1))]
    assert run.removed == 1
    connection.refresh_from_db()
    assert connection.unmatched_owners == ["gone@elsewhere.test"]


def test_activities_of_the_chosen_type_done_count_on_the_day_they_were_done(
    crm, team, manager, rep, rep2, plan, no_sleep
):
    v = crm.vendor
    calls = _indicator(plan, "Calls", "count")
    v.activity(1, rep.email, kind="call", done_on=date(2026, 3, 3))
    v.activity(2, rep2.email, kind="call", done_on=date(2026, 3, 4))
    v.activity(3, rep.email, kind="meeting", done_on=date(2026, 3, 3))  # another type
    v.activity(4, rep.email, kind="call")  # planned, not done
    connection = connect(crm, team, manager)
    services.mapping_add(
        connection=connection,
        metric="activities_done",
        indicator=calls,
        activity_type="call",
        by=manager,
    )

    sync(connection)

    assert figures(calls) == [
        ("julien", date(2026, 3, 3), Decimal(1)),
        ("sophie", date(2026, 3, 4), Decimal(1)),
    ]
    again = sync(connection)
    assert (again.created, again.updated, again.removed) == (0, 0, 0)
