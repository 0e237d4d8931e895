"""Nothing lost: in a plan that has been active, deleting a lever, a milestone or an action
archives it (hidden from pages, totals and pay, kept with what hangs on it) and its manager
restores it exactly as it was. In a draft plan a delete is still a delete."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from coaching import services as coaching_services
from coaching.selectors import scheme_payouts
from pacsite.tasks import purge_archived_rows
from plans import services
from plans.models import Action, ActionEvent, ActionStatus, Lever, Milestone, Plan, PlanStatus
from teams.models import AuditEntry, AuditKind

from .factories import ActionFactory, LeverFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

TIERS = [{"threshold": Decimal(50), "bonus_kind": "amount", "value": Decimal(200)}]


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"  # the pages too, without an Accept-Language header
    with translation.override("en"):
        yield


def _done(lever, rep, *, milestone=None, title="Done"):
    today = timezone.localdate()
    action = ActionFactory(
        lever=lever, assignee=rep, title=title, due_date=today, milestone=milestone
    )
    services.action_set_status(action=action, by=rep, status=ActionStatus.DONE)
    return action


@pytest.fixture
def busy_lever(lever, rep, rep2, milestone):
    """The lever with 3 actions (2 done, one linked to the milestone) and their history."""
    _done(lever, rep, milestone=milestone, title="Signed")
    _done(lever, rep2, title="Called")
    ActionFactory(lever=lever, assignee=rep, title="Open one")
    return lever


@pytest.fixture
def effort_scheme(plan, manager, rep, rep2):
    today = timezone.localdate()
    return coaching_services.scheme_create(
        plan=plan,
        reps=[rep, rep2],
        tiers=TIERS,
        by=manager,
        name="Effort",
        basis="effort",
        period_start=today - datetime.timedelta(days=30),
        period_end=today + datetime.timedelta(days=30),
    )


def _totals(plan):
    row = Plan.objects.with_progress(timezone.localdate()).get(pk=plan.pk)
    return row.actions_total, row.actions_done


def _snapshot(plan):
    """Every action of the plan, archived or not, as it stands (to compare after restore)."""
    return sorted(
        Action.all_objects.filter(lever__plan=plan).values_list(
            "pk", "status", "milestone_id", "archived_at", "completed_at"
        )
    )


# ------------------------------------------------------------------------------------ levers


def test_the_confirmation_says_what_goes_with_a_lever(login, manager, busy_lever):
    response = login(manager).get(f"/levers/{busy_lever.pk}/delete/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "3 actions, of which 2 done" in page
    assert "serve 1 milestone" in page
    assert "changes the pay of" in page
    assert "is archived" in page or "archived" in page
    assert Lever.objects.filter(pk=busy_lever.pk).exists()  # a GET changes nothing


def test_archiving_a_lever_hides_it_and_its_actions_and_restore_brings_them_back(
    login, manager, plan, busy_lever, rep, effort_scheme
):
    today = timezone.localdate()
    before = _snapshot(plan)
    events = ActionEvent.objects.filter(action__lever=busy_lever).count()
    pay = {line.rep.pk: line.amount for line in scheme_payouts(effort_scheme, [rep], today=today)}
    assert _totals(plan) == (3, 2) and pay[rep.pk] == Decimal(200)
    client = login(manager)

    response = client.post(f"/levers/{busy_lever.pk}/delete/", follow=True)

    page = response.content.decode()
    assert "Conquête des PME" in page and f"/levers/{busy_lever.pk}/restore/" in page  # Undo
    assert f'id="lever-{busy_lever.pk}"' not in page
    assert not Lever.objects.filter(pk=busy_lever.pk).exists()
    assert Lever.all_objects.filter(pk=busy_lever.pk).exists()  # kept
    assert _totals(plan) == (0, 0)
    assert not Action.objects.filter(lever=busy_lever).exists()
    assert "Signed" not in client.get("/my-actions/").content.decode()
    line = scheme_payouts(effort_scheme, [rep], today=today)[0]
    assert line.amount == 0 and "archived action" in line.explanation
    stamps = set(Action.all_objects.filter(lever=busy_lever).values_list("archived_at", flat=True))
    assert stamps == {Lever.all_objects.get(pk=busy_lever.pk).archived_at}

    archived_page = client.get(f"/plans/{plan.pk}/archived/").content.decode()
    assert "Conquête des PME" in archived_page and "with 3 actions" in archived_page

    response = client.post(f"/levers/{busy_lever.pk}/restore/", follow=True)
    assert "is restored" in response.content.decode()
    assert _snapshot(plan) == [(*row[:3], None, row[4]) for row in before]
    assert ActionEvent.objects.filter(action__lever=busy_lever).count() == events
    assert _totals(plan) == (3, 2)
    assert scheme_payouts(effort_scheme, [rep], today=today)[0].amount == Decimal(200)
    kinds = list(
        AuditEntry.objects.filter(object_id=str(busy_lever.pk), object_type="plans.lever")
        .order_by("pk")
        .values_list("kind", "actor")
    )
    assert kinds == [(AuditKind.ARCHIVED, manager.pk), (AuditKind.RESTORED, manager.pk)]


def test_restoring_a_lever_leaves_an_action_archived_on_its_own_before(
    manager, lever, rep, rep_action, rep2_action
):
    services.action_delete(action=rep_action, by=manager)
    services.lever_delete(lever=lever, by=manager)
    services.lever_restore(lever=Lever.all_objects.get(pk=lever.pk), by=manager)
    assert list(Action.objects.filter(lever=lever)) == [rep2_action]
    assert Action.all_objects.get(pk=rep_action.pk).is_archived


def test_an_action_of_an_archived_lever_waits_for_its_lever(manager, lever, rep_action):
    services.lever_delete(lever=lever, by=manager)
    with pytest.raises(Exception, match="restore the lever first"):
        services.action_restore(action=Action.all_objects.get(pk=rep_action.pk), by=manager)


def test_in_a_draft_plan_a_lever_is_really_deleted(login, manager, plan, busy_lever):
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.DRAFT)
    page = login(manager).get(f"/levers/{busy_lever.pk}/delete/").content.decode()
    assert "cannot be undone" in page
    response = login(manager).post(f"/levers/{busy_lever.pk}/delete/", follow=True)
    assert "is deleted" in response.content.decode()
    assert not Lever.all_objects.filter(pk=busy_lever.pk).exists()
    assert not Action.all_objects.filter(lever_id=busy_lever.pk).exists()


def test_the_activation_check_ignores_archived_actions(manager, plan, lever, rep_action):
    services.action_delete(action=rep_action, by=manager)
    assert any("has no action" in line for line in services.missing_for_activation(plan))


# -------------------------------------------------------------------------------- milestones


def test_archiving_a_milestone_unlinks_its_actions_and_restore_links_them_back(
    login, manager, plan, lever, rep, milestone
):
    linked = _done(lever, rep, milestone=milestone)
    client = login(manager)
    page = client.get(f"/milestones/{milestone.pk}/delete/").content.decode()
    assert "1 action is linked to it" in page

    response = client.post(f"/milestones/{milestone.pk}/delete/", follow=True)

    assert f"/milestones/{milestone.pk}/restore/" in response.content.decode()
    assert "Salon PME" not in client.get(f"/plans/{plan.pk}/").content.decode()
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
    linked.refresh_from_db()
    assert linked.milestone_id is None and not linked.is_archived  # the action stays
    assert "Salon PME" in client.get(f"/plans/{plan.pk}/archived/").content.decode()

    client.post(f"/milestones/{milestone.pk}/restore/")

    linked.refresh_from_db()
    assert linked.milestone_id == milestone.pk
    restored = Milestone.objects.with_action_counts().get(pk=milestone.pk)
    assert restored.done_actions == 1 and restored.detached_action_ids == []


# ----------------------------------------------------------------------------------- actions


def test_archiving_a_done_action_says_it_changes_pay_and_the_payout_shows_it(
    login, manager, plan, lever, rep, effort_scheme
):
    today = timezone.localdate()
    action = _done(lever, rep)
    assert scheme_payouts(effort_scheme, [rep], today=today)[0].amount == Decimal(200)
    client = login(manager)
    page = client.get(f"/actions/{action.pk}/delete/").content.decode()
    assert "This action is done: archiving it changes" in page

    client.post(f"/actions/{action.pk}/delete/")

    line = scheme_payouts(effort_scheme, [rep], today=today)[0]
    assert line.amount == 0 and "1 archived action no longer counts" in line.explanation
    assert _totals(plan) == (0, 0)
    assert client.get(f"/actions/{action.pk}/").status_code == 404
    assert ActionEvent.objects.filter(action_id=action.pk).exists()  # its history is kept

    client.post(f"/actions/{action.pk}/restore/")

    line = scheme_payouts(effort_scheme, [rep], today=today)[0]
    assert line.amount == Decimal(200) and "archived" not in line.explanation
    assert _totals(plan) == (1, 1)
    assert Action.objects.get(pk=action.pk).status == ActionStatus.DONE


def test_the_archived_page_is_the_plan_managers(login, manager, rep, other_manager, hr, plan):
    assert login(manager).get(f"/plans/{plan.pk}/archived/").status_code == 200
    assert login(rep).get(f"/plans/{plan.pk}/archived/").status_code == 403
    assert login(hr).get(f"/plans/{plan.pk}/archived/").status_code == 403
    assert login(other_manager).get(f"/plans/{plan.pk}/archived/").status_code == 404


def test_only_the_plans_manager_restores(login, manager, rep, other_manager, lever, rep_action):
    services.action_delete(action=rep_action, by=manager)
    for who in (rep, other_manager):
        assert login(who).post(f"/actions/{rep_action.pk}/restore/").status_code == 404
    assert Action.all_objects.get(pk=rep_action.pk).is_archived
    assert login(manager).post(f"/actions/{rep_action.pk}/restore/").status_code == 302
    assert not Action.all_objects.get(pk=rep_action.pk).is_archived


def test_a_new_lever_goes_after_archived_ones_and_levers_reorder_among_live_ones(
    manager, plan, lever
):
    second = LeverFactory(plan=plan, name="Second")
    services.lever_delete(lever=lever, by=manager)
    services.lever_move(lever=second, offset=-1)  # the archived lever is not in the way
    assert list(plan.levers.all()) == [second]


def test_the_milestone_fixture_is_on_track_after_restore(manager, plan):
    milestone = MilestoneFactory(plan=plan, title="Bilan")
    services.milestone_delete(milestone=milestone, by=manager)
    services.milestone_restore(milestone=Milestone.all_objects.get(pk=milestone.pk), by=manager)
    assert Milestone.objects.get(pk=milestone.pk).status(timezone.localdate()) == "on_track"


@pytest.mark.parametrize("size", [2, 8])
def test_the_archived_page_keeps_a_constant_query_count(
    size, login, manager, plan, rep, django_assert_max_num_queries
):
    for i in range(size):
        lever = LeverFactory(plan=plan, name=f"Lever {i}")
        ActionFactory(lever=lever, assignee=rep)
        services.action_delete(action=ActionFactory(lever=lever, assignee=rep), by=manager)
        services.milestone_delete(milestone=MilestoneFactory(plan=plan), by=manager)
        services.lever_delete(lever=lever, by=manager)
    client = login(manager)
    # session + user, plan, levers, milestones, actions (+ savepoint-free base layout reads)
    with django_assert_max_num_queries(12):
        response = client.get(f"/plans/{plan.pk}/archived/")
    assert response.content.decode().count("Restore") >= 2 * size


def test_the_daily_purge_really_deletes_what_is_archived_past_the_retention(
    settings, manager, plan, lever, rep_action, milestone
):
    settings.ARCHIVE_RETENTION_DAYS = 90
    services.lever_delete(lever=lever, by=manager)
    services.milestone_delete(milestone=milestone, by=manager)
    long_ago = timezone.now() - datetime.timedelta(days=91)
    stamp = Lever.all_objects.get(pk=lever.pk).archived_at
    for model in (Lever, Action):
        model.all_objects.filter(archived_at=stamp).update(archived_at=long_ago)

    assert purge_archived_rows() == 1

    assert not Lever.all_objects.filter(pk=lever.pk).exists()
    assert not Action.all_objects.filter(pk=rep_action.pk).exists()  # went with its lever
    assert Milestone.all_objects.get(pk=milestone.pk).is_archived  # archived lately: kept
    assert "archive-purge" in settings.CELERY_BEAT_SCHEDULE


def test_the_admin_sees_archived_rows_and_may_really_delete_them(
    client, admin_user, manager, rep_action
):
    services.action_delete(action=rep_action, by=manager)
    client.force_login(admin_user)
    assert client.get(f"/admin/plans/action/{rep_action.pk}/change/").status_code == 200
    client.post(f"/admin/plans/action/{rep_action.pk}/delete/", {"post": "yes"})
    assert not Action.all_objects.filter(pk=rep_action.pk).exists()


def test_the_confirmation_and_the_archived_page_speak_french(login, manager, plan, busy_lever):
    client = login(manager)
    page = client.get(f"/levers/{busy_lever.pk}/delete/", HTTP_ACCEPT_LANGUAGE="fr")
    text = page.content.decode()
    assert "3 actions, dont 2 faites, avec leur historique" in text
    assert "change la prime de" in text and "Archiver" in text
    response = client.post(
        f"/levers/{busy_lever.pk}/delete/", follow=True, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert "Archivage fait" in response.content.decode()
    archived = client.get(f"/plans/{plan.pk}/archived/", HTTP_ACCEPT_LANGUAGE="fr")
    assert (
        "Restaurer" in archived.content.decode() and "avec 3 actions" in archived.content.decode()
    )
