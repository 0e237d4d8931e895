"""Small display helpers of the plan pages: status badges (icon + word, never colour alone)."""

from datetime import date

from django import template
from django.utils.translation import gettext as _

from plans.models import ActionEventKind, ActionStatus, MilestoneStatus

register = template.Library()

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


@register.inclusion_tag("plans/_badge.html")
def action_badge(action, today):
    """Status of an action as a badge; an open action past its due date says "Overdue"."""
    if action.is_overdue(today):
        return {"css": "danger", "icon": "exclamation-triangle-fill", "label": _("Overdue")}
    css, icon = _ACTION_BADGES[ActionStatus(action.status)]
    return {"css": css, "icon": icon, "label": ActionStatus(action.status).label}


@register.inclusion_tag("plans/_badge.html")
def milestone_badge(status):
    css, icon = _MILESTONE_BADGES[MilestoneStatus(status)]
    return {"css": css, "icon": icon, "label": MilestoneStatus(status).label}


@register.filter
def overdue_on(action, today) -> bool:
    """``{% if action|overdue_on:today %}``: the model's rule, never rewritten in a template."""
    return action.is_overdue(today)


@register.filter
def person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@register.filter
def event_value(event, which: str) -> str:
    """An event's before/after value in words: a status label, a date in the user's format."""
    value = getattr(event, f"{which}_value")
    if not value:
        return ""
    if event.kind == ActionEventKind.STATUS:
        try:
            return str(ActionStatus(value).label)
        except ValueError:
            return value
    if event.kind == ActionEventKind.DUE_DATE:
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return value


@register.filter
def absolute(value: int) -> int:
    return abs(value)
