from teams.roles import role_of

from .navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_role": None}
    role = role_of(user)
    return {
        "nav_items": items_for(role),
        "user_role": role,
    }
