"""The profile page and the calendar feed, at the addresses feeds were first handed out on."""

from django.urls import path

from . import views_profile

app_name = "profile"

urlpatterns = [
    path("profile/", views_profile.profile, name="page"),
    path(
        "profile/calendar/regenerate/",
        views_profile.profile_feed_regenerate,
        name="feed-regenerate",
    ),
    path("calendar/<str:token>.ics", views_profile.calendar_feed, name="calendar-feed"),
]
