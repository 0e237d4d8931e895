"""Every write to CRM connections and their mappings (STYLE.md habit 2).

The team's manager (or an administrator) sets a connection up; the pages, the API, the
command and the tasks all come through here.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from indicators.models import Indicator
from indicators.models import Kind as IndicatorKind
from indicators.services import measurements_forget_source
from reminders.services import connection_reminders_cancel
from teams.access import can_manage_team

from . import secrets
from .models import ChatHook, Connection, Kind, Mapping, Metric, State

# What each CRM asks for (crm/adapters/<kind>.py reads these names); README, "Connecting
# your CRM", says where each is found.
CREDENTIAL_FIELDS = {
    Kind.HUBSPOT: ("access_token", "client_secret"),
    Kind.PIPEDRIVE: ("api_token", "webhook_user", "webhook_password"),
    Kind.SALESFORCE: ("access_token",),
    Kind.ODOO: ("database", "login", "api_key"),
}
REQUIRED_CREDENTIALS = {
    Kind.HUBSPOT: ("access_token",),
    Kind.PIPEDRIVE: ("api_token",),
    Kind.SALESFORCE: ("access_token",),
    Kind.ODOO: ("database", "login", "api_key"),
}
# Salesforce has no single address: the instance's own (https://yours.my.salesforce.com).
NEEDS_BASE_URL = (Kind.SALESFORCE, Kind.ODOO)


def _require_manager(by, team) -> None:
    if by is not None and not can_manage_team(by, team):
        raise ValidationError(_("Only the team's manager can change its CRM connections."))


def _merge_credentials(kind: str, stored: dict, given: dict | None) -> dict:
    """Stored credentials with the given ones on top: a field left empty keeps its value."""
    if given is None:
        return stored
    allowed = CREDENTIAL_FIELDS[kind]
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise ValidationError(
            {"credentials": [_("Unknown credential: %(names)s.") % {"names": ", ".join(unknown)}]}
        )
    merged = {k: v for k, v in stored.items() if k in allowed}
    merged.update({k: str(v).strip() for k, v in given.items() if str(v or "").strip()})
    return merged


def _validate(connection: Connection, credentials: dict) -> None:
    errors = {}
    missing = [f for f in REQUIRED_CREDENTIALS[connection.kind] if not credentials.get(f)]
    if missing:
        errors["credentials"] = [
            _("Give the %(names)s of the CRM.") % {"names": ", ".join(missing)}
        ]
    if connection.kind in NEEDS_BASE_URL and not connection.base_url:
        errors["base_url"] = [
            _("Give the address of your %(crm)s.") % {"crm": connection.get_kind_display()}
        ]
    if errors:
        raise ValidationError(errors)
    connection.full_clean(exclude=["team"])


@transaction.atomic
def connection_create(
    *, team, kind: str, name: str, base_url: str = "", credentials: dict, by=None
) -> Connection:
    _require_manager(by, team)
    if kind not in Kind.values:
        raise ValidationError({"kind": [_("Choose a CRM.")]})
    connection = Connection(team=team, kind=kind, name=name, base_url=base_url)
    merged = _merge_credentials(kind, {}, credentials)
    _validate(connection, merged)
    connection.credentials = secrets.seal(merged)
    connection.save()
    return connection


@transaction.atomic
def connection_update(
    *, connection: Connection, by=None, name=None, base_url=None, credentials=None, state=None
) -> Connection:
    """Change a connection; new credentials start a stopped connection again."""
    _require_manager(by, connection.team)
    stopped = connection.state == State.STOPPED
    if name is not None:
        connection.name = name
    if base_url is not None:
        connection.base_url = base_url
    merged = _merge_credentials(
        connection.kind, secrets.unseal(connection.credentials), credentials
    )
    _validate(connection, merged)
    connection.credentials = secrets.seal(merged)
    if state is not None:
        if state not in (State.ACTIVE, State.PAUSED):
            raise ValidationError({"state": [_("A connection is active or paused.")]})
        connection.state = state
    renewed = credentials and any(str(v or "").strip() for v in credentials.values())
    if renewed and connection.state == State.STOPPED:
        connection.state = State.ACTIVE
        connection.last_error = ""
    connection.save()
    if stopped and connection.state != State.STOPPED:
        connection_reminders_cancel(connection=connection)
    return connection


@transaction.atomic
def connection_delete(*, connection: Connection, by=None) -> None:
    """Forget a connection and the figures it brought (the CRM still has the records: connect
    it again and a sync brings them back)."""
    _require_manager(by, connection.team)
    measurements_forget_source(source=connection.source)
    connection_reminders_cancel(connection=connection)
    connection.delete()


def _validate_mapping(connection: Connection, mapping: Mapping) -> None:
    errors = {}
    indicator = mapping.indicator
    if indicator.plan.team_id != connection.team_id:
        errors["indicator"] = [_("Choose an indicator of the team's plans.")]
    elif indicator.is_computed or indicator.kind != IndicatorKind.QUANTITATIVE:
        errors["indicator"] = [_("A CRM feeds a quantitative indicator that reps would type.")]
    elif connection.mappings.filter(indicator=indicator).exclude(pk=mapping.pk).exists():
        # Each record counts once in an indicator: one mapping per indicator and connection.
        errors["indicator"] = [_("This connection already feeds this indicator.")]
    if mapping.metric not in Metric.values:
        errors["metric"] = [_("Choose what the CRM counts.")]
    if errors:
        raise ValidationError(errors)
    mapping.full_clean(exclude=["connection", "indicator"])


@transaction.atomic
def mapping_add(
    *,
    connection: Connection,
    metric: str,
    indicator: Indicator,
    pipeline: str = "",
    stage: str = "",
    activity_type: str = "",
    by=None,
) -> Mapping:
    _require_manager(by, connection.team)
    mapping = Mapping(
        connection=connection,
        metric=metric,
        indicator=indicator,
        pipeline=pipeline.strip(),
        stage=stage.strip(),
        activity_type=activity_type.strip(),
    )
    _validate_mapping(connection, mapping)
    mapping.save()
    # A new mapping reads every record again, from the start of each stream.
    Connection.objects.filter(pk=connection.pk).update(cursors={})
    connection.cursors = {}
    return mapping


@transaction.atomic
def mappings_replace(*, connection: Connection, mappings: list[dict], by=None) -> list[Mapping]:
    """The API's write of the whole list: the connection's mappings become exactly these."""
    _require_manager(by, connection.team)
    kept = {row["indicator"].pk for row in mappings}
    for old in connection.mappings.select_related("indicator"):
        if old.indicator_id not in kept:
            measurements_forget_source(source=connection.source, indicator=old.indicator)
    connection.mappings.all().delete()
    return [mapping_add(connection=connection, by=by, **row) for row in mappings]


@transaction.atomic
def mapping_delete(*, mapping: Mapping, by=None) -> None:
    """Stop feeding the indicator, and remove the figures this mapping brought to it."""
    _require_manager(by, mapping.connection.team)
    measurements_forget_source(source=mapping.connection.source, indicator=mapping.indicator)
    mapping.delete()


# --------------------------------------------------------------------------------------------
# The team's chats
# --------------------------------------------------------------------------------------------


@transaction.atomic
def chat_hook_add(*, team, kind: str, url: str, weekly_post: bool = True, by=None) -> ChatHook:
    _require_manager(by, team)
    hook = ChatHook(team=team, kind=kind, weekly_post=weekly_post, url=secrets.seal({"url": url}))
    if not url.startswith(("https://", "http://")):
        raise ValidationError({"url": [_("Give the webhook's full address.")]})
    hook.full_clean(exclude=["team", "url"])
    hook.save()
    return hook


@transaction.atomic
def chat_hook_delete(*, hook: ChatHook, by=None) -> None:
    _require_manager(by, hook.team)
    hook.delete()
