"""People leave; their history stays. Users are deactivated, never deleted (issue 8).

Actions, measurements, targets, payouts, enrolments and coaching sessions point at their user
with ``on_delete=PROTECT`` (or ``SET_NULL`` for "done by" columns), so a delete that would
wipe history is refused by the database; ``user_deactivate`` is the way out.
"""

from django.db import transaction

from teams.access import team_of
from teams.audit import audit_record
from teams.models import AuditKind

from .api_tokens import user_tokens_revoke


@transaction.atomic
def user_deactivate(*, user, by) -> None:
    """Stop ``user`` signing in (pages and API) and keep everything they did."""
    if not user.is_active:
        return
    user.is_active = False
    user.save(update_fields=["is_active"])
    user_tokens_revoke(user)  # the API tokens stop working at once
    audit_record(
        by=by,
        action=AuditKind.USER_DEACTIVATED,
        obj=user,
        before={"is_active": True},
        after={"is_active": False},
        team=team_of(user),
    )
