"""A double click or a back + resubmit of a creating form saves once (teams.once).

Each case opens the form's page as its user, takes the hidden one-time token the page drew
and posts the form twice with it, as a browser would on a double click.
"""

import datetime
import re
import threading
import time
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from coaching.models import Training, TrainingSession
from indicators import services
from indicators.models import Indicator, Measurement
from indicators.progress import compute
from plans.models import Action, ActionEvent, ActionEventKind, Lever, Plan
from teams.models import FormClaim
from teams.once import claims_purge

from ..fuzz.cases import CASES as FORM_CASES
from ..fuzz.conftest import fuzz_world  # noqa: F401 (a fixture, found by name)
from ..fuzz.rows import snapshot
from ..fuzz.test_forms import Page
from ..fuzz.test_forms import _post as post_form

TOKEN = re.compile(r'name="once_token" value="([0-9a-f]{32})"')


@dataclass
class World:
    plan: Plan
    lever: Lever
    action: Action
    indicator: Indicator
    session: TrainingSession


@pytest.fixture
def world(team, manager, rep, hr):
    today = timezone.localdate()
    plan = Plan.objects.create(
        team=team,
        title="PAC",
        start_date=today - datetime.timedelta(days=60),
        end_date=today + datetime.timedelta(days=60),
        created_by=manager,
    )
    lever = Lever.objects.create(plan=plan, name="Conquête", aim="prospect")
    action = Action.objects.create(lever=lever, title="Call", assignee=rep, due_date=today)
    indicator = Indicator.objects.create(
        plan=plan,
        name="Revenue",
        kind="quantitative",
        unit="eur",
        direction="higher",
        aggregation="sum",
        cadence="weekly",
        definition="Signed revenue",
        source="CRM",
    )
    training = Training.objects.create(
        title="CRM", topic="crm", kind="classroom", duration_hours=7, cost_per_seat=350
    )
    session = TrainingSession.objects.create(
        training=training,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        place="Paris",
        capacity=5,
    )
    return World(plan, lever, action, indicator, session)


@dataclass
class Case:
    persona: str
    page: str  # the page that draws the form
    post: str  # where it posts; empty: the page itself
    data: object  # World, User -> the form's fields
    rows: object  # World -> how many rows the form creates


TODAY = timezone.localdate


CASES = {
    "measurement": Case(
        "rep",
        "/indicators/{w.indicator.pk}/",
        "/indicators/{w.indicator.pk}/measurements/",
        lambda w, u: {"rep": u.pk, "date": TODAY().isoformat(), "value": "1000"},
        lambda w: Measurement.objects.filter(indicator=w.indicator).count(),
    ),
    "comment": Case(
        "rep",
        "/actions/{w.action.pk}/",
        "/actions/{w.action.pk}/comment/",
        lambda w, u: {"text": "Called back"},
        lambda w: ActionEvent.objects.filter(kind=ActionEventKind.COMMENT).count(),
    ),
}


def _token(client, url) -> str:
    page = client.get(url)
    assert page.status_code == 200
    tokens = TOKEN.findall(page.content.decode())
    assert tokens, f"no one-time token on {url}"
    return tokens[0]


def _open(request, login, world, name):
    case = CASES[name]
    user = request.getfixturevalue(case.persona)
    client = login(user)
    page = case.page.format(w=world)
    target = case.post.format(w=world) or page
    return case, user, client, _token(client, page), target


# Every form of tests/fuzz/cases.py that creates rows, posted with valid data.
CREATING_FORMS = {
    "plan-create", "plan-duplicate", "lever-create", "milestone-create", "action-create",
    "action-comment", "indicator-create", "targets", "measurement", "measurement-category",
    "week", "training-create", "session-create", "enroll", "training-request", "assess",
    "coaching-create", "agreed-action", "challenge-create", "challenge-group", "ritual-create",
    "meeting-create", "decision", "kudos", "scheme-create",
}  # fmt: skip


@pytest.mark.parametrize("case", [c for c in FORM_CASES if c.id in CREATING_FORMS], ids=str)
def test_each_creating_form_posted_twice_saves_once(case, request, client, fuzz_world):  # noqa: F811
    page = Page(case, request, client, fuzz_world)
    token = _token(client, case.get_url(fuzz_world) if case.get_url else page.url)
    data = {**page.data, "once_token": [token]}
    before = snapshot([])

    first = post_form(client, page.url, data)
    saved = snapshot([])
    second = post_form(client, page.url, data)

    assert first.status_code == 302, first.content.decode()[:2000]
    assert saved != before, "the first post saved nothing"
    assert snapshot([]) == saved, "the second post saved again"
    assert (second.status_code, second["Location"]) == (302, first["Location"])
    assert "Déjà enregistré." in client.get(second["Location"]).content.decode()


