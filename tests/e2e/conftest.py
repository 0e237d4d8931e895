"""Browser journeys: Playwright driving Debian's Chromium against ``live_server``.

Without Chromium the tests are skipped with a message saying how to install it; CI sets
``PAC_REQUIRE_E2E=1`` so a missing browser fails the run instead of hiding the journeys.
"""

import os
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

CHROMIUM = os.environ.get("PAC_CHROMIUM", "/usr/bin/chromium")
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = Path(
    os.environ.get("PAC_SCREENSHOTS", Path(__file__).parents[2] / "var" / "screenshots")
)

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# "inside" it unless told that this thread is not really async.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


def pytest_collection_modifyitems(config, items):
    if _chromium_available():
        return
    message = (
        f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium` "
        "(or set PAC_CHROMIUM) to run the browser journeys."
    )
    # Only the tests that open a browser: the others here (translations) need none.
    journeys = [i for i in items if "browser" in getattr(i, "fixturenames", ())]
    if journeys and os.environ.get("PAC_REQUIRE_E2E") == "1":
        pytest.exit(f"PAC_REQUIRE_E2E=1 but {message}", returncode=1)
    for item in journeys:
        item.add_marker(pytest.mark.skip(reason=message))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        # The machine has no outside network: keep Chromium from trying to reach it.
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture
def phone(browser, live_server):
    """A page in a phone-sized context (390 x 844) with touch."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        base_url=live_server.url,
        locale="fr-FR",
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desk(browser, live_server):
    """A page in a desktop-sized context."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server.url, locale="fr-FR"
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def log_in(password, live_server):
    """Log ``user`` in through the login form, in ``language`` (fr or en): the language
    button of the login page is a choice, saved as the person's language at sign-in."""

    def _log_in(page, user, language="fr"):
        page.goto("/login/")
        with page.expect_navigation():
            page.locator(f".language-switcher button[value={language}]").click()
        page.wait_for_selector(f"html[lang={language}]", state="attached")
        page.locator("input[name=username]").fill(user.username)
        page.locator("input[name=password]").fill(password)
        page.locator("#login-form button[type=submit]").click()
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    return _log_in


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(page, name, full_page=True):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return _shot


@pytest.fixture
def axe():
    """Run axe-core on the page; return the serious and critical violations."""

    def _run(page):
        # Contrast is judged on the settled colours: with motion reduced, Bootstrap turns its
        # button transitions off (and cancels a running one), so a loaded machine cannot catch
        # a button half-way between two states.
        page.emulate_media(reduced_motion="reduce")
        # Evaluated through the DevTools protocol rather than a <script> tag: the app's strict
        # Content-Security-Policy refuses inline scripts, and must stay on in these tests.
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;void 0")
        result = page.evaluate("async () => await axe.run(document)")
        return [
            {
                "id": v["id"],
                "impact": v["impact"],
                "nodes": [n["target"] for n in v["nodes"]],
                # The measured colours and contrast, so a failure says what axe saw.
                "seen": [[c.get("data") for c in n["any"]] for n in v["nodes"]],
            }
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return _run


@pytest.fixture
def submit():
    """Submit the page's main form and wait for the next page; fail with the form's errors
    if the same form comes back with some (a clearer message than a timeout later on)."""

    def _submit(page, form="main form[method=post]"):
        with page.expect_navigation():
            page.locator(form).locator("button[type=submit]").first.click()
        errors = page.locator(".invalid-feedback, .alert-danger, .errorlist")
        shown = [e.inner_text() for e in errors.all() if e.is_visible()]
        fields = page.eval_on_selector_all(".is-invalid", "els => els.map(e => e.name)")
        assert not shown, f"{page.url}: {shown} on {fields}"
        return page

    return _submit


@pytest.fixture
def plan_session(submit):
    """HR, on ``page``, creates a training and its session tomorrow morning (reps enrol in
    sessions to come), this year still; returns the session page's address."""

    def _plan(page, *, title, topic, hours, place, capacity):
        page.goto("/coaching/trainings/new/")
        page.locator("input[name=title]").fill(title)
        page.locator("select[name=topic]").select_option(topic)
        page.locator("select[name=kind]").select_option("classroom")
        page.locator("input[name=duration_hours]").fill(str(hours))
        submit(page)
        page.wait_for_url(re.compile(r"/coaching/trainings/\d+/$"))
        page.goto(page.url + "sessions/new/")
        now = timezone.localtime()
        starts = (now + timedelta(days=1)).replace(hour=9, minute=0)
        if starts.year != now.year:  # New Year's Eve: later today instead
            starts = now + timedelta(minutes=5)
        page.locator("input[name=starts_at]").fill(starts.strftime("%Y-%m-%dT%H:%M"))
        page.locator("input[name=place]").fill(place)
        page.locator("input[name=capacity]").fill(str(capacity))
        submit(page)
        page.wait_for_url(re.compile(r"/coaching/sessions/\d+/$"))
        return page.url

    return _plan
