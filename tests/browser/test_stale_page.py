"""Two Operators on the same case: the second one's page is stale, and says so in place instead of acting twice."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from complaints.models import Complaint
from complaints.workflow import Status
from tests.browser.steps import act, action, case_status, make_case, open_case, submit_action
from tests.browser.support import Portal

pytestmark = pytest.mark.browser


def test_the_second_operator_sees_the_case_was_changed(page: Page, new_page: Callable[..., Page], portal: Portal) -> None:
    code = make_case(Status.SCREENING).code
    first, second = page, new_page()
    for operator in (first, second):
        portal.login(operator, "operator")
        open_case(operator, portal, code)
        expect(case_status(operator)).to_have_text("Penyaringan")
    version = Complaint.objects.get(code=code).version

    act(first, "forward", {"note": "Diteruskan oleh operator pertama."}, then_status="Verifikasi")

    # The second page still offers "forward" from the old version; pressing it is refused (412) in place.
    expect(case_status(second)).to_have_text("Penyaringan")
    submit_action(second, "forward", {"note": "Operator kedua juga meneruskan."}, status=412)
    expect(second.locator("#case-body p.flash.error")).to_contain_text("sudah diubah oleh orang lain")
    expect(case_status(second)).to_have_text("Verifikasi")  # the page now shows the case as it is
    expect(action(second, "forward")).to_have_count(0)

    case = Complaint.objects.get(code=code)
    assert (case.status, case.version) == (Status.VERIFICATION, version + 1)
    assert list(case.events.filter(action="forward").values_list("note", flat=True)) == ["Diteruskan oleh operator pertama."]
