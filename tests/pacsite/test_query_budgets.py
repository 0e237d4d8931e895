"""Query budgets of every page and API endpoint, discovered from the URL conf (issue 9).

Every route of the URL conf is either rendered here or listed in ``EXCLUDED`` with the reason;
a route in neither fails ``test_every_route_has_a_budget_or_a_reason`` with its name, so a new
page cannot be missed. Each covered route is opened by a persona allowed to see it (a list,
a dashboard, an export, a feed, or a detail page on the representative object of
budget_world.py), once with a small company and once with one about 15 times bigger, where
everything the page lists has grown (actions, milestones, indicators, figures, trainings,
enrolments, payouts, challenges, notifications, audit entries, reps...). The bound is the
count measured at the small size in the same run: the bigger page must not need one query
more. That pins the shape (a constant number of queries) rather than historic numbers, so a
page that gains a constant query (a cache lookup, a count) passes at both sizes; a query per
row fails, and the message names the queries that multiplied. The few pages whose slowness
is known are listed in ``KNOWN_TO_GROW`` (strict xfails, with their cause).

The data is built once per module (two sizes, one after the other, inside a transaction rolled
back at the end): the small counts are measured while building, and each test renders its
page at the big size inside its own savepoint.
"""

import math
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, replace
from types import SimpleNamespace

import pytest
from django.contrib.admin import site as admin_site
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import AutoField
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from reminders.models import Reminder
from reminders.sweep import run_sweep

from .budget_world import build_world, grow

# Rows added to the small company, then to make the big one: the big one holds about 15 times
# more of everything, and more than a page (50 rows: the API's PAGE_SIZE, the audit log's and
# the notifications' paginators) of every paginated list.
SMALL, BIG = 3, 55

# --------------------------------------------------------------------------- the URL conf


def _normal(pattern: str) -> str:
    """``^plans/(?P<pk>[^/.]+)/$`` -> ``plans/<pk>/``: DRF's regex routes read like paths."""
    pattern = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", pattern)
    return pattern.replace("^", "").replace("$", "").replace(r"\Z", "")


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        route = prefix + _normal(str(entry.pattern))
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, ns)
        elif isinstance(entry, URLPattern):
            yield route, namespace + (entry.name or "")


def all_routes() -> dict[str, str]:
    """Every route of the site: its pattern (the key used below) -> its URL name."""
    routes = dict(_walk(get_resolver().url_patterns))
    assert len(routes) > 100, routes  # the walk found the site, not an empty list
    return routes


# --------------------------------------------------------------------------- the pages

# Stands for the world where a case's name needs its URL, before any row exists.
_SAMPLE_WORLD = SimpleNamespace(
    **dict.fromkeys(
        ["plan", "team", "rep", "indicator", "scheme", "closed_scheme"], SimpleNamespace(pk=0)
    )
)


@dataclass(frozen=True)
class Case:
    route: str
    persona: str | None  # an attribute of the world; None: anonymous
    url: object  # world -> path
    # The page lists rows of the company: its body must be longer at the big size, which
    # proves the data grew where the page looks (forms and fixed pages say False).
    grows: bool = True
    # An admin change list: it grows when the world grew its model's rows.
    model: type | None = None
    # Tells apart two cases of one route and persona (another format, a query string).
    variant: str = ""

    @property
    def id(self) -> str:
        return f"{self.route}|{self.persona or 'anonymous'}{self.variant}"


def _cases(route, *variants, grows=True):
    """``variants``: (persona, url) pairs, or (persona, url, grows)."""
    out = []
    for v in variants:
        persona, url, *rest = v
        case = Case(route, persona, url, rest[0] if rest else grows)
        if any(c.id == case.id for c in out):  # the same persona again: name it by its URL
            case = replace(case, variant=f"|{url(_SAMPLE_WORLD).rsplit('/', 1)[-1]}")
        out.append(case)
    return out


def _fixed(route, persona, url):
    return _cases(route, (persona, url), grows=False)


