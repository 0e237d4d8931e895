"""Pages that move data in and out: spreadsheet imports (with a preview, then all or nothing),
plan exports, and the private calendar feed with the profile page that manages it."""

from django import forms
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from teams.access import get_object_for_user

from .access import can_manage_plan, plans_visible_to
from .exports import plan_csv, plan_xlsx
from .import_jobs import (
    import_job_check_lease,
    import_job_confirm,
    import_job_create,
    import_job_retry,
    progress_key,
)
from .imports import MAX_BYTES, FileRefused
from .models import ImportJob, ImportStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV or XLSX file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


def managed_plan(user, pk):
    plan = get_object_for_user(plans_visible_to(user).select_related("team"), user, pk=pk)
    if not can_manage_plan(user, plan):
        raise PermissionDenied
    return plan


def import_upload(request, *, plan, kind, title, columns, example, back_url):
    """The upload step shared by every import: store the file as a job; a worker reads it.

    The request never reads a row, so any file up to the size limit is answered at once.
    """
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_BYTES:  # refused before it is read into memory
                raise FileRefused(_("The file is too large (20 MB at most)."))
            job = import_job_create(
                kind=kind,
                plan=plan,
                by=request.user,
                filename=upload.name,
                data=upload.read(),
                language=translation.get_language(),
            )
        except FileRefused as refused:
            form.add_error("file", str(refused))
        else:
            return redirect("plans:import-job", job.pk)
    return render(
        request,
        "plans/import_upload.html",
        {
            "form": form,
            "plan": plan,
            "title": title,
            "columns": columns,
            "example": example,
            "back_url": back_url,
        },
    )


def plan_import(request, pk):
    plan = managed_plan(request.user, pk)
    return import_upload(
        request,
        plan=plan,
        kind="plan",
        title=_("Import levers and actions"),
        columns=[
            ("lever", _("the lever's name; a new name adds a lever")),
            ("aim", _("optional: the aim of a new lever (prospect, win_back, retain, develop)")),
            ("what", _("the action")),
            ("who", _("username or email of a team member")),
            ("start", _("optional start date")),
            ("due", _("due date (2026-03-31 or 31/03/2026)")),
            ("milestone", _("optional milestone title; a new title adds a milestone")),
            ("milestone date", _("optional date of a new milestone")),
            ("indicators", _("optional indicator names, separated by commas")),
        ],
        example=[
            ["lever", "what", "who", "start", "due", "milestone", "indicators"],
            [
                "Prospection",
                "Call 20 prospects",
                "rep1",
                "2026-01-05",
                "2026-01-30",
                "Kick-off",
                "Visits",
            ],
        ],
        back_url=plan.get_absolute_url(),
    )


def _job(request, pk) -> ImportJob:
    return get_object_for_user(
        ImportJob.objects.filter(created_by=request.user).select_related("plan__team"),
        request.user,
        pk=pk,
    )


def _back_url(job: ImportJob) -> str:
    if job.kind == "measurements" and job.plan_id:
        return reverse("indicators:plan", args=[job.plan_id])
    return job.plan.get_absolute_url() if job.plan_id else reverse("home")


def import_job(request, pk):
    """The job's page: "checking" while a worker reads the file, then the preview (every
    row's errors) to confirm, then the progress of the write and its outcome."""
    job = import_job_check_lease(_job(request, pk))
    context = {"job": job, "back_url": _back_url(job), "percent": job.percent}
    return render(request, "plans/import_job.html", context)


@require_POST
def import_job_run(request, pk):
    job = _job(request, pk)
    import_job_confirm(job=job)
    return redirect("plans:import-job", job.pk)


@require_POST
def import_job_retry_view(request, pk):
    job = import_job_check_lease(_job(request, pk))
    import_job_retry(job=job)
    return redirect("plans:import-job", job.pk)


def import_progress(request, pk):
    """The progress bar (htmx polls it every second until the job is finished). Once the
    reading is over, the whole page reloads to show the preview."""
    job = import_job_check_lease(_job(request, pk))
    if job.status == ImportStatus.READY and request.htmx:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    done = job.done if job.is_finished else max(job.done, cache.get(progress_key(job.pk)) or 0)
    percent = (
        100
        if job.status == ImportStatus.DONE
        else (min(99, round(100 * done / job.total)) if job.total else 0)
    )
    return render(
        request,
        "plans/_import_progress.html",
        {"job": job, "percent": percent, "back_url": _back_url(job)},
    )


# Exports ---------------------------------------------------------------------------------


def plan_export(request, pk, fmt):
    plan = get_object_for_user(
        plans_visible_to(request.user).select_related("team"), request.user, pk=pk
    )
    if fmt not in ("csv", "xlsx"):
        raise Http404
    stem = f"plan-{plan.pk}"
    if fmt == "xlsx":
        response = HttpResponse(plan_xlsx(plan), content_type=XLSX)
    else:
        response = HttpResponse(plan_csv(plan), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
