from functools import cached_property

from .selectors import unread_count


class _Bell:
    """Counts only when a template reads it: pages without the navbar pay nothing."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self) -> int:
        return unread_count(self.user)


def bell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"reminder_bell": None}  # anonymous: no query at all
    return {"reminder_bell": _Bell(user)}
