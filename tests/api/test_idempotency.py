"""A retried creating POST with an ``Idempotency-Key`` creates once (teams.once).

Given the API world, when a client sends the same call twice with one key, then the second
answer is the first one again (status and body) and no second row exists.
"""

import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from coaching.models import Enrollment, Kudos, Training
from indicators import services
from indicators.models import Measurement
from indicators.progress import compute
from plans.models import Action, ActionEvent, ActionEventKind, Lever, Milestone, Plan
from teams.models import IdempotencyKey

KEY = "5f0c8a5e-2d7e-4d59-9a43-3c1f0e6b2a11"


@dataclass
class Case:
    persona: str
    path: str
    body: object  # world, user -> the JSON body
    rows: object  # () -> how many rows of the kind exist


def _figure(w, user, value="5"):
    day = timezone.localdate() - timedelta(days=1)
    return {"indicator": w["revenue"].pk, "rep": user.pk, "date": day.isoformat(), "value": value}


CASES = {
    "measurement": Case(
        "rep", "/api/v1/measurements/", _figure, lambda: Measurement.objects.count()
    ),
    "measurements-bulk": Case(
        "rep",
        "/api/v1/measurements/bulk/",
        lambda w, u: {"rows": [_figure(w, u, "1"), _figure(w, u, "2")]},
        lambda: Measurement.objects.count(),
    ),
    "action": Case(
        "manager",
        "/api/v1/actions/",
        lambda w, u: {
            "lever": w["lever"].pk,
            "title": "Relancer",
            "assignee": w["own"].assignee_id,
            "due_date": timezone.localdate().isoformat(),
        },
        lambda: Action.objects.count(),
    ),
    "comment": Case(
        "rep",
        "/api/v1/actions/{own}/comment/",
        lambda w, u: {"text": "Rappelé"},
        lambda: ActionEvent.objects.filter(kind=ActionEventKind.COMMENT).count(),
    ),
    "enrolment": Case(
        "hr",
        "/api/v1/enrollments/",
        lambda w, u: {"session": w["session"].pk, "rep": w["colleague"].assignee_id},
        lambda: Enrollment.objects.count(),
    ),
    "lever": Case(
        "manager",
        "/api/v1/levers/",
        lambda w, u: {"plan": w["plan"].pk, "name": "Fidélisation", "aim": "retain"},
        lambda: Lever.objects.count(),
    ),
    "plan": Case(
        "manager",
        "/api/v1/plans/",
        lambda w, u: {
            "team": w["plan"].team_id,
            "title": "PAC S2",
            "start_date": w["plan"].start_date.isoformat(),
            "end_date": w["plan"].end_date.isoformat(),
        },
        lambda: Plan.objects.count(),
    ),
    "training": Case(
        "hr",
        "/api/v1/trainings/",
        lambda w, u: {
            "title": "Négociation",
            "topic": "negotiation",
            "kind": "classroom",
            "duration_hours": "14",
            "cost_per_seat": "800",
        },
        lambda: Training.objects.count(),
    ),
    "kudos": Case(
        "rep",
        "/api/v1/kudos/",
        lambda w, u: {"rep": w["colleague"].assignee_id, "message": "Bravo"},
        lambda: Kudos.objects.count(),
    ),
    "milestone": Case(
        "manager",
        "/api/v1/milestones/",
        lambda w, u: {
            "plan": w["plan"].pk,
            "title": "Mi-parcours",
            "date": timezone.localdate().isoformat(),
        },
        lambda: Milestone.objects.count(),
    ),
}


def _post(user, case, world, body=None, key=KEY):
    client = APIClient()
    client.force_authenticate(user)
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    path = case.path.format(own=world["own"].pk)
    return client.post(path, body or case.body(world, user), format="json", **headers)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_retry_with_the_same_key_gets_the_first_answer_and_creates_nothing(
    request, world, hr, name
):
    case = CASES[name]
    user = request.getfixturevalue(case.persona)
    before = case.rows()

    first = _post(user, case, world)
    second = _post(user, case, world)

    assert first.status_code == 201, first.json()
    assert case.rows() > before
    after_first = case.rows()
    assert (second.status_code, second.json()) == (first.status_code, first.json())
    assert second["Idempotent-Replayed"] == "true"
    assert case.rows() == after_first


def test_a_retried_figure_does_not_double_the_sum(world, rep):
    case = CASES["measurement"]
    _post(rep, case, world)
    _post(rep, case, world)
    progress = compute([world["revenue"]], rep_ids=[rep.pk], today=timezone.localdate())
    # The world's figure of 10, plus 5 once.
    assert progress[(world["revenue"].pk, rep.pk)].actual == Decimal("15")


def test_the_same_key_with_another_body_is_refused_clearly(world, rep):
    case = CASES["measurement"]
    _post(rep, case, world)
    other = _post(rep, case, world, body=_figure(world, rep, "7"))
    assert other.status_code == 422
    # "This Idempotency-Key was already used with another body.", in French.
    assert other.json()["detail"] == "Cette Idempotency-Key a déjà servi avec un autre contenu."
    assert Measurement.objects.count() == 2


def test_a_refused_call_leaves_its_key_free(world, rep):
    case = CASES["measurement"]
    refused = _post(rep, case, world, body=_figure(world, rep, "beaucoup"))
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert _post(rep, case, world).status_code == 201
    assert Measurement.objects.count() == 2


def test_another_users_key_replays_nothing_of_theirs(world, rep, rep2):
    case = CASES["measurement"]
    mine = _post(rep, case, world)
    theirs = _post(rep2, case, world)
    assert theirs.status_code == 201
    assert theirs.json()["id"] != mine.json()["id"]
    assert "Idempotent-Replayed" not in theirs
    assert Measurement.objects.filter(rep=rep2).count() == 1


def test_without_a_key_each_call_creates(world, rep):
    case = CASES["measurement"]
    for _ in range(2):
        assert _post(rep, case, world, key="").status_code == 201
    assert Measurement.objects.count() == 3
    assert not IdempotencyKey.objects.exists()


def test_a_key_too_long_is_refused(world, rep):
    response = _post(rep, CASES["measurement"], world, key="k" * 256)
    assert response.status_code == 400
    assert Measurement.objects.count() == 1


def test_every_creating_post_takes_the_header_in_the_schema(world, rep):
    client = APIClient()
    client.force_authenticate(rep)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    creating = {
        path: op
        for path, ops in schema["paths"].items()
        if (op := ops.get("post")) and "201" in op["responses"] and path != "/api/v1/auth/token/"
    }
    assert len(creating) > 20
    for path, op in creating.items():
        headers = [p["name"] for p in op.get("parameters", []) if p["in"] == "header"]
        assert "Idempotency-Key" in headers, path


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_calls_with_one_key_create_one_row(world, rep, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's shared in-memory test database refuses concurrent writers")
    case = CASES["measurement"]
    create = services.measurement_create

    def slow_create(**kwargs):
        # Both calls are inside the write at once: a look-then-insert check would let both in.
        time.sleep(0.3)
        return create(**kwargs)

    monkeypatch.setattr(services, "measurement_create", slow_create)
    barrier = threading.Barrier(2)
    answers = []

    def call():
        try:
            barrier.wait()
            answers.append(_post(rep, case, world))
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert Measurement.objects.count() == 2  # the world's figure and this one
