"""``{{ cell|status_badge }}`` and ``{{ cell|figure }}``: a progress cell's badge and figure
(``indicators.display``), without rendering a template per cell."""

from django import template

from indicators import display

register = template.Library()

register.filter("status_badge", display.status_badge)
register.filter("figure", display.figure)
