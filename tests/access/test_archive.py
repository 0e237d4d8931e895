"""Who may archive, see what is archived and restore it: the plan's manager (and admins);
nobody from another team; reps and HR neither see nor restore archived rows."""

import pytest

from indicators import services as indicator_services
from plans import services as plan_services

pytestmark = pytest.mark.django_db

PERSONAS = ("manager", "owner", "mate", "outsider", "other_manager", "hr", "anon")
#                                 manager owner mate outsider other_mgr hr   anon
MANAGER_ARCHIVES = dict(zip(PERSONAS, (204, 403, 403, 404, 404, 403, 401), strict=True))
# A rep archives their own figures (and sees only their own, nor a colleague's target).
ARCHIVE = {
    "lever": MANAGER_ARCHIVES,
    "milestone": MANAGER_ARCHIVES,
    "action": MANAGER_ARCHIVES,
    "indicator": MANAGER_ARCHIVES,
    "target": dict(zip(PERSONAS, (204, 403, 404, 404, 404, 403, 401), strict=True)),
    "measurement": dict(zip(PERSONAS, (204, 204, 404, 404, 404, 400, 401), strict=True)),
}
SEE_ARCHIVED = dict(zip(PERSONAS, (True, 403, 403, 403, False, 403, 401), strict=True))
RESTORE = dict(zip(PERSONAS, (200, 404, 404, 404, 404, 404, 401), strict=True))
KINDS = {
    "lever": ("/api/v1/levers/", lambda w: w.lever, "lever_delete"),
    "milestone": ("/api/v1/milestones/", lambda w: w.milestone, "milestone_delete"),
    "action": ("/api/v1/actions/", lambda w: w.action, "action_delete"),
    "indicator": ("/api/v1/indicators/", lambda w: w.indicator, "indicator_delete"),
    "target": ("/api/v1/targets/", lambda w: w.target, "target_delete"),
    "measurement": ("/api/v1/measurements/", lambda w: w.measurement, "measurement_delete"),
}
SERVICES = {"lever": plan_services, "milestone": plan_services, "action": plan_services}
PAGES = {
    "lever": "/levers/",
    "milestone": "/milestones/",
    "action": "/actions/",
    "indicator": "/indicators/",
    "target": "/indicators/targets/",
    "measurement": "/indicators/measurements/",
}


def _archive(world, kind, row):
    service = getattr(SERVICES.get(kind, indicator_services), KINDS[kind][2])
    service(**{kind: row, "by": world.users.manager})


def _as(api, world, persona):
    if persona != "anon":
        api.force_authenticate(getattr(world.users, persona))
    return api


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("kind", KINDS)
def test_who_may_archive(api, world, kind, persona):
    url, row_of, _service = KINDS[kind]
    row = row_of(world)
    response = _as(api, world, persona).delete(f"{url}{row.pk}/")
    assert response.status_code == ARCHIVE[kind][persona]
    archived = type(row).all_objects.get(pk=row.pk).is_archived
    assert archived is (
        ARCHIVE[kind][persona] == 204
    )  # archived, never deleted: the plan is active


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("kind", KINDS)
def test_who_sees_what_is_archived(api, world, kind, persona):
    url, row_of, _service = KINDS[kind]
    row = row_of(world)
    _archive(world, kind, row)
    response = _as(api, world, persona).get(f"{url}?archived=true")
    expected = SEE_ARCHIVED[persona]
    if isinstance(expected, bool):
        assert response.status_code == 200
        assert (row.pk in {r["id"] for r in response.json()["results"]}) is expected
    else:
        assert response.status_code == expected
    # Archived rows are out of every ordinary list and read.
    if persona != "anon":
        assert _as(api, world, persona).get(f"{url}{row.pk}/").status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("kind", KINDS)
def test_who_may_restore(api, world, kind, persona):
    url, row_of, _service = KINDS[kind]
    row = row_of(world)
    _archive(world, kind, row)
    response = _as(api, world, persona).post(f"{url}{row.pk}/restore/")
    assert response.status_code == RESTORE[persona]
    assert type(row).all_objects.get(pk=row.pk).is_archived is (RESTORE[persona] != 200)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("manager", 302), ("owner", 404), ("mate", 404), ("outsider", 404), ("hr", 404)],
)
@pytest.mark.parametrize("kind", KINDS)
def test_who_may_restore_through_the_pages(client, world, kind, persona, expected):
    row = KINDS[kind][1](world)
    _archive(world, kind, row)
    client.force_login(getattr(world.users, persona))
    assert client.post(f"{PAGES[kind]}{row.pk}/restore/").status_code == expected
    assert type(row).all_objects.get(pk=row.pk).is_archived is (expected != 302)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("manager", 200), ("owner", 403), ("hr", 403), ("other_manager", 404), ("outsider", 404)],
)
def test_who_opens_the_archived_page(client, world, persona, expected):
    client.force_login(getattr(world.users, persona))
    assert client.get(f"/plans/{world.plan.pk}/archived/").status_code == expected
