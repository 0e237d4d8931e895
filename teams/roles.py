"""The four roles of the product, as Django groups, and the permissions each one holds.

``ROLE_PERMISSIONS`` is the single source of truth. A data migration creates the groups, and
a ``post_migrate`` handler (``PlansConfig.ready``) syncs them again after every ``migrate``, so
a later issue that adds models only adds their codenames here.
"""

import logging

from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MANAGER = "manager", _("Sales manager")
    REP = "rep", _("Sales rep")
    HR = "hr", _("HR")
    ADMIN = "admin", _("Administrator")


_ALL = ("add", "change", "delete", "view")

# role -> {app_label: {model: (actions...)}}
ROLE_PERMISSIONS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    Role.MANAGER: {
        "teams": {"team": ("view", "change")},
        "plans": {
            "plan": _ALL,
            "lever": _ALL,
            "action": _ALL,
            "milestone": _ALL,
        },
    },
    Role.REP: {
        "teams": {"team": ("view",)},
        "plans": {
            "plan": ("view",),
            "lever": ("view",),
            "milestone": ("view",),
            # Status and comments of their own actions only (plans.access.can_work_on_action).
            "action": ("view", "change"),
        },
    },
    Role.HR: {
        "teams": {"team": ("view",)},
        "plans": {
            "plan": ("view",),
            "lever": ("view",),
            "milestone": ("view",),
            "action": ("view",),
        },
        "auth": {"user": ("view",)},
    },
    Role.ADMIN: {
        "teams": {"team": _ALL},
        "plans": {
            "plan": _ALL,
            "lever": _ALL,
            "action": _ALL,
            "milestone": _ALL,
            "actionevent": ("view",),
        },
        "auth": {"user": _ALL, "group": ("view",)},
    },
}

# indicators/: the manager runs the team's indicators and targets; a rep reads them and enters
# their own figures (indicators.services.can_enter_for); HR reads.
_INDICATORS_ALL = {"indicator": _ALL, "target": _ALL, "measurement": _ALL}
ROLE_PERMISSIONS[Role.MANAGER]["indicators"] = _INDICATORS_ALL
ROLE_PERMISSIONS[Role.ADMIN]["indicators"] = _INDICATORS_ALL
ROLE_PERMISSIONS[Role.REP]["indicators"] = {
    "indicator": ("view",),
    "target": ("view",),
    "measurement": ("add", "change", "view"),
}
ROLE_PERMISSIONS[Role.HR]["indicators"] = {
    "indicator": ("view",),
    "target": ("view",),
    "measurement": ("view",),
}

# Reminders (reminders/): everyone reads their own notifications and sets their preferences
# (rows are scoped to their recipient); managers also set their team's reminder thresholds.
_REMINDERS_OWN = {"reminder": ("view", "change"), "reminderpreference": ("view", "change")}
for _role, _models in {
    Role.MANAGER: {**_REMINDERS_OWN, "teamremindersettings": ("view", "change")},
    Role.REP: _REMINDERS_OWN,
    Role.HR: _REMINDERS_OWN,
    Role.ADMIN: {"reminder": _ALL, "reminderpreference": _ALL, "teamremindersettings": _ALL},
}.items():
    ROLE_PERMISSIONS[_role]["reminders"] = _models

