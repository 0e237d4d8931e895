"""Nothing lost: in a plan that has been active, a delete archives the row instead.

An archived row keeps everything that hangs on it; it is hidden from pages, totals and pay,
and its plan's manager may restore it. The models take ``Archivable``:

- ``objects`` (the default manager, so reverse relations and prefetches use it too) hides
  archived rows; ``all_objects`` sees them (the Archived view, restore, the retention purge);
- the base manager stays unfiltered, so an archived action still reaches its lever and a real
  delete (draft plan, retention purge, admin) cascades to archived rows as well;
- joins in SQL aggregates do not go through a manager: they add ``live(prefix)``.

A parent and the children archived with it share one ``archived_at`` stamp, so restoring the
parent brings back exactly those rows, not ones archived on their own before.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.audit import audit_record
from teams.deletion import delete_in_batches
from teams.models import AuditKind


class LiveManager(models.Manager):
    """Rows that are not archived (the default manager of every ``Archivable`` model)."""

    def get_queryset(self):
        return super().get_queryset().filter(archived_at__isnull=True)


class AllRowsManager(models.Manager):
    """Every row, archived or not (the Archived view, restore, the retention purge)."""


class Archivable(models.Model):
    # Indexed by ``archived_index`` in each model's Meta.
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("archived by"),
    )

    objects = LiveManager()
    all_objects = AllRowsManager()

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


def archived_index(name: str) -> models.Index:
    """The retention purge's index: archived rows only, by when (oldest first). Partial, so
    it stays small and the planner never prefers it for the pages' "not archived" reads."""
    return models.Index(fields=["archived_at"], name=name, condition=Q(archived_at__isnull=False))


class ArchivedAdminMixin:
    """The admin sees archived rows too (filter "archived at"), so an administrator may
    really delete one before the retention purge does."""

    def get_queryset(self, request):
        rows = self.model.all_objects.get_queryset()
        ordering = self.get_ordering(request)
        return rows.order_by(*ordering) if ordering else rows

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), ("archived_at", admin.EmptyFieldListFilter)]


def live(prefix: str = "") -> Q:
    """Rows reached through ``prefix`` (``"actions__"``) that are not archived: for joins in
    aggregates and filters, which the default manager does not cover."""
    return Q(**{f"{prefix}archived_at__isnull": True})


def archive_rows(queryset, *, at, by) -> int:
    """Stamp the live rows of ``queryset`` as archived at ``at`` by ``by``; their count."""
    return queryset.filter(archived_at__isnull=True).update(archived_at=at, archived_by=by)


def restore_rows(queryset, *, at) -> int:
    """Bring back the rows of ``queryset`` archived with the stamp ``at``; their count."""
    return queryset.filter(archived_at=at).update(archived_at=None, archived_by=None)


def archive_tree(obj, children=(), *, by, team, summary: dict | None = None):
    """Archive ``obj`` and the live rows of each queryset in ``children`` with one stamp, and
    record who did it. Call inside the caller's transaction."""
    at = timezone.now()
    for queryset in children:
        archive_rows(queryset, at=at, by=by)
    obj.archived_at, obj.archived_by = at, by
    obj.save(update_fields=["archived_at", "archived_by"])
    audit_record(
        by=by, action=AuditKind.ARCHIVED, obj=obj, before=summary or {}, after={}, team=team
    )
    return at


def ensure_archived(row) -> None:
    if not row.is_archived:
        raise ValidationError(_("This row is not archived: there is nothing to restore."))


def restore_tree(obj, children=(), *, by, team):
    """Bring back ``obj`` and exactly the rows archived with it (same stamp), and record who
    did it. Call inside the caller's transaction."""
    at = obj.archived_at
    for queryset in children:
        restore_rows(queryset, at=at)
    obj.archived_at, obj.archived_by = None, None
    obj.save(update_fields=["archived_at", "archived_by"])
    audit_record(
        by=by,
        action=AuditKind.RESTORED,
        obj=obj,
        before={"archived_at": at.isoformat()},
        after={},
        team=team,
    )


def undo_message(request, text: str, restore_url: str) -> None:
    """The success message after archiving, with an Undo button posting to ``restore_url``
    (templates/partials/messages.html draws a form for a message carrying a URL)."""
    messages.success(request, text, extra_tags=restore_url)


def retention_cutoff(now=None):
    """Rows archived before this moment are really deleted by the purge."""
    return (now or timezone.now()) - timedelta(days=settings.ARCHIVE_RETENTION_DAYS)


def purge_archived(models_oldest_parent_first, *, now=None, batch: int = 500) -> int:
    """Really delete rows archived longer ago than ``ARCHIVE_RETENTION_DAYS``, in bounded
    batches, oldest first (indexed ``archived_at``); parents first, so their children go with
    them in one cascade. Returns how many top rows were deleted (cascades not counted)."""
    cutoff = retention_cutoff(now)
    return sum(
        delete_in_batches(
            model.all_objects.filter(archived_at__lt=cutoff),
            oldest_first_by="archived_at",
            batch=batch,
        )
        for model in models_oldest_parent_first
    )
