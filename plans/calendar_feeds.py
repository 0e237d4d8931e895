"""Each person's private calendar address: one secret token, replaced on request."""

from .models import CalendarFeed, _new_token


def feed_for(user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def feed_regenerate(*, user) -> CalendarFeed:
    """A new secret: subscriptions made with the old URL stop working (it answers 404)."""
    feed = feed_for(user)
    feed.token = _new_token()
    feed.full_clean()
    feed.save()
    return feed
