from functools import cached_property

from . import bell as bell_count


class _Bell:
    """Read only when a template asks: pages without the navbar pay nothing; the count
    itself comes from the cache (``reminders.bell``)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self) -> int:
        return bell_count.unread(self.user)


def bell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"reminder_bell": None}  # anonymous: no query at all
    return {"reminder_bell": _Bell(user)}
