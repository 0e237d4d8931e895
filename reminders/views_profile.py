"""The profile page (the person's language and private calendar address) and the calendar
feed it hands out, written in its owner's saved language."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plans.calendar_feeds import feed_for, feed_regenerate
from plans.models import CalendarFeed

from . import calendar as cal
from .services import language_saved, preference_or_default


def profile(request):
    """The user's profile: their language, the private calendar feed's URL, and a button to
    revoke it."""
    feed = feed_for(request.user)
    url = request.build_absolute_uri(reverse("profile:calendar-feed", args=[feed.token]))
    language = language_saved(request.user) or settings.LANGUAGE_CODE
    return render(
        request, "reminders/profile.html", {"feed": feed, "feed_url": url, "language": language}
    )


@require_POST
def profile_feed_regenerate(request):
    feed_regenerate(user=request.user)
    messages.success(request, _("Your calendar link was replaced: the old one no longer works."))
    return redirect("profile:page")


@login_not_required
def calendar_feed(request, token):
    """The .ics feed, public to whoever holds the token; a revoked token is a 404. It is
    written in its owner's saved language (read with the feed, no query more)."""
    try:
        feed = CalendarFeed.objects.select_related("user__reminder_preference").get(token=token)
    except CalendarFeed.DoesNotExist:
        raise Http404 from None
    if not feed.user.is_active:
        raise Http404
    language = preference_or_default(feed.user).language
    host = request.get_host().split(":")[0] or "pac"
    body = cal.calendar_ics(feed.user, language=language, host=host)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Language"] = language
    response["Content-Disposition"] = 'inline; filename="pac.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