PAGES = [
    # pacsite: the home page is "My actions" for a rep, "what needs you today" for a manager.
    *_cases("", ("rep", lambda w: "/"), ("manager", lambda w: "/"), ("hr", lambda w: "/", False)),
    *_fixed("login/", None, lambda w: "/login/"),
    *_fixed("password/change/", "rep", lambda w: "/password/change/"),
    *_fixed("password/change/done/", "rep", lambda w: "/password/change/done/"),
    *_cases("audit/", ("manager", lambda w: "/audit/"), ("admin", lambda w: "/audit/")),
    *_cases(
        "search/",
        ("manager", lambda w: "/search/?q=a"),
        ("hr", lambda w: "/search/?q=a"),
        ("rep", lambda w: "/search/?q=a"),
    ),
    # plans
    *_cases(
        "my-actions/", ("rep", lambda w: "/my-actions/"), ("manager", lambda w: "/my-actions/")
    ),
    *_cases("plans/", ("manager", lambda w: "/plans/"), ("rep", lambda w: "/plans/")),
    *_fixed("plans/new/", "manager", lambda w: "/plans/new/"),
    *_cases(
        "plans/<int:pk>/",
        ("manager", lambda w: f"/plans/{w.plan.pk}/"),
        ("rep", lambda w: f"/plans/{w.plan.pk}/"),
    ),
    *_cases(
        "plans/<int:pk>/timeline/",
        ("manager", lambda w: f"/plans/{w.plan.pk}/timeline/"),
        ("rep", lambda w: f"/plans/{w.plan.pk}/timeline/?status=open"),
    ),
    *_fixed("plans/<int:pk>/edit/", "manager", lambda w: f"/plans/{w.plan.pk}/edit/"),
    *_fixed("plans/<int:pk>/duplicate/", "manager", lambda w: f"/plans/{w.plan.pk}/duplicate/"),
    *_fixed("plans/<int:pk>/levers/new/", "manager", lambda w: f"/plans/{w.plan.pk}/levers/new/"),
    # Forms with the plan's levers, milestones, reps or actions as choices.
    *_cases(
        "plans/<int:pk>/actions/new/", ("manager", lambda w: f"/plans/{w.plan.pk}/actions/new/")
    ),
    *_cases(
        "plans/<int:pk>/actions/reassign/",
        ("manager", lambda w: f"/plans/{w.plan.pk}/actions/reassign/"),
    ),
    *_fixed(
        "plans/<int:pk>/milestones/new/", "manager", lambda w: f"/plans/{w.plan.pk}/milestones/new/"
    ),
    *_fixed("levers/<int:pk>/edit/", "manager", lambda w: f"/levers/{w.lever.pk}/edit/"),
    *_fixed(
        "milestones/<int:pk>/edit/", "manager", lambda w: f"/milestones/{w.milestone.pk}/edit/"
    ),
    *_cases(
        "actions/<int:pk>/",
        ("rep", lambda w: f"/actions/{w.action.pk}/"),
        ("manager", lambda w: f"/actions/{w.action.pk}/"),
    ),
    *_cases("actions/<int:pk>/edit/", ("manager", lambda w: f"/actions/{w.action.pk}/edit/")),
    # The confirmations of a delete: what goes with the row, counted in SQL.
    *_fixed("levers/<int:pk>/delete/", "manager", lambda w: f"/levers/{w.lever.pk}/delete/"),
    *_fixed(
        "milestones/<int:pk>/delete/",
        "manager",
        lambda w: f"/milestones/{w.milestone.pk}/delete/",
    ),
    *_fixed("actions/<int:pk>/delete/", "manager", lambda w: f"/actions/{w.action.pk}/delete/"),
    *_fixed(
        "indicators/targets/<int:pk>/edit/",
        "manager",
        lambda w: f"/indicators/targets/{w.target.pk}/edit/",
    ),
    *_fixed(
        "indicators/targets/<int:pk>/delete/",
        "manager",
        lambda w: f"/indicators/targets/{w.target.pk}/delete/",
    ),
    *_fixed(
        "indicators/<int:pk>/delete/", "manager", lambda w: f"/indicators/{w.indicator.pk}/delete/"
    ),
    # Nothing is archived in the budget world: tests/plans/test_archive.py pins its growth.
    *_fixed("plans/<int:pk>/archived/", "manager", lambda w: f"/plans/{w.plan.pk}/archived/"),
    *_fixed("plans/<int:pk>/import/", "manager", lambda w: f"/plans/{w.plan.pk}/import/"),
    *_cases(
        "plans/<int:pk>/export.<str:fmt>",
        ("manager", lambda w: f"/plans/{w.plan.pk}/export.csv"),
        ("rep", lambda w: f"/plans/{w.plan.pk}/export.xlsx"),
    ),
    *_cases("imports/<int:pk>/", ("manager", lambda w: f"/imports/{w.import_job.pk}/")),
    *_fixed(
        "imports/<int:pk>/progress/", "manager", lambda w: f"/imports/{w.import_job.pk}/progress/"
    ),
    *_fixed("profile/", "rep", lambda w: "/profile/"),
    *_cases("calendar/<str:token>.ics", (None, lambda w: f"/calendar/{w.feed.token}.ics")),
    # indicators
    # The manager's own team (a rep is sent to indicators/rep/<id>/; HR and admins to the
    # first team by name, another team: they are covered by indicators/team/<id>/).
    *_cases("indicators/", ("manager", lambda w: "/indicators/")),
    *_cases(
        "indicators/team/<int:team_id>/",
        ("manager", lambda w: f"/indicators/team/{w.team.pk}/"),
        ("hr", lambda w: f"/indicators/team/{w.team.pk}/"),
    ),
    *_cases(
        "indicators/rep/<int:user_id>/",
        ("manager", lambda w: f"/indicators/rep/{w.rep.pk}/"),
        ("rep", lambda w: f"/indicators/rep/{w.rep.pk}/"),
    ),
    *_cases(
        "indicators/week/",
        ("rep", lambda w: "/indicators/week/"),
        ("manager", lambda w: "/indicators/week/"),
    ),
    *_fixed("indicators/catalogue/", "manager", lambda w: "/indicators/catalogue/"),
    *_cases(
        "indicators/plan/<int:plan_id>/",
        ("manager", lambda w: f"/indicators/plan/{w.plan.pk}/"),
        ("rep", lambda w: f"/indicators/plan/{w.plan.pk}/"),
    ),
    *_cases(
        "indicators/plan/<int:plan_id>/new/",
        ("manager", lambda w: f"/indicators/plan/{w.plan.pk}/new/"),
    ),
    *_cases(
        "indicators/action/<int:action_id>/",
        ("rep", lambda w: f"/indicators/action/{w.action.pk}/"),
        ("manager", lambda w: f"/indicators/action/{w.action.pk}/"),
    ),
    *_cases(
        "indicators/<int:pk>/",
        ("manager", lambda w: f"/indicators/{w.indicator.pk}/"),
        ("rep", lambda w: f"/indicators/{w.indicator.pk}/"),
    ),
    *_cases(
        "indicators/<int:pk>/edit/", ("manager", lambda w: f"/indicators/{w.indicator.pk}/edit/")
    ),
    # One projection: the same few queries at both sizes.
    *_cases(
        "indicators/<int:pk>/what-if/",
        ("manager", lambda w: f"/indicators/{w.indicator.pk}/what-if/?extra_per_week=5"),
        ("rep", lambda w: f"/indicators/{w.indicator.pk}/what-if/?rep={w.rep.pk}"),
        grows=False,  # one projection, whatever the size
    ),
    *_fixed(
        "indicators/plan/<int:plan_id>/import/",
        "manager",
        lambda w: f"/indicators/plan/{w.plan.pk}/import/",
    ),
    *_cases(
        "indicators/export.<str:fmt>",
        ("manager", lambda w: "/indicators/export.csv"),
        ("manager", lambda w: "/indicators/export.xlsx"),
    ),
    *_cases(
        "indicators/team/<int:team_id>/export.<str:fmt>",
        ("hr", lambda w: f"/indicators/team/{w.team.pk}/export.csv"),
    ),
    # coaching
    *_cases(
        "coaching/trainings/",
        ("hr", lambda w: "/coaching/trainings/"),
        ("rep", lambda w: "/coaching/trainings/"),
    ),
    *_fixed("coaching/trainings/new/", "hr", lambda w: "/coaching/trainings/new/"),
    *_cases(
        "coaching/trainings/<int:pk>/", ("hr", lambda w: f"/coaching/trainings/{w.training.pk}/")
    ),
    *_fixed(
        "coaching/trainings/<int:pk>/edit/",
        "hr",
        lambda w: f"/coaching/trainings/{w.training.pk}/edit/",
    ),
    *_fixed(
        "coaching/trainings/<int:pk>/sessions/new/",
        "hr",
        lambda w: f"/coaching/trainings/{w.training.pk}/sessions/new/",
    ),
    *_cases(
        "coaching/sessions/<int:pk>/",
        ("hr", lambda w: f"/coaching/sessions/{w.session.pk}/"),
        ("manager", lambda w: f"/coaching/sessions/{w.session.pk}/"),
    ),
    *_cases(
        "coaching/sessions/<int:pk>/attendance/",
        ("hr", lambda w: f"/coaching/sessions/{w.session.pk}/attendance/"),
    ),
    *_cases("coaching/my-trainings/", ("rep", lambda w: "/coaching/my-trainings/")),
    *_fixed(
        "coaching/enrollments/<int:pk>/feedback/",
        "rep",
        lambda w: f"/coaching/enrollments/{w.enrollment.pk}/feedback/",
    ),
    *_cases(
        "coaching/training-requests/",
        ("manager", lambda w: "/coaching/training-requests/"),
        ("hr", lambda w: "/coaching/training-requests/"),
    ),
    *_cases(
        "coaching/skills/",
        ("manager", lambda w: "/coaching/skills/"),
        ("hr", lambda w: "/coaching/skills/"),
    ),
    *_cases("coaching/reps/<int:pk>/", ("manager", lambda w: f"/coaching/reps/{w.rep.pk}/")),
    *_cases(
        "coaching/hr/",
        ("hr", lambda w: "/coaching/hr/"),
        ("hr", lambda w: "/coaching/hr/?export=csv"),
    ),
    *_cases(
        "coaching/one-to-ones/",
        ("manager", lambda w: "/coaching/one-to-ones/"),
        ("rep", lambda w: "/coaching/one-to-ones/"),
    ),
    *_cases("coaching/one-to-ones/new/", ("manager", lambda w: "/coaching/one-to-ones/new/")),
    *_cases(
        "coaching/one-to-ones/<int:pk>/",
        ("manager", lambda w: f"/coaching/one-to-ones/{w.coaching_session.pk}/"),
    ),
    *_cases(
        "coaching/challenges/",
        ("manager", lambda w: "/coaching/challenges/"),
        ("rep", lambda w: "/coaching/challenges/"),
    ),
    *_cases("coaching/challenges/new/", ("manager", lambda w: "/coaching/challenges/new/")),
    *_cases(
        "coaching/challenges/<int:pk>/",
        ("manager", lambda w: f"/coaching/challenges/{w.challenge.pk}/"),
        ("rep", lambda w: f"/coaching/challenges/{w.group_challenge.pk}/"),
    ),
    *_cases("coaching/rituals/", ("manager", lambda w: "/coaching/rituals/")),
    *_fixed("coaching/rituals/new/", "manager", lambda w: "/coaching/rituals/new/"),
    *_cases(
        "coaching/rituals/<int:pk>/", ("manager", lambda w: f"/coaching/rituals/{w.ritual.pk}/")
    ),
    *_cases(
        "coaching/meetings/<int:pk>/", ("manager", lambda w: f"/coaching/meetings/{w.meeting.pk}/")
    ),
    *_cases(
        "coaching/kudos/",
        ("rep", lambda w: "/coaching/kudos/"),
        ("manager", lambda w: "/coaching/kudos/"),
    ),
    # One rep's line and its thread: the same few queries at both sizes.
    *_cases(
        "coaching/incentives/<int:pk>/statement/<int:rep_id>/",
        ("manager", lambda w: f"/coaching/incentives/{w.scheme.pk}/statement/{w.rep2.pk}/"),
        ("rep2", lambda w: f"/coaching/incentives/{w.scheme.pk}/statement/{w.rep2.pk}/"),
        grows=False,
    ),
    # The world's plan began too recently for four weeks before and after an action: the
    # report's lines and their constant cost are pinned in tests/coaching/test_what_worked.py.
    *_cases(
        "coaching/what-worked/",
        ("manager", lambda w: f"/coaching/what-worked/?plan={w.plan.pk}"),
        ("hr", lambda w: f"/coaching/what-worked/?plan={w.plan.pk}"),
        grows=False,
    ),
    *_cases(
        "coaching/incentives/",
        ("manager", lambda w: "/coaching/incentives/"),
        ("rep", lambda w: "/coaching/incentives/"),
    ),
    *_cases("coaching/incentives/new/", ("manager", lambda w: "/coaching/incentives/new/")),
    *_cases(
        "coaching/incentives/<int:pk>/",
        ("manager", lambda w: f"/coaching/incentives/{w.scheme.pk}/"),
        ("hr", lambda w: f"/coaching/incentives/{w.closed_scheme.pk}/"),
    ),
    # reminders
    *_cases("reminders/", ("rep", lambda w: "/reminders/"), ("manager", lambda w: "/reminders/")),
    *_fixed("reminders/preferences/", "rep", lambda w: "/reminders/preferences/"),
    # The API: lists as the team's manager (and a rep where the rep's rows differ), one row
    # of each as its detail.
    *_fixed("api/v1/me/", "rep", lambda w: "/api/v1/me/"),
    *_cases("api/v1/teams/", ("manager", lambda w: "/api/v1/teams/")),
    *_cases("api/v1/teams/<pk>/", ("manager", lambda w: f"/api/v1/teams/{w.team.pk}/")),
    *_cases("api/v1/plans/", ("manager", lambda w: "/api/v1/plans/")),
    *_fixed("api/v1/plans/<pk>/", "manager", lambda w: f"/api/v1/plans/{w.plan.pk}/"),
    *_cases("api/v1/levers/", ("manager", lambda w: "/api/v1/levers/")),
    *_fixed("api/v1/levers/<pk>/", "manager", lambda w: f"/api/v1/levers/{w.lever.pk}/"),
    *_cases("api/v1/milestones/", ("manager", lambda w: "/api/v1/milestones/")),
    *_fixed(
        "api/v1/milestones/<pk>/", "manager", lambda w: f"/api/v1/milestones/{w.milestone.pk}/"
    ),
    *_cases(
        "api/v1/actions/",
        ("manager", lambda w: "/api/v1/actions/"),
        ("rep", lambda w: "/api/v1/actions/"),
    ),
    *_fixed("api/v1/actions/<pk>/", "rep", lambda w: f"/api/v1/actions/{w.action.pk}/"),
    *_cases("api/v1/indicators/", ("manager", lambda w: "/api/v1/indicators/")),
    *_fixed(
        "api/v1/indicators/<pk>/", "manager", lambda w: f"/api/v1/indicators/{w.indicator.pk}/"
    ),
    *_cases(
        "api/v1/indicators/<pk>/progress/",
        ("manager", lambda w: f"/api/v1/indicators/{w.indicator.pk}/progress/"),
    ),
    *_cases(
        "api/v1/indicators/<pk>/what-if/",
        ("manager", lambda w: f"/api/v1/indicators/{w.indicator.pk}/what-if/?extra_per_week=5"),
        ("rep", lambda w: f"/api/v1/indicators/{w.indicator.pk}/what-if/?rep={w.rep.pk}"),
        grows=False,  # one projection, whatever the size
    ),
    *_fixed("api/v1/indicator-templates/", "manager", lambda w: "/api/v1/indicator-templates/"),
    *_fixed(
        "api/v1/indicator-templates/<code>/",
        "manager",
        lambda w: "/api/v1/indicator-templates/revenue/",
    ),
    *_cases("api/v1/targets/", ("manager", lambda w: "/api/v1/targets/")),
    *_fixed(
        "api/v1/targets/<pk>/",
        "manager",
        lambda w: f"/api/v1/targets/{w.indicator.targets.first().pk}/",
    ),
    *_cases(
        "api/v1/measurements/",
        ("manager", lambda w: "/api/v1/measurements/"),
        ("rep", lambda w: "/api/v1/measurements/"),
    ),
    *_fixed(
        "api/v1/measurements/<pk>/",
        "manager",
        lambda w: f"/api/v1/measurements/{w.indicator.measurements.first().pk}/",
    ),
    *_cases("api/v1/dashboard/<pk>/", ("manager", lambda w: f"/api/v1/dashboard/{w.team.pk}/")),
    *_cases("api/v1/trainings/", ("hr", lambda w: "/api/v1/trainings/")),
    *_fixed("api/v1/trainings/<pk>/", "hr", lambda w: f"/api/v1/trainings/{w.training.pk}/"),
    *_cases("api/v1/training-sessions/", ("hr", lambda w: "/api/v1/training-sessions/")),
    *_fixed(
        "api/v1/training-sessions/<pk>/",
        "hr",
        lambda w: f"/api/v1/training-sessions/{w.session.pk}/",
    ),
    *_cases(
        "api/v1/enrollments/",
        ("hr", lambda w: "/api/v1/enrollments/"),
        ("rep", lambda w: "/api/v1/enrollments/"),
    ),
    *_fixed("api/v1/enrollments/<pk>/", "rep", lambda w: f"/api/v1/enrollments/{w.enrollment.pk}/"),
    *_cases("api/v1/skills/", ("manager", lambda w: "/api/v1/skills/")),
    *_fixed(
        "api/v1/skills/<pk>/",
        "manager",
        lambda w: f"/api/v1/skills/{w.rep.skill_levels.first().pk}/",
    ),
    *_cases("api/v1/coaching-sessions/", ("manager", lambda w: "/api/v1/coaching-sessions/")),
    *_cases(
        "api/v1/coaching-sessions/<pk>/",
        ("manager", lambda w: f"/api/v1/coaching-sessions/{w.coaching_session.pk}/"),
    ),
    *_cases("api/v1/challenges/", ("manager", lambda w: "/api/v1/challenges/")),
    *_fixed(
        "api/v1/challenges/<pk>/", "manager", lambda w: f"/api/v1/challenges/{w.challenge.pk}/"
    ),
    *_cases(
        "api/v1/challenges/<pk>/leaderboard/",
        ("manager", lambda w: f"/api/v1/challenges/{w.challenge.pk}/leaderboard/"),
        ("rep", lambda w: f"/api/v1/challenges/{w.group_challenge.pk}/leaderboard/"),
    ),
    *_cases("api/v1/rituals/", ("manager", lambda w: "/api/v1/rituals/")),
    *_cases("api/v1/rituals/<pk>/", ("manager", lambda w: f"/api/v1/rituals/{w.ritual.pk}/")),
    *_cases("api/v1/kudos/", ("rep", lambda w: "/api/v1/kudos/")),
    *_cases(
        "api/v1/insights/what-worked/",
        ("manager", lambda w: f"/api/v1/insights/what-worked/?plan={w.plan.pk}"),
        grows=False,
    ),
    *_cases("api/v1/incentive-schemes/", ("manager", lambda w: "/api/v1/incentive-schemes/")),
    *_fixed(
        "api/v1/incentive-schemes/<pk>/",
        "manager",
        lambda w: f"/api/v1/incentive-schemes/{w.scheme.pk}/",
    ),
    *_cases(
        "api/v1/incentive-schemes/<pk>/payouts/",
        ("manager", lambda w: f"/api/v1/incentive-schemes/{w.closed_scheme.pk}/payouts/"),
    ),
    *_fixed("api/v1/reminder-preferences/", "rep", lambda w: "/api/v1/reminder-preferences/"),
    *_cases("api/v1/notifications/", ("rep", lambda w: "/api/v1/notifications/")),
    *_fixed(
        "api/v1/notifications/<pk>/", "rep", lambda w: f"/api/v1/notifications/{w.notification.pk}/"
    ),
    *_cases(
        "api/v1/audit/",
        ("manager", lambda w: "/api/v1/audit/"),
        ("admin", lambda w: "/api/v1/audit/"),
    ),
    *_fixed("api/v1/audit/<pk>/", "manager", lambda w: f"/api/v1/audit/{w.audit.pk}/"),
    # The API's documentation page (the schema itself is excluded below).
    *_fixed("api/docs/", "rep", lambda w: "/api/docs/"),
    # The admin's own pages; its per-model pages are covered by _admin_cases().
    *_cases("admin/", ("admin", lambda w: "/admin/", False)),
    *_cases("admin/<app_label>/", ("admin", lambda w: "/admin/plans/", False)),
]

