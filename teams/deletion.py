"""Deleting a row that another row still needs: a refusal in plain words, never a 500.

A ``PROTECT`` foreign key (an incentive scheme's indicator, a challenge's indicator, a rate's
numerator) makes Django raise ``ProtectedError`` from ``delete()``. Every delete service goes
through ``delete_or_refuse`` so the pages show the reason and the API answers 400 with it.
"""

from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import ProtectedError
from django.db.models.deletion import Collector
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def protected_message(obj, protected) -> str:
    """The refusal naming the first row that protects ``obj`` (and how many more do)."""
    protected = list(protected)
    first = protected[0]
    refusal = _("This %(thing)s is used by the %(what)s “%(name)s”: change that %(what)s first.")
    message = refusal % {
        "thing": obj._meta.verbose_name,
        "what": first._meta.verbose_name,
        "name": first,
    }
    if others := len(protected) - 1:
        message += " " + ngettext(
            "%(count)d other row uses it too.", "%(count)d other rows use it too.", others
        ) % {"count": others}
    return message


def delete_or_refuse(obj) -> None:
    """Delete ``obj`` and what cascades with it, or raise ``ValidationError`` saying what
    still uses it. Django collects every row before it writes, so a refusal changes nothing."""
    try:
        obj.delete()
    except ProtectedError as error:
        raise ValidationError(protected_message(obj, error.protected_objects)) from None


def refuse_if_protected(obj) -> None:
    """The refusal ``delete_or_refuse`` would give, without deleting anything: archiving a row
    that another row still needs (a scheme's indicator) is refused the same way."""
    collector = Collector(using=router.db_for_write(type(obj)), origin=obj)
    try:
        collector.collect([obj])
    except ProtectedError as error:
        raise ValidationError(protected_message(obj, error.protected_objects)) from None


def delete_in_batches(rows, *, oldest_first_by: str, batch: int) -> int:
    """Really delete ``rows``, oldest first (by ``oldest_first_by``, which an index should
    serve), ``batch`` rows per transaction so a purge never holds long locks; how many."""
    deleted = 0
    while ids := list(rows.order_by(oldest_first_by, "pk").values_list("pk", flat=True)[:batch]):
        with transaction.atomic():
            rows.filter(pk__in=ids).delete()
        deleted += len(ids)
    return deleted
