"""Pages of the plans app: thin views (fetch through ``plans.access``, validate with a form,
call a service, respond). A row the user may not see is a 404; a row they may see but not
change is a 403."""

from datetime import timedelta
from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from teams import team_cache
from teams.access import get_object_for_user, managed_teams, visible_teams
from teams.archive_pages import confirm_or_delete, restore_page
from teams.forms import add_service_errors
from teams.once import once, once_failed
from teams.redirects import safe_next
from teams.roles import Role, role_of

from . import selectors, services, timeline
from .access import (
    actions_visible_to,
    archived_row_for,
    can_manage_plan,
    can_work_on_action,
    plans_visible_to,
)
from .activation import ActivationRefused
from .display import dress_rows
from .forms import (
    ActionCreateForm,
    ActionForm,
    CommentForm,
    DuplicateForm,
    LeverForm,
    MilestoneForm,
    PlanForm,
    ReassignForm,
    person_label,
)
from .models import Action, ActionStatus, Lever, Milestone, Plan, PlanStatus

# Fetching --------------------------------------------------------------------------------


def _visible_plan(request, pk) -> Plan:
    return get_object_for_user(
        plans_visible_to(request.user).select_related("team"), request.user, pk=pk
    )


def _managed_plan(request, pk) -> Plan:
    """A plan the user may see (else 404) and run (else 403)."""
    plan = _visible_plan(request, pk)
    if not can_manage_plan(request.user, plan):
        raise PermissionDenied
    return plan


def _managed_lever(request, pk) -> Lever:
    lever = get_object_for_user(
        Lever.objects.filter(plan__in=plans_visible_to(request.user)).select_related("plan__team"),
        request.user,
        pk=pk,
    )
    if not can_manage_plan(request.user, lever.plan):
        raise PermissionDenied
    return lever


def _managed_milestone(request, pk) -> Milestone:
    milestone = get_object_for_user(
        Milestone.objects.filter(plan__in=plans_visible_to(request.user)).select_related(
            "plan__team"
        ),
        request.user,
        pk=pk,
    )
    if not can_manage_plan(request.user, milestone.plan):
        raise PermissionDenied
    return milestone


def _visible_action(request, pk):
    return get_object_for_user(actions_visible_to(request.user).for_display(), request.user, pk=pk)


def _workable_action(request, pk):
    """An action the user may tick off, start, reopen or comment: their own, or their team's."""
    action = _visible_action(request, pk)
    if not can_work_on_action(request.user, action):
        raise PermissionDenied
    return action


# Plans -----------------------------------------------------------------------------------


def plan_list(request):
    today = timezone.localdate()
    filterset, plans = selectors.plan_list(user=request.user, data=request.GET, today=today)
    return render(
        request,
        "plans/plan_list.html",
        {
            "filter": filterset,
            "plans": plans,
            "can_create": managed_teams(request.user).exists(),
        },
    )


def plan_detail(request, pk, *, missing=None):
    plan = _visible_plan(request, pk)  # access first: the cache holds only what may be seen
    today = timezone.localdate()
    context = {
        "plan": plan,
        "today": today,
        "can_manage": can_manage_plan(request.user, plan) and plan.is_editable,
        "can_change_status": can_manage_plan(request.user, plan),
        "missing": missing,
    }

    def body() -> str:
        rows = selectors.plan_detail(
            plan=plan, today=today, lever_pk=request.GET.get("lever"), page=request.GET.get("page")
        )
        return team_cache.render_for_cache(request, "plans/_plan_body.html", {**context, **rows})

    if missing:  # the answer to a refused activation: drawn once, not kept
        html = body()
    else:
        # Cached per team version, day, language, viewer (their buttons) and query string
        # (the lever's page, the forms' return address): computing and rendering the levers'
        # rows was nearly all of the page's time at full size (bench/pages.py).
        key = team_cache.result_key(
            "plan-page",
            team_id=plan.team_id,
            today=today,
            scope=request.user.pk,
            extra=request.get_full_path(),
        )
        html = team_cache.get_or_compute(plan.team_id, {key: body})[key]
    return render(
        request,
        "plans/plan_detail.html",
        {**context, "body": team_cache.with_csrf(request, html)},
    )


