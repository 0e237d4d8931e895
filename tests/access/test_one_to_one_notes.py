"""A 1:1's notes are the manager's and the rep's: HR sees that it took place and the actions
agreed, not what was said — on the page and through the API."""

from datetime import date

import pytest
from django.urls import reverse

from coaching.services import coaching_session_create

SECRET = "Wants to move to key accounts next year"


@pytest.fixture
def session(team, manager, rep):
    return coaching_session_create(
        manager=manager, rep=rep, date=date(2026, 11, 20), notes=SECRET, strengths="Listening"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["manager", "rep"])
def test_the_two_people_of_the_1to1_read_its_notes(request, client, session, who):
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("coaching:coaching-detail", args=[session.pk]))
    assert page.status_code == 200 and SECRET in page.content.decode()


@pytest.mark.django_db
def test_hr_sees_the_session_but_not_its_notes_on_the_page(client, session, hr):
    client.force_login(hr)
    page = client.get(reverse("coaching:coaching-detail", args=[session.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "20/11/2026" in html  # the session, in French
    assert SECRET not in html and "Listening" not in html


@pytest.mark.django_db
def test_hr_gets_the_session_without_its_notes_through_the_api(api, session, hr, rep):
    api.force_authenticate(hr)
    listed = api.get("/api/v1/coaching-sessions/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    one = api.get(f"/api/v1/coaching-sessions/{session.pk}/").json()
    for row in [*rows, one]:
        assert row["id"] == session.pk and row["date"] == "2026-11-20"
        assert not {"notes", "strengths", "areas_to_improve"} & set(row)
    assert SECRET not in str(listed) + str(one)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["manager", "rep"])
def test_the_two_people_get_the_notes_through_the_api(request, api, session, who):
    api.force_authenticate(request.getfixturevalue(who))
    one = api.get(f"/api/v1/coaching-sessions/{session.pk}/").json()
    assert one["notes"] == SECRET and one["strengths"] == "Listening"
