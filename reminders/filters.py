import django_filters
from django.utils.translation import gettext_lazy as _

from teams.forms import AllYesNo

from .models import Reminder, Stage


class NotificationFilter(django_filters.FilterSet):
    """The same filter for the notification page and ``/api/v1/notifications/``."""

    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label=_("Unread only"), widget=AllYesNo()
    )
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Stage"))

    class Meta:
        model = Reminder
        fields = ["unread", "stage"]
