"""django-filter FilterSets shared by the pages and the API (one rule, one place)."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from teams.access import visible_teams
from teams.forms import AllYesNo
from teams.models import Team
from teams.roles import Role, role_of

from .models import OPEN_STATUSES, Action, ActionStatus, Lever, Plan, PlanStatus


class FastSelect(forms.Select):
    """A ``<select>`` written in Python rather than through a template per option.

    The same markup as Django's templates (attributes, ``selected``), for the filter forms
    drawn on every "My actions" page: the option templates were a fifth of the page's
    time (issue 9). Flat choices only (no option groups), which is all these filters have.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], flatatt(option["attrs"]), option["label"])
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


def _user_label(user) -> str:
    return user.get_full_name() or user.get_username()


class ActionFilter(django_filters.FilterSet):
    """Filters of "My actions" and of ``/api/v1/actions/``.

    The choices of ``plan``, ``lever`` and ``assignee`` are narrowed to what the request's
    user may see, so a filter can never reveal another team's rows.
    """

    status = django_filters.ChoiceFilter(
        choices=ActionStatus.choices, label=_("Status"), widget=FastSelect
    )
    plan = django_filters.ModelChoiceFilter(
        field_name="lever__plan", queryset=Plan.objects.none(), label=_("Plan"), widget=FastSelect
    )
    lever = django_filters.ModelChoiceFilter(
        queryset=Lever.objects.none(), label=_("Lever"), widget=FastSelect
    )
    assignee = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.none(), label=_("Who"), widget=FastSelect
    )
    due_after = django_filters.DateFilter(
        field_name="due_date", lookup_expr="gte", label=_("Due from")
    )
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label=_("Due until")
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("Overdue"), widget=AllYesNo()
    )

    class Meta:
        model = Action
        fields = ["status", "plan", "lever", "assignee", "due_after", "due_before", "overdue"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is None and self.request is not None:
            user = self.request.user
        teams = visible_teams(user) if user is not None else []
        plans = Plan.objects.filter(team__in=teams).select_related("team")
        self.filters["plan"].queryset = plans
        self.filters["lever"].queryset = Lever.objects.filter(plan__in=plans).select_related("plan")
        self.filters["lever"].field.label_from_instance = lambda lv: f"{lv.plan} · {lv.name}"
        # The ids first (from the index alone), then the people: joining every action of the
        # teams' plans to its user row and sorting them for DISTINCT cost ~20 ms (issue 16).
        holders = Action.all_objects.filter(lever__plan__team__in=teams).values("assignee")
        people = get_user_model().objects.filter(pk__in=holders).order_by("first_name", "last_name")
        self.filters["assignee"].queryset = people
        self.filters["assignee"].field.label_from_instance = _user_label
        # A rep's "My actions" is theirs: choosing someone else would be an empty page.
        self.show_assignee = user is not None and role_of(user) != Role.REP

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        overdue = queryset.overdue(today)
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class TimelineFilter(django_filters.FilterSet):
    """Filters of a plan's timeline: who, and which state (open and overdue group several)."""

    # Plain choices read once: a model choice reads the people again to check the value.
    assignee = django_filters.ChoiceFilter(choices=[], label=_("Who"), widget=FastSelect)
    status = django_filters.ChoiceFilter(
        choices=[
            ("open", _("Open (to do or in progress)")),
            ("overdue", _("Overdue")),
            *ActionStatus.choices,
        ],
        method="filter_status",
        label=_("Status"),
        widget=FastSelect,
    )

    class Meta:
        model = Action
        fields = ["assignee", "status"]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        # Whoever holds an action of the plan (a rep who left the team keeps theirs).
        holders = Action.all_objects.filter(lever__plan=plan).values("assignee")
        people = get_user_model().objects.filter(pk__in=holders).order_by("first_name", "last_name")
        self.filters["assignee"].extra["choices"] = [(p.pk, _user_label(p)) for p in people]

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        if value == "overdue":
            return queryset.overdue(timezone.localdate())
        return queryset.filter(status=value)


class PlanFilter(django_filters.FilterSet):
    """Filters of the plan list and of ``/api/v1/plans/``: team, period, status."""

    team = django_filters.ModelChoiceFilter(queryset=Team.objects.none(), label=_("Team"))
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices, label=_("Status"))
    # A plan belongs to the period when the two overlap.
    active_on_or_after = django_filters.DateFilter(
        field_name="end_date", lookup_expr="gte", label=_("Running from")
    )
    active_on_or_before = django_filters.DateFilter(
        field_name="start_date", lookup_expr="lte", label=_("Running until")
    )

    class Meta:
        model = Plan
        fields = ["team", "status", "active_on_or_after", "active_on_or_before"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is None and self.request is not None:
            user = self.request.user
        if user is not None:
            self.filters["team"].queryset = visible_teams(user)


def style_for_bootstrap(form) -> None:
    """Give a filter form's controls Bootstrap's classes (and ``is-invalid`` where a value was
    refused), so a page draws the fields with ``plans/_filter_field.html`` instead of crispy's
    templates, several times slower per field."""
    for name, form_field in form.fields.items():
        widget = form_field.widget
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        if form.is_bound and name in form.errors:
            css += " is-invalid"
        widget.attrs["class"] = css
