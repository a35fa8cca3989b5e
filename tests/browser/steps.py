"""What a person does in the portal, step by step, for the browser tests: open a case, take an action, read it back.

Selectors follow templates/portal/*.html: the case body `#case-body`, one `<details class="action action-<name>">`
per available action with fields `id_<action>_<field>`, the photo form `form.photos`, queue rows `table.queue`.
Every wait is one of Playwright's auto-waiting `expect` assertions or a wait for a response, never a sleep.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Locator, Page, Response, expect

from complaints.demo import PATH, STAFF
from complaints.models import Category, ChannelKind, Complaint, District, Team
from complaints.services.intake import ComplaintInput, ReporterInput, submit_complaint
from complaints.services.transitions import perform_action
from complaints.workflow import Status
from tests.browser.support import Portal, path_of

WITA = ZoneInfo("Asia/Makassar")
# How many steps of complaints.demo.PATH bring a new complaint to each status.
STEPS_TO = {
    Status.SUBMITTED: 0, Status.SCREENING: 1, Status.VERIFICATION: 2, Status.FIELD_CHECK: 3, Status.DISPATCH: 4,
    Status.REPORTING: 6, Status.HEAD_REVIEW: 7, Status.NOTIFICATION: 8, Status.CLOSED: 9,
}
ASSIGNED = "dispatch_assigned"  # dispatch with the post's team assigned: five steps of PATH
DONE = re.compile(r"selesai untuk aduan")  # the success flash after any action: "<action>: selesai untuk aduan <code>."


# --- data set up behind the browser's back, through the same services the portal calls -----------------------------

def make_case(state: str, *, district: str = "paringin", description: str = "", recorded_by: str = "operator") -> Complaint:
    """A new walk-in complaint in `district` (recorded by `recorded_by`), walked through the SOP by the demo users
    until it reaches `state`.

    The demo data's own complaints are spread over random kecamatan; a test that needs "a field check in Paringin"
    makes its own so that it does not depend on where the demo's random numbers put them.
    """
    users = {role: get_user_model().objects.get(username=username) for username, role, _ in STAFF}
    place = District.objects.get(slug=district)
    post = Team.objects.get(slug=f"trc-{place.slug}")
    member = post.members().first()
    data = ComplaintInput(
        category=Category.objects.get(slug="keributan"),
        description=description or f"Uji peramban: keributan di {place.name}.",
        district=place, address="Jl. Uji Peramban", channel_kind=ChannelKind.WALK_IN,
        reporter=ReporterInput(name="Warga Uji", phone="081200001111"),
    )
    recorder = get_user_model().objects.get(username=recorded_by)
    complaint = submit_complaint(user=recorder, data=data).complaint
    steps = 5 if state == ASSIGNED else STEPS_TO[Status(state)]
    for actor, action, fields in PATH[:steps]:
        user = member if actor in ("post", "team") else users[actor]
        fields = {name: (post.slug if value == "__post__" else value) for name, value in fields.items()}
        perform_action(user=user, complaint_id=complaint.pk, action=action, data=fields)
    complaint.refresh_from_db()
    return complaint


def status_in_db(code: str) -> str:
    return Complaint.objects.get(code=code).status


def small_png(directory: Path, name: str = "bukti.png", color: tuple[int, int, int] = (200, 40, 40)) -> Path:
    path = directory / name
    Image.new("RGB", (64, 48), color).save(path, "PNG")
    return path


def wita_input(delta: timedelta) -> str:
    """A `datetime-local` value `delta` from now, in the portal's time zone (WITA)."""
    moment: datetime = timezone.now().astimezone(WITA) + delta
    return moment.strftime("%Y-%m-%dT%H:%M")


# --- queues ----------------------------------------------------------------------------------------------------------

def queue_row(page: Page, code: str) -> Locator:
    return page.locator("table.queue tbody tr").filter(has=page.locator(f"a.code:text-is('{code}')"))


def open_from_queue(page: Page, portal: Portal, role: str, code: str) -> None:
    """Go to the user's queue for `role` and follow the case's link, as a person would."""
    page.goto(portal.url(f"/queue/{role}/"))
    link = queue_row(page, code).locator("a.code")
    expect(link).to_have_attribute("href", f"/cases/{code}/")
    link.click()
    page.wait_for_url(lambda url: path_of(url) == f"/cases/{code}/")
    expect(page.locator("#case-body h1 .code")).to_have_text(code)


