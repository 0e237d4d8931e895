"""The API docs page in a real browser: the app's navigation, the endpoints grouped by
resource, everything from this origin, and not one console error or CSP violation."""

from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Registered before any page script runs (through the DevTools protocol, which the page's
# Content-Security-Policy does not govern): every violation the page would report.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def test_the_api_docs_page_has_the_navigation_groups_and_no_csp_violation(
    desk, log_in, manager, team, live_server
):
    problems, hosts = [], set()
    desk.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
    desk.on("pageerror", lambda e: problems.append(str(e)))
    desk.on("request", lambda r: hosts.add(urlparse(r.url).netloc))
    desk.add_init_script(WATCH_CSP)
    log_in(desk, manager, "en")

    desk.get_by_role("link", name="API").first.click()
    desk.wait_for_url("**/api/docs/")
    # The app's navigation is there, with the docs page marked as the current one.
    nav = desk.locator("nav").first
    assert nav.get_by_role("link", name="My actions").is_visible()
    # Swagger UI drew the endpoints, one collapsed group per resource.
    desk.locator(".opblock-tag-section").first.wait_for()
    groups = desk.locator(".opblock-tag").all_inner_texts()
    names = {g.split("\n")[0].strip() for g in groups}
    assert {"plans", "actions", "indicators", "training-sessions"} <= names
    assert "v1" not in names
    assert desk.locator(".opblock").count() == 0  # collapsed until opened
    desk.locator(".opblock-tag", has_text="plans").first.click()
    desk.locator(".opblock-summary-path", has_text="/api/v1/plans/").first.wait_for()

    assert desk.evaluate("window.__cspViolations") == []
    assert problems == []
    assert hosts == {urlparse(live_server.url).netloc}
