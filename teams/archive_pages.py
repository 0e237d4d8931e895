"""The pages around a delete, for every kind of row: the confirmation that says what goes
with it, the delete (or archive) with its Undo, and the restore. The apps' views fetch the row
through their access rules and call these with their services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .archive import undo_message


def confirm_or_delete(
    request, *, row, plan, archives: bool, summary, delete, restore_url: str, back: str, done
):
    """GET: the confirmation, naming what goes with ``row`` (``summary``, a DeleteSummary)
    and whether it is archived (``archives``) or deleted for good. POST: ``delete()`` (a
    service answering True when it archived), then ``done`` with a message, with an Undo
    when it was archived."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method == "GET":
        context = {
            "row": row,
            "kind": row._meta.verbose_name,
            "plan": plan,
            "summary": summary(),
            "archives": archives,
            "back": back,
        }
        return render(request, "archive/confirm_delete.html", context)
    try:
        archived = delete()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    name = {"kind": row._meta.verbose_name, "name": row}
    if archived:
        text = _("The %(kind)s “%(name)s” is archived, with what hung on it.") % name
        undo_message(request, text, restore_url)
    else:
        messages.success(request, _("The %(kind)s “%(name)s” is deleted.") % name)
    return redirect(done)


def restore_page(request, *, row, restore, done):
    """POST only: ``restore()`` (a service), then ``done`` with a message."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        restore()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        name = {"kind": row._meta.verbose_name, "name": row}
        messages.success(request, _("The %(kind)s “%(name)s” is restored.") % name)
    return redirect(done)
