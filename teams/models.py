"""Teams, and what every app records about them: the audit log (who changed something
sensitive, when, before and after) and the claims that make a repeated post save once (page
form tokens, API idempotency keys). The tables keep the names they had in plans and pacsite."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    """A sales team: one manager and the reps who are its members."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="managed_teams",
        verbose_name=_("manager"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="teams",
        blank=True,
        verbose_name=_("members"),
    )

    class Meta:
        db_table = "plans_team"  # the table predates this app: kept, no data moved
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class AuditKind(models.TextChoices):
    TARGET_SET = "target_set", _("Target set")
    TARGET_DELETED = "target_deleted", _("Target deleted")
    PERIOD_CLOSED = "period_closed", _("Period closed")
    PLAN_CLOSED = "plan_closed", _("Plan closed")
    PAYOUTS_PAID = "payouts_paid", _("Payouts marked paid")
    ROLE_CHANGED = "role_changed", _("Role changed")
    USER_DEACTIVATED = "user_deactivated", _("User deactivated")
    ARCHIVED = "archived", _("Archived")
    RESTORED = "restored", _("Restored")


class AuditEntry(models.Model):
    """One sensitive change. Rows are only ever added: nothing edits or deletes them."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    # SET_NULL plus the name kept as text: the entry outlives the account.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_name = models.CharField(_("who"), max_length=150, blank=True)
    kind = models.CharField(_("what"), max_length=20, choices=AuditKind.choices)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # The team whose manager may read the entry; empty: HR and admins only.
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        db_table = "pacsite_auditentry"
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [
            # The audit page: one team's entries, newest first.
            models.Index(fields=["team", "-created_at"], name="audit_team_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.kind} {self.object_repr}"


class FormClaim(models.Model):
    """A page form's one-time token, claimed by its first successful post.

    The unique pair (user, token) is what makes a double click save once: the second post
    cannot insert its claim and is sent where the first one went.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("who")
    )
    token = models.CharField(_("token"), max_length=64)
    redirect_url = models.CharField(_("answer"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        db_table = "pacsite_formclaim"
        verbose_name = _("form token")
        verbose_name_plural = _("form tokens")
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="form_claim_once"),
        ]
        indexes = [
            # The purge of claims older than a day (teams.once).
            models.Index(fields=["created_at"], name="form_claim_age"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.token}"


class IdempotencyKey(models.Model):
    """An API call's ``Idempotency-Key``: the first answer, replayed to a retry."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("who")
    )
    key = models.CharField(_("key"), max_length=255)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=2000)
    body_hash = models.CharField(_("body hash"), max_length=64)
    status = models.PositiveSmallIntegerField(_("status"), default=0)
    body = models.JSONField(_("body"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        db_table = "pacsite_idempotencykey"
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key", "method", "path"], name="idempotency_key_once"
            ),
        ]
        indexes = [
            # The purge of keys older than a day (teams.once).
            models.Index(fields=["created_at"], name="idempotency_key_age"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.method} {self.path} {self.key}"
