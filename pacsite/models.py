"""The audit log: who changed something sensitive, when, and what it was before and after."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditKind(models.TextChoices):
    TARGET_SET = "target_set", _("Target set")
    TARGET_DELETED = "target_deleted", _("Target deleted")
    PERIOD_CLOSED = "period_closed", _("Period closed")
    PLAN_CLOSED = "plan_closed", _("Plan closed")
    PAYOUTS_PAID = "payouts_paid", _("Payouts marked paid")
    ROLE_CHANGED = "role_changed", _("Role changed")
    USER_DEACTIVATED = "user_deactivated", _("User deactivated")


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
