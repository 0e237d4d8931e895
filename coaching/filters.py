"""FilterSets shared by the coaching pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from teams.forms import AllYesNo

from .models import Challenge, Enrollment, Topic, Training, TrainingKind, TrainingSession


class TrainingFilter(django_filters.FilterSet):
    # Labels are declared (lazy) rather than derived from the model: django-filter turns a
    # field's verbose_name into a plain string when the class is built, which froze them in
    # whatever language was active at import time.
    title = django_filters.CharFilter(lookup_expr="icontains", label=_("Title"))
    topic = django_filters.ChoiceFilter(choices=Topic.choices, label=_("Topic"))
    kind = django_filters.ChoiceFilter(choices=TrainingKind.choices, label=_("Kind"))
    mandatory = django_filters.BooleanFilter(label=_("Mandatory"), widget=AllYesNo())

    class Meta:
        model = Training
        fields = ["title", "topic", "kind", "mandatory"]


class TrainingSessionFilter(django_filters.FilterSet):
    starts_after = django_filters.IsoDateTimeFilter(
        field_name="starts_at", lookup_expr="gte", label=_("Starts after")
    )
    starts_before = django_filters.IsoDateTimeFilter(
        field_name="starts_at", lookup_expr="lt", label=_("Starts before")
    )

    class Meta:
        model = TrainingSession
        fields = ["training", "starts_after", "starts_before"]


class EnrollmentFilter(django_filters.FilterSet):
    class Meta:
        model = Enrollment
        fields = ["session", "rep", "status"]


class ChallengeFilter(django_filters.FilterSet):
    class Meta:
        model = Challenge
        fields = ["team", "metric", "recurrence"]
