"""Development email: one console line per message, the whole message in a file."""

from django.core import mail

from pacsite.dev_console import EmailBackend


def test_one_line_per_email_and_the_message_in_a_file(settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    messages = [
        mail.EmailMultiAlternatives("Vos actions du jour", "texte " * 500, to=["julien@ex.test"]),
        mail.EmailMessage("Jalon en dérive", "détails", to=["claire@ex.test", "rh@ex.test"]),
    ]
    messages[0].attach_alternative("<p>html</p>" * 200, "text/html")
    assert EmailBackend().send_messages(messages) == 2
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("email to julien@ex.test: Vos actions du jour (")
    assert "claire@ex.test, rh@ex.test: Jalon en dérive" in lines[1]
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2 and b"texte texte" in files[0].read_bytes()
