"""The payout statement page of one rep's line in a scheme, with its thread
(``coaching/statements.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from teams.once import once

from .forms import PayoutMessageForm
from .statements import payout_message_post, statement_for


@once
def statement_view(request, pk: int, rep_id: int):
    statement = statement_for(request.user, pk, rep_id, today=timezone.localdate())
    form = PayoutMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        payout_message_post(
            scheme=statement.scheme,
            rep=statement.line.rep,
            by=request.user,
            text=form.cleaned_data["text"],
        )
        messages.success(request, _("Message sent."))
        return redirect("coaching:statement", pk=pk, rep_id=rep_id)
    return render(
        request,
        "coaching/statement.html",
        {"statement": statement, "scheme": statement.scheme, "line": statement.line, "form": form},
        status=400 if form.errors else 200,
    )
