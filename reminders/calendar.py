"""A user's private iCal feed (RFC 5545), written by hand: a few all-day events need no library.

Events: the user's open actions (due date), the milestones of their teams' active plans, and
the training sessions they are enrolled in.
"""

from __future__ import annotations

from datetime import UTC, date, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coaching.models import Enrollment, EnrollmentStatus
from plans.models import OPEN_STATUSES, Action, Milestone, PlanStatus
from teams.access import visible_teams


def escape_text(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11)."""
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character (RFC 5545 3.1)."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts, current, size, limit = [], [], 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74  # continuation lines start with a space
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _site(path: str) -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def _event(
    uid: str, day: date, summary: str, url: str, stamp: str, *, start=None, end=None
) -> list[str]:
    lines = ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{stamp}"]
    if start is not None:
        utc = start.astimezone(UTC)
        end = (end or start + timedelta(hours=1)).astimezone(UTC)
        lines.append(f"DTSTART:{utc:%Y%m%dT%H%M%SZ}")
        lines.append(f"DTEND:{end:%Y%m%dT%H%M%SZ}")
    else:
        lines.append(f"DTSTART;VALUE=DATE:{day:%Y%m%d}")
        lines.append(f"DTEND;VALUE=DATE:{(day + timedelta(days=1)):%Y%m%d}")
    lines += [f"SUMMARY:{escape_text(summary)}", f"URL:{url}", "END:VEVENT"]
    return lines


def calendar_ics(user, *, language: str, host: str = "pac") -> str:
    """The feed's text, in ``language``: its owner's saved one, since the calendar app that
    fetches it sends no language cookie, at most an Accept-Language of its own.
    Queries: actions (1), milestones (1), training sessions (1)."""
    with translation.override(language):
        lines = _calendar_lines(user, host=host)
    return "".join(fold(line) + "\r\n" for line in lines)


def _calendar_lines(user, *, host: str) -> list[str]:
    stamp = f"{timezone.now().astimezone(UTC):%Y%m%dT%H%M%SZ}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//PAC tracker//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(_('PAC: my dates'))}",
    ]
    actions = (
        Action.objects.filter(assignee=user, status__in=OPEN_STATUSES)
        .select_related("lever__plan")
        .order_by("due_date", "id")
    )
    for a in actions:
        lines += _event(
            f"action-{a.pk}@{host}",
            a.due_date,
            _("Due: %(title)s") % {"title": a.title},
            _site(a.get_absolute_url()),
            stamp,
        )
    milestones = (
        Milestone.objects.filter(
            plan__team__in=visible_teams(user).filter(Q(manager=user) | Q(members=user)),
            plan__status__in=(PlanStatus.DRAFT, PlanStatus.ACTIVE),
        )
        .select_related("plan")
        .order_by("date", "id")
    )
    for m in milestones:
        lines += _event(
            f"milestone-{m.pk}@{host}",
            m.date,
            _("Milestone: %(title)s (%(plan)s)") % {"title": m.title, "plan": m.plan.title},
            _site(m.plan.get_absolute_url()),
            stamp,
        )
    enrollments = (
        Enrollment.objects.filter(rep=user)
        .exclude(status=EnrollmentStatus.CANCELLED)
        .select_related("session__training")
        .order_by("session__starts_at", "id")
    )
    for enrollment in enrollments:
        s = enrollment.session
        lines += _event(
            f"training-session-{s.pk}@{host}",
            s.starts_at.date(),
            _("Training: %(title)s, %(place)s") % {"title": s.training.title, "place": s.place},
            _site(reverse("coaching:session-detail", args=[s.pk])),
            stamp,
            start=s.starts_at,
            end=s.ends_at,
        )
    lines.append("END:VCALENDAR")
    return lines
