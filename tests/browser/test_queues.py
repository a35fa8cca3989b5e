"""Each role lands on its own queue: the URL, the active tab, its count, and rows that match the database."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from complaints.models import Team
from complaints.selectors import queue_for
from complaints.workflow import Status
from portal.views.queues import PAGE_SIZE
from roles.roles import Role
from tests.browser.steps import make_case
from tests.browser.support import Portal, path_of

pytestmark = pytest.mark.browser

# (login, queue role, queue title, the tabs in order: every page the role opens). SP4N-LAPOR!'s follow-ups are a tab in
# the manual mode, the one without SP4N_LAPOR_BASE_URL (as here).
ROLES = [
    ("operator", Role.OPERATOR, "Antrean Operator",
     ["/queue/operator/", "/inbox/", "/cases/", "/intake/", "/outbox/", "/sp4n-lapor/", "/knowledge/", "/duty/roster/",
      "/notifications/"]),
    ("kasi", Role.KASI, "Verifikasi", ["/queue/kasi/", "/cases/", "/duty/roster/", "/notifications/"]),
    ("kabid", Role.KABID, "Penugasan",
     ["/queue/kabid/", "/cases/", "/dispatch/", "/dashboard/", "/hotspots/", "/duty/roster/", "/duty/log/", "/notifications/"]),
    ("trc-paringin", Role.TRC, "Tugas tim",
     ["/queue/trc/", "/cases/", "/intake/", "/duty/roster/", "/duty/log/", "/notifications/"]),
    ("kepala", Role.KEPALA, "Telaah Kepala",
     ["/queue/kepala/", "/inbox/", "/cases/", "/dashboard/", "/hotspots/", "/outbox/", "/sp4n-lapor/", "/knowledge/", "/duty/roster/",
      "/duty/log/", "/notifications/"]),
]


@pytest.mark.parametrize(("username", "role", "title", "tabs"), ROLES, ids=[r[0] for r in ROLES])
def test_each_role_lands_on_its_own_queue(page: Page, portal: Portal, username: str, role: Role, title: str, tabs: list[str]) -> None:
    user = get_user_model().objects.get(username=username)
    expected = list(queue_for(user, role).values_list("code", flat=True)[:PAGE_SIZE])
    total = queue_for(user, role).count()

    portal.login(page, username)

    assert path_of(page.url) == f"/queue/{role}/"
    expect(page).to_have_title(re.compile(f"^{title} · "))
    expect(page.locator("main h1")).to_have_text(title)
    expect(page.locator("nav.tabs a")).to_have_count(len(tabs))
    assert [a.get_attribute("href") for a in page.locator("nav.tabs a").all()] == tabs
    active = page.locator("nav.tabs a.active")
    expect(active).to_have_count(1)
    expect(active).to_have_attribute("href", f"/queue/{role}/")
    expect(active).to_have_attribute("aria-current", "page")
    expect(active).to_contain_text(title)
    expect(page.locator(f"span#count-queue-{role}")).to_have_text(str(total))
    expect(page.locator("section#results p.summary")).to_contain_text(f"{total} aduan")

    if expected:
        links = page.locator("table.queue tbody tr a.code")
        expect(links).to_have_text(expected)  # the same cases, in the same (most urgent first) order
        assert [a.get_attribute("href") for a in links.all()] == [f"/cases/{code}/" for code in expected]
        expect(page.locator("section#results p.empty")).to_have_count(0)
    else:
        expect(page.locator("table.queue")).to_have_count(0)
        expect(page.locator("section#results p.empty")).to_have_text("Tidak ada aduan yang menunggu di antrean ini.")


def test_a_post_with_no_work_sees_the_empty_message(page: Page, portal: Portal) -> None:
    idle = [
        member.username
        for team in Team.objects.filter(district__isnull=False).order_by("slug")
        for member in team.members()
        if not queue_for(member, Role.TRC).exists()
    ]
    assert idle, "every TRC post has work in the demo data; this test needs one without"
    portal.login(page, idle[0])

    assert path_of(page.url) == "/queue/trc/"
    expect(page.locator("span#count-queue-trc")).to_have_text("0")
    expect(page.locator("table.queue")).to_have_count(0)
    expect(page.locator("section#results p.empty")).to_have_text("Tidak ada aduan yang menunggu di antrean ini.")


def test_a_new_case_shows_up_in_the_queue_and_by_its_code_in_semua_aduan(page: Page, portal: Portal) -> None:
    case = make_case(Status.VERIFICATION)
    portal.login(page, "kasi")
    count = page.locator("span#count-queue-kasi")
    expect(count).to_have_text(str(queue_for(get_user_model().objects.get(username="kasi"), Role.KASI).count()))
    expect(page.locator("table.queue tbody tr a.code").filter(has_text=case.code)).to_have_count(1)

    page.locator("nav.tabs a[href='/cases/']").click()
    page.wait_for_url(lambda url: path_of(url) == "/cases/")
    expect(page.locator("nav.tabs a.active")).to_have_attribute("href", "/cases/")
    # Typing in the search box filters in place (htmx, after a pause) and puts the query in the address bar.
    page.locator("form.filters input[name=q]").press_sequentially(case.code)
    expect(page.locator("table.queue tbody tr")).to_have_count(1)
    expect(page.locator("table.queue tbody tr a.code")).to_have_text(case.code)
    page.wait_for_url(lambda url: path_of(url) == "/cases/" and f"q={case.code}" in url)
    page.locator("table.queue tbody tr a.code").click()
    page.wait_for_url(lambda url: path_of(url) == f"/cases/{case.code}/")
    expect(page.locator("#case-body h1 .status")).to_have_text("Verifikasi")
