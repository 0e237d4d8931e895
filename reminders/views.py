from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from teams.access import get_object_for_user
from teams.language import language_activate
from teams.models import Team
from teams.redirects import safe_next

from . import bell, selectors, services
from .filters import NotificationFilter
from .forms import PreferenceForm, TeamSettingsForm
from .waiting import attach_email_wait


def notifications(request):
    filterset = NotificationFilter(request.GET, queryset=selectors.notifications_for(request.user))
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    selectors.hydrate(rows)
    attach_email_wait(request.user, rows)
    return render(
        request,
        "reminders/notifications.html",
        {"filter": filterset, "page": page, "unread": bell.unread(request.user)},
    )


@require_POST
def notification_open(request, pk: int):
    """Mark one notification read and go to its item."""
    reminder = get_object_for_user(selectors.notifications_for(request.user), request.user, pk=pk)
    services.notification_mark_read(user=request.user, reminder=reminder)
    selectors.hydrate([reminder])
    return redirect(reminder.path)


@require_POST
def notifications_read_all(request):
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked as read.",
            "%(count)d notifications marked as read.",
            count,
        )
        % {"count": count},
    )
    return redirect(safe_next(request, "reminders:notifications"))


def preferences(request):
    pref = services.preference_get(user=request.user)
    team = Team.objects.filter(manager=request.user).first()
    team_settings = services.team_settings_get(team=team) if team else None
    form = PreferenceForm(instance=pref, prefix="pref")
    team_form = TeamSettingsForm(instance=team_settings, prefix="team") if team else None
    if request.method == "POST":
        if request.POST.get("form") == "team" and team:
            team_form = TeamSettingsForm(request.POST, instance=team_settings, prefix="team")
            if team_form.is_valid():
                services.team_settings_update(team=team, **team_form.cleaned_data)
                messages.success(request, _("The team's reminder settings are saved."))
                return redirect("reminders:preferences")
        else:
            form = PreferenceForm(request.POST, instance=pref, prefix="pref")
            if form.is_valid():
                pref = services.preference_update(user=request.user, **form.cleaned_data)
                # The pages follow the saved language at once, this message included.
                response = redirect("reminders:preferences")
                language_activate(request, response, pref.language)
                messages.success(request, _("Your reminder preferences are saved."))
                return response
    return render(
        request,
        "reminders/preferences.html",
        {"form": form, "team_form": team_form, "team": team},
    )
