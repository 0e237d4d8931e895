"""Every daily page fits a phone's width (390 px): nothing makes the page scroll sideways,
for a manager and for a rep, on the demo company's real data. A wide table or chart may
scroll inside its own box; the page itself may not."""

import pytest
from django.core.management import call_command

from plans.models import Plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390

# The elements that reach past the screen's right edge, the outermost first: what a failure
# names, so that the one to fix is at hand. An element positioned out of the flow is named
# even inside another: a scrolling box only holds it if it is its containing block.
OVERFLOWING = """(width) => {
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 0.5) continue;
    const placed = ["absolute", "fixed"].includes(getComputedStyle(el).position);
    if (!placed && out.some((o) => o.el.contains(el))) continue;
    out.push({el: el, right: Math.round(box.right)});
  }
  return out.slice(0, 8).map((o) => {
    const el = o.el;
    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + (el.className && typeof el.className === "string"
         ? "." + el.className.trim().split(/\\s+/).join(".") : "");
    return name + " (right edge " + o.right + " px)";
  });
}"""


@pytest.fixture
def demo(password, django_user_model):
    call_command("seed_demo", password=password, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {u.username: u for u in django_user_model.objects.all()}


def too_wide(page, paths) -> dict:
    """``{path: (page width, elements past the edge)}`` for each page wider than a phone."""
    wide = {}
    for path in paths:
        response = page.goto(path)
        assert response.ok, f"{path}: {response.status}"
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE_WIDTH:
            wide[path] = (width, page.evaluate(OVERFLOWING, PHONE_WIDTH))
    return wide


@pytest.mark.parametrize("username", ["manager", "rep1"])
def test_daily_pages_fit_a_phone(phone, log_in, demo, username):
    plan = Plan.objects.filter(team__manager=demo["manager"], status="active").first()
    log_in(phone, demo[username])
    pages = [
        "/",
        "/indicators/",  # the team's grid and charts; a rep's own page
        f"/indicators/?who={demo['rep1'].pk}",  # one rep's trend charts
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/timeline/",
        "/my-actions/",
    ]
    assert too_wide(phone, pages) == {}
