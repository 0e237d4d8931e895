"""Reads of the reminders app: a person's notifications, the bell's count, item links."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from coaching.models import TrainingSession
from indicators.models import Target
from plans.models import Action, Milestone

from .models import DeliveryState, ItemType, Reminder

# Where each kind of item is shown: (URL name, attribute of the hydrated item giving the
# pk); the first URL name that exists wins, so links work whichever pages are installed.
_ITEM_PAGES = {
    ItemType.ACTION: [("plans:action-detail", "pk")],
    ItemType.MILESTONE: [("plans:plan-detail", "plan_id")],
    ItemType.TARGET: [("indicators:detail", "indicator_id"), ("indicators:dashboard", None)],
    ItemType.SESSION: [("coaching:session-detail", "pk"), ("coaching:my-trainings", None)],
    ItemType.CONNECTION: [("crm:connection-detail", "pk")],
}


def item_path(reminder: Reminder) -> str:
    """The site path of the reminder's item; the notification list when it has none."""
    item = getattr(reminder, "item", None)
    for name, attribute in _ITEM_PAGES.get(reminder.item_type, []):
        if attribute is None:
            kwargs = None
        elif attribute == "pk":
            kwargs = {"pk": reminder.item_id}
        elif item is not None and getattr(item, attribute, None) is not None:
            kwargs = {"pk": getattr(item, attribute)}
        else:
            continue
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return reverse("reminders:notifications")


def notifications_for(user) -> QuerySet[Reminder]:
    """The user's notifications, newest first; cancelled ones (item done since) are hidden."""
    if not user.is_authenticated:
        return Reminder.objects.none()
    return Reminder.objects.filter(recipient=user).exclude(state=DeliveryState.CANCELLED)


def unread_count(user) -> int:
    """The bell's number: one COUNT on the ``reminder_inbox`` index."""
    return notifications_for(user).filter(read_at=None).count()


def hydrate(reminders: list[Reminder]) -> list[Reminder]:
    """Attach ``item``, ``context`` and ``path`` to each reminder; one query per item type."""
    by_type: dict[str, set[int]] = {}
    for reminder in reminders:
        by_type.setdefault(reminder.item_type, set()).add(reminder.item_id)
    items: dict[tuple[str, int], object] = {}
    if ids := by_type.get(ItemType.ACTION):
        for action in Action.objects.select_related("lever__plan", "assignee").filter(pk__in=ids):
            action.plan_id = action.lever.plan_id
            items[(ItemType.ACTION, action.pk)] = action
    if ids := by_type.get(ItemType.MILESTONE):
        for milestone in Milestone.objects.select_related("plan").filter(pk__in=ids):
            items[(ItemType.MILESTONE, milestone.pk)] = milestone
    if ids := by_type.get(ItemType.TARGET):
        for target in Target.objects.select_related("indicator__plan").filter(pk__in=ids):
            items[(ItemType.TARGET, target.pk)] = target
    if ids := by_type.get(ItemType.SESSION):
        for session in TrainingSession.objects.select_related("training").filter(pk__in=ids):
            items[(ItemType.SESSION, session.pk)] = session
    for reminder in reminders:
        reminder.item = items.get((reminder.item_type, reminder.item_id))
        reminder.context = _context(reminder.item, reminder.recipient_id)
        reminder.path = item_path(reminder)
    return reminders


def _context(item, recipient_id) -> str:
    if isinstance(item, Action):
        if item.assignee_id == recipient_id:  # one's own action: no need to name oneself
            return f"{item.lever.plan} · {item.lever}"
        who = item.assignee.get_full_name() or item.assignee.get_username()
        return f"{item.lever.plan} · {item.lever} · {who}"
    if isinstance(item, Milestone):
        return str(item.plan)
    if hasattr(item, "indicator"):  # a target
        return str(item.indicator.plan)
    if hasattr(item, "place"):  # a training session
        return f"{timezone.localtime(item.starts_at):%H:%M} · {item.place}"
    return ""
