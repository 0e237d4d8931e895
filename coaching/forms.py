"""Forms of the coaching pages. They validate input; the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from teams.forms import BoundedModelMultipleChoiceField, DateInput, DateTimeInput, UserChoiceField
from teams.validators import validate_plausible_date

from .models import (
    BonusKind,
    Challenge,
    CoachingSession,
    Decision,
    Enrollment,
    EnrollmentStatus,
    IncentiveBasis,
    Kudos,
    Recurrence,
    Ritual,
    RitualMeeting,
    Skill,
    Training,
    TrainingRequest,
    TrainingSession,
)

DATE = DateInput()
DATETIME = DateTimeInput()


class UserMultipleChoiceField(BoundedModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class TrainingForm(forms.ModelForm):
    class Meta:
        model = Training
        fields = [
            "title",
            "topic",
            "skill",
            "kind",
            "provider",
            "duration_hours",
            "cost_per_seat",
            "mandatory",
            "description",
        ]


class SessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["starts_at", "duration_hours", "place", "trainer", "capacity"]
        widgets = {"starts_at": DATETIME}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # 01/01/0001 at 00:00 in Paris is before year 1 in UTC: PostgreSQL refused it (a 500).
        self.fields["starts_at"].validators.append(validate_plausible_date)


class EnrollForm(forms.Form):
    # Several at once; a full session puts the rest on its waiting list.
    rep = UserMultipleChoiceField(
        queryset=None, label=_("Reps to enrol"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, reps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rep"].queryset = reps


class AttendanceRowForm(forms.ModelForm):
    class Meta:
        model = Enrollment
        fields = ["status", "score", "certificate_ref"]


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[(i, f"{i} / 5") for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class TrainingRequestForm(forms.ModelForm):
    rep = UserChoiceField(queryset=None, label=_("Rep"))

    class Meta:
        model = TrainingRequest
        fields = ["rep", "training", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, reps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rep"].queryset = reps


class AssessForm(forms.Form):
    skill = forms.ModelChoiceField(queryset=Skill.objects.all(), label=_("Skill"))
    level = forms.TypedChoiceField(
        label=_("Level"), choices=[(i, str(i)) for i in range(5)], coerce=int
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=255)


class CoachingSessionForm(forms.ModelForm):
    rep = UserChoiceField(queryset=None, label=_("Rep"))

    class Meta:
        model = CoachingSession
        fields = ["rep", "date", "notes", "strengths", "areas_to_improve"]
        widgets = {
            "date": DATE,
            **{
                f: forms.Textarea(attrs={"rows": 3})
                for f in ("notes", "strengths", "areas_to_improve")
            },
        }

    def __init__(self, *args, reps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rep"].queryset = reps


class AgreedActionForm(forms.Form):
    title = forms.CharField(label=_("What"), max_length=200)
    due_date = forms.DateField(label=_("Due date"), widget=DATE)
    lever = forms.ModelChoiceField(queryset=None, label=_("Lever"))

    def __init__(self, *args, levers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lever"].queryset = levers


class ChallengeForm(forms.ModelForm):
    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators

    class Meta:
        model = Challenge
        fields = [
            "title",
            "description",
            "mode",
            "metric",
            "indicator",
            "start_date",
            "end_date",
            "target",
            "prize",
            "recurrence",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("A challenge cannot end before it starts."))
        return data


class RitualForm(forms.ModelForm):
    class Meta:
        model = Ritual
        fields = ["title", "kind", "recurrence", "default_agenda"]
        widgets = {"default_agenda": forms.Textarea(attrs={"rows": 3})}


class MeetingForm(forms.ModelForm):
    attendees = UserMultipleChoiceField(
        queryset=None, label=_("Attendees"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = RitualMeeting
        fields = ["date", "agenda", "minutes", "attendees"]
        widgets = {
            "date": DATE,
            "agenda": forms.Textarea(attrs={"rows": 3}),
            "minutes": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = people


class DecisionForm(forms.ModelForm):
    owner = UserChoiceField(queryset=None, label=_("Who"), required=False)

    class Meta:
        model = Decision
        fields = ["text", "owner", "due_date", "lever"]
        widgets = {"due_date": DATE}

    def __init__(self, *args, reps, levers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = reps
        self.fields["lever"].queryset = levers


class KudosForm(forms.ModelForm):
    rep = UserChoiceField(queryset=None, label=_("To"))

    class Meta:
        model = Kudos
        fields = ["rep", "message"]

    def __init__(self, *args, reps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rep"].queryset = reps


class SchemeForm(forms.Form):
    plan = forms.ModelChoiceField(queryset=None, label=_("Plan"))
    name = forms.CharField(label=_("Name"), max_length=200)
    basis = forms.ChoiceField(label=_("Based on"), choices=IncentiveBasis.choices)
    indicator = forms.ModelChoiceField(
        queryset=None,
        label=_("Indicator"),
        required=False,
        help_text=_("For a scheme based on an indicator: one of the plan's."),
    )
    period_start = forms.DateField(label=_("Period start"), widget=DATE)
    period_end = forms.DateField(label=_("Period end"), widget=DATE)
    base_amount = forms.DecimalField(label=_("Base amount (€)"), required=False, min_value=0)
    cap = forms.DecimalField(label=_("Cap (€)"), required=False, min_value=0)
    reps = UserMultipleChoiceField(
        queryset=None, label=_("Reps covered"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, plans, reps, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["reps"].queryset = reps
        self.fields["indicator"].queryset = indicators

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return data


class TierForm(forms.Form):
    threshold = forms.DecimalField(label=_("From (%)"), max_digits=6, decimal_places=1)
    bonus_kind = forms.ChoiceField(label=_("Bonus"), choices=BonusKind.choices)
    value = forms.DecimalField(label=_("Value"), max_digits=10, decimal_places=2)

    def clean_value(self):
        value = self.cleaned_data["value"]
        if value is not None and value < 0:
            raise forms.ValidationError(_("A bonus cannot be negative."))
        return value


TierFormSet = forms.formset_factory(TierForm, extra=3, max_num=10)


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Group name"), max_length=120, required=False)
    members = UserMultipleChoiceField(
        queryset=None, label=_("Reps"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, reps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = reps

    def clean(self):
        data = super().clean()
        if data.get("members") and not data.get("name"):
            self.add_error("name", _("Name the group."))
        return data


GroupFormSet = forms.formset_factory(GroupForm, extra=3, max_num=10)

ATTENDANCE_STATUSES = EnrollmentStatus.choices
RECURRENCES = Recurrence.choices


class PayoutMessageForm(forms.Form):
    """A question on a payout line, or the manager's answer."""

    text = forms.CharField(
        label=_("Your message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