# Routes with no budget, and why. POST-only ones are checked to answer GET with a 405.
POST_ONLY = "POST only: a write, no page to render"
POST_ONLY_ROUTES = {
    "logout/",
    "plans/<int:pk>/activate/",
    "plans/<int:pk>/close/",
    "plans/<int:pk>/archive/",
    "plans/<int:pk>/levers/order/",
    "levers/<int:pk>/restore/",
    "levers/<int:pk>/move/",
    "milestones/<int:pk>/restore/",
    "actions/<int:pk>/restore/",
    "actions/<int:pk>/complete/",
    "actions/<int:pk>/reopen/",
    "actions/<int:pk>/start/",
    "actions/<int:pk>/cancel/",
    "actions/<int:pk>/comment/",
    "imports/<int:pk>/run/",
    "imports/<int:pk>/retry/",
    "profile/calendar/regenerate/",
    "indicators/plan/<int:plan_id>/add/<slug:code>/",
    "indicators/<int:pk>/restore/",
    "indicators/targets/<int:pk>/restore/",
    "indicators/measurements/<int:pk>/restore/",
    "indicators/<int:pk>/targets/",
    "indicators/<int:pk>/measurements/",
    "coaching/training-requests/<int:pk>/decide/",
    "coaching/decisions/<int:pk>/to-action/",
    "coaching/enrollments/<int:pk>/cancel/",
    "coaching/incentives/<int:pk>/close/",
    "coaching/incentives/<int:pk>/mark-paid/",
    "reminders/<int:pk>/open/",
    "reminders/read-all/",
    "api/v1/auth/token/",
    "api/v1/plans/<pk>/activate/",
    "api/v1/plans/<pk>/close/",
    "api/v1/plans/<pk>/duplicate/",
    "api/v1/actions/<pk>/comment/",
    "api/v1/actions/<pk>/complete/",
    "api/v1/actions/<pk>/reopen/",
    "api/v1/actions/<pk>/start/",
    "api/v1/levers/<pk>/restore/",
    "api/v1/milestones/<pk>/restore/",
    "api/v1/actions/<pk>/restore/",
    "api/v1/indicators/<pk>/restore/",
    "api/v1/targets/<pk>/restore/",
    "api/v1/measurements/<pk>/restore/",
    "api/v1/indicator-templates/<code>/add/",
    "api/v1/targets/all-reps/",
    "api/v1/measurements/bulk/",
    "api/v1/enrollments/<pk>/feedback/",
    "api/v1/coaching-sessions/<pk>/actions/",
    "api/v1/notifications/read-all/",
    "api/v1/notifications/<pk>/read/",
}
EXCLUDED = {
    **dict.fromkeys(POST_ONLY_ROUTES, POST_ONLY),
    # Reads no row of the company: one "SELECT 1" and a ping of the broker (tests/pacsite/
    # test_healthz.py), whose answer depends on the broker, not on data.
    "healthz": "health check: no company data",
    # Redirects (302) to the user's own indicators/rep/<id>/, which is covered.
    "indicators/mine/": "redirect to a covered page",
    # Sets the language cookie and redirects (302): no page.
    "i18n/setlang/": "redirect, no page",
    # The generated OpenAPI document: built from the code, reads no row (and takes a second).
    "api/schema/": "OpenAPI schema: no company data",
    # The admin's machinery around its per-model pages.
    "admin/login/": "admin login form: anonymous, no data",
    "admin/logout/": POST_ONLY,
    "admin/password_change/": "password form: no data",
    "admin/password_change/done/": "confirmation text: no data",
    "admin/autocomplete/": "JSON of autocomplete widgets: no ModelAdmin uses autocomplete_fields",
    "admin/jsi18n/": "JavaScript translation catalogue: no data",
    "admin/r/<path:content_type_id>/<path:object_id>/": "redirect to an object's own page",
    "admin/<url>": "catch-all: redirects to the admin's index or answers 404",
    # The CRM pages list a team's few connections: pinned at two sizes in tests/crm/.
    **dict.fromkeys(
        ["crm/", "crm/<int:pk>/", "api/v1/crm-connections/", "api/v1/crm-connections/<pk>/"],
        "pinned at two sizes in tests/crm/test_pages.py and test_api.py",
    ),
    "crm/new/": "an empty form: lists nothing",
    "crm/<int:pk>/edit/": "a form on one connection: lists nothing",
    "crm/chat/": "a form and the team's one or two chats",
    "crm/<int:pk>/sync/": POST_ONLY,
    "crm/<int:pk>/delete/": POST_ONLY,
    "crm/mappings/<int:pk>/delete/": POST_ONLY,
    "crm/chat/<int:pk>/delete/": POST_ONLY,
    "crm/hooks/<str:key>/": "a CRM's signed push (POST only, no page)",
    "api/v1/crm-connections/<pk>/sync/": POST_ONLY,
}
# The per-model admin routes: the change list and the change form are covered (see
# _admin_cases); the rest are excluded by their URL name's suffix.
ADMIN_EXCLUDED_SUFFIXES = {
    "_add": "an empty form: lists nothing",
    "_history": "the admin's log of one object: rows the company's pages never write",
    # The confirmation lists every row the delete would cascade to: growing is its purpose.
    "_delete": "lists what a delete cascades to, by design",
    "_password_change": "a password form: no data",
}
# Third-party apps' rows that the world does not make (axes' login records):
# their change lists are covered, their change forms need a row of theirs.
ADMIN_NO_ROW_APPS = {"axes"}

