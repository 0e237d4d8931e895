"""The navigation bar, as data: each entry names the roles that may use it.

An app adds its pages here; the context processor keeps the entries whose role matches
the user, so a rep never sees a link to a page meant for managers.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from teams.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset
    icon: str = ""


EVERYONE = frozenset(Role)

NAV_ITEMS: list[NavItem] = [
    NavItem(_("Home"), "home", EVERYONE, "house"),
    NavItem(
        _("My actions"),
        "plans:my-actions",
        frozenset({Role.REP, Role.MANAGER, Role.ADMIN}),
        "check2-square",
    ),
    NavItem(_("Plans"), "plans:plan-list", EVERYONE, "kanban"),
    # Steering (indicators/): labels translated in the indicators catalogue.
    NavItem(
        _("Dashboard"),
        "indicators:dashboard",
        frozenset({Role.MANAGER, Role.HR, Role.ADMIN}),
        "speedometer",
    ),
    NavItem(
        _("What worked"),
        "coaching:what-worked",
        frozenset({Role.MANAGER, Role.HR, Role.ADMIN}),
        "lightbulb",
    ),
    NavItem(_("My figures"), "indicators:mine", frozenset({Role.REP}), "graph-up"),
    NavItem(_("Weekly figures"), "indicators:week", frozenset({Role.REP}), "pencil-square"),
    # Coaching (coaching/): labels shared with the coaching catalogue.
    NavItem(_("Trainings"), "coaching:trainings", EVERYONE, "mortarboard"),
    NavItem(
        _("HR dashboard"), "coaching:hr-dashboard", frozenset({Role.HR, Role.ADMIN}), "speedometer2"
    ),
    NavItem(_("1:1 coaching"), "coaching:coaching", EVERYONE, "people"),
    NavItem(_("Challenges"), "coaching:challenges", EVERYONE, "trophy"),
    NavItem(_("Incentives"), "coaching:schemes", EVERYONE, "cash-coin"),
    NavItem(_("CRM"), "crm:connections", frozenset({Role.MANAGER, Role.ADMIN}), "plug"),
    NavItem(
        _("Audit log"), "audit", frozenset({Role.MANAGER, Role.HR, Role.ADMIN}), "journal-text"
    ),
    NavItem(_("API"), "api-docs", frozenset({Role.MANAGER, Role.HR, Role.ADMIN}), "braces"),
    NavItem(_("Administration"), "admin:index", frozenset({Role.ADMIN}), "gear"),
]


def items_for(role) -> tuple[dict, ...]:
    """The entries ``role`` may use, with their URLs.

    Drawn on every page: the URLs are reversed once per role (and URL conf / script prefix,
    which a test or a sub-path deployment may change), not a dozen ``reverse()`` calls per
    request. The labels stay lazy, so each request still shows them in its own language.
    """
    return _items_for(role, get_urlconf(), get_script_prefix())


@lru_cache(maxsize=64)
def _items_for(role, urlconf, script_prefix) -> tuple[dict, ...]:
    items = []
    for item in NAV_ITEMS:
        if role not in item.roles:
            continue
        try:
            url = reverse(item.url_name, urlconf=urlconf)
        except NoReverseMatch:  # an app that is not installed in this deployment
            continue
        items.append({"label": item.label, "url": url, "icon": item.icon})
    return tuple(items)
