"""Every form, posted through its real page with hypothesis-generated hostile values.

For each case of ``cases.CASES``: open the page as the persona allowed to use it, take what
the page pre-fills plus the case's valid data, replace one to three fields with hostile values
(NUL bytes, invalid UTF-8 in the body, 100,000 characters, dates that do not exist or are
far away, NaN, 1e400, huge ids, HTML/JS) and post the raw body. Then:

- never a 5xx (an exception in the view fails the test with its traceback);
- refused: the form again (200, or 400 where the view says so) with every error message
  shown in the page, no script marker unescaped, and not a row added, removed or changed;
- a redirect only when no value was one that must be refused; the page it leads to renders
  without a 5xx and with the submitted HTML escaped.

Each example runs in a savepoint rolled back afterwards, so examples do not see each other.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
from urllib.parse import quote, quote_from_bytes

import pytest
from django import forms
from django.conf import settings as django_settings
from django.contrib.messages import constants as message_levels
from django.db import transaction
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .cases import CASES, COVERED_ELSEWHERE
from .hostile import RAW_XSS_MARKERS, hostile_values, sure_refusal
from .rows import snapshot as _snapshot

# CI runs a fixed, small set of examples; PAC_FUZZ_EXAMPLES=200 PAC_FUZZ_RANDOM=1 explores.
EXAMPLES = int(os.environ.get("PAC_FUZZ_EXAMPLES", "10"))
PROJECT_PACKAGES = ("teams", "plans", "indicators", "coaching", "reminders", "pacsite")
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("PAC_FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# The coverage check -----------------------------------------------------------------------


def project_form_classes() -> set[str]:
    """Every form class defined in the project's packages (migrations left out)."""
    found = set()
    for package_name in PROJECT_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            module = importlib.import_module(info.name)
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == info.name:
                    found.add(f"{cls.__module__}.{cls.__qualname__}")
    return found


def test_every_form_class_is_fuzzed():
    covered = {f"{c.form.__module__}.{c.form.__qualname__}" for c in CASES}
    covered |= set(COVERED_ELSEWHERE)
    missing = sorted(project_form_classes() - covered)
    assert not missing, f"add a FormCase to tests/fuzz/cases.py for: {missing}"


# Helpers ----------------------------------------------------------------------------------


def _forms_in(context) -> list[forms.BaseForm]:
    """The forms of a page's context, formsets' management forms included."""
    found = []

    def visit(value, depth=0):
        if isinstance(value, forms.BaseForm):
            found.append(value)
        elif isinstance(value, forms.BaseFormSet):
            found.append(value.management_form)
            found.extend(value.forms)
        elif isinstance(value, list | tuple) and depth < 2:
            for item in value:
                visit(item, depth + 1)

    for value in _values(context):
        visit(value)
    unique = {id(form): form for form in found}  # a template and its include share a form
    return list(unique.values())


def _values(context) -> list:
    """The values of a test response's context (a list of every template's context)."""
    # A ContextList iterates over its contexts, not over the keys.
    return [context[key] for key in context.keys()]  # noqa: SIM118


def _serialize(form: forms.BaseForm) -> dict[str, list[str]]:
    """What a browser would post for ``form`` as the page shows it."""
    data = {}
    for bf in form:
        value, widget = bf.value(), bf.field.widget
        if isinstance(widget, forms.CheckboxInput):
            data[bf.html_name] = ["on"] if value else []
        elif isinstance(value, list | tuple) or getattr(widget, "allow_multiple_selected", False):
            value = [] if value is None else value
            data[bf.html_name] = [str(v) for v in value]
        elif value is None:
            data[bf.html_name] = [""]
        elif isinstance(widget, forms.DateInput | forms.DateTimeInput):
            data[bf.html_name] = [widget.format_value(value) or ""]
        else:
            data[bf.html_name] = [str(value)]
    return data


def _encode(data: dict[str, list]) -> str:
    parts = []
    for key, values in data.items():
        for value in values:
            raw = value if isinstance(value, bytes) else str(value).encode()
            parts.append(f"{quote(key)}={quote_from_bytes(raw, safe='')}")
    return "&".join(parts)


def _post(client, url, data):
    return client.post(url, _encode(data), content_type="application/x-www-form-urlencoded")


def _shown_errors(response) -> list[str]:
    """The error messages of a refused post: the forms' errors and error flash messages."""
    if response.context is None:
        return []
    shown = []
    for form in _forms_in(response.context):
        for messages in form.errors.values():
            shown.extend(messages)
    for value in _values(response.context):
        if isinstance(value, forms.BaseFormSet):
            shown.extend(value.non_form_errors())
    return shown + _flash_errors(response)


