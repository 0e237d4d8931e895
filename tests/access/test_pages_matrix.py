"""Every cell of the pages matrix (tests/access/pages.py), one test per cell."""

import pytest
from django.utils.html import escape

from plans.models import ActionStatus

from .matrix import HIDE, SEE
from .pages import LOGIN, OK, PAGES, page_cells


@pytest.mark.parametrize(
    ("model", "op", "persona", "expected"), list(page_cells()), ids=lambda v: str(v)
)
def test_page_cell(client, world, model, op, persona, expected):
    spec = PAGES[model]
    method, url, _answers = spec["ops"][op]
    if persona != "anon":
        client.force_login(getattr(world.users, persona))
    if op == "reopen":
        type(world.action).objects.filter(pk=world.action.pk).update(status=ActionStatus.DONE)
    path = url(world)
    response = client.get(path) if method == "GET" else client.post(path, {})
    status = response.status_code

    if expected == LOGIN:
        assert status == 302 and "/login/" in response["Location"], status
    elif expected in (SEE, HIDE):
        assert status == 200, status
        shown = escape(spec["title"](world)) in response.content.decode()
        assert shown is (expected == SEE)
    elif expected == OK:
        assert status in (200, 302, 400), status
        if status == 302:
            assert "/login/" not in response["Location"]
    else:
        assert status == expected, status
