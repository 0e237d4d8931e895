"""Recording sensitive changes (targets, payouts, roles, period close) in the audit log.

Services call ``audit_record`` inside their own transaction, so the entry is written with the
change or not at all, and say who made it (``by=``). Role changes are caught from
``User.groups`` (admin, shell or code); their author is the one the caller wrote on the
user as ``roles_changed_by`` (the admin does), else nobody (a shell, a command).
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from .access import managed_teams, team_of
from .models import AuditEntry, AuditKind
from .roles import Role, forget_role, role_of


def _plain(value):
    """JSON-friendly copies of before/after values (Decimals as text keep their digits)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def audit_record(*, by, action: str, obj, before, after, team=None):
    """Add one entry: ``by`` (a user, or None: the system) did ``action`` (an ``AuditKind``)
    on ``obj``, which was ``before`` and is now ``after``.

    ``team`` (a Team or its id) decides which manager may read the entry."""
    actor = by
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=(actor.get_username() if actor is not None else ""),
        kind=str(action),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        team_id=team if team is None or isinstance(team, int) else team.pk,
        before=_plain(before),
        after=_plain(after),
    )


def entries_visible_to(user) -> QuerySet:
    """HR and admins read every entry; a manager their teams' entries; others nothing."""
    qs = AuditEntry.objects.select_related("team", "actor")
    role = role_of(user)
    if role in (Role.HR, Role.ADMIN):
        return qs
    if role == Role.MANAGER:
        return qs.filter(team__in=managed_teams(user))
    return qs.none()


def _role_names(user) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


def _users_of(instance, reverse: bool, pk_set) -> list:
    if not reverse:  # user.groups.add(...): the instance is the user
        return [instance]
    if pk_set is None:  # group.user_set.clear()
        return list(instance.user_set.all())
    return list(get_user_model().objects.filter(pk__in=pk_set))


def on_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """``m2m_changed`` of ``User.groups``: record each user's roles before and after."""
    if action.startswith("pre_"):
        instance._pac_roles_before = {
            u.pk: (u, _role_names(u)) for u in _users_of(instance, reverse, pk_set)
        }
        return
    for user, before in getattr(instance, "_pac_roles_before", {}).values():
        after = _role_names(user)
        if before == after:
            continue
        forget_role(user)  # the role cached for the request and in the cache is stale now
        audit_record(
            by=getattr(user, "roles_changed_by", None),
            action=AuditKind.ROLE_CHANGED,
            obj=user,
            before={"roles": before},
            after={"roles": after},
            team=team_of(user),
        )
    instance._pac_roles_before = {}
