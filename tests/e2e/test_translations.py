"""Every main page, read in French, has no English left in it.

Each page of each persona is rendered twice by the Django test client, in French and in
English. A text a user reads (text nodes, and the title / aria-label / placeholder / alt
attributes) that comes out the same in both languages is suspect; it is reported when it holds
a word of English (the words of the msgids of our catalogues and Django's that never appear in
a French msgstr, and plain English words) and no sign of French, so that names, codes, figures
and the demo's French data pass.
No browser is needed: these tests run without Chromium.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
from django.core.management import call_command

from coaching.models import Challenge, IncentiveScheme, Ritual, Training, TrainingSession
from indicators.models import Indicator
from plans.models import Action, Plan

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).parents[2]
WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
# Words that are the same in both languages, or names: not a sign of a missing translation.
ALLOWED = {
    "api",
    "csv",
    "xlsx",
    "pdf",
    "crm",
    "smart",
    "pac",
    "json",
    "ical",
    "email",
    "emails",
    "excel",
    "django",
    "swagger",
    "redoc",
    "htmx",
    "token",
    "admin",
    "pertinence",
    # French words that are English too, and product names in the demo's French data.
    "main",
    "teams",
    "zoom",
}


def _po_strings(path: Path) -> tuple[list[str], list[str]]:
    """The msgids and msgstrs of a .po file (enough of the format for a vocabulary)."""
    ids, strs, current = [], [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(("msgid ", "msgid_plural ")):
            current = ids
        elif line.startswith("msgstr"):
            current = strs
        elif not line.startswith('"'):
            current = None
            continue
        if current is not None and '"' in line:
            current.append(line[line.index('"') + 1 : line.rindex('"')])
    return ids, strs


# Plain English that a string not even marked for translation would likely hold.
COMMON_ENGLISH = {
    *("the", "and", "for", "you", "your", "with", "this", "that", "from", "not", "are"),
    *("has", "have", "will", "can", "all", "none", "yes", "print", "download", "upload"),
    *("search", "edit", "delete", "cancel", "save", "close", "open", "show", "hide", "next"),
    *("previous", "back", "more", "less", "loading", "settings", "help", "sign", "logout"),
    *("login", "new", "add", "remove", "update", "view"),
}


def catalogues() -> list[Path]:
    """Ours, and Django's own (core, admin, auth): a wider vocabulary on both sides."""
    django_root = Path(django.__file__).parent
    ours = [p for p in ROOT.glob("**/locale/fr/LC_MESSAGES/django.po") if ".venv" not in p.parts]
    theirs = [
        django_root / "conf/locale/fr/LC_MESSAGES/django.po",
        django_root / "contrib/admin/locale/fr/LC_MESSAGES/django.po",
        django_root / "contrib/auth/locale/fr/LC_MESSAGES/django.po",
    ]
    return ours + [p for p in theirs if p.exists()]


def english_vocabulary() -> set[str]:
    english, french = set(COMMON_ENGLISH), set()
    for po in catalogues():
        ids, strs = _po_strings(po)
        english |= {w.lower() for s in ids for w in WORD.findall(s)}
        french |= {w.lower() for s in strs for w in WORD.findall(s)}
    return english - french - ALLOWED


class VisibleText(HTMLParser):
    """The texts a user reads or hears: text nodes and a few attributes."""

    ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
    SKIP = {"script", "style", "template"}

    def __init__(self):
        super().__init__()
        self.texts: set[str] = set()
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        if dict(attrs).get("lang", "fr") != "fr":
            return  # marked as another language on purpose (the "English" language button)
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self._add(value)

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self._add(data)

    def _add(self, text):
        text = " ".join(text.split())
        if text:
            self.texts.add(text)


def visible_texts(html: str) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.texts


# A text with one of these is French (the demo's data): English words in it are borrowed.
FRENCH_MARKERS = re.compile(
    r"\b(le|la|les|des|du|un|une|et|pour|avec|sur|dans|aux|au|par|est|à)\b|\b[dlj]'|[éèêàçù]",
    re.IGNORECASE,
)


def english_in(text: str, vocabulary: set[str]) -> bool:
    if FRENCH_MARKERS.search(text):
        return False
    return bool({w.lower() for w in WORD.findall(text)} & vocabulary)


def compare(fr_html: str, en_html: str, vocabulary: set[str]) -> list[str]:
    """The texts left the same in both renderings that hold a word of English."""
    same = visible_texts(fr_html) & visible_texts(en_html)
    return sorted(t for t in same if english_in(t, vocabulary))


def untranslated(client, path: str, vocabulary: set[str]) -> list[str]:
    html = {}
    for language in ("fr", "en"):
        client.cookies["django_language"] = language
        response = client.get(path)
        assert response.status_code == 200, (path, language, response.status_code)
        html[language] = response.content.decode()
    return compare(html["fr"], html["en"], vocabulary)


@pytest.fixture(scope="module")
def vocabulary():
    return english_vocabulary()


