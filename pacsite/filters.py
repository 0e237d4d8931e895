"""The audit log's filters, shared by the page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from teams.access import managed_teams, visible_teams
from teams.forms import DateInput
from teams.models import AuditEntry, AuditKind, Team
from teams.roles import Role, role_of


def _teams(request):
    if request is None:
        return Team.objects.none()
    user = request.user
    teams = visible_teams(user) if role_of(user) in (Role.HR, Role.ADMIN) else managed_teams(user)
    return teams.order_by("name")


class AuditFilter(django_filters.FilterSet):
    team = django_filters.ModelChoiceFilter(queryset=_teams, label=_("Team"))
    kind = django_filters.ChoiceFilter(choices=AuditKind.choices, label=_("Change"))
    since = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label=_("From"),
        widget=DateInput(),
    )
    until = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label=_("To"),
        widget=DateInput(),
    )

    class Meta:
        model = AuditEntry
        fields = ["team", "kind", "since", "until"]
