"""Payout statements: each payout line with the scheme's rule applied to the figures behind it,
what the next tier would need, frozen once the period is closed, and a thread where the rep
questions their line and the team's manager answers.

The rule applied is the line's explanation (``selectors.payout_for``, written once for the
pages, the API, the CSV and the frozen rows) and what the next tier needs is
``selectors.next_tier_note``, read against the live figure while the period is open; once
closed, the frozen line stands and nothing more is offered.
Who posts: the rep of the line and the manager of the plan's team (or an administrator); HR
reads the statement and its thread (403 on posting); anyone else cannot see it (404).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from teams.roles import Role, role_of

from . import selectors
from .models import IncentiveScheme, PayoutMessage


@dataclass
class Statement:
    scheme: IncentiveScheme
    line: selectors.PayoutLine
    messages: list[PayoutMessage] = field(default_factory=list)
    can_post: bool = False


def statement_for(user, scheme_id: int, rep_id: int, *, today) -> Statement:
    """The statement of ``rep_id``'s line in a scheme ``user`` may read; 404 otherwise."""
    scheme = selectors.schemes_for(user).filter(pk=scheme_id).select_related("plan__team").first()
    if scheme is None:
        raise Http404
    rep = selectors.payout_reps_for(user, scheme).filter(pk=rep_id).first()
    if rep is None:
        raise Http404
    (line,) = selectors.scheme_payouts(scheme, [rep], today=today) or [None]
    if line is None:
        raise Http404
    statement = Statement(scheme=scheme, line=line, can_post=may_post(user, scheme, rep))
    statement.messages = list(
        PayoutMessage.objects.filter(scheme=scheme, rep=rep).select_related("author")
    )
    return statement


def may_post(user, scheme: IncentiveScheme, rep) -> bool:
    return user.pk == rep.pk or (
        user.pk == scheme.plan.team.manager_id or role_of(user) == Role.ADMIN
    )


@transaction.atomic
def payout_message_post(*, scheme: IncentiveScheme, rep, by, text: str) -> PayoutMessage:
    """Add ``text`` by ``by`` to the thread of ``rep``'s line (see the module docstring)."""
    if not may_post(by, scheme, rep):
        raise PermissionDenied
    message = PayoutMessage(scheme=scheme, rep=rep, author=by, text=text)
    message.full_clean()
    message.save()
    return message
