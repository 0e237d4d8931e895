"""This app's resources under /api/v1/ (included by pacsite.urls)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import NotificationViewSet, PreferenceView

router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("reminder-preferences/", PreferenceView.as_view(), name="reminder-preferences"),
    *router.urls,
]
