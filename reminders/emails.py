"""The digest email: one message per person, items grouped by stage, HTML and text."""

from __future__ import annotations

from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from indicators.reasons import target_reasons

from .models import STAGE_ORDER, ItemType, Stage


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def build_digest(*, user, language: str, reminders: list) -> EmailMultiAlternatives:
    """The digest for ``user`` in ``language``; ``reminders`` must be hydrated."""
    ordered = sorted(reminders, key=lambda r: (STAGE_ORDER.get(r.stage, 99), r.due_date, r.pk))
    with translation.override(language):
        groups = [
            {"label": Stage(stage).label, "stage": stage, "items": list(items)}
            for stage, items in groupby(ordered, key=lambda r: r.stage)
        ]
        for reminder in ordered:
            reminder.url = absolute(reminder.path)
        _attach_target_reasons(ordered)
        count = len(ordered)
        subject = ngettext("[PAC] %(count)d reminder", "[PAC] %(count)d reminders", count) % {
            "count": count
        }
        context = {
            "user": user,
            "name": user.get_full_name() or user.get_username(),
            "groups": groups,
            "count": count,
            "site_url": settings.SITE_URL,
            "preferences_url": absolute(reverse("reminders:preferences")),
            "notifications_url": absolute(reverse("reminders:notifications")),
            "subject": subject,
            "LANGUAGE_CODE": language,
        }
        text = render_to_string("reminders/email/digest.txt", context)
        html = render_to_string("reminders/email/digest.html", context)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
            headers={
                "Content-Language": language,
                "Auto-Submitted": "auto-generated",
                "X-PAC-Reminders": gettext("reminders"),
            },
        )
        message.attach_alternative(html, "text/html")
    return message


def _attach_target_reasons(reminders: list) -> None:
    """ "At risk" items say why (``indicators.reasons``), in the digest's active language."""
    at_risk = [r for r in reminders if r.stage == Stage.AT_RISK and r.item_type == ItemType.TARGET]
    for reminder in reminders:
        reminder.reasons = []
    if not at_risk:
        return
    reasons = target_reasons({r.item_id for r in at_risk}, today=timezone.localdate())
    for reminder in at_risk:
        reminder.reasons = reasons.get(reminder.item_id, [])
