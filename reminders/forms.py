from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ReminderPreference, TeamReminderSettings


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = ReminderPreference
        fields = ["email_mode", "daily_hour", "weekend_quiet", "language"]
        widgets = {"email_mode": forms.RadioSelect}
        labels = {"language": _("Language")}
        help_texts = {"language": _("The language of the pages and of every email you get.")}


class TeamSettingsForm(forms.ModelForm):
    class Meta:
        model = TeamReminderSettings
        fields = ["upcoming_days", "escalation_days"]
