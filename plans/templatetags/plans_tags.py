"""Small display helpers of the plan pages: status badges (icon + word, never colour alone)."""

from datetime import date

from django import template

from plans import display
from plans.models import ActionEventKind, ActionStatus

register = template.Library()


@register.simple_tag
def action_badge(action, today):
    """Status of an action as a badge (``plans.display.action_badge``)."""
    return display.action_badge(action, today)


@register.simple_tag
def milestone_badge(status):
    return display.milestone_badge(status)


@register.simple_tag
def moved_note(action):
    """ "moved 5 days later" when the due date left its first commitment."""
    return display.moved_note(action)


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
