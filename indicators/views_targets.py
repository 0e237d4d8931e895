"""A target's own pages: change it, delete it (the confirmation says it is archived in a
plan that has been active). Only the plan's manager; another team's target is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from plans.selectors import DeleteSummary
from teams.access import get_object_for_user
from teams.archive_pages import confirm_or_delete
from teams.forms import add_service_errors

from . import services
from .forms import TargetForm
from .selectors import targets_visible_to


def _managed_target(request, pk: int):
    target = get_object_for_user(
        targets_visible_to(request.user).select_related("indicator__plan__team", "rep"),
        request.user,
        pk=pk,
    )
    if not services.can_manage_plan(request.user, target.indicator.plan):
        raise Http404
    return target


def target_edit_view(request, pk: int):
    target = _managed_target(request, pk)
    indicator = target.indicator
    initial = {
        "value": target.value,
        "period_end": target.period_end,
        "monthly_weights": ", ".join(f"{w:g}" for w in target.monthly_weights),
    }
    form = TargetForm(request.POST or None, reps=[], editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            # The same road as setting it: a target is one per person and start date.
            services.target_set(
                indicator=indicator,
                rep=target.rep,
                by=request.user,
                period_start=target.period_start,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Target saved."))
            return redirect("indicators:detail", pk=indicator.pk)
    return render(
        request,
        "indicators/target_form.html",
        {"form": form, "target": target, "indicator": indicator, "plan": indicator.plan},
        status=400 if form.errors else 200,
    )


def target_delete_view(request, pk: int):
    target = _managed_target(request, pk)
    indicator = target.indicator
    back = reverse("indicators:detail", args=[indicator.pk])
    return confirm_or_delete(
        request,
        row=target,
        plan=indicator.plan,
        archives=indicator.plan.keeps_deleted_rows,
        summary=DeleteSummary,
        delete=lambda: services.target_delete(target=target, by=request.user),
        restore_url=reverse("indicators:target-restore", args=[target.pk]),
        back=back,
        done=back,
    )
