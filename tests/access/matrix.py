"""The access-control matrix, as data: model x persona x operation -> expected answer.

Personas (columns, always in this order):
  manager        the manager of the row's team
  owner          the rep who owns the row (assignee, measured rep, enrolled rep, ...)
  mate           another rep of the same team
  outsider       a rep of another team
  other_manager  the manager of another team
  hr             HR (no team; reads every team, runs training)
  anon           not signed in

Answers through the API (HTTP status, or list membership):
  SEE / HIDE  for "list": 200 and the row is in / absent from the results
  200, 201, 204           allowed (read or update, create, delete)
  400  the write is refused with a message (e.g. the parent is not among the caller's
       choices, or a rule such as "an active plan is archived, not deleted")
  403  the row is visible but not the caller's to change
  404  the row is not visible at all (never a 403: "not allowed" looks like "missing")
  401  anonymous
  NA   no such operation in the API for this model (the reason is in ``API_GAPS``)

A row a persona must not see is a 404 on read and absent from lists, whatever the operation.
"""

import datetime

SEE, HIDE, NA = "see", "hide", "n/a"
PERSONAS = ("manager", "owner", "mate", "outsider", "other_manager", "hr", "anon")


def _d(day: datetime.date) -> str:
    return day.isoformat()


# Each model: its API collection, the row (an attribute of the world), payloads, and per
# operation a tuple of answers in PERSONAS order.
API = {
    "plan": {
        "url": "/api/v1/plans/",
        "row": "plan",
        "create": lambda w: {
            "team": w.team.pk,
            "title": "PAC 2",
            "start_date": _d(w.start),
            "end_date": _d(w.end),
        },
        "update": lambda w: {"title": "PAC renommé"},
        "expect": {
            #        manager owner mate outsider other_mgr hr   anon
            "list": (SEE, SEE, SEE, HIDE, HIDE, SEE, 401),
            "read": (200, 200, 200, 404, 404, 200, 401),
            "create": (201, 400, 400, 400, 400, 400, 401),
            "update": (200, 403, 403, 404, 404, 403, 401),
            # Active plans are archived, never deleted (issue 8).
            "delete": (400, 403, 403, 404, 404, 403, 401),
        },
    },
    "lever": {
        "url": "/api/v1/levers/",
        "row": "lever",
        "create": lambda w: {"plan": w.plan.pk, "name": "Fidéliser", "aim": "retain"},
        "update": lambda w: {"name": "Conquérir"},
        "expect": {
            "list": (SEE, SEE, SEE, HIDE, HIDE, SEE, 401),
            "read": (200, 200, 200, 404, 404, 200, 401),
            "create": (201, 400, 400, 400, 400, 400, 401),
            "update": (200, 403, 403, 404, 404, 403, 401),
            "delete": (204, 403, 403, 404, 404, 403, 401),
        },
    },
    "milestone": {
        "url": "/api/v1/milestones/",
        "row": "milestone",
        "create": lambda w: {"plan": w.plan.pk, "title": "Bilan", "date": _d(w.end)},
        "update": lambda w: {"title": "Salon"},
        "expect": {
            "list": (SEE, SEE, SEE, HIDE, HIDE, SEE, 401),
            "read": (200, 200, 200, 404, 404, 200, 401),
            "create": (201, 400, 400, 400, 400, 400, 401),
            "update": (200, 403, 403, 404, 404, 403, 401),
            "delete": (204, 403, 403, 404, 404, 403, 401),
        },
    },
    "action": {
        "url": "/api/v1/actions/",
        "row": "action",
        "create": lambda w: {
            "lever": w.lever.pk,
            "title": "Appeler",
            "assignee": w.users.mate.pk,
            "due_date": _d(w.today + datetime.timedelta(days=5)),
        },
        # The owner may change only the status (tested as complete/reopen); a title is refused.
        "update": lambda w: {"title": "Relancer"},
        "expect": {
            "list": (SEE, SEE, SEE, HIDE, HIDE, SEE, 401),
            "read": (200, 200, 200, 404, 404, 200, 401),
            "create": (201, 400, 400, 400, 400, 400, 401),
            "update": (200, 403, 403, 404, 404, 403, 401),
            "delete": (204, 403, 403, 404, 404, 403, 401),
            "complete": (200, 200, 403, 404, 404, 403, 401),
            "reopen": (200, 200, 403, 404, 404, 403, 401),
            # PATCH {"status": "cancelled"}: the plan's manager only; the owner's is a 400.
            "cancel": (200, 400, 403, 404, 404, 403, 401),
        },
    },
    "indicator": {
        "url": "/api/v1/indicators/",
        "row": "indicator",
        "create": lambda w: {
            "plan": w.plan.pk,
            "name": "Rendez-vous",
            "kind": "quantitative",
            "unit": "count",
            "direction": "higher",
            "aggregation": "sum",
            "cadence": "weekly",
        },
        "update": lambda w: {"name": "CA signé"},
        "expect": {
            "list": (SEE, SEE, SEE, HIDE, HIDE, SEE, 401),
            "read": (200, 200, 200, 404, 404, 200, 401),
            # Another team's plan is not even visible: 404, as for any hidden row.
            "create": (201, 403, 403, 404, 404, 403, 401),
            "update": (200, 403, 403, 404, 404, 403, 401),
            "delete": (204, 403, 403, 404, 404, 403, 401),
        },
    },
    "target": {
        "url": "/api/v1/targets/",
        "row": "target",
        "create": lambda w: {"indicator": w.indicator.pk, "value": "25"},
        "update": lambda w: {"value": "1500"},
        "expect": {
            # A rep sees their own targets and the team's, not a colleague's.
            "list": (SEE, SEE, HIDE, HIDE, HIDE, SEE, 401),
            "read": (200, 200, 404, 404, 404, 200, 401),
            "create": (201, 403, 403, 404, 404, 403, 401),
            "update": (200, 403, 404, 404, 404, 403, 401),
            "delete": (204, 403, 404, 404, 404, 403, 401),
        },
    },
    "measurement": {
        "url": "/api/v1/measurements/",
        "row": "measurement",
        "create": lambda w: {
            "indicator": w.indicator.pk,
            "rep": w.users.owner.pk,
            "date": _d(w.start + datetime.timedelta(days=7)),
            "value": "10",
        },
        "update": lambda w: {"value": "130"},
        "expect": {
            # A rep sees and enters only their own figures.
            "list": (SEE, SEE, HIDE, HIDE, HIDE, SEE, 401),
            "read": (200, 200, 404, 404, 404, 200, 401),
            # A mate or HR naming the owner is refused per field ("only your own figures").
            "create": (201, 201, 400, 404, 404, 400, 401),
            "update": (200, 200, 404, 404, 404, 400, 401),
            "delete": (204, 204, 404, 404, 404, 400, 401),
        },
    },
    "training": {
        "url": "/api/v1/trainings/",
        "row": "training",
        "create": lambda w: {
            "title": "Prospection téléphonique",
            "topic": "sales_technique",
            "kind": "classroom",
            "duration_hours": "3",
            "cost_per_seat": "100",
        },
        "update": lambda w: {"provider": "Cegos"},
        "expect": {
            # The catalogue is open to everyone signed in; HR writes it.
            "list": (SEE, SEE, SEE, SEE, SEE, SEE, 401),
            "read": (200, 200, 200, 200, 200, 200, 401),
            "create": (403, 403, 403, 403, 403, 201, 401),
            "update": (403, 403, 403, 403, 403, 200, 401),
            "delete": (403, 403, 403, 403, 403, 204, 401),
        },
    },
    "session": {
        "url": "/api/v1/training-sessions/",
        "row": "session",
        "create": lambda w: {
            "training": w.training.pk,
            "starts_at": (w.today + datetime.timedelta(days=20)).isoformat() + "T09:00:00Z",
            "place": "Lyon",
            "capacity": 4,
        },
        "update": lambda w: {"place": "Marseille"},
        "expect": {
            "list": (SEE, SEE, SEE, SEE, SEE, SEE, 401),
            "read": (200, 200, 200, 200, 200, 200, 401),
            "create": (403, 403, 403, 403, 403, 201, 401),
            "update": (403, 403, 403, 403, 403, 200, 401),
            "delete": (403, 403, 403, 403, 403, 204, 401),
        },
    },
    "enrollment": {
        "url": "/api/v1/enrollments/",
        "row": "enrollment",
        "create": lambda w: {"session": w.session.pk, "rep": w.users.mate.pk},
        "update": lambda w: {"status": "cancelled"},
        "expect": {
            # HR: all; a manager: their reps'; a rep: their own.
            "list": (SEE, SEE, HIDE, HIDE, HIDE, SEE, 401),
            "read": (200, 200, 404, 404, 404, 200, 401),
            "create": (403, 403, 403, 403, 403, 201, 401),
            "update": (403, 403, 404, 404, 404, 200, 401),
            "delete": (NA, NA, NA, NA, NA, NA, NA),
        },
    },
    "skill_level": {
        "url": "/api/v1/skills/",
        "row": "skill_level",
        "create": lambda w: {"rep": w.users.mate.pk, "skill": w.skill.pk, "level": 3},
        "expect": {
            "list": (SEE, SEE, HIDE, HIDE, HIDE, SEE, 401),
            "read": (200, 200, 404, 404, 404, 200, 401),
            # The manager assesses their reps; a rep or HR does not set levels by hand. The
            # payload names the mate: a rep they cannot see is a 404 (the owner, another team),
            # a rep they see but do not manage a 403 (the mate themself, HR).
            "create": (201, 404, 403, 404, 404, 403, 401),
            "update": (NA, NA, NA, NA, NA, NA, NA),
            "delete": (NA, NA, NA, NA, NA, NA, NA),
        },
    },
    "scheme": {
        "url": "/api/v1/incentive-schemes/",
        "row": "scheme",
        "create": lambda w: {
            "plan": w.plan.pk,
            "name": "Prime 2",
            "basis": "effort",
            "period_start": _d(w.start),
            "period_end": _d(w.end),
            "reps": [w.users.owner.pk],
            "tiers": [{"threshold": "50", "value": "100"}],
        },
        "expect": {
            # A rep sees only schemes covering them; HR sees every scheme.
            "list": (SEE, SEE, HIDE, HIDE, HIDE, SEE, 401),
            "read": (200, 200, 404, 404, 404, 200, 401),
            "create": (201, 403, 403, 400, 400, 403, 401),
            "update": (NA, NA, NA, NA, NA, NA, NA),
            "delete": (NA, NA, NA, NA, NA, NA, NA),
        },
    },
    "payout": {
        # Payouts are read per scheme (GET incentive-schemes/<id>/payouts/); a rep sees their
        # own line only; marking paid is a page (HR), see tests/access/pages.py.
        "url": "/api/v1/incentive-schemes/",
        "row": "closed_scheme",
        "expect": {
            "payouts": (200, 200, 404, 404, 404, 200, 401),
        },
    },
    "challenge": {
        "url": "/api/v1/challenges/",
        "row": "challenge",
        "create": lambda w: {"title": "Sprint", "start_date": _d(w.today), "end_date": _d(w.end)},
        "expect": {
            "list": (SEE, SEE, SEE, HIDE, HIDE, SEE, 401),
            "read": (200, 200, 200, 404, 404, 200, 401),
            # Created for the caller's own managed team: other_manager creates in theirs.
            "create": (201, 403, 403, 403, 201, 403, 401),
            "update": (NA, NA, NA, NA, NA, NA, NA),
            "delete": (NA, NA, NA, NA, NA, NA, NA),
        },
    },
    "ritual": {
        "url": "/api/v1/rituals/",
        "row": "ritual",
        "create": lambda w: {"title": "Revue mensuelle", "kind": "monthly_review"},
        "expect": {
            "list": (SEE, SEE, SEE, HIDE, HIDE, SEE, 401),
            "read": (200, 200, 200, 404, 404, 200, 401),
            "create": (201, 403, 403, 403, 201, 403, 401),
            "update": (NA, NA, NA, NA, NA, NA, NA),
            "delete": (NA, NA, NA, NA, NA, NA, NA),
        },
    },
    "coaching_session": {
        "url": "/api/v1/coaching-sessions/",
        "row": "coaching_session",
        "create": lambda w: {"rep": w.users.mate.pk, "date": _d(w.today), "notes": "Suivi"},
        "expect": {
            # Notes: that manager, that rep and HR only.
            "list": (SEE, SEE, HIDE, HIDE, HIDE, SEE, 401),
            "read": (200, 200, 404, 404, 404, 200, 401),
            # Another manager naming this team's rep: refused on the field.
            "create": (201, 403, 403, 403, 400, 403, 401),
            "update": (NA, NA, NA, NA, NA, NA, NA),
            "delete": (NA, NA, NA, NA, NA, NA, NA),
        },
    },
    "notification": {
        "url": "/api/v1/notifications/",
        "row": "notification",
        "expect": {
            # A notification is its recipient's alone.
            "list": (HIDE, SEE, HIDE, HIDE, HIDE, HIDE, 401),
            "read": (404, 200, 404, 404, 404, 404, 401),
            "create": (NA, NA, NA, NA, NA, NA, NA),
            "update": (NA, NA, NA, NA, NA, NA, NA),
            "delete": (NA, NA, NA, NA, NA, NA, NA),
            "read_mark": (404, 200, 404, 404, 404, 404, 401),
        },
    },
}

