"""Forms of the plan pages; the model's ``clean()`` rules show next to their field."""

from datetime import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.access import managed_teams
from teams.forms import BoundedModelMultipleChoiceField, DateInput, add_service_errors
from teams.validators import validate_plausible_date

from .access import assignable_users
from .models import Action, ActionStatus, Lever, Milestone, Plan, Priority
from .services import PLAN_FIELDS


def person_label(user) -> str:
    return user.get_full_name() or user.get_username()


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ("team", *PLAN_FIELDS)
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in PLAN_FIELDS
                if name not in ("title", "start_date", "end_date")
            },
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["team"]  # a plan stays with its team
        else:
            teams = managed_teams(user)
            self.fields["team"].queryset = teams
            if len(teams) == 1:
                self.fields["team"].initial = teams[0]


class LeverForm(forms.ModelForm):
    class Meta:
        model = Lever
        fields = ("name", "aim", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ("title", "date", "description")
        widgets = {"date": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}


class _PlanChoicesMixin:
    def _narrow(self, plan):
        self.fields["lever"].queryset = plan.levers.all()
        self.fields["milestone"].queryset = plan.milestones.all()
        self.fields["milestone"].required = False


class ActionCreateForm(_PlanChoicesMixin, forms.Form):
    """Who / what / when, for one person or several at once (one action each)."""

    lever = forms.ModelChoiceField(queryset=Lever.objects.none(), label=_("Lever"))
    title = forms.CharField(max_length=200, label=_("What"))
    details = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Details")
    )
    assignees = BoundedModelMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Who"),
        help_text=_("Choose several people to give each of them the same action."),
    )
    start_date = forms.DateField(widget=DateInput(), required=False, label=_("Start date"))
    due_date = forms.DateField(widget=DateInput(), label=_("Due date"))
    priority = forms.TypedChoiceField(
        choices=Priority.choices, coerce=int, initial=Priority.NORMAL, label=_("Priority")
    )
    milestone = forms.ModelChoiceField(queryset=Milestone.objects.none(), label=_("Milestone"))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self._narrow(plan)
        self.fields["assignees"].queryset = assignable_users(plan)
        self.fields["assignees"].label_from_instance = person_label

    def clean(self):
        data = super().clean()
        people = data.get("assignees")
        if self.errors or not people:
            return data
        # The model's rules (dates in the period, due after start...) checked once, on a
        # probe action, and reported next to this form's fields.
        probe = Action(
            lever=data["lever"],
            title=data["title"],
            details=data.get("details", ""),
            assignee=people[0],
            start_date=data.get("start_date"),
            due_date=data["due_date"],
            priority=data["priority"],
            milestone=data.get("milestone"),
        )
        try:
            probe.full_clean(exclude=["original_due_date"])
        except ValidationError as error:
            add_service_errors(self, error, rename={"assignee": "assignees"})
        return data


class ActionForm(_PlanChoicesMixin, forms.ModelForm):
    """Edit one action (managers). Moving the due date keeps the first commitment.

    Not its status: the buttons of the action's page change it, through the transition rules.
    """

    class Meta:
        model = Action
        fields = (
            "lever",
            "title",
            "details",
            "assignee",
            "start_date",
            "due_date",
            "priority",
            "milestone",
        )
        widgets = {
            "start_date": DateInput(),
            "due_date": DateInput(),
            "details": forms.Textarea(attrs={"rows": 2}),
        }

    # The action's updated_at when the form was opened: services.action_update refuses the
    # save if someone changed the action since (optimistic concurrency).
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plan = self.instance.lever.plan
        self._narrow(plan)
        self.fields["assignee"].queryset = assignable_users(plan)
        self.fields["assignee"].label_from_instance = person_label
        if self.instance.updated_at:
            self.fields["version"].initial = self.instance.updated_at.isoformat()

    def clean(self):
        data = super().clean()
        # The version is a hidden field: its own errors (a NUL byte in it) would not show,
        # so they are reported on the form, as for any unreadable version.
        if self.has_error("version"):
            del self.errors["version"]
            self.add_error(None, _("This form is out of date; reload the page and try again."))
        return data

    def clean_version(self):
        """The opened version as a datetime; None when the form was posted without one."""
        raw = self.cleaned_data.get("version") or ""
        if not raw:
            return None
        try:
            version = datetime.fromisoformat(raw)
        except ValueError:
            version = None
        if version is None or timezone.is_naive(version):
            # On the form rather than on the hidden field, so it shows; the form is invalid.
            self.add_error(None, _("This form is out of date; reload the page and try again."))
        return version


class ReassignForm(forms.Form):
    """Give several actions of a plan to one person at once."""

    actions = BoundedModelMultipleChoiceField(
        queryset=Action.objects.none(), widget=forms.CheckboxSelectMultiple, label=_("Actions")
    )
    assignee = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), label=_("New person in charge")
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = (
            Action.objects.filter(lever__plan=plan)
            .exclude(status__in=(ActionStatus.DONE, ActionStatus.CANCELLED))
            .select_related("assignee", "lever")
        )
        self.fields["actions"].label_from_instance = lambda a: (
            f"{a.title} — {person_label(a.assignee)} ({a.due_date:%d/%m/%Y})"
        )
        self.fields["assignee"].queryset = assignable_users(plan)
        self.fields["assignee"].label_from_instance = person_label


class DuplicateForm(forms.Form):
    title = forms.CharField(max_length=200, label=_("Title of the new plan"))
    start_date = forms.DateField(
        widget=DateInput(),
        # Every date of the plan moves with it: a far date would overflow (a 500).
        validators=[validate_plausible_date],
        label=_("Start date of the new plan"),
        help_text=_("Every date of the plan moves by the same number of days."),
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label=_("Comment"), max_length=4000
    )
