"""Every cell of the API matrix (tests/access/matrix.py), one test per cell."""

import pytest

from plans.models import ActionStatus

from .matrix import API, HIDE, SEE, SPECIAL_PATHS, api_cells


def _ids(results) -> set[int]:
    return {row["id"] for row in results}


@pytest.mark.parametrize(
    ("model", "op", "persona", "expected"),
    list(api_cells()),
    ids=lambda v: str(v),
)
def test_api_cell(api, world, model, op, persona, expected):
    spec = API[model]
    row = getattr(world, spec["row"])
    if persona != "anon":
        api.force_authenticate(getattr(world.users, persona))
    base = spec["url"]
    detail = f"{base}{row.pk}/"

    if op == "list":
        response = api.get(base)
        if expected in (SEE, HIDE):
            assert response.status_code == 200, response.content[:300]
            body = response.json()
            rows = body["results"] if isinstance(body, dict) else body
            assert (row.pk in _ids(rows)) is (expected == SEE)
        else:
            assert response.status_code == expected
        return

    if op == "read":
        response = api.get(detail)
    elif op == "create":
        response = api.post(base, spec["create"](world), format="json")
    elif op == "update":
        response = api.patch(detail, spec["update"](world), format="json")
    elif op == "delete":
        response = api.delete(detail)
    else:
        if op == "reopen":
            type(row).objects.filter(pk=row.pk).update(status=ActionStatus.DONE)
        method, path = SPECIAL_PATHS[op]
        if method == "PATCH":  # the path is the body
            response = api.patch(detail, path, format="json")
        elif method == "GET":
            response = api.get(f"{detail}{path}/")
        else:
            response = api.post(f"{detail}{path}/", format="json")
    assert response.status_code == expected, response.content[:300]

    # A refused write leaves the row as it was; an allowed delete removes it.
    still_there = type(row).objects.filter(pk=row.pk).exists()
    if op == "delete":
        assert still_there is (expected != 204)
    elif op == "update" and expected != 200:
        assert still_there
    elif op == "cancel":
        row.refresh_from_db()
        assert (row.status == ActionStatus.CANCELLED) is (expected == 200)