def plan_timeline(request, pk):
    """Who does what, when: the plan's milestones in date order with their actions."""
    plan = _visible_plan(request, pk)
    today = timezone.localdate()
    context = timeline.plan_timeline(
        plan=plan,
        today=today,
        data=request.GET,
        group=request.GET.get("milestone"),
        page=request.GET.get("page"),
    )
    can_manage = can_manage_plan(request.user, plan) and plan.is_editable
    return render(
        request,
        "plans/plan_timeline.html",
        {"plan": plan, "today": today, "can_manage": can_manage, **context},
    )


@once
def plan_create(request):
    if not managed_teams(request.user).exists():
        raise PermissionDenied
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "team"}
        try:
            plan = services.plan_create(team=form.cleaned_data["team"], by=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Plan created. Add its levers and actions."))
            return redirect(plan)
    return render(request, "plans/form.html", {"form": form, "title": _("New plan")})


def plan_edit(request, pk):
    plan = _managed_plan(request, pk)
    form = PlanForm(request.POST or None, instance=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Plan saved."))
            return redirect(plan)
    return render(
        request,
        "plans/form.html",
        {"form": form, "title": _("Edit the plan"), "plan": plan, "back": plan.get_absolute_url()},
    )


@require_POST
def plan_change_status(request, pk, transition):
    plan = _managed_plan(request, pk)
    service = {
        "activate": services.plan_activate,
        "close": partial(services.plan_close, by=request.user),
        "archive": partial(services.plan_archive, by=request.user),
    }[transition]
    try:
        service(plan=plan)
    except ActivationRefused as refusal:
        # The page again, with what is still missing above the levers, each with its link.
        return plan_detail(request, pk, missing=refusal.missing)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(plan)
    done = {
        "activate": _("The plan is active: the team sees its actions."),
        "close": _("The plan is closed."),
        "archive": _("The plan is archived."),
    }
    messages.success(request, done[transition])
    return redirect(plan)


@once
def plan_duplicate(request, pk):
    plan = _managed_plan(request, pk)
    initial = {"title": plan.title, "start_date": plan.end_date + timedelta(days=1)}
    form = DuplicateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.plan_duplicate(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Plan copied as a draft for the new period."))
            return redirect(copy)
    return render(
        request,
        "plans/form.html",
        {
            "form": form,
            "title": _("Duplicate the plan for the next period"),
            "plan": plan,
            "back": plan.get_absolute_url(),
        },
    )


# Levers ----------------------------------------------------------------------------------


@once
def lever_create(request, pk):
    plan = _managed_plan(request, pk)
    form = LeverForm(request.POST or None, instance=Lever(plan=plan))
    if request.method == "POST" and form.is_valid():
        try:
            lever = services.lever_create(plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Lever “%(name)s” added.") % {"name": lever.name})
            return redirect(plan)
    return render(
        request,
        "plans/form.html",
        {"form": form, "title": _("New lever"), "plan": plan, "back": plan.get_absolute_url()},
    )


def lever_edit(request, pk):
    lever = _managed_lever(request, pk)
    form = LeverForm(request.POST or None, instance=lever)
    if request.method == "POST" and form.is_valid():
        try:
            services.lever_update(lever=lever, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(lever.plan)
    return render(
        request,
        "plans/form.html",
        {
            "form": form,
            "title": _("Edit the lever"),
            "plan": lever.plan,
            "back": lever.plan.get_absolute_url(),
            "delete_url": reverse("plans:lever-delete", args=[lever.pk]),
        },
    )


def lever_delete(request, pk):
    lever = _managed_lever(request, pk)
    return confirm_or_delete(
        request,
        row=lever,
        plan=lever.plan,
        archives=lever.plan.keeps_deleted_rows,
        summary=lambda: selectors.lever_delete_summary(lever),
        delete=lambda: services.lever_delete(lever=lever, by=request.user),
        restore_url=reverse("plans:lever-restore", args=[lever.pk]),
        back=reverse("plans:lever-edit", args=[lever.pk]),
        done=lever.plan,
    )


@require_POST
def lever_restore(request, pk):
    lever = archived_row_for(request.user, Lever, pk, "plan")
    return restore_page(
        request,
        row=lever,
        restore=lambda: services.lever_restore(lever=lever, by=request.user),
        done=reverse("plans:plan-detail", args=[lever.plan_id]) + f"#lever-{lever.pk}",
    )


@require_POST
def lever_move(request, pk):
    lever = _managed_lever(request, pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.lever_move(lever=lever, offset=offset)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("plans:plan-detail", args=[lever.plan_id]) + f"#lever-{lever.pk}")


@require_POST
def lever_reorder(request, pk):
    """The drag-and-drop handle posts the new order as ``lever`` ids, first to last."""
    plan = _managed_plan(request, pk)
    try:
        ids = [int(x) for x in request.POST.getlist("lever")]
        services.lever_reorder(plan=plan, lever_ids=ids)
    except (ValueError, ValidationError):
        return HttpResponse(status=400)
    return HttpResponse(status=204)


# Milestones ------------------------------------------------------------------------------


@once
def milestone_create(request, pk):
    plan = _managed_plan(request, pk)
    form = MilestoneForm(request.POST or None, instance=Milestone(plan=plan))
    if request.method == "POST" and form.is_valid():
        try:
            milestone = services.milestone_create(plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Milestone “%(title)s” added.") % {"title": milestone.title}
            )
            return redirect(reverse("plans:plan-detail", args=[plan.pk]) + "#milestones")
    return render(
        request,
        "plans/form.html",
        {"form": form, "title": _("New milestone"), "plan": plan, "back": plan.get_absolute_url()},
    )


def milestone_edit(request, pk):
    milestone = _managed_milestone(request, pk)
    form = MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_update(milestone=milestone, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(milestone.plan)
    return render(
        request,
        "plans/form.html",
        {
            "form": form,
            "title": _("Edit the milestone"),
            "plan": milestone.plan,
            "back": milestone.plan.get_absolute_url(),
            "delete_url": reverse("plans:milestone-delete", args=[milestone.pk]),
        },
    )


def milestone_delete(request, pk):
    milestone = _managed_milestone(request, pk)
    return confirm_or_delete(
        request,
        row=milestone,
        plan=milestone.plan,
        archives=milestone.plan.keeps_deleted_rows,
        summary=lambda: selectors.milestone_delete_summary(milestone),
        delete=lambda: services.milestone_delete(milestone=milestone, by=request.user),
        restore_url=reverse("plans:milestone-restore", args=[milestone.pk]),
        back=reverse("plans:milestone-edit", args=[milestone.pk]),
        done=milestone.plan,
    )


@require_POST
def milestone_restore(request, pk):
    milestone = archived_row_for(request.user, Milestone, pk, "plan")
    return restore_page(
        request,
        row=milestone,
        restore=lambda: services.milestone_restore(milestone=milestone, by=request.user),
        done=reverse("plans:plan-detail", args=[milestone.plan_id]) + "#milestones",
    )


# Actions ---------------------------------------------------------------------------------


@once
def action_create(request, pk):
    plan = _managed_plan(request, pk)
    if not Lever.objects.filter(plan=plan).exists():
        # An action belongs to a lever: say so rather than show a form that cannot be saved.
        messages.info(request, _("Add a lever first: every action belongs to a lever."))
        return redirect("plans:lever-create", pk=plan.pk)
    initial = {}
    if request.GET.get("lever", "").isdigit():
        initial["lever"] = int(request.GET["lever"])
    form = ActionCreateForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        people = data.pop("assignees")
        lever = data.pop("lever")
        try:
            created = services.action_assign_many(
                lever=lever, by=request.user, assignees=people, **data
            )
        except ValidationError as error:
            add_service_errors(form, error, rename={"assignee": "assignees"})
        else:
            count = len(created)
            messages.success(
                request,
                ngettext("%(count)d action created.", "%(count)d actions created.", count)
                % {"count": count},
            )
            return redirect(reverse("plans:plan-detail", args=[plan.pk]) + f"#lever-{lever.pk}")
    return render(
        request,
        "plans/form.html",
        {"form": form, "title": _("New action"), "plan": plan, "back": plan.get_absolute_url()},
    )


def action_detail(request, pk):
    action = _visible_action(request, pk)
    plan = action.lever.plan
    return render(
        request,
        "plans/action_detail.html",
        {
            "action": action,
            "plan": plan,
            "today": timezone.localdate(),
            "events": selectors.action_history(action),
            "can_work": can_work_on_action(request.user, action) and plan.is_editable,
            "can_manage": can_manage_plan(request.user, plan) and plan.is_editable,
            "comment_form": CommentForm(),
        },
    )


def action_edit(request, pk):
    action = _visible_action(request, pk)
    if not can_manage_plan(request.user, action.lever.plan):
        raise PermissionDenied
    form = ActionForm(request.POST or None, instance=action)
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            version = data.pop("version", None)
            services.action_update(action=action, by=request.user, data=data, version=version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Action saved."))
            return redirect(action)
    return render(
        request,
        "plans/form.html",
        {
            "form": form,
            "title": _("Edit the action"),
            "plan": action.lever.plan,
            "back": action.get_absolute_url(),
            "delete_url": reverse("plans:action-delete", args=[action.pk]),
        },
    )


def action_delete(request, pk):
    action = _visible_action(request, pk)
    plan = action.lever.plan
    if not can_manage_plan(request.user, plan):
        raise PermissionDenied
    return confirm_or_delete(
        request,
        row=action,
        plan=plan,
        archives=plan.keeps_deleted_rows,
        summary=lambda: selectors.action_delete_summary(action),
        delete=lambda: services.action_delete(action=action, by=request.user),
        restore_url=reverse("plans:action-restore", args=[action.pk]),
        back=action.get_absolute_url(),
        done=plan,
    )


@require_POST
def action_restore(request, pk):
    action = archived_row_for(request.user, Action, pk, "lever__plan")
    return restore_page(
        request,
        row=action,
        restore=lambda: services.action_restore(action=action, by=request.user),
        done=action.get_absolute_url(),
    )


def actions_reassign(request, pk):
    plan = _managed_plan(request, pk)
    form = ReassignForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.actions_reassign(
                actions=form.cleaned_data["actions"],
                assignee=form.cleaned_data["assignee"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                ngettext("%(count)d action reassigned.", "%(count)d actions reassigned.", count)
                % {"count": count},
            )
            return redirect(plan)
    return render(
        request,
        "plans/form.html",
        {
            "form": form,
            "title": _("Reassign actions"),
            "plan": plan,
            "back": plan.get_absolute_url(),
        },
    )


# The buttons' names and the status each asks for; services.STATUS_TRANSITIONS says who may.
_TRANSITION_STATUS = {
    "complete": ActionStatus.DONE,
    "reopen": ActionStatus.TODO,
    "start": ActionStatus.IN_PROGRESS,
    "cancel": ActionStatus.CANCELLED,
}


def _already_message(action) -> str:
    if action.status == ActionStatus.DONE and action.completed_by_id:
        return _("Already done by %(person)s at %(time)s: nothing changed.") % {
            "person": person_label(action.completed_by),
            "time": timezone.localtime(action.completed_at).strftime("%H:%M"),
        }
    return _("This action is already “%(status)s”: nothing changed.") % {
        "status": action.get_status_display()
    }


@require_POST
def action_status(request, pk, transition):
    """Tick off / undo / reopen / start / cancel. htmx gets the row back; a plain form, a
    redirect."""
    action = _workable_action(request, pk)
    changed = False
    try:
        services.action_set_status(
            action=action, by=request.user, status=_TRANSITION_STATUS[transition]
        )
    except ValidationError as error:
        if request.htmx:
            return HttpResponse(" ".join(error.messages), status=400)
        messages.error(request, " ".join(error.messages))
    else:
        # Already there (two reps ticking the same action, a double click): not an error,
        # but say so, and say who did it first.
        changed = getattr(action, "status_changed", True)
        if not changed:
            messages.info(request, _already_message(action))
    if request.htmx:
        action.can_work = True
        action.can_manage = can_manage_plan(request.user, action.lever.plan)
        today = timezone.localdate()
        dress_rows([action], today)
        return render(
            request,
            "plans/_action_row.html",
            {
                "action": action,
                "today": today,
                # No "Undo" offered for someone else's tick.
                "just_done": transition == "complete" and changed,
            },
        )
    return redirect(safe_next(request, reverse("plans:my-actions")))


@require_POST
@once
def action_comment(request, pk):
    action = _workable_action(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.action_comment(action=action, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            once_failed(request)
            messages.error(request, " ".join(error.messages))
    elif any(e.code == "required" for e in form.errors.as_data().get("text", [])):
        once_failed(request)
        messages.error(request, _("Write a comment first."))
    else:  # too long, a NUL byte...: say which, the text is not what was missing
        once_failed(request)
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect(reverse("plans:action-detail", args=[action.pk]) + "#history")


# "My actions" ----------------------------------------------------------------------------


def my_actions(request):
    user = request.user
    today = timezone.localdate()
    role = role_of(user)
    team_view = role in (Role.MANAGER, Role.ADMIN)

    def body() -> str:
        return team_cache.render_for_cache(
            request, "plans/_my_actions_body.html", _my_actions_context(request, today, team_view)
        )

    if role in (Role.ADMIN, Role.HR):
        # Their scope is every team: no set of team versions short enough to key it.
        html = body()
    else:
        # Cached under the versions of every team the viewer sees (their rows are in those
        # teams' plans), per day, language, viewer and query string (filters, page): the
        # rows' queries and rendering were nearly all of the page's time (bench/pages.py).
        # A done action leaves "Done recently" within RESULT_TTL of its fourteenth day.
        teams = _visible_team_ids(user, today)
        key = team_cache.result_key(
            "my-actions",
            team_id=",".join(map(str, teams)),
            today=today,
            scope=user.pk,
            extra=request.get_full_path(),
        )
        html = team_cache.get_or_compute(teams, {key: body})[key]
    return render(
        request,
        "plans/my_actions.html",
        {"team_view": team_view, "body": team_cache.with_csrf(request, html)},
    )


def _visible_team_ids(user, today) -> list[int]:
    """The ids of the teams ``user`` sees, kept under the every-team version alone: who
    belongs to or runs a team changes only in the admin's forms and the demo, which replace
    it (teams/team_cache.py). A query at most every ``RESULT_TTL`` seconds."""
    key = team_cache.result_key("visible-teams", team_id="", today=today, scope=user.pk)
    return team_cache.get_or_compute(
        [], {key: lambda: sorted(visible_teams(user).values_list("pk", flat=True))}
    )[key]


def _my_actions_context(request, today, team_view: bool) -> dict:
    filterset, buckets, page = selectors.my_actions(
        user=request.user, data=request.GET, today=today, page=request.GET.get("page")
    )
    for bucket in buckets:
        for action in bucket.actions:
            action.can_work = can_work_on_action(request.user, action)
            action.can_manage = can_manage_plan(request.user, action.lever.plan)
    return {
        "filter": filterset,
        # The filters stay open while one is in use (turning pages alone is not one).
        "filtering": any(request.GET.get(name) for name in filterset.filters),
        "buckets": buckets,
        "page": page,
        "today": today,
        "team_view": team_view,
        "total": page.paginator.count,
        "active_plans": PlanStatus.ACTIVE,
    }
