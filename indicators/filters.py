"""FilterSets shared by the API and the pages (same names, same meaning)."""

import django_filters

from .models import Indicator, Measurement, Target

# An id out of the database's integer range is a 400, not an overflow in the query.
ID_RANGE = {"min_value": 0, "max_value": 2**63 - 1}


class IndicatorFilter(django_filters.FilterSet):
    team = django_filters.NumberFilter(field_name="plan__team", **ID_RANGE)

    class Meta:
        model = Indicator
        fields = ["plan", "kind", "team", "template_code"]


class TargetFilter(django_filters.FilterSet):
    # By id, not a choice among live indicators: ?archived=true filters archived ones too.
    indicator = django_filters.NumberFilter(field_name="indicator", **ID_RANGE)
    plan = django_filters.NumberFilter(field_name="indicator__plan", **ID_RANGE)
    team_only = django_filters.BooleanFilter(field_name="rep", lookup_expr="isnull")

    class Meta:
        model = Target
        fields = ["indicator", "rep", "plan", "team_only"]


class MeasurementFilter(django_filters.FilterSet):
    indicator = django_filters.NumberFilter(field_name="indicator", **ID_RANGE)
    plan = django_filters.NumberFilter(field_name="indicator__plan", **ID_RANGE)
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Measurement
        fields = ["indicator", "rep", "plan", "date_after", "date_before", "is_late"]
