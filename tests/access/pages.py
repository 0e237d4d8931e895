"""The access-control matrix through the pages: model x persona x operation -> answer.

Personas and their order are those of ``matrix.PERSONAS``. Answers:
  SEE / HIDE  the page opens (200) and shows / does not show the row (its title)
  OK     the request passes the access gate: the page or form answers (200, or 400 with the
         form's messages for the empty POST the matrix sends) or the write is done and
         redirects (302 to somewhere other than the login page)
  403    the row is visible but not the caller's to change
  404    the row is not visible (never a 403)
  LOGIN  anonymous: redirected to the login page
  NA     no page for this operation (the reason is in ``PAGE_GAPS``)

Each operation names a method and a URL built from the world (``w``).
"""

from .matrix import HIDE, NA, SEE

OK, LOGIN = "ok", "login"

# Shorthands for the common rows.
TEAM_READ = (SEE, SEE, SEE, HIDE, HIDE, SEE, LOGIN)
TEAM_GET = (OK, OK, OK, 404, 404, OK, LOGIN)
MANAGER_WRITES = (OK, 403, 403, 404, 404, 403, LOGIN)
MANAGER_ONLY_404 = (OK, 404, 404, 404, 404, 404, LOGIN)
NONE = (NA,) * 7

PAGES = {
    "plan": {
        "title": lambda w: w.plan.title,
        "ops": {
            #                      manager owner mate outsider other_mgr hr anon
            "list": ("GET", lambda w: "/plans/", TEAM_READ),
            "read": ("GET", lambda w: f"/plans/{w.plan.pk}/", TEAM_GET),
            "update": ("POST", lambda w: f"/plans/{w.plan.pk}/edit/", MANAGER_WRITES),
            "delete": (None, None, NONE),
            # Closing is the plan's end of period.
            "close": ("POST", lambda w: f"/plans/{w.plan.pk}/close/", MANAGER_WRITES),
            "duplicate": ("POST", lambda w: f"/plans/{w.plan.pk}/duplicate/", MANAGER_WRITES),
            "export": ("GET", lambda w: f"/plans/{w.plan.pk}/export.csv", TEAM_GET),
            "timeline": ("GET", lambda w: f"/plans/{w.plan.pk}/timeline/", TEAM_GET),
        },
    },
    "lever": {
        "title": lambda w: w.lever.name,
        "ops": {
            "list": (
                "GET",
                lambda w: f"/plans/{w.plan.pk}/",
                (*TEAM_READ[:3], 404, 404, SEE, LOGIN),
            ),
            "create": ("POST", lambda w: f"/plans/{w.plan.pk}/levers/new/", MANAGER_WRITES),
            "update": ("POST", lambda w: f"/levers/{w.lever.pk}/edit/", MANAGER_WRITES),
            "delete": ("POST", lambda w: f"/levers/{w.lever.pk}/delete/", MANAGER_WRITES),
        },
    },
    "milestone": {
        "title": lambda w: w.milestone.title,
        "ops": {
            "list": (
                "GET",
                lambda w: f"/plans/{w.plan.pk}/",
                (*TEAM_READ[:3], 404, 404, SEE, LOGIN),
            ),
            "create": ("POST", lambda w: f"/plans/{w.plan.pk}/milestones/new/", MANAGER_WRITES),
            "update": ("POST", lambda w: f"/milestones/{w.milestone.pk}/edit/", MANAGER_WRITES),
            "delete": ("POST", lambda w: f"/milestones/{w.milestone.pk}/delete/", MANAGER_WRITES),
            # The plan's timeline shows each milestone with its actions.
            "timeline": (
                "GET",
                lambda w: f"/plans/{w.plan.pk}/timeline/",
                (*TEAM_READ[:3], 404, 404, SEE, LOGIN),
            ),
        },
    },
    "action": {
        "title": lambda w: w.action.title,
        "ops": {
            # "My actions": a rep's own actions; the manager's lists the team's.
            "list": ("GET", lambda w: "/my-actions/", (SEE, SEE, HIDE, HIDE, HIDE, OK, LOGIN)),
            "read": ("GET", lambda w: f"/actions/{w.action.pk}/", TEAM_GET),
            "timeline": (
                "GET",
                lambda w: f"/plans/{w.plan.pk}/timeline/",
                (*TEAM_READ[:3], 404, 404, SEE, LOGIN),
            ),
            "create": ("POST", lambda w: f"/plans/{w.plan.pk}/actions/new/", MANAGER_WRITES),
            "update": ("POST", lambda w: f"/actions/{w.action.pk}/edit/", MANAGER_WRITES),
            "delete": ("POST", lambda w: f"/actions/{w.action.pk}/delete/", MANAGER_WRITES),
            "complete": (
                "POST",
                lambda w: f"/actions/{w.action.pk}/complete/",
                (OK, OK, 403, 404, 404, 403, LOGIN),
            ),
            "reopen": (
                "POST",
                lambda w: f"/actions/{w.action.pk}/reopen/",
                (OK, OK, 403, 404, 404, 403, LOGIN),
            ),
            # The owner passes the gate and is refused by the transition rules (the action
            # stays as it was: tests/plans/test_action_status.py).
            "cancel": (
                "POST",
                lambda w: f"/actions/{w.action.pk}/cancel/",
                (OK, OK, 403, 404, 404, 403, LOGIN),
            ),
        },
    },
    "indicator": {
        "title": lambda w: w.indicator.name,
        "ops": {
            "list": (
                "GET",
                lambda w: f"/indicators/plan/{w.plan.pk}/",
                (*TEAM_READ[:3], 404, 404, SEE, LOGIN),
            ),
            "read": ("GET", lambda w: f"/indicators/{w.indicator.pk}/", TEAM_GET),
            # The indicator pages fetch through the plans the caller manages: a plan they
            # cannot change is "not found" to these forms (stricter than a 403, never a leak).
            "create": ("POST", lambda w: f"/indicators/plan/{w.plan.pk}/new/", MANAGER_ONLY_404),
            "update": ("POST", lambda w: f"/indicators/{w.indicator.pk}/edit/", MANAGER_ONLY_404),
            "delete": ("POST", lambda w: f"/indicators/{w.indicator.pk}/delete/", MANAGER_ONLY_404),
        },
    },
    "target": {
        "title": lambda w: w.indicator.name,
        "ops": {
            # Targets are set (created or changed) by one POST to the indicator's targets page.
            "create": (
                "POST",
                lambda w: f"/indicators/{w.indicator.pk}/targets/",
                MANAGER_ONLY_404,
            ),
        },
    },
    "measurement": {
        "title": lambda w: w.indicator.name,
        "ops": {
            "create": (
                "POST",
                lambda w: f"/indicators/{w.indicator.pk}/measurements/",
                # HR reads figures but enters none: refused with a message (400).
                (OK, OK, OK, 404, 404, 400, LOGIN),
            ),
            # The team's dashboard: the count of every rep's figures.
            "dashboard": (
                "GET",
                lambda w: f"/indicators/team/{w.team.pk}/",
                (OK, OK, OK, 404, 404, OK, LOGIN),
            ),
            "export": (
                "GET",
                lambda w: f"/indicators/team/{w.team.pk}/export.csv",
                # Every rep's figures: the team's manager and HR only.
                (OK, 404, 404, 404, 404, OK, LOGIN),
            ),
        },
    },
    "training": {
        "title": lambda w: w.training.title,
        "ops": {
            "list": ("GET", lambda w: "/coaching/trainings/", (SEE,) * 6 + (LOGIN,)),
            "read": (
                "GET",
                lambda w: f"/coaching/trainings/{w.training.pk}/",
                (OK,) * 6 + (LOGIN,),
            ),
            "create": ("POST", lambda w: "/coaching/trainings/new/", (403,) * 5 + (OK, LOGIN)),
            "update": (
                "POST",
                lambda w: f"/coaching/trainings/{w.training.pk}/edit/",
                (403,) * 5 + (OK, LOGIN),
            ),
        },
    },
    "session": {
        "title": lambda w: w.session.place,
        "ops": {
            "read": ("GET", lambda w: f"/coaching/sessions/{w.session.pk}/", (OK,) * 6 + (LOGIN,)),
            "create": (
                "POST",
                lambda w: f"/coaching/trainings/{w.training.pk}/sessions/new/",
                (403,) * 5 + (OK, LOGIN),
            ),
            "update": (
                "POST",
                lambda w: f"/coaching/sessions/{w.session.pk}/attendance/",
                (403,) * 5 + (OK, LOGIN),
            ),
        },
    },
    "enrollment": {
        "title": lambda w: w.training.title,
        "ops": {
            "list": (
                "GET",
                lambda w: "/coaching/my-trainings/",
                (HIDE, SEE, HIDE, HIDE, HIDE, HIDE, LOGIN),
            ),
            "update": (
                "POST",
                lambda w: f"/coaching/enrollments/{w.enrollment.pk}/feedback/",
                # Visible to the manager and HR, who get the page's "only the enrolled rep"
                # message rather than a 404.
                (OK, OK, 404, 404, 404, OK, LOGIN),
            ),
            "delete": (
                "POST",
                lambda w: f"/coaching/enrollments/{w.enrollment.pk}/cancel/",
                # Cancelling is HR's, like attendance: everyone else is refused before any read.
                (403,) * 5 + (OK, LOGIN),
            ),
        },
    },
    "skill_level": {
        "title": lambda w: w.users.owner.get_full_name(),
        "ops": {
            "list": (
                "GET",
                lambda w: "/coaching/skills/",
                (SEE, SEE, HIDE, HIDE, HIDE, SEE, LOGIN),
            ),
            "read": (
                "GET",
                lambda w: f"/coaching/reps/{w.users.owner.pk}/",
                (OK, OK, 404, 404, 404, OK, LOGIN),
            ),
        },
    },
    "scheme": {
        "title": lambda w: w.scheme.name,
        "ops": {
            "list": (
                "GET",
                lambda w: "/coaching/incentives/",
                (SEE, SEE, HIDE, HIDE, HIDE, SEE, LOGIN),
            ),
            "read": (
                "GET",
                lambda w: f"/coaching/incentives/{w.scheme.pk}/",
                (OK, OK, 404, 404, 404, OK, LOGIN),
            ),
            "close": (
                "POST",
                lambda w: f"/coaching/incentives/{w.scheme.pk}/close/",
                (OK, 403, 404, 404, 404, 403, LOGIN),
            ),
        },
    },
    "payout": {
        "title": lambda w: w.scheme.name,
        "ops": {
            # Payroll marks payouts paid: HR.
            "mark_paid": (
                "POST",
                lambda w: f"/coaching/incentives/{w.closed_scheme.pk}/mark-paid/",
                (403, 403, 404, 404, 404, OK, LOGIN),
            ),
        },
    },
    "challenge": {
        "title": lambda w: w.challenge.title,
        "ops": {
            "list": ("GET", lambda w: "/coaching/challenges/", TEAM_READ),
            "read": ("GET", lambda w: f"/coaching/challenges/{w.challenge.pk}/", TEAM_GET),
            "create": (
                "POST",
                lambda w: "/coaching/challenges/new/",
                (OK, 403, 403, 403, OK, 403, LOGIN),
            ),
        },
    },
    "ritual": {
        "title": lambda w: w.ritual.title,
        "ops": {
            "list": ("GET", lambda w: "/coaching/rituals/", TEAM_READ),
            "read": ("GET", lambda w: f"/coaching/rituals/{w.ritual.pk}/", TEAM_GET),
            "create": (
                "POST",
                lambda w: "/coaching/rituals/new/",
                (OK, 403, 403, 403, OK, 403, LOGIN),
            ),
        },
    },
    "coaching_session": {
        "title": lambda w: w.users.owner.get_full_name(),
        "ops": {
            "list": (
                "GET",
                lambda w: "/coaching/one-to-ones/",
                (SEE, SEE, HIDE, HIDE, HIDE, SEE, LOGIN),
            ),
            "read": (
                "GET",
                lambda w: f"/coaching/one-to-ones/{w.coaching_session.pk}/",
                (OK, OK, 404, 404, 404, OK, LOGIN),
            ),
            "create": (
                "POST",
                lambda w: "/coaching/one-to-ones/new/",
                (OK, 403, 403, 403, OK, 403, LOGIN),
            ),
        },
    },
    "notification": {
        "title": lambda w: w.notification.title,
        "ops": {
            "list": ("GET", lambda w: "/reminders/", (HIDE, SEE, HIDE, HIDE, HIDE, HIDE, LOGIN)),
            "read": (
                "POST",
                lambda w: f"/reminders/{w.notification.pk}/open/",
                (404, OK, 404, 404, 404, 404, LOGIN),
            ),
        },
    },
}

# Operations of the API matrix with no page, and why.
PAGE_GAPS = {
    "plan.create": "tested by the plan pages (tests/plans); team chosen in the form",
    "plan.delete": "no delete page: a plan is closed then archived (delete refused once active)",
    "lever.read / milestone.read": "shown on the plan page (the 'list' cell)",
    "target.list / read / update / delete": "one targets form per indicator (the create cell)",
    "measurement.list / read / update / delete": "entered on the weekly grid and the indicator",
    "training.delete / session.delete": "API only (HR)",
    "enrollment.create": "HR enrols from the session page (a form, tests/coaching)",
    "skill_level.create / update / delete": "assessed from the rep page",
    "scheme.create / update / delete": "created by the manager's form; never edited or deleted",
    "challenge / ritual / coaching_session update, delete": "kept for the record",
    "notification.create / update / delete": "made by the sweep; only opened or marked read",
}


def page_cells():
    from .matrix import PERSONAS

    for model, spec in PAGES.items():
        for op, (_method, _url, answers) in spec["ops"].items():
            assert len(answers) == len(PERSONAS), (model, op)
            for persona, expected in zip(PERSONAS, answers, strict=True):
                if expected == NA:
                    continue
                yield model, op, persona, expected