# --- the case page ---------------------------------------------------------------------------------------------------

def open_case(page: Page, portal: Portal, code: str) -> Response:
    response = page.goto(portal.url(f"/cases/{code}/"))
    assert response is not None and response.status == 200, f"/cases/{code}/ answered {response and response.status}"
    expect(page.locator("#case-body h1 .code")).to_have_text(code)
    return response


def case_status(page: Page) -> Locator:
    return page.locator("#case-body h1 .status:not(.outcome)")


def case_outcome(page: Page) -> Locator:
    return page.locator("#case-body h1 .status.outcome")


def action(page: Page, name: str) -> Locator:
    return page.locator(f"aside.actions details.action-{name}")


def open_action(page: Page, name: str) -> Locator:
    """The action's panel, opened by its summary unless it is open already (the first one is)."""
    details = action(page, name)
    expect(details).to_have_count(1)
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    expect(details.locator("button[type=submit]")).to_be_visible()
    return details


def fill_action(page: Page, name: str, fields: dict[str, str | bool]) -> Locator:
    details = open_action(page, name)
    for field, value in fields.items():
        control = details.locator(f"#id_{name}_{field}")
        kind = control.evaluate("el => el.type || el.tagName.toLowerCase()")
        if kind.startswith("select"):
            control.select_option(str(value))
        elif kind == "checkbox":
            control.set_checked(bool(value))
        else:
            control.fill(str(value))
    return details


def submit_action(page: Page, name: str, fields: dict[str, str | bool] | None = None, *, status: int = 200) -> Response:
    """Fill the action's fields, press its button and return the answer to the htmx POST (asserting its status)."""
    details = fill_action(page, name, fields or {})
    with page.expect_response(lambda r: r.request.method == "POST" and path_of(r.url).endswith(f"/actions/{name}/")) as answer:
        details.locator("button[type=submit]").click()
    response = answer.value
    assert response.status == status, f"{name} answered {response.status}, expected {status}"
    return response


def act(page: Page, name: str, fields: dict[str, str | bool] | None = None, *, then_status: str) -> None:
    """Take an action that keeps the case in view: the body is swapped in place with the flash and the new status."""
    submit_action(page, name, fields)
    expect(page.locator("#case-body p.flash.success")).to_contain_text(DONE)
    expect(case_status(page)).to_have_text(then_status)


def act_and_leave(page: Page, portal: Portal, name: str, fields: dict[str, str | bool] | None = None, *, queue: str) -> None:
    """Take an action after which the user no longer sees the case: htmx sends them back to their queue."""
    submit_action(page, name, fields)
    page.wait_for_url(lambda url: path_of(url) == f"/queue/{queue}/")
    expect(page.locator("#messages p.flash.success")).to_contain_text(DONE)


def upload_photo(page: Page, photo: Path) -> None:
    before = page.locator("#case-body ul.thumbs li").count()
    form = page.locator("#case-body form.photos")
    form.locator("input[type=file][name=file]").set_input_files(photo)
    with page.expect_response(lambda r: r.request.method == "POST" and path_of(r.url).endswith("/photos/")) as answer:
        form.locator("button[type=submit]").click()
    assert answer.value.status == 200, f"the photo upload answered {answer.value.status}"
    expect(page.locator("#case-body p.flash.success")).to_contain_text("1 foto tersimpan")
    expect(page.locator("#case-body ul.thumbs li")).to_have_count(before + 1)


# --- layout ----------------------------------------------------------------------------------------------------------

# Elements whose right edge passes the viewport, leaving out those inside a box that scrolls or clips sideways
# (the tab bar scrolls on purpose). Each as a short CSS-like description with its right edge.
OVERFLOWING = """(width) => {
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 0.5 && !clipped(el)) out.push(name(el) + ' right=' + Math.round(box.right));
  }
  return out;
}"""


def overflow_report(page: Page) -> tuple[int, int, list[str]]:
    """(document scroll width, viewport width, the elements that stick out past the viewport)."""
    width = page.evaluate("window.innerWidth")
    return page.evaluate("document.documentElement.scrollWidth"), width, page.evaluate(OVERFLOWING, width)


def assert_no_horizontal_overflow(page: Page) -> None:
    scroll_width, width, culprits = overflow_report(page)
    assert scroll_width <= width, f"{path_of(page.url)} is {scroll_width}px wide in a {width}px viewport: {culprits[:10]}"
