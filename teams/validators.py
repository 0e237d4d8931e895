"""Validators shared by the apps' forms."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

# Dates a sales plan can mean. Python's dates end on 31/12/9999: a date near either end
# overflows as soon as it is shifted (a plan copied to a later period, a recurring event),
# so a form refuses it with a message rather than failing later with a 500.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)


def validate_plausible_date(value):
    if value is None:
        return
    day = value.date() if hasattr(value, "date") else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s.")
            % {
                "first": date_format(EARLIEST_DATE, "SHORT_DATE_FORMAT"),
                "last": date_format(LATEST_DATE, "SHORT_DATE_FORMAT"),
            },
            code="implausible_date",
        )