# Queries a paginated page adds once its rows fill more than a page (the small company's fit
# on one page, so that a query per row would show): "My actions" counts each bucket's rows
# over every page.
PAGINATION_EXTRA = {"my-actions/|rep": 1, "my-actions/|manager": 1, "|rep": 1}

# Pages whose query count grows with the data today (an N+1), as strict xfails naming the
# cause, until fixed; the strict xfail fails the day they are fixed, so the list cannot go
# stale. Empty: the nine found by this test (all in the admin) were fixed with
# list_select_related, inline querysets with select_related and raw_id_fields.
KNOWN_TO_GROW: dict[str, str] = {}


def _admin_representative(model):
    return model._default_manager.order_by("pk").first()


def _admin_cases(routes):
    """The change list of every registered model, and its change form on its first row."""
    cases = []
    for route, name in routes.items():
        if not name.startswith("admin:"):
            continue
        for model in admin_site._registry:
            opts = model._meta
            stem = f"admin:{opts.app_label}_{opts.model_name}"
            if name == f"{stem}_changelist":
                cases.append(Case(route, "admin", lambda w, p=route: "/" + p, model=model))
            elif name == f"{stem}_change" and opts.app_label not in ADMIN_NO_ROW_APPS:
                cases.append(
                    Case(
                        route,
                        "admin",
                        lambda w, p=route, m=model: (
                            "/" + p.replace("<path:object_id>", str(_admin_representative(m).pk))
                        ),
                        grows=False,
                    )
                )
    return cases


