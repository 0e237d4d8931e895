"""``{% navbar_menus %}``: the navigation bar, rendered once per role, language and current link.

The bar's template (partials/navbar.html) drew its menus, user menu and language switcher on
every request: two thirds of an empty page's template time (issue 16, the ``layout`` figure).
Only a few parts of it belong to the request: the bell's count, the CSRF token, the person's
name and the path the language switcher returns to. The bar is rendered once with a marker in
each of those places and split there; each request joins the pieces around its own values.
The cached pieces are drawn from a context without the user, so they hold nobody's data.
"""

import re
from functools import lru_cache

from django import template
from django.conf import settings
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from pacsite.navigation import items_for

register = template.Library()

SLOTS = ("bell", "csrf_input", "user_name", "next_path")
# NUL never occurs in a template or a translation: a marker cannot be mistaken for text.
_SLOT = re.compile("\x00(" + "|".join(SLOTS) + ")\x00")


class _Count:
    """What reminders/_bell.html reads (``reminder_bell.unread``), for a count already known."""

    def __init__(self, unread: int):
        self.unread = unread


@register.simple_tag(takes_context=True)
def navbar_menus(context) -> SafeString:
    request = context.get("request")
    user = context.get("user")
    authenticated = bool(user is not None and user.is_authenticated)
    role = context.get("user_role") if authenticated else None
    path = request.path if request is not None else None
    active = next((i["url"] for i in items_for(role) if i["url"] == path), None)
    pieces = _render(_pieces, authenticated, role, active)
    bell = context.get("reminder_bell") if authenticated else None
    values = {
        "bell": _render(_bell_html, bell.unread) if bell else "",
        "csrf_input": CsrfTokenNode().render(context),
        "user_name": conditional_escape(
            (user.get_full_name() or user.get_username()) if authenticated else ""
        ),
        "next_path": conditional_escape(request.get_full_path() if request is not None else ""),
    }
    # pieces alternate: text, slot name, text, ..., text.
    return mark_safe("".join(values[piece] if i % 2 else piece for i, piece in enumerate(pieces)))


def _render(cached, *key):
    # In development an edited template shows at once (the process is not restarted).
    render = cached.__wrapped__ if settings.DEBUG else cached
    return render(*key, get_language(), get_urlconf(), get_script_prefix())


@lru_cache(maxsize=256)
def _pieces(authenticated, role, active, language, urlconf, script_prefix) -> tuple[str, ...]:
    markers = {name: mark_safe(f"\x00{name}\x00") for name in SLOTS}
    html = render_to_string(
        "partials/navbar.html",
        {
            "authenticated": authenticated,
            "nav_items": items_for(role) if authenticated else (),
            "active": active,
            **markers,
        },
    )
    return tuple(_SLOT.split(html))


@lru_cache(maxsize=256)
def _bell_html(unread, language, urlconf, script_prefix) -> str:
    return render_to_string("reminders/_bell.html", {"reminder_bell": _Count(unread)})
