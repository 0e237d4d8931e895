"""Every form of the project, with the page that shows it, the persona allowed to post it,
and what must stay untouched when it is refused.

``test_every_form_class_is_fuzzed`` fails when a form class appears in the project without a
case here (or a line in ``COVERED_ELSEWHERE``), so a new form cannot slip past the fuzzing.

A case's valid data is what the page pre-fills (read from the form in the GET response)
plus ``valid`` (POST names) for what the page leaves empty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.forms import PasswordChangeForm
from django.urls import reverse
from django.utils import timezone

from coaching import forms as cf
from crm import forms as crmf
from indicators import forms as inf
from pacsite.forms import LoginForm
from plans import forms as pf
from reminders import forms as rf

from ..factories import PASSWORD


def _url(name, *keys):
    return lambda w: reverse(name, args=[w[k].pk for k in keys])


def _ctx(name):
    return lambda ctx: ctx[name]


def _main_form(ctx):
    return ctx["form"]


def _formset_form(index=0, name="formset"):
    return lambda ctx: ctx[name].forms[index]


@dataclass(frozen=True)
class FormCase:
    id: str
    form: type
    persona: str | None  # a fixture of tests/conftest.py; None: anonymous
    url: Callable[[dict], str]  # where the form is posted
    get_url: Callable[[dict], str] | None = None  # where it is shown, when elsewhere
    pick: Callable = _main_form  # the form, from the GET response's context
    valid: Callable[[dict], dict] = lambda w: {}
    extra: dict = field(default_factory=dict)  # what tells the view which form is posted
    watch: Callable[[dict], list] = lambda w: []  # rows a refused post must not change
    refused_statuses: tuple = (200, 400)

    def __str__(self):
        return self.id


def _dates(w, first, last):
    """Today and a month later, as ``first`` and ``last``."""
    return {first: w["today"].isoformat(), last: (w["today"] + timedelta(days=30)).isoformat()}


def _challenge(w, mode="individual"):
    return {
        "title": "Sprint",
        "mode": mode,
        "metric": "actions_done",
        "recurrence": "none",
        **_dates(w, "start_date", "end_date"),
    }


def _scheme(w):
    return {
        "plan": w["plan"].pk,
        "name": "Q3 bonus",
        "basis": "effort",
        **_dates(w, "period_start", "period_end"),
        "base_amount": "500",
        "reps": [w["people"]["rep"].pk],
        "tiers-0-threshold": "80",
        "tiers-0-bonus_kind": "amount",
        "tiers-0-value": "100",
    }


CASES = [
    # plans ---------------------------------------------------------------------------------
    FormCase(
        "plan-create",
        pf.PlanForm,
        "manager",
        lambda w: reverse("plans:plan-create"),
        valid=lambda w: {
            "team": w["team"].pk,
            "title": "Q3",
            **_dates(w, "start_date", "end_date"),
        },
    ),
    FormCase(
        "plan-edit",
        pf.PlanForm,
        "manager",
        _url("plans:plan-edit", "plan"),
        watch=lambda w: [w["plan"]],
    ),
    FormCase(
        "plan-duplicate",
        pf.DuplicateForm,
        "manager",
        _url("plans:plan-duplicate", "plan"),
        valid=lambda w: {"title": "Copy", "start_date": w["today"].isoformat()},
    ),
    FormCase(
        "lever-create",
        pf.LeverForm,
        "manager",
        _url("plans:lever-create", "plan"),
        valid=lambda w: {"name": "Fidélisation", "aim": "retain"},
    ),
    FormCase(
        "lever-edit",
        pf.LeverForm,
        "manager",
        _url("plans:lever-edit", "lever"),
        watch=lambda w: [w["lever"]],
    ),
    FormCase(
        "milestone-create",
        pf.MilestoneForm,
        "manager",
        _url("plans:milestone-create", "plan"),
        valid=lambda w: {"title": "Mid-term", "date": w["today"].isoformat()},
    ),
    FormCase(
        "milestone-edit",
        pf.MilestoneForm,
        "manager",
        _url("plans:milestone-edit", "milestone"),
        watch=lambda w: [w["milestone"]],
    ),
    FormCase(
        "action-create",
        pf.ActionCreateForm,
        "manager",
        _url("plans:action-create", "plan"),
        valid=lambda w: {
            "lever": w["lever"].pk,
            "title": "Visit",
            "assignees": [w["people"]["rep"].pk],
            "due_date": w["today"].isoformat(),
            "priority": 2,
        },
    ),
    FormCase(
        "action-edit",
        pf.ActionForm,
        "manager",
        _url("plans:action-edit", "action"),
        watch=lambda w: [w["action"]],
    ),
    FormCase(
        "actions-reassign",
        pf.ReassignForm,
        "manager",
        _url("plans:actions-reassign", "plan"),
        valid=lambda w: {"actions": [w["action"].pk], "assignee": w["people"]["rep2"].pk},
        watch=lambda w: [w["action"]],
    ),
    FormCase(
        "action-comment",
        pf.CommentForm,
        "rep",
        _url("plans:action-comment", "action"),
        get_url=_url("plans:action-detail", "action"),
        pick=_ctx("comment_form"),
        valid=lambda w: {"text": "Done half of it"},
    ),
    # indicators ----------------------------------------------------------------------------
    FormCase(
        "indicator-create",
        inf.IndicatorForm,
        "manager",
        _url("indicators:create", "plan"),
        valid=lambda w: {"name": "Visits", "kind": "quantitative", "unit": "count"},
    ),
    FormCase(
        "indicator-edit",
        inf.IndicatorForm,
        "manager",
        _url("indicators:edit", "revenue"),
        watch=lambda w: [w["revenue"]],
    ),
    FormCase(
        "targets",
        inf.TargetForm,
        "manager",
        _url("indicators:targets", "revenue"),
        get_url=_url("indicators:detail", "revenue"),
        pick=_ctx("target_form"),
        valid=lambda w: {"who": w["people"]["rep"].pk, "value": "1000"},
    ),
    FormCase(
        "target-edit",
        inf.TargetForm,
        "manager",
        _url("indicators:target-edit", "revenue_target"),
        watch=lambda w: [w["revenue_target"]],
    ),
    FormCase(
        "measurement",
        inf.MeasurementForm,
        "manager",
        _url("indicators:measure", "revenue"),
        get_url=_url("indicators:detail", "revenue"),
        pick=_ctx("measurement_form"),
        valid=lambda w: {
            "rep": w["people"]["rep"].pk,
            "date": w["today"].isoformat(),
            "value": "12.5",
        },
    ),
    FormCase(
        "measurement-category",
        inf.MeasurementForm,
        "rep",
        _url("indicators:measure", "mood"),
        get_url=_url("indicators:detail", "mood"),
        pick=_ctx("measurement_form"),
        valid=lambda w: {
            "rep": w["people"]["rep"].pk,
            "date": w["today"].isoformat(),
            "category": "good",
        },
    ),
    FormCase(
        "week",
        inf.WeekForm,
        "rep",
        lambda w: reverse("indicators:week"),
        valid=lambda w: {f"ind_{w['revenue'].pk}": "3", f"ind_{w['mood'].pk}": "bad"},
    ),
    FormCase(
        "action-indicators",
        inf.ActionIndicatorsForm,
        "manager",
        _url("indicators:action", "action"),
    ),
    # coaching ------------------------------------------------------------------------------
    FormCase(
        "training-create",
        cf.TrainingForm,
        "hr",
        lambda w: reverse("coaching:training-create"),
        valid=lambda w: {
            "title": "Excel",
            "topic": "crm",
            "kind": "online",
            "duration_hours": "3",
            "cost_per_seat": "100",
        },
    ),
    FormCase(
        "training-edit",
        cf.TrainingForm,
        "hr",
        _url("coaching:training-edit", "training"),
        watch=lambda w: [w["training"]],
    ),
    FormCase(
        "session-create",
        cf.SessionForm,
        "hr",
        _url("coaching:session-create", "training"),
        valid=lambda w: {
            "starts_at": (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Lyon",
            "capacity": "4",
        },
    ),
    FormCase(
        "enroll",
        cf.EnrollForm,
        "hr",
        _url("coaching:session-detail", "upcoming_session"),
        valid=lambda w: {"rep": w["people"]["rep2"].pk},
    ),
    FormCase(
        "attendance",
        cf.AttendanceRowForm,
        "hr",
        _url("coaching:session-attendance", "past_session"),
        pick=lambda ctx: ctx["rows"][0][1],
        watch=lambda w: [w["attended"]],
    ),
    FormCase(
        "feedback",
        cf.FeedbackForm,
        "rep",
        _url("coaching:feedback", "attended"),
        valid=lambda w: {"rating": "4"},
        watch=lambda w: [w["attended"]],
    ),
    FormCase(
        "training-request",
        cf.TrainingRequestForm,
        "manager",
        lambda w: reverse("coaching:training-requests"),
        valid=lambda w: {"rep": w["people"]["rep"].pk, "training": w["training"].pk},
    ),
    FormCase(
        "assess",
        cf.AssessForm,
        "manager",
        lambda w: reverse("coaching:rep", args=[w["people"]["rep"].pk]),
        valid=lambda w: {"skill": w["skill"].pk, "level": "3"},
    ),
    FormCase(
        "coaching-create",
        cf.CoachingSessionForm,
        "manager",
        lambda w: reverse("coaching:coaching-create"),
        valid=lambda w: {"rep": w["people"]["rep"].pk},
    ),
    FormCase(
        "agreed-action",
        cf.AgreedActionForm,
        "manager",
        _url("coaching:coaching-detail", "coaching"),
        valid=lambda w: {
            "title": "Follow up",
            "due_date": w["today"].isoformat(),
            "lever": w["lever"].pk,
        },
    ),
    FormCase(
        "challenge-create",
        cf.ChallengeForm,
        "manager",
        lambda w: reverse("coaching:challenge-create"),
        valid=_challenge,
    ),
    FormCase(
        "challenge-group",
        cf.GroupForm,
        "manager",
        lambda w: reverse("coaching:challenge-create"),
        pick=_formset_form(0),
        valid=lambda w: {
            **_challenge(w, mode="teams"),
            "groups-0-name": "North",
            "groups-0-members": [w["people"]["rep"].pk],
            "groups-1-name": "South",
            "groups-1-members": [w["people"]["rep2"].pk],
        },
    ),
    FormCase(
        "ritual-create",
        cf.RitualForm,
        "manager",
        lambda w: reverse("coaching:ritual-create"),
        valid=lambda w: {"title": "Friday", "kind": "other", "recurrence": "weekly"},
    ),
    FormCase(
        "meeting-create",
        cf.MeetingForm,
        "manager",
        _url("coaching:ritual-detail", "ritual"),
        valid=lambda w: {"date": (w["today"] + timedelta(days=7)).isoformat()},
    ),
    FormCase(
        "meeting-minutes",
        cf.MeetingForm,
        "manager",
        _url("coaching:meeting-detail", "meeting"),
        pick=_ctx("minutes_form"),
        extra={"form": "minutes"},
        watch=lambda w: [w["meeting"]],
    ),
    FormCase(
        "decision",
        cf.DecisionForm,
        "manager",
        _url("coaching:meeting-detail", "meeting"),
        pick=_ctx("decision_form"),
        extra={"form": "decision"},
        valid=lambda w: {"text": "Call back every lost customer"},
    ),
    FormCase(
        "kudos",
        cf.KudosForm,
        "rep",
        lambda w: reverse("coaching:kudos"),
        valid=lambda w: {"rep": w["people"]["rep2"].pk, "message": "Bravo"},
    ),
    FormCase(
        "scheme-create",
        cf.SchemeForm,
        "manager",
        lambda w: reverse("coaching:scheme-create"),
        valid=_scheme,
    ),
    FormCase(
        "scheme-tier",
        cf.TierForm,
        "manager",
        lambda w: reverse("coaching:scheme-create"),
        pick=_formset_form(0),
        valid=_scheme,
    ),
    FormCase(
        "payout-message",
        cf.PayoutMessageForm,
        "rep",
        lambda w: reverse("coaching:statement", args=[w["scheme"].pk, w["people"]["rep"].pk]),
        valid=lambda w: {"text": "Why not tier 2?"},
    ),
    # reminders -----------------------------------------------------------------------------
    FormCase(
        "preferences",
        rf.PreferenceForm,
        "rep",
        lambda w: reverse("reminders:preferences"),
    ),
    FormCase(
        "team-reminder-settings",
        rf.TeamSettingsForm,
        "manager",
        lambda w: reverse("reminders:preferences"),
        pick=_ctx("team_form"),
        extra={"form": "team"},
    ),
    # crm -----------------------------------------------------------------------------------
    FormCase(
        "crm-connection-create",
        crmf.ConnectionForm,
        "manager",
        lambda w: reverse("crm:connection-create"),
        valid=lambda w: {"kind": "pipedrive", "name": "Pipedrive", "api_token": "token"},
    ),
    FormCase(
        "crm-connection-edit",
        crmf.ConnectionForm,
        "manager",
        _url("crm:connection-edit", "crm_connection"),
        watch=lambda w: [w["crm_connection"]],
    ),
    FormCase(
        "crm-mapping",
        crmf.MappingForm,
        "manager",
        _url("crm:connection-detail", "crm_connection"),
        valid=lambda w: {"metric": "deals_won_amount", "indicator": w["revenue"].pk},
    ),
    FormCase(
        "crm-chat",
        crmf.ChatHookForm,
        "manager",
        lambda w: reverse("crm:chat"),
        valid=lambda w: {"kind": "slack", "url": "https://hooks.slack.com/services/T/B/x"},
    ),
    # pacsite: Django's own forms on the project's pages -------------------------------------
    FormCase(
        "password-change",
        PasswordChangeForm,
        "rep",
        lambda w: reverse("password_change"),
        valid=lambda w: {
            "old_password": PASSWORD,
            "new_password1": "Un-autre-mot-2026",
            "new_password2": "Un-autre-mot-2026",
        },
        watch=lambda w: [w["people"]["rep"]],
    ),
    FormCase(
        "login",
        LoginForm,
        None,
        lambda w: reverse("login"),
        valid=lambda w: {"username": w["people"]["rep"].username, "password": PASSWORD},
        # django-axes answers a locked-out client with 429 (no form); that is a refusal too.
        refused_statuses=(200, 400, 429),
    ),
]

# Forms whose input is a file: fuzzed with generated files in test_imports.py.
COVERED_ELSEWHERE = {
    "plans.views_data.UploadForm": "tests/fuzz/test_imports.py",
    # A GET form (the question is in the query string): its hostile numbers and ids are in
    # tests/indicators/test_what_if.py.
    "indicators.forms.WhatIfForm": "tests/indicators/test_what_if.py",
}
