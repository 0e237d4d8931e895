"""HTML/JS typed into text fields is saved as text and shown as text: escaped in every page
that shows it and in the reminder email's HTML part, verbatim in its plain-text part, and
never turned into a formula in an export."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from plans.models import Action, Lever, Milestone, Plan
from reminders.emails import build_digest
from reminders.models import ItemType, Reminder, Stage
from reminders.selectors import hydrate

from .hostile import RAW_XSS_MARKERS, XSS

SCRIPT, IMG, SVG = XSS
FORMULA = "=cmd|' /C calc'!A0"


def _assert_escaped(content: bytes, where: str):
    for marker in RAW_XSS_MARKERS:
        assert marker not in content, f"unescaped {marker!r} in {where}"


def _typed_in(client, world):
    """The manager types scripts into a plan, a lever, a milestone and an action."""
    plan, rep = world["plan"], world["people"]["rep"]
    client.force_login(world["people"]["manager"])
    today = world["today"].isoformat()
    posts = [
        (
            reverse("plans:plan-edit", args=[plan.pk]),
            {
                "title": SCRIPT,
                "start_date": plan.start_date.isoformat(),
                "end_date": plan.end_date.isoformat(),
                "value_proposition": IMG,
            },
        ),
        (reverse("plans:lever-create", args=[plan.pk]), {"name": SVG, "aim": "retain"}),
        (reverse("plans:milestone-create", args=[plan.pk]), {"title": IMG, "date": today}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.content[:2000])
    lever = Lever.objects.get(plan=plan, name=SVG)
    milestone = Milestone.objects.get(plan=plan, title=IMG)
    response = client.post(
        reverse("plans:action-create", args=[plan.pk]),
        {
            "lever": lever.pk,
            "title": SCRIPT,
            "details": IMG,
            "assignees": [rep.pk],
            "due_date": today,
            "priority": 2,
            "milestone": milestone.pk,
        },
    )
    assert response.status_code == 302
    return Action.objects.get(title=SCRIPT)


def test_scripts_typed_in_are_shown_escaped_on_every_page(client, fuzz_world):
    action = _typed_in(client, fuzz_world)
    plan = Plan.objects.get(pk=fuzz_world["plan"].pk)
    assert plan.title == SCRIPT  # saved as typed: escaping is the output's job
    pages = {
        "plan list": reverse("plans:plan-list"),
        "plan detail": plan.get_absolute_url(),
        "plan timeline": reverse("plans:plan-timeline", args=[plan.pk]),
        "action detail": reverse("plans:action-detail", args=[action.pk]),
        "action edit": reverse("plans:action-edit", args=[action.pk]),
        "plan indicators": reverse("indicators:plan", args=[plan.pk]),
        "action indicators": reverse("indicators:action", args=[action.pk]),
        "home": reverse("home"),
    }
    for where, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, where
        _assert_escaped(response.content, where)
    detail = client.get(pages["action detail"]).content.decode()
    assert "&lt;script&gt;alert(&quot;pac-xss&quot;)&lt;/script&gt;" in detail

    client.force_login(fuzz_world["people"]["rep"])
    for where, url in {
        "my actions": reverse("plans:my-actions"),
        "action detail (rep)": pages["action detail"],
        "plan timeline (rep)": pages["plan timeline"],
        "week": reverse("indicators:week"),
    }.items():
        response = client.get(url)
        assert response.status_code == 200, where
        _assert_escaped(response.content, where)


def test_reminder_email_escapes_html_and_keeps_text_verbatim(fuzz_world):
    rep = fuzz_world["people"]["rep"]
    rep.first_name = SVG  # the greeting shows the name: a text field like the others
    rep.save(update_fields=["first_name"])
    action = fuzz_world["action"]
    action.title = SCRIPT
    action.save(update_fields=["title"])
    reminder = Reminder.objects.create(
        recipient=rep,
        stage=Stage.OVERDUE,
        item_type=ItemType.ACTION,
        item_id=action.pk,
        due_date=action.due_date,
        title=SCRIPT,
    )
    for language in ("fr", "en"):
        message = build_digest(user=rep, language=language, reminders=hydrate([reminder]))
        html = message.alternatives[0][0]
        _assert_escaped(html.encode(), f"the {language} email's HTML part")
        assert "&lt;script&gt;" in html
        # Plain text is not HTML: the title reads as typed, not as entities.
        assert SCRIPT in message.body
        assert "&lt;" not in message.body and "&quot;" not in message.body
        assert "\n" not in message.subject and "pac-xss" not in message.subject


def test_exports_do_not_turn_text_into_formulas(client, fuzz_world):
    action = fuzz_world["action"]
    action.title = FORMULA
    action.save(update_fields=["title"])
    client.force_login(fuzz_world["people"]["manager"])
    plan = fuzz_world["plan"]

    csv_text = client.get(reverse("plans:plan-export", args=[plan.pk, "csv"])).content
    for line in csv_text.decode("utf-8-sig").splitlines()[1:]:
        for cell in line.split(","):
            assert not cell.strip('"').startswith(("=", "+", "@")), line

    xlsx = client.get(reverse("plans:plan-export", args=[plan.pk, "xlsx"])).content
    sheet = load_workbook(io.BytesIO(xlsx)).worksheets[0]
    titles = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert not [c.coordinate for c in titles if c.data_type == "f"], "text became a formula"
    assert FORMULA in [c.value for c in titles]
