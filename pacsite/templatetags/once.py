"""``{% once_token %}``: the hidden one-time token of a creating form (teams.once)."""

from django import template
from django.utils.html import format_html

from teams.once import TOKEN_FIELD, new_token

register = template.Library()


@register.simple_tag
def once_token():
    # A fresh token per form drawn: two forms of one page never share theirs.
    return format_html('<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, new_token())
