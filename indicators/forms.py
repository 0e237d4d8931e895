"""Forms of the indicator pages; they validate input and hand over to ``services``."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from plans.models import Action, Lever
from teams.forms import (
    BoundedModelMultipleChoiceField,
    DateInput,
    UserChoiceField,
    bounded_formfield,
)

from .models import Indicator, Kind
from .services import INDICATOR_FIELDS

ALL_REPS = "all"
TEAM = "team"


class CommaListField(forms.CharField):
    """A list typed as comma-separated text ("price, timing, competitor")."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        return [part.strip() for part in text.split(",") if part.strip()] if text else []

    def run_validators(self, value):
        # CharField's validators (no NUL byte: PostgreSQL refuses one in JSON, a 500) look
        # for it in a string, not in a list: run them on the parts.
        for part in value:
            super().run_validators(part)


# The fields a kind uses ("qualitative:scale": a qualitative indicator on a scale); the
# others are for every kind. The page shows only the chosen kind's (static/indicators/form.js).
SHOWN_FOR = {
    "unit": "quantitative",
    "aggregation": "quantitative qualitative:scale",
    "computation": "quantitative",
    "numerator": "rate",
    "denominator": "rate",
    "qualitative_mode": "qualitative",
    "scale_min": "qualitative:scale",
    "scale_max": "qualitative:scale",
    "scale_labels": "qualitative:scale",
    "categories": "qualitative:categories",
    "target_category": "qualitative:categories",
}


class IndicatorForm(forms.ModelForm):
    categories = CommaListField(
        label=_("Categories"),
        required=False,
        help_text=_("Qualitative indicators with categories: separate them with commas."),
    )
    scale_labels = CommaListField(
        label=_("Level labels"),
        required=False,
        help_text=_("Optional, for a scale: one label per level, separated by commas."),
    )

    class Meta:
        model = Indicator
        formfield_callback = bounded_formfield  # levers, actions: safe ids on SQLite
        fields = [*INDICATOR_FIELDS, "levers", "actions"]
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 3}),
            "levers": forms.CheckboxSelectMultiple,
            "actions": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        parts = Indicator.objects.filter(plan=plan, kind=Kind.QUANTITATIVE, computation="")
        if self.instance.pk:
            parts = parts.exclude(pk=self.instance.pk)
        self.fields["numerator"].queryset = parts
        self.fields["denominator"].queryset = parts
        self.fields["levers"].queryset = Lever.objects.filter(plan=plan)
        self.fields["actions"].queryset = Action.objects.filter(lever__plan=plan).select_related(
            "assignee"
        )
        self.fields["actions"].label_from_instance = lambda a: (
            f"{a.title} ({a.assignee.get_full_name() or a.assignee.get_username()}, {a.due_date})"
        )
        self.fields["levers"].required = False
        self.fields["actions"].required = False
        for name, kinds in SHOWN_FOR.items():
            self.fields[name].widget.attrs["data-shown-for"] = kinds

    def _post_clean(self):
        # The model's rules run in the service, which knows the plan and the kind's rules.
        pass

    def data_for_service(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("levers", "actions")}
        for name in ("scale_min", "scale_max"):
            data[name] = data.get(name)
        return data


class TargetForm(forms.Form):
    who = forms.ChoiceField(label=_("For"))
    value = forms.DecimalField(label=_("Target"), max_digits=14, decimal_places=2)
    period_start = forms.DateField(label=_("Period start"), required=False, widget=DateInput())
    period_end = forms.DateField(label=_("Period end"), required=False, widget=DateInput())
    monthly_weights = forms.CharField(
        label=_("Monthly weights"),
        required=False,
        help_text=_(
            "Optional, for seasonal business: one weight per month of the period, separated "
            "by commas (for example 1, 1, 2, 2, 1, 1). Empty: spread evenly."
        ),
    )

    def __init__(self, *args, reps, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.reps = {str(r.pk): r for r in reps}
        if editing:  # an existing target keeps whom it is for and when it starts
            del self.fields["who"], self.fields["period_start"]
            return
        self.fields["who"].choices = [
            (ALL_REPS, _("All reps of the team")),
            (TEAM, _("The team as a whole")),
        ] + [(str(r.pk), r.get_full_name() or r.get_username()) for r in reps]

    def clean_monthly_weights(self):
        text = self.cleaned_data["monthly_weights"].strip()
        if not text:
            return []
        parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
        try:
            return [float(p.replace(" ", "")) for p in parts]
        except ValueError:
            raise ValidationError(_("Weights must be numbers, separated by commas.")) from None


class MeasurementForm(forms.Form):
    rep = UserChoiceField(label=_("Rep"), queryset=get_user_model().objects.none())
    date = forms.DateField(label=_("Date"), widget=DateInput())
    value = forms.CharField(label=_("Value"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, indicator: Indicator, reps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rep"].queryset = reps
        if indicator.uses_categories:
            del self.fields["value"]
            self.fields["category"].choices = [("", "---------")] + [
                (c, c) for c in indicator.categories
            ]
        else:
            del self.fields["category"]
            if indicator.uses_scale:
                self.fields["value"].label = _("Level (%(min)s to %(max)s)") % {
                    "min": indicator.scale_min,
                    "max": indicator.scale_max,
                }


class WeekForm(forms.Form):
    """The weekly entry grid: one field per indicator a rep types."""

    def __init__(self, *args, indicators, initial_values=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        initial_values = initial_values or {}
        for ind in indicators:
            name = f"ind_{ind.pk}"
            if ind.uses_categories:
                field = forms.ChoiceField(
                    choices=[("", "—")] + [(c, c) for c in ind.categories],
                    required=False,
                    widget=forms.Select(attrs={"class": "form-select"}),
                )
            elif ind.uses_scale:
                labels = list(ind.scale_labels or [])
                levels = range(ind.scale_min, ind.scale_max + 1)
                field = forms.ChoiceField(
                    choices=[("", "—")]
                    + [
                        (str(n), f"{n} — {labels[i]}" if i < len(labels) else str(n))
                        for i, n in enumerate(levels)
                    ],
                    required=False,
                    widget=forms.Select(attrs={"class": "form-select"}),
                )
            else:
                field = forms.CharField(
                    required=False,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control"}),
                )
            field.label = str(ind)
            field.initial = str(initial_values.get(ind.pk, ""))
            self.fields[name] = field

    def entries(self) -> dict:
        return {ind: self.cleaned_data.get(f"ind_{ind.pk}", "") for ind in self.indicators}


class ActionIndicatorsForm(forms.Form):
    indicators = BoundedModelMultipleChoiceField(
        label=_("Indicators this action should move"),
        queryset=Indicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = Indicator.objects.filter(plan=action.lever.plan_id)


class WhatIfForm(forms.Form):
    """The what-if question of an indicator: who, and how many more a week (a GET form)."""

    rep = forms.ModelChoiceField(
        label=_("Who"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("The team"),
    )
    extra_per_week = forms.DecimalField(
        label=_("More a week, from now"),
        max_digits=12,
        decimal_places=2,
        required=False,
        initial=0,
    )

    def __init__(self, *args, reps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rep"].queryset = reps
        self.fields["rep"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
