from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("", views.notifications, name="notifications"),
    path("<int:pk>/open/", views.notification_open, name="notification-open"),
    path("read-all/", views.notifications_read_all, name="read-all"),
    path("preferences/", views.preferences, name="preferences"),
]