def test_every_creating_form_is_covered():
    assert {c.id for c in FORM_CASES} >= CREATING_FORMS


def test_a_double_posted_figure_does_not_double_the_sum(request, login, world, rep):
    case, user, client, token, target = _open(request, login, world, "measurement")
    data = {**case.data(world, user), "once_token": token}
    client.post(target, data)
    client.post(target, data)
    today = timezone.localdate()
    progress = compute([world.indicator], rep_ids=[rep.pk], today=today)
    assert progress[(world.indicator.pk, rep.pk)].actual == Decimal("1000")


def test_a_refused_form_keeps_its_token_for_the_corrected_post(request, login, world):
    case, user, client, token, target = _open(request, login, world, "measurement")
    data = {**case.data(world, user), "once_token": token}

    refused = client.post(target, {**data, "value": "beaucoup"})
    assert refused.status_code == 400
    assert not FormClaim.objects.exists()

    assert client.post(target, data).status_code == 302
    assert case.rows(world) == 1


def test_an_empty_comment_keeps_its_token(request, login, world):
    case, _user, client, token, target = _open(request, login, world, "comment")
    client.post(target, {"text": "", "once_token": token})
    client.post(target, {"text": "Called back", "once_token": token})
    assert case.rows(world) == 1


def test_another_users_token_replays_nothing_of_theirs(login, world, rep, rep2):
    case = CASES["measurement"]
    target = case.post.format(w=world)
    token = _token(login(rep), case.page.format(w=world))
    login(rep).post(target, {**case.data(world, rep), "once_token": token})

    theirs = login(rep2).post(target, {**case.data(world, rep2), "once_token": token})

    assert theirs.status_code == 302
    assert Measurement.objects.filter(rep=rep2).count() == 1


def test_a_post_without_a_token_is_served_as_before(login, world, rep):
    case = CASES["measurement"]
    client = login(rep)
    for _ in range(2):
        client.post(case.post.format(w=world), case.data(world, rep))
    assert case.rows(world) == 2


def test_each_form_of_a_page_draws_its_own_token(login, world, manager):
    html = login(manager).get(f"/indicators/{world.indicator.pk}/").content.decode()
    tokens = TOKEN.findall(html)
    assert len(tokens) == 2 and tokens[0] != tokens[1]


def test_claims_older_than_a_day_are_purged(login, world, rep):
    case = CASES["measurement"]
    data = {**case.data(world, rep), "once_token": "a" * 32}
    login(rep).post(case.post.format(w=world), data)
    assert FormClaim.objects.count() == 1
    assert claims_purge(now=timezone.now()) == 0
    assert claims_purge(now=timezone.now() + datetime.timedelta(days=1, minutes=1)) == 1
    assert not FormClaim.objects.exists()


def test_the_purge_forgets_more_than_one_batch_in_a_run(rep, monkeypatch):
    monkeypatch.setattr("teams.once.PURGE_BATCH", 2)
    FormClaim.objects.bulk_create(
        FormClaim(user=rep, token=f"{n:032x}", redirect_url="/") for n in range(5)
    )
    FormClaim.objects.update(created_at=timezone.now() - datetime.timedelta(days=2))
    assert claims_purge() == 5
    assert not FormClaim.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_of_one_token_save_once(world, rep, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's shared in-memory test database refuses concurrent writers")
    case = CASES["measurement"]
    target = case.post.format(w=world)
    data = {**case.data(world, rep), "once_token": "b" * 32}
    create = services.measurement_create

    def slow_create(**kwargs):
        # Both posts are inside the write at once: a look-then-insert check would let both in.
        time.sleep(0.3)
        return create(**kwargs)

    monkeypatch.setattr(services, "measurement_create", slow_create)
    barrier = threading.Barrier(2)
    answers = []

    def post():
        try:
            client = Client()
            client.force_login(rep)
            barrier.wait()
            answers.append(client.post(target, data))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]
    assert case.rows(world) == 1


def test_a_catalogue_indicator_added_twice_is_added_once(login, world, manager):
    client = login(manager)
    html = client.get(f"/indicators/plan/{world.plan.pk}/").content.decode()
    add = re.search(r'action="(/indicators/plan/\d+/add/[\w-]+/)">.*?' + TOKEN.pattern, html)
    assert add, "no catalogue form with a one-time token"
    before = Indicator.objects.count()
    first = client.post(add.group(1), {"once_token": add.group(2)})
    added = Indicator.objects.count()  # a rate brings its parts along
    second = client.post(add.group(1), {"once_token": add.group(2)})
    assert first.status_code == 302
    assert second["Location"] == first["Location"]
    assert added > before
    assert Indicator.objects.count() == added