def _flash_errors(response) -> list[str]:
    if response.context is None:
        return []
    flashes = response.context.get("messages", None) or []
    return [str(m) for m in flashes if m.level >= message_levels.ERROR]


def _assert_no_raw_script(response):
    for marker in RAW_XSS_MARKERS:
        assert marker not in response.content, f"unescaped {marker!r} in the page"


class Page:
    """A case's page, opened as its persona: the form, its field names, the valid data."""

    def __init__(self, case, request, client, world):
        self.case, self.client, self.world = case, client, world
        self.user = request.getfixturevalue(case.persona) if case.persona else None
        self._login()
        self.url = case.url(world)
        response = client.get(case.get_url(world) if case.get_url else self.url)
        assert response.status_code == 200, (case.id, response.status_code)
        self.form = case.pick(response.context)
        if self.form is None:
            # The page came from a cache of rendered parts (no form in its context): a refused
            # empty post renders the form; the case's valid data then gives every field.
            response = _post(client, self.url, {k: [v] for k, v in case.extra.items()})
            self.form = case.pick(response.context)
        self.data = {}
        for form in _forms_in(response.context):
            self.data.update(_serialize(form))
        for key, value in {**case.valid(world), **case.extra}.items():
            self.data[key] = [str(v) for v in value] if isinstance(value, list) else [str(value)]

    def _login(self):
        if self.user is not None:
            self.client.force_login(self.user)

    def post(self, values: dict | None = None, *, must_reject=False):
        """Post the valid data with ``values`` in place; check the answer; roll back.

        Returns the answer's status and whether the post was refused.
        """
        data = {**self.data, **{k: [v] for k, v in (values or {}).items()}}
        session = self.client.cookies.get(django_settings.SESSION_COOKIE_NAME)
        with transaction.atomic():
            before = _snapshot(self.case.watch(self.world))
            response = _post(self.client, self.url, data)
            status = response.status_code
            assert status < 500, status
            shown_in = response
            if status in (301, 302, 303):
                # A form shown inside another page (a comment under an action) is refused
                # by a redirect to that page with an error message; anything else accepts.
                shown_in = self.client.get(response["Location"])
                assert shown_in.status_code < 500
                _assert_no_raw_script(shown_in)
                shown = _flash_errors(shown_in)
                refused = bool(shown)
                assert refused or not must_reject, f"accepted {values!r}"
            else:
                assert status in self.case.refused_statuses, (status, values)
                _assert_no_raw_script(response)
                refused = True
                shown = _shown_errors(response) if status != 429 else ["(locked out)"]
            if refused:
                assert shown, f"refused without a message: {values!r}"
                assert _snapshot(self.case.watch(self.world)) == before, "a refused post saved"
                html = shown_in.content.decode()
                for message in shown if status != 429 else ():
                    assert escape(message) in html, f"message not shown: {message!r}"
            transaction.set_rollback(True)
        # A valid post may have rotated the session (password change, login), in the rolled
        # back savepoint: go on with the session logged in before it.
        if session is not None:
            self.client.cookies[django_settings.SESSION_COOKIE_NAME] = session.value
        elif django_settings.SESSION_COOKIE_NAME in self.client.cookies:
            del self.client.cookies[django_settings.SESSION_COOKIE_NAME]
        return status, refused


# The tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=str)
def test_hostile_values_are_refused_cleanly(case, request, client, fuzz_world):
    page = Page(case, request, client, fuzz_world)
    # The baseline the fuzzing perturbs is valid, so an accepted value is really tried.
    status, refused = page.post()
    assert status == 302 and not refused, (status, case.id)
    fields = {bf.html_name: bf.field for bf in page.form}
    strategies = {name: hostile_values(field) for name, field in fields.items()}
    names = sorted(fields)
    # Every field once with a value it must refuse, whatever hypothesis draws below.
    for name, field in fields.items():
        if (value := sure_refusal(field)) is not None:
            page.post({name: value}, must_reject=True)

    @FUZZ_SETTINGS
    @given(st.data())
    def attack(data):
        targets = data.draw(
            st.lists(st.sampled_from(names), min_size=1, max_size=min(3, len(names)), unique=True)
        )
        drawn = {name: data.draw(strategies[name], label=name) for name in targets}
        page.post(
            {name: h.raw for name, h in drawn.items()},
            must_reject=any(h.must_reject for h in drawn.values()),
        )

    attack()