# Operations with no API endpoint, and why (so a gap is a decision, not a silent skip).
API_GAPS = {
    ("enrollment", "delete"): "an enrolment is cancelled (status), never deleted",
    ("skill_level", "update"): "a new assessment is a POST; history is kept",
    ("skill_level", "delete"): "levels are history; never deleted",
    ("scheme", "update"): "a scheme is fixed once created; it is closed, not edited",
    ("scheme", "delete"): "payouts hang on it: closed, never deleted",
    ("challenge", "update"): "edited from the page only",
    ("challenge", "delete"): "challenges are kept for the record",
    ("ritual", "update"): "edited from the page only",
    ("ritual", "delete"): "rituals are kept with their minutes",
    ("coaching_session", "update"): "edited from the page only",
    ("coaching_session", "delete"): "coaching notes are kept",
    ("notification", "create"): "made by the reminder sweep",
    ("notification", "update"): "only marked read",
    ("notification", "delete"): "kept as history",
    ("payout", "list/create/update/delete"): "payouts are computed and frozen by the period"
    " close, read per scheme (the payouts cell), marked paid from the page (see PAGES)",
}

# Special operations: detail actions POSTed at <url>/<pk>/<path>/ (PATCH: the body instead).
SPECIAL_PATHS = {
    "complete": ("POST", "complete"),
    "reopen": ("POST", "reopen"),
    "cancel": ("PATCH", {"status": "cancelled"}),
    "read_mark": ("POST", "read"),
    "payouts": ("GET", "payouts"),
}


def api_cells():
    """Every (model, operation, persona, expected) cell of the API matrix."""
    for model, spec in API.items():
        for op, answers in spec["expect"].items():
            assert len(answers) == len(PERSONAS), (model, op)
            for persona, expected in zip(PERSONAS, answers, strict=True):
                if expected == NA:
                    assert (model, op) in API_GAPS, f"say why {model}.{op} has no API"
                    continue
                yield model, op, persona, expected
