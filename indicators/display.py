"""Display values of the progress engine's cells, ready for the templates: the status badge and
the figure ("1 250 / 2 000 € (63 %)").

The team grid draws one of each per rep and indicator: an ``{% include %}`` per cell rendered
a template twice a cell, more time than the rest of the grid (bench/pages.py, the cold
dashboard). Every page that shows a cell (the grid, a rep's page, the week, an indicator's
page) calls these through the ``progress_display`` filters, so a cell is drawn by one piece of
code wherever it shows.
"""

from django.template.defaultfilters import floatformat
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def status_badge(p) -> SafeString:
    """The cell's status as a badge: an icon and the word, never the colour alone; a closed
    (frozen) target adds a lock."""
    frozen = ""
    if p.frozen:
        frozen = format_html(
            ' <i class="bi bi-lock-fill" aria-hidden="true"></i>'
            '<span class="visually-hidden">{}</span>',
            _("closed"),
        )
    return format_html(
        '<span class="badge text-bg-{} status-badge" title="{}">'
        '<i class="bi bi-{}" aria-hidden="true"></i>{}{}</span>',
        p.status_colour,
        p.status_label,
        p.status_icon,
        p.status_label,
        frozen,
    )


def _number(value) -> str:
    return floatformat(value, "-2g")


def figure(p) -> SafeString:
    """The cell's actual against its target, with the unit, and the % achieved; a
    lower-is-better indicator reads its target as a ceiling ("at most"), never as a % above
    100."""
    if p.actual is None:
        shown = format_html('<span class="text-body-secondary">{}</span>', _("n/a"))
    else:
        shown = _number(p.actual)
    unit = format_html(' <small class="text-body-secondary">{}</small>', p.indicator.display_unit)
    parts = [shown]
    if p.indicator.lower_is_better:
        if p.target_value is not None:
            parts.append(format_html(" / ≤ {}", _number(p.target_value)))
        parts.append(unit)
        margin = p.ceiling_margin
        if margin is not None:
            if p.within_ceiling:
                text = _("%(n)s under the ceiling") % {"n": _number(margin)}
            else:
                text = _("%(n)s over the ceiling") % {"n": _number(margin)}
            parts.append(format_html(" <small>({})</small>", mark_safe(text)))  # translators'
    else:
        if p.target_value is not None:
            parts.append(format_html(" / {}", _number(p.target_value)))
        parts.append(unit)
        if p.percent is not None:
            parts.append(format_html(" <small>({} %)</small>", floatformat(p.percent, "0")))
    return mark_safe("".join(conditional_escape(part) for part in parts))  # each part escaped