def _excluded_reason(route, name):
    if route in EXCLUDED:
        return EXCLUDED[route]
    if name.startswith("admin:"):
        for suffix, reason in ADMIN_EXCLUDED_SUFFIXES.items():
            if name.endswith(suffix):
                return reason
        if name == "admin:":  # admin/<model>/<object_id>/: redirects to the change form
            return "redirect to the change form"
        app = name.removeprefix("admin:").split("_", 1)[0]
        if name.endswith("_change") and app in ADMIN_NO_ROW_APPS:
            return "third-party admin: the world has none of its rows"
    return None


ROUTES = all_routes()
CASES = PAGES + _admin_cases(ROUTES)


def _params():
    for case in CASES:
        marks = []
        if case.id in KNOWN_TO_GROW:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_TO_GROW[case.id]))
        yield pytest.param(case, id=case.id, marks=marks)


# --------------------------------------------------------------------------- the tests


# The reminder sweep is no page but is pinned the same way: a sweep over the company.
SWEEP = "reminder sweep"


def _sweep():
    """A sweep's (queries, reminders created). Its batches (reminders.sweep.BATCH, 1000 due
    rows) are not filled at either size; their cost is pinned in tests/reminders."""
    with CaptureQueriesContext(connection) as queries:
        report = run_sweep()
    return len(queries), report.created, [q["sql"] for q in queries.captured_queries]


