"""Every email speaks its recipient's saved language: the one chosen with the language
button, whatever the browser said. A real SMTP server on loopback gets the mail."""

import pytest
import time_machine

from reminders.services import digest_deliver
from reminders.sweep import run_sweep

from .conftest import MONDAY, day

pytestmark = pytest.mark.django_db


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def test_a_french_rep_gets_french_and_an_english_manager_english(
    smtp, client, make_action, manager, rep
):
    # Each chooses with the language button, the rep from an English browser.
    client.force_login(rep)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"}, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(manager)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    make_action(rep, day(-5), title="Relancer Dupuis SA")  # overdue, escalated to the manager

    with time_machine.travel(MONDAY, tick=False):
        run_sweep(dispatch=lambda rid: digest_deliver(recipient_id=rid))
    smtp.mailbox.wait_for(2)

    [to_rep] = smtp.mailbox.to(rep.email)
    assert to_rep["Subject"] == "[PAC] 1 rappel"
    assert to_rep["Content-Language"] == "fr"
    assert "Actions en retard" in _text(to_rep) and "Overdue" not in _text(to_rep)
    assert '<html lang="fr">' in _html(to_rep)

    [to_manager] = smtp.mailbox.to(manager.email)
    assert to_manager["Subject"] == "[PAC] 1 reminder"
    assert to_manager["Content-Language"] == "en"
    text = _text(to_manager)
    assert "Escalated to you" in text and "Relancer Dupuis SA" in text
    assert "Escaladé" not in text
    assert '<html lang="en">' in _html(to_manager)


def test_changing_the_language_changes_the_next_email(smtp, client, make_action, rep):
    client.force_login(rep)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    make_action(rep, day(-1), title="Appeler Martin SARL")
    with time_machine.travel(MONDAY, tick=False):
        run_sweep(dispatch=lambda rid: digest_deliver(recipient_id=rid))
    [first] = smtp.mailbox.wait_for(1)
    assert first["Subject"] == "[PAC] 1 reminder"

    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    make_action(rep, day(-2), title="Relancer Durand")
    with time_machine.travel(MONDAY, tick=False):
        run_sweep(dispatch=lambda rid: digest_deliver(recipient_id=rid))
    second = smtp.mailbox.wait_for(2)[1]
    assert second["Subject"] == "[PAC] 1 rappel"
    assert "Relancer Durand" in _text(second)