# Coaching (coaching/): HR runs training; managers run incentives, challenges, rituals and
# 1:1 coaching for their team; reps read theirs (rows scoped by coaching.selectors).
for _role, _models in {
    Role.MANAGER: {
        "training": ("view",),
        "trainingrequest": ("add", "view"),
        "skilllevel": ("view", "change"),
        "coachingsession": _ALL,
        "challenge": _ALL,
        "ritual": _ALL,
        "ritualmeeting": _ALL,
        "kudos": ("add", "view"),
        "incentivescheme": _ALL,
        "payout": ("view",),
    },
    Role.REP: {
        "training": ("view",),
        "enrollment": ("view", "change"),
        "skilllevel": ("view",),
        "coachingsession": ("view",),
        "challenge": ("view",),
        "ritual": ("view",),
        "kudos": ("add", "view"),
        "incentivescheme": ("view",),
        "payout": ("view",),
    },
    Role.HR: {
        "training": _ALL,
        "trainingsession": _ALL,
        "enrollment": _ALL,
        "trainingrequest": ("view", "change"),
        "skill": _ALL,
        "skilllevel": ("view",),
        "coachingsession": ("view",),
        "kudos": ("add", "view"),
        "incentivescheme": ("view",),
        "payout": ("view", "change"),
    },
    Role.ADMIN: dict.fromkeys(
        (
            "training",
            "trainingsession",
            "enrollment",
            "trainingrequest",
            "skill",
            "skilllevel",
            "coachingsession",
            "challenge",
            "ritual",
            "ritualmeeting",
            "kudos",
            "incentivescheme",
            "payout",
        ),
        _ALL,
    ),
}.items():
    ROLE_PERMISSIONS[_role]["coaching"] = _models

# When a user holds several roles, the strongest one decides what they see.
_PRECEDENCE = (Role.ADMIN, Role.MANAGER, Role.HR, Role.REP)


def sync_role_permissions(apps) -> None:
    """Create the role groups and give each exactly the permissions in ``ROLE_PERMISSIONS``.

    Works with the historical ``apps`` of a migration: permissions of models created in the
    same migration run do not exist yet (Django makes them after ``migrate``), so they are
    created here first.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        stub = getattr(app_config, "models_module", None) is None  # a historical app
        if stub:
            app_config.models_module = True  # create_permissions skips apps without models
        create_permissions(app_config, apps=apps, verbosity=0)
        if stub:
            app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, by_app in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=str(role))
        wanted = []
        for app_label, by_model in by_app.items():
            for model, actions in by_model.items():
                try:
                    apps.get_model(app_label, model)
                except LookupError:  # not created yet at this point of the migration history
                    continue
                codenames = [f"{action}_{model}" for action in actions]
                perms = list(
                    Permission.objects.filter(
                        content_type__app_label=app_label, codename__in=codenames
                    )
                )
                if len(perms) != len(codenames):
                    missing = set(codenames) - {p.codename for p in perms}
                    raise LookupError(f"Unknown permissions for {app_label}: {sorted(missing)}")
                wanted.extend(perms)
        group.permissions.set(wanted)


# The role of each person is kept in the shared cache: reading their groups was a query on
# every page (issue 16). Cleared when their groups change (teams.audit.on_groups_changed);
# the time limit bounds what no signal reports (a role group renamed or deleted).
ROLE_CACHE_SECONDS = 600

logger = logging.getLogger(__name__)


def _role_key(user_pk) -> str:
    return f"pac:role:{user_pk}"


def role_of(user) -> Role | None:
    """The user's role, cached on the user object for the request and in the shared cache;
    ``None`` when anonymous."""
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_pac_role", False)
    if cached is not False:
        return cached
    key = _role_key(user.pk)
    try:
        name = cache.get(key)
    except Exception:  # an accelerator: without the cache the groups are read, not refused
        logger.exception("roles: cache unavailable, reading the groups")
        name = None
    if name is None:
        names = set(user.groups.values_list("name", flat=True))
        name = next((str(r) for r in _PRECEDENCE if r in names), "")
        try:
            cache.set(key, name, ROLE_CACHE_SECONDS)
        except Exception:
            logger.exception("roles: could not keep the role of %s", user.pk)
    role = Role.ADMIN if user.is_superuser else (Role(name) if name else None)
    user._pac_role = role
    return role


def forget_role(user) -> None:
    """The user's groups changed: their role is read again on their next request."""
    user.__dict__.pop("_pac_role", None)
    user.__dict__.pop("_pac_visible_teams", None)  # built from the role (plans.access)
    try:
        cache.delete(_role_key(user.pk))
    except Exception:  # the change must not fail with the cache; the role expires anyway
        logger.exception("roles: could not forget the role of %s", user.pk)