@pytest.fixture
def demo(password, django_user_model):
    call_command("seed_demo", password=password, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {u.username: u for u in django_user_model.objects.all()}


def check(client, user, paths, vocabulary) -> str:
    """The untranslated texts, one line per page ("" when there are none)."""
    client.force_login(user)
    found = {path: untranslated(client, path, vocabulary) for path in paths}
    return "\n".join(f"{path}: {texts}" for path, texts in found.items() if texts)


def test_the_vocabulary_knows_english_and_spares_french(vocabulary):
    assert {"overdue", "save", "undo"} <= vocabulary
    assert not {"action", "plan", "dupont"} & vocabulary  # French words and names


def test_the_comparison_reports_english_left_in_french(vocabulary):
    fr = (
        "<h1>Mes actions</h1><button title='Mark as done'>Save</button><p>Julien Dupont</p>"
        "<p>Lancer la lettre d'information</p>"
    )
    en = (
        "<h1>My actions</h1><button title='Mark as done'>Save</button><p>Julien Dupont</p>"
        "<p>Lancer la lettre d'information</p>"
    )
    assert compare(fr, en, vocabulary) == ["Mark as done", "Save"]


def test_manager_pages_are_all_french(client, demo, vocabulary):
    manager = demo["manager"]
    plan = Plan.objects.filter(team__manager=manager).first()
    action = Action.objects.filter(lever__plan=plan).first()
    lever = plan.levers.first()
    milestone = plan.milestones.first()
    indicator = Indicator.objects.filter(plan=plan).first()
    rep = demo["rep1"]
    paths = [
        "/",
        "/my-actions/",
        "/plans/",
        "/plans/new/",
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/timeline/",
        f"/plans/{plan.pk}/edit/",
        f"/plans/{plan.pk}/levers/new/",
        f"/plans/{plan.pk}/actions/new/",
        f"/plans/{plan.pk}/milestones/new/",
        f"/plans/{plan.pk}/duplicate/",
        f"/levers/{lever.pk}/edit/",
        f"/milestones/{milestone.pk}/edit/",
        f"/actions/{action.pk}/",
        f"/actions/{action.pk}/edit/",
        "/indicators/",
        "/indicators/catalogue/",
        f"/indicators/plan/{plan.pk}/",
        f"/indicators/plan/{plan.pk}/new/",
        f"/indicators/{indicator.pk}/",
        f"/indicators/{indicator.pk}/edit/",
        f"/indicators/rep/{rep.pk}/",
        "/coaching/trainings/",
        "/coaching/one-to-ones/",
        "/coaching/one-to-ones/new/",
        "/coaching/challenges/",
        f"/coaching/challenges/{Challenge.objects.first().pk}/",
        "/coaching/rituals/",
        f"/coaching/rituals/{Ritual.objects.first().pk}/",
        "/coaching/kudos/",
        "/coaching/incentives/",
        f"/coaching/incentives/{IncentiveScheme.objects.first().pk}/",
        f"/coaching/reps/{rep.pk}/",
        "/reminders/",
        "/reminders/preferences/",
        "/password/change/",
    ]
    report = check(client, manager, paths, vocabulary)
    if report:
        pytest.fail("English left in French pages:\n" + report, pytrace=False)


def test_rep_pages_are_all_french(client, demo, vocabulary):
    rep = demo["rep1"]
    action = Action.objects.filter(assignee=rep).first()
    paths = [
        "/",
        "/my-actions/",
        "/plans/",
        f"/plans/{action.lever.plan_id}/timeline/",
        f"/actions/{action.pk}/",
        f"/indicators/rep/{rep.pk}/",  # "/indicators/mine/" leads there
        "/indicators/week/",
        "/coaching/my-trainings/",
        "/coaching/challenges/",
        "/coaching/incentives/",
        "/coaching/kudos/",
        "/reminders/",
        "/reminders/preferences/",
    ]
    report = check(client, rep, paths, vocabulary)
    if report:
        pytest.fail("English left in French pages:\n" + report, pytrace=False)


def test_hr_pages_are_all_french(client, demo, vocabulary):
    session = TrainingSession.objects.order_by("starts_at").first()
    training = Training.objects.first()
    paths = [
        "/",
        "/coaching/hr/",
        "/coaching/trainings/",
        "/coaching/trainings/new/",
        f"/coaching/trainings/{training.pk}/",
        f"/coaching/trainings/{training.pk}/edit/",
        f"/coaching/trainings/{training.pk}/sessions/new/",
        f"/coaching/sessions/{session.pk}/",
        f"/coaching/sessions/{session.pk}/attendance/",
        "/coaching/skills/",
        "/coaching/training-requests/",
    ]
    report = check(client, demo["hr"], paths, vocabulary)
    if report:
        pytest.fail("English left in French pages:\n" + report, pytrace=False)


def test_login_page_is_all_french(client, vocabulary):
    assert untranslated(client, "/login/", vocabulary) == []


def test_a_message_after_a_change_is_all_french(client, demo, vocabulary):
    """The message bar (shown after a change): refusing to activate a running plan twice."""
    plan = Plan.objects.filter(team__manager=demo["manager"]).first()
    client.force_login(demo["manager"])
    html = {}
    for language in ("fr", "en"):
        client.cookies["django_language"] = language
        response = client.post(f"/plans/{plan.pk}/activate/", follow=True)
        html[language] = response.content.decode()
        assert 'class="alert alert-danger' in html[language]
    assert compare(html["fr"], html["en"], vocabulary) == []
    assert 'aria-label="Fermer"' in html["fr"]
