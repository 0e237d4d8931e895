"""The connection, mapping and chat forms. Credentials are password fields never drawn with
a value: an empty one keeps what is stored (crm.services merges them)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator
from indicators.models import Kind as IndicatorKind

from .models import ChatKind, Kind, Metric
from .services import CREDENTIAL_FIELDS

CREDENTIAL_LABELS = {
    "access_token": _("Access token"),
    "client_secret": _("Client secret (checks HubSpot's webhook signatures)"),
    "api_token": _("API token"),
    "webhook_user": _("Webhook user name (Pipedrive's HTTP Basic auth)"),
    "webhook_password": _("Webhook password"),
    "database": _("Odoo database"),
    "login": _("Odoo login"),
    "api_key": _("API key"),
}


def _secret(label):
    return forms.CharField(
        label=label,
        required=False,
        max_length=2000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )


class ConnectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("CRM"), choices=Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=120)
    base_url = forms.URLField(
        label=_("Base URL"),
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text=_(
            "Empty: the vendor's own address. Required for Salesforce (your instance) "
            "and Odoo (your server)."
        ),
    )
    access_token = _secret(CREDENTIAL_LABELS["access_token"])
    client_secret = _secret(CREDENTIAL_LABELS["client_secret"])
    api_token = _secret(CREDENTIAL_LABELS["api_token"])
    webhook_user = _secret(CREDENTIAL_LABELS["webhook_user"])
    webhook_password = _secret(CREDENTIAL_LABELS["webhook_password"])
    database = _secret(CREDENTIAL_LABELS["database"])
    login = _secret(CREDENTIAL_LABELS["login"])
    api_key = _secret(CREDENTIAL_LABELS["api_key"])

    def __init__(self, *args, kind: str | None = None, **kwargs):
        """``kind``: editing a connection of that CRM (its own credentials only)."""
        super().__init__(*args, **kwargs)
        if kind:
            del self.fields["kind"]
            for name in CREDENTIAL_LABELS:
                if name in CREDENTIAL_FIELDS[kind]:
                    self.fields[name].help_text = _("Stored. Leave empty to keep it.")
                else:
                    del self.fields[name]

    def credentials(self, kind: str) -> dict:
        return {n: self.cleaned_data.get(n, "") for n in CREDENTIAL_FIELDS[kind]}


class MappingForm(forms.Form):
    metric = forms.ChoiceField(label=_("What the CRM counts"), choices=Metric.choices)
    indicator = forms.ModelChoiceField(
        label=_("Indicator it feeds"), queryset=Indicator.objects.none()
    )
    pipeline = forms.CharField(
        label=_("Only this pipeline (its id)"), required=False, max_length=100
    )
    stage = forms.CharField(label=_("Only this stage (its id)"), required=False, max_length=100)
    activity_type = forms.CharField(
        label=_("Activity type"),
        required=False,
        max_length=60,
        help_text=_("For activities: call, meeting… Empty: every type."),
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = (
            Indicator.objects.filter(
                plan__team=team, kind=IndicatorKind.QUANTITATIVE, computation=""
            )
            .select_related("plan")
            .order_by("plan__start_date", "position", "pk")
        )
        self.fields["indicator"].label_from_instance = lambda i: f"{i.plan} · {i}"


class ChatHookForm(forms.Form):
    kind = forms.ChoiceField(label=_("Chat"), choices=ChatKind.choices)
    url = forms.URLField(
        label=_("Incoming webhook address"),
        max_length=1000,
        assume_scheme="https",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Slack: an app's incoming webhook. Teams: a channel's Workflows webhook."),
    )
    weekly_post = forms.BooleanField(
        label=_("Post the weekly team round-up"), required=False, initial=True
    )
