"""The notification list, the bell and the preferences page, from each persona's side."""

import pytest
from django.utils import timezone

from reminders.models import (
    DeliveryState,
    EmailMode,
    ItemType,
    Reminder,
    ReminderPreference,
    Stage,
    TeamReminderSettings,
)

from .conftest import day

pytestmark = pytest.mark.django_db


def notify(user, title="Relancer Dupuis SA", stage=Stage.OVERDUE, state=DeliveryState.SENT, **kw):
    kw.setdefault("item_id", Reminder.objects.count() + 1)
    return Reminder.objects.create(
        recipient=user,
        stage=stage,
        item_type=kw.pop("item_type", ItemType.ACTION),
        due_date=kw.pop("due_date", day(-1)),
        title=title,
        state=state,
        **kw,
    )


def test_the_bell_shows_the_unread_count_with_one_query(
    login, rep, rep2, django_assert_max_num_queries
):
    notify(rep)
    notify(rep, title="Muted one", state=DeliveryState.MUTED)
    notify(rep, title="Read", read_at=timezone.now())
    notify(rep, title="Done since", state=DeliveryState.CANCELLED)
    notify(rep2)
    page = login(rep).get("/").content.decode()
    assert 'id="reminder-bell"' in page
    assert 'data-unread="2"' in page
    from django.test import RequestFactory

    from reminders.context_processors import bell

    request = RequestFactory().get("/")
    request.user = rep
    with django_assert_max_num_queries(1):  # one COUNT, read once however often used
        context = bell(request)
        assert context["reminder_bell"].unread == 2
        assert context["reminder_bell"].unread == 2


def test_anonymous_pages_pay_no_bell_query(client, rf, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    from reminders.context_processors import bell

    request = rf.get("/login/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert bell(request) == {"reminder_bell": None}
    assert 'id="reminder-bell"' not in client.get("/login/").content.decode()


def test_each_person_sees_only_their_own_notifications(login, rep, rep2, manager):
    notify(rep, title="Pour Julien")
    notify(rep2, title="Pour Sophie")
    notify(rep, title="Annulée", state=DeliveryState.CANCELLED)
    page = login(rep).get("/reminders/").content.decode()
    assert "Pour Julien" in page and "Pour Sophie" not in page and "Annulée" not in page
    assert "Pour Sophie" not in login(manager).get("/reminders/").content.decode()


def test_the_list_filters_by_stage_and_unread(login, rep):
    notify(rep, title="En retard")
    notify(rep, title="Bientôt", stage=Stage.UPCOMING, read_at=timezone.now())
    client = login(rep)
    page = client.get("/reminders/?stage=upcoming").content.decode()
    assert "Bientôt" in page and "En retard" not in page
    page = client.get("/reminders/?unread=true").content.decode()
    assert "En retard" in page and "Bientôt" not in page


def test_list_query_count_does_not_grow(login, rep, make_action, django_assert_max_num_queries):
    client = login(rep)
    for size in (3, 40):
        Reminder.objects.all().delete()
        for n in range(size):
            notify(rep, title=f"Action {n}", item_id=make_action(rep, day(-1)).pk)
        # session, user, groups (role), bell count, list count, list page, actions of the page
        # (hydrate), unread count; whatever the number of rows.
        with django_assert_max_num_queries(10):
            assert client.get("/reminders/").status_code == 200


def test_opening_a_notification_marks_it_read_and_goes_to_the_item(login, rep, make_action, rep2):
    action = make_action(rep, day(-1))
    mine = notify(rep, item_id=action.pk)
    response = login(rep).post(f"/reminders/{mine.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == f"/actions/{action.pk}/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_someone_elses_notification_is_a_404(login, rep, rep2):
    theirs = notify(rep2)
    assert login(rep).post(f"/reminders/{theirs.pk}/open/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(login, rep, rep2):
    notify(rep)
    notify(rep)
    notify(rep2)
    response = login(rep).post("/reminders/read-all/")
    assert response.status_code == 302
    assert not Reminder.objects.filter(recipient=rep, read_at=None).exists()
    assert Reminder.objects.filter(recipient=rep2, read_at=None).count() == 1


def test_a_rep_saves_preferences(login, rep):
    client = login(rep)
    page = client.get("/reminders/preferences/").content.decode()
    assert "pref-email_mode" in page and "team-upcoming_days" not in page
    response = client.post(
        "/reminders/preferences/",
        {
            "form": "pref",
            "pref-email_mode": "daily",
            "pref-daily_hour": "7",
            "pref-language": "en",
        },
    )
    assert response.status_code == 302
    pref = ReminderPreference.objects.get(user=rep)
    assert (pref.email_mode, pref.daily_hour, pref.weekend_quiet, pref.language) == (
        EmailMode.DAILY,
        7,
        False,
        "en",
    )


def test_a_bad_hour_is_refused_next_to_the_field_and_nothing_is_saved(login, rep):
    client = login(rep)
    client.get("/reminders/preferences/")
    response = client.post(
        "/reminders/preferences/",
        {
            "form": "pref",
            "pref-email_mode": "daily",
            "pref-daily_hour": "25",
            "pref-language": "fr",
        },
    )
    assert response.status_code == 200
    assert "inférieure ou égale à 23" in response.content.decode()
    assert ReminderPreference.objects.get(user=rep).daily_hour == 8


def test_a_manager_sets_the_team_thresholds_a_rep_cannot(login, manager, rep, team):
    client = login(manager)
    assert "team-upcoming_days" in client.get("/reminders/preferences/").content.decode()
    response = client.post(
        "/reminders/preferences/",
        {"form": "team", "team-upcoming_days": "4", "team-escalation_days": "5"},
    )
    assert response.status_code == 302
    settings = TeamReminderSettings.objects.get(team=team)
    assert (settings.upcoming_days, settings.escalation_days) == (4, 5)
    # A rep posting the team form changes nothing.
    login(rep).post(
        "/reminders/preferences/",
        {"form": "team", "team-upcoming_days": "9", "team-escalation_days": "9"},
    )
    settings.refresh_from_db()
    assert settings.upcoming_days == 4
    bad = login(manager).post(
        "/reminders/preferences/",
        {"form": "team", "team-upcoming_days": "4", "team-escalation_days": "0"},
    )
    assert bad.status_code == 200 and "supérieure ou égale à 1" in bad.content.decode()


def test_pages_fit_a_phone(login, rep):
    notify(rep)
    page = login(rep).get("/reminders/").content.decode()
    assert "<table" not in page or "table-responsive" in page
    assert "style=" not in page.split("<main", 1)[1]
