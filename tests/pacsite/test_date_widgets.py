"""Every date widget of every form shows its value in ISO, whatever the language.

A ``<input type="date">`` only understands ``2026-06-12``: a value in the French format
(``12/06/2026``) shows an empty field, and the next save loses the date. Every form class of
the project is found by walking its packages, built with a date in each date field, and
rendered in French and in English.
"""

import importlib
import inspect
import re
from datetime import date, datetime

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from indicators.models import Indicator, Target
from plans.models import Action, Lever, Plan

from ..fuzz.test_forms import project_form_classes

DAY = date(2026, 6, 12)
MOMENT = datetime(2026, 6, 12, 9, 30)
INPUT = re.compile(r"<input\b[^>]*>")


def _attr(tag: str, name: str) -> str | None:
    found = re.search(rf'\b{name}="([^"]*)"', tag)
    return found.group(1) if found else None


def date_inputs(html: str) -> list[tuple[str, str | None]]:
    """(name, value) of each date or date-and-time input of a page."""
    found = []
    for tag in INPUT.findall(html):
        if _attr(tag, "type") in ("date", "datetime-local"):
            found.append((_attr(tag, "name"), _attr(tag, "value")))
    return found


def is_iso(kind: str, value: str | None) -> bool:
    if kind == "date":
        return bool(value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))
    return bool(value and re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", value))


def _load(dotted: str) -> type[forms.BaseForm]:
    module_name, _, qualname = dotted.rpartition(".")
    return getattr(importlib.import_module(module_name), qualname)


@pytest.fixture
def world(team, manager, rep):
    plan = Plan.objects.create(
        team=team, title="PAC", start_date=date(2026, 1, 1), end_date=date(2026, 12, 31)
    )
    lever = Lever.objects.create(plan=plan, name="Conquête", aim="prospect")
    action = Action.objects.create(lever=lever, title="Call", assignee=rep, due_date=DAY)
    indicator = Indicator.objects.create(
        plan=plan,
        name="Revenue",
        kind="quantitative",
        unit="eur",
        direction="higher",
        aggregation="sum",
        cadence="weekly",
    )
    reps = get_user_model().objects.filter(pk=rep.pk)
    # What each form's constructor asks for, by the keyword's name: a new keyword fails the
    # test below until it is added here.
    return {
        "user": manager,
        "plan": plan,
        "action": action,
        "indicator": indicator,
        "reps": reps,
        "people": reps,
        "levers": Lever.objects.filter(plan=plan),
        "plans": Plan.objects.filter(pk=plan.pk),
        "indicators": Indicator.objects.filter(pk=indicator.pk),
        "instances": {Action: action, Plan: plan, Indicator: indicator},
    }


def _build(form_class, world) -> forms.BaseForm:
    wanted = {
        name
        for cls in form_class.__mro__
        if "__init__" in vars(cls)
        for name, p in inspect.signature(cls.__init__).parameters.items()
        if p.kind is p.KEYWORD_ONLY and p.default is p.empty
    }
    missing = wanted - set(world)
    assert not missing, f"{form_class.__qualname__} needs {missing}: add it to the world fixture"
    kwargs = {name: world[name] for name in wanted}
    if issubclass(form_class, forms.ModelForm):
        # A model form of a row the world has (ActionForm edits an action of a plan).
        instance = world["instances"].get(form_class._meta.model)
        if instance is not None:
            kwargs["instance"] = instance
    return form_class(**kwargs)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_date_widget_renders_iso(world, language):
    checked = []
    for dotted in sorted(project_form_classes()):
        form = _build(_load(dotted), world)
        for name, field in form.fields.items():
            if isinstance(field, forms.DateTimeField):
                form.initial[name], kind = MOMENT, "datetime-local"
            elif isinstance(field, forms.DateField):
                form.initial[name], kind = DAY, "date"
            else:
                continue
            with translation.override(language):
                html = str(form[name])
            inputs = date_inputs(html)
            where = f"{dotted}.{name} ({language})"
            assert inputs, f"{where} is not a date input: {html}"
            assert all(is_iso(kind, value) for _, value in inputs), f"{where}: {html}"
            checked.append(where)
    assert len(checked) > 10  # the walk found the forms


@pytest.mark.parametrize("language", ["fr", "en"])
def test_indicator_page_dates_are_iso(world, manager, client, language):
    """The indicator page's figure form and target form show their dates in ISO."""
    indicator = world["indicator"]
    Target.objects.create(
        indicator=indicator,
        rep=world["reps"].get(),
        value=100,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
    )
    client.force_login(manager)
    client.cookies["django_language"] = language
    html = client.get(reverse("indicators:detail", args=[indicator.pk])).content.decode()
    inputs = dict(date_inputs(html))
    assert {"date", "period_start", "period_end"} <= set(inputs), inputs
    assert all(is_iso("date", inputs[n]) for n in ("date", "period_start", "period_end")), inputs
