"""Display values of actions and milestones, ready for the templates: the status badge, the
"moved N days" note and the rows' URLs.

A list of many rows gets these from its selector instead of an inclusion tag, an include and
``{% url %}`` calls per row, each a template render or a URL resolution (issue 16); the
template tags of ``plans_tags`` call the same functions, so a badge is drawn by one piece of
code wherever it shows.
"""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import ActionStatus, MilestoneStatus

_ACTION_BADGES = {
    ActionStatus.DONE: ("success", "check-circle-fill"),
    ActionStatus.CANCELLED: ("secondary", "x-circle"),
    ActionStatus.IN_PROGRESS: ("primary", "play-circle"),
    ActionStatus.TODO: ("light text-dark border", "circle"),
}

_MILESTONE_BADGES = {
    MilestoneStatus.DONE: ("success", "check-circle-fill"),
    MilestoneStatus.ON_TRACK: ("info text-dark", "flag"),
    MilestoneStatus.SLIPPED: ("danger", "exclamation-octagon"),
}


def badge(css: str, icon: str, label) -> str:
    """A status as a badge: an icon and the word, never the colour alone."""
    return format_html(
        '<span class="badge text-bg-{} status-badge"><i class="bi bi-{}" aria-hidden="true"></i>'
        "{}</span>",
        css,
        icon,
        label,
    )


def action_badge(action, today) -> str:
    """Status of an action as a badge; an open action past its due date says "Overdue"."""
    if action.is_overdue(today):
        return badge("danger", "exclamation-triangle-fill", _("Overdue"))
    status = ActionStatus(action.status)
    css, icon = _ACTION_BADGES[status]
    return badge(css, icon, status.label)


def milestone_badge(status) -> str:
    status = MilestoneStatus(status)
    css, icon = _MILESTONE_BADGES[status]
    return badge(css, icon, status.label)


def moved_note(action) -> str:
    """ "moved 5 days later" (or earlier) when the due date left its first commitment."""
    days = action.moved_days
    if days > 0:
        text = ngettext("moved %(days)s day later", "moved %(days)s days later", days)
        css, icon = "text-warning-emphasis", "arrow-right-circle"
    elif days < 0:
        text = ngettext("moved %(days)s day earlier", "moved %(days)s days earlier", -days)
        css, icon = "text-body-secondary", "arrow-left-circle"
    else:
        return ""
    return format_html(
        '<span class="{} small text-nowrap"><i class="bi bi-{}" aria-hidden="true"></i> {}</span>',
        css,
        icon,
        text % {"days": abs(days)},
    )


def url_maker(name: str):
    """``pk -> URL`` of a route taking one id, reversed once rather than once per row."""
    marker = 987654321987
    head, tail = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def dress_rows(actions, today) -> None:
    """Give each action of a list what its row shows: ``badge``, ``moved``, its URLs
    (``detail_url``, ``complete_url``, ``start_url``, ``reopen_url``) and ``done_label``, the
    spoken name of its tick-off button."""
    detail = url_maker("plans:action-detail")
    complete = url_maker("plans:action-complete")
    start = url_maker("plans:action-start")
    reopen = url_maker("plans:action-reopen")
    mark_done = _("Mark “%(title)s” as done")
    for action in actions:
        pk = action.pk
        action.badge = action_badge(action, today)
        action.moved = moved_note(action)
        action.detail_url, action.complete_url = detail(pk), complete(pk)
        action.start_url, action.reopen_url = start(pk), reopen(pk)
        action.done_label = mark_done % {"title": action.title}