def _admin_rows():
    return {model: model._default_manager.count() for model in admin_site._registry}


def _shapes(sql_list):
    """Queries with their values left out: numbers and quoted values (ids, dates, the session
    key), the length of IN (...) lists and of a bulk INSERT's VALUES."""
    shapes = Counter()
    for sql in sql_list:
        sql = re.sub(r"'[^']*'|\b\d+\b", "?", sql)
        sql = re.sub(r"\(\?(, \?)*\)", "(?)", sql)
        shapes[re.sub(r" VALUES .*", " VALUES ...", sql)] += 1
    return shapes


def _get(client, case, w):
    cache.clear()  # cold: a page cached by the small render must compute again
    return client.get(case.url(w))


def _client_for(w, persona):
    client = Client()
    if persona:
        client.force_login(getattr(w, persona))
    return client


@pytest.fixture(scope="module")
def company(django_db_setup, django_db_blocker):
    """The world at the small size with every case measured, then grown to the big size."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast, CACHES=caches),
        transaction.atomic(),
    ):
        w = grow(build_world(), SMALL)
        small = {}
        clients = {}
        for case in CASES:
            client = clients.setdefault(case.persona, _client_for(w, case.persona))
            # Each page in a savepoint: a page that writes (challenges regenerate their next
            # period) leaves nothing for the next one.
            with transaction.atomic():
                try:
                    with CaptureQueriesContext(connection) as queries:
                        response = _get(client, case, w)
                except Exception as error:  # reported by the case's own test
                    small[case.id] = (repr(error), 0, 0, [])
                else:
                    small[case.id] = (
                        response.status_code,
                        len(queries),
                        len(response.content),
                        [q["sql"] for q in queries.captured_queries],
                    )
                transaction.set_rollback(True)
        with transaction.atomic():
            small[SWEEP] = _sweep()
            transaction.set_rollback(True)
        small_rows = _admin_rows()
        grow(w, BIG)
        w.grown_models = {m for m, count in _admin_rows().items() if count > small_rows[m]}
        # The logged-in clients serve the tests too: their sessions are rows of this
        # transaction, which the tests' own savepoints leave in place.
        w.clients = clients
        yield w, small
        transaction.set_rollback(True)


@contextmanager
def _within(django_assert_max_num_queries, budget, small_sql, what):
    """``django_assert_max_num_queries(budget)``, whose failure names the queries that
    multiplied from the small size to the big one: the loop that makes them is the N+1."""
    with CaptureQueriesContext(connection) as big:
        try:
            with django_assert_max_num_queries(budget):
                yield
        except pytest.fail.Exception:
            more = _shapes(q["sql"] for q in big.captured_queries) - _shapes(small_sql)
            grew = "\n".join(f"  +{n} x {sql[:400]}" for sql, n in more.most_common(5))
            pytest.fail(
                f"{what}: {budget} queries allowed (as many as at the small size), "
                f"{len(big)} at the big one; these multiplied:\n{grew}"
            )


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(_params()))
def test_page_queries_do_not_grow(case, company, django_assert_max_num_queries):
    w, small = company
    status, budget, small_length, small_sql = small[case.id]
    assert status == 200, f"{case.url(w)} answered {status} at the small size"
    budget += PAGINATION_EXTRA.get(case.id, 0)
    client = w.clients[case.persona]
    what = f"{case.url(w)} as {case.persona}"
    with _within(django_assert_max_num_queries, budget, small_sql, what):
        response = _get(client, case, w)
    assert response.status_code == 200, case.url(w)
    if case.model is not None and case.model not in w.grown_models:
        return  # an admin list of rows the world does not grow (axes' records, groups...)
    if case.grows:
        # Not a vacuous pass: the page shows more at the big size.
        assert len(response.content) > small_length, f"{case.url(w)} did not grow"


# reminders.sweep.record_rows: bulk_create(..., batch_size=500).
RECORD_ROWS_BATCH = 500
BULK_INSERT = re.compile(r'INSERT (OR IGNORE )?INTO "reminders_reminder"')


@pytest.mark.django_db
def test_the_reminder_sweep_queries_do_not_grow(company, django_assert_max_num_queries):
    budget, small_created, small_sql = company[1][SWEEP]
    # The reminders go in with bulk_create (reminders.sweep.record_rows), in batches of 500
    # rows, or fewer where the database's parameter limit says so (76 reminders on SQLite).
    # The bound lets those INSERTs grow with the rows due, and nothing else: the actions',
    # the milestones' and the other apps' rows go in apart, so each may end on a part-full
    # INSERT (2 more than the total's count). The rows' next stamps are written one UPDATE
    # per next stamp (reminders.sweep.record_batch), and a batch's savepoint may first appear
    # at the big size: 2 more, still far below a query per row (created > 10x).
    with transaction.atomic():  # a dry run, to know how many rows are due at this size
        created = run_sweep().created
        transaction.set_rollback(True)
    assert created > 10 * small_created  # the big company has much more to remind of
    fields = [f for f in Reminder._meta.concrete_fields if not isinstance(f, AutoField)]
    per_insert = min(RECORD_ROWS_BATCH, connection.ops.bulk_batch_size(fields, [None] * 500))
    small_inserts = sum(bool(BULK_INSERT.match(sql)) for sql in small_sql)
    bound = budget - small_inserts + math.ceil(created / per_insert) + 4
    with _within(django_assert_max_num_queries, bound, small_sql, "the sweep"):
        assert run_sweep().created == created


def test_every_route_has_a_budget_or_a_reason():
    covered = {case.route for case in CASES}
    missing = [
        route
        for route, name in ROUTES.items()
        if route not in covered and _excluded_reason(route, name) is None
    ]
    assert not missing, (
        "routes with neither a query budget nor a reason (add them to PAGES in "
        f"tests/pacsite/test_query_budgets.py, or to EXCLUDED with why): {missing}"
    )
    stale = sorted(({c.route for c in PAGES} | set(EXCLUDED)) - set(ROUTES))
    assert not stale, f"entries for routes the URL conf no longer has: {stale}"
    both = sorted(covered & set(EXCLUDED))
    assert not both, f"routes both covered and excluded: {both}"
    ids = {c.id for c in CASES}
    assert not (set(KNOWN_TO_GROW) | set(PAGINATION_EXTRA)) - ids, "an entry names no case"


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(POST_ONLY_ROUTES | {"admin/logout/"}))
def test_post_only_routes_refuse_get(route, admin_user, client):
    # The exclusion is honest: a GET of these routes has no page (405).
    client.force_login(admin_user)
    # Any argument will do (the method is refused before the row is looked up), as long as
    # it matches the route's pattern: a catalogue code is letters.
    path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "x" if m[1] == "code" else "1", route)
    assert client.get(path).status_code == 405, path
