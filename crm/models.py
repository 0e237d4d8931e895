"""A team's CRM connections, what each CRM metric feeds, the sync runs, the team's chats.

Credentials are stored encrypted (``crm.secrets``) and never shown back; the sync state (the
cursor of each stream, the owners it could not match, the last error) lives on the connection
and is saved in the same transaction as the figures of each batch (``crm.sync``).
"""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    HUBSPOT = "hubspot", "HubSpot"
    PIPEDRIVE = "pipedrive", "Pipedrive"
    SALESFORCE = "salesforce", "Salesforce"
    ODOO = "odoo", "Odoo"


class Metric(models.TextChoices):
    """What a CRM counts for an indicator (``crm.metrics`` turns a record into a figure)."""

    DEALS_WON_COUNT = "deals_won_count", _("Deals won (count, on the close date)")
    DEALS_WON_AMOUNT = "deals_won_amount", _("Deals won (amount, on the close date)")
    DEALS_CREATED = "deals_created", _("Deals created")
    ACTIVITIES_DONE = "activities_done", _("Activities done (of a chosen type)")
    CONTACTS_NEW = "contacts_new", _("New contacts or leads")


class State(models.TextChoices):
    ACTIVE = "active", _("Active")
    STOPPED = "stopped", _("Stopped: the CRM refused the credentials")
    PAUSED = "paused", _("Paused")


def new_webhook_key() -> str:
    return secrets.token_urlsafe(24)


class Connection(models.Model):
    """One team's link to one CRM account."""

    team = models.ForeignKey(
        "teams.Team",
        on_delete=models.CASCADE,
        related_name="crm_connections",
        verbose_name=_("team"),
    )
    kind = models.CharField(_("CRM"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    base_url = models.URLField(
        _("base URL"),
        max_length=300,
        blank=True,
        help_text=_("Empty: the vendor's own address. Set it for a self-hosted Odoo or a sandbox."),
    )
    # Fernet token of a JSON object (crm.secrets); written, never read back by a page or the API.
    credentials = models.TextField(_("credentials"), blank=True, editable=False)
    # The last part of the webhook address (crm.webhooks): unguessable, one per connection.
    webhook_key = models.CharField(
        _("webhook key"), max_length=64, unique=True, default=new_webhook_key, editable=False
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.ACTIVE)
    cursors = models.JSONField(_("cursors"), default=dict, blank=True, editable=False)
    unmatched_owners = models.JSONField(
        _("CRM owners not matched to a rep"), default=list, blank=True, editable=False
    )
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    last_sync_at = models.DateTimeField(_("last sync"), null=True, blank=True, editable=False)
    # A sync owns the connection until then (a webhook and the beat may ask at once).
    lease_until = models.DateTimeField(_("sync lease"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["team", "name", "id"]
        verbose_name = _("CRM connection")
        verbose_name_plural = _("CRM connections")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def source(self) -> str:
        """What the figures of this connection carry in ``Measurement.source``."""
        return f"crm:{self.pk}"


class Mapping(models.Model):
    """A CRM metric of a connection feeds one indicator, optionally for one pipeline or stage."""

    connection = models.ForeignKey(
        Connection,
        on_delete=models.CASCADE,
        related_name="mappings",
        verbose_name=_("connection"),
    )
    metric = models.CharField(_("CRM metric"), max_length=20, choices=Metric.choices)
    indicator = models.ForeignKey(
        "indicators.Indicator",
        on_delete=models.CASCADE,
        related_name="crm_mappings",
        verbose_name=_("indicator"),
    )
    pipeline = models.CharField(_("pipeline"), max_length=100, blank=True)
    stage = models.CharField(_("stage"), max_length=100, blank=True)
    activity_type = models.CharField(
        _("activity type"),
        max_length=60,
        blank=True,
        help_text=_("For activities: call, meeting, email… as the CRM names it."),
    )

    class Meta:
        ordering = ["connection", "id"]
        verbose_name = _("mapping")
        verbose_name_plural = _("mappings")

    def __str__(self) -> str:
        return f"{self.get_metric_display()} → {self.indicator}"


class SyncRun(models.Model):
    """One sync of a connection: when, what it changed, how it ended."""

    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="runs", verbose_name=_("connection")
    )
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    records = models.PositiveIntegerField(_("records read"), default=0)
    created = models.PositiveIntegerField(_("figures added"), default=0)
    updated = models.PositiveIntegerField(_("figures moved"), default=0)
    removed = models.PositiveIntegerField(_("figures removed"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("sync run")
        verbose_name_plural = _("sync runs")
        indexes = [
            # The connection page: its latest runs.
            models.Index(fields=["connection", "-started_at"], name="syncrun_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.connection} {self.started_at:%Y-%m-%d %H:%M}"


class ChatKind(models.TextChoices):
    SLACK = "slack", "Slack"
    TEAMS = "teams", "Microsoft Teams"


class ChatHook(models.Model):
    """A team's incoming webhook in Slack or Microsoft Teams (its URL is the secret)."""

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="chat_hooks", verbose_name=_("team")
    )
    kind = models.CharField(_("chat"), max_length=6, choices=ChatKind.choices)
    # Fernet token of the URL (crm.secrets): the URL alone lets anyone post in the channel.
    url = models.TextField(_("webhook address"), editable=False)
    weekly_post = models.BooleanField(_("weekly team post"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["team", "id"]
        verbose_name = _("chat webhook")
        verbose_name_plural = _("chat webhooks")

    def __str__(self) -> str:
        return f"{self.team} · {self.get_kind_display()}"


class ChatPost(models.Model):
    """One message owed to one chat: sent once, retried by the worker until it goes."""

    hook = models.ForeignKey(
        ChatHook, on_delete=models.CASCADE, related_name="posts", verbose_name=_("chat")
    )
    # What the message is about, so an event posts once: "escalated:action:12:2026-03-02".
    key = models.CharField(_("key"), max_length=120)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("chat post")
        verbose_name_plural = _("chat posts")
        constraints = [
            models.UniqueConstraint(fields=["hook", "key"], name="chatpost_once"),
        ]
        indexes = [
            # The retry sweep: posts not sent yet, oldest first.
            models.Index(
                fields=["created_at"], name="chatpost_unsent", condition=models.Q(sent_at=None)
            ),
        ]

    def __str__(self) -> str:
        return self.key
