"""The audit log (who changed something sensitive, when, before and after), the claims
that make a repeated post save once (page form tokens, API idempotency keys) and the API's
sign-in tokens."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken


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
        "plans.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
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
        verbose_name = _("form token")
        verbose_name_plural = _("form tokens")
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="form_claim_once"),
        ]
        indexes = [
            # The purge of claims older than a day (pacsite.once).
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
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key", "method", "path"], name="idempotency_key_once"
            ),
        ]
        indexes = [
            # The purge of keys older than a day (pacsite.once).
            models.Index(fields=["created_at"], name="idempotency_key_age"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.method} {self.path} {self.key}"


class ApiToken(AbstractAuthToken):
    """An API sign-in token, stored as a hash (django-rest-knox), expiring, one per sign-in.

    ``password_fingerprint`` ties it to the password it was issued under, the way Django ties a
    session to it: however the password changes (the page, the admin, ``changepassword``, a
    reset), the token stops working (pacsite.api_tokens).
    """

    password_fingerprint = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")


class DemoMark(models.Model):
    """Present when ``seed_demo`` loaded the demo company into this database: the login page
    then says which demo logins to use (README, "Demo logins"). One row at most."""

    seeded_at = models.DateTimeField(_("loaded at"), auto_now=True)
    default_password = models.BooleanField(
        _("default password"),
        default=True,
        help_text=_("The demo users have the README's password (DEMO_PASSWORD was not set)."),
    )

    class Meta:
        verbose_name = _("demo database mark")
        verbose_name_plural = _("demo database marks")

    def __str__(self) -> str:
        return f"demo {self.seeded_at:%Y-%m-%d %H:%M}"
