"""Finance's journey, on a demo of its own for each look (it pays the batch the demo leaves in
review): the close, the batch's signals, a hold and its release, a held member's appeal and its
answer, two different officers approving a batch over the four-eyes amount, the export, marking
it paid, a paid member's statement and the period's report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from forum.seed import DEMO_PASSWORD
from tests.browser.conftest import LOOKS, PASSWORD, Server, serving
from tests.browser.pages import open_tab


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Server]:
    # Two approvers from 10.00 on, so the demo's batch in review needs both.
    with serving(tmp_path, PEERDESK_TWO_APPROVER_CENTS="1000") as running:
        yield running


@pytest.mark.parametrize(("lang", "width"), LOOKS)
def test_finance_reviews_approves_exports_and_pays_a_batch(
    demo: Server, browser: Browser, lang: str, width: int
) -> None:
    maker = open_tab(browser, demo.url, "finance", lang, width)
    checker = open_tab(browser, demo.url, "finance2", lang, width)
    maker.log_in(demo.make_user(f"fin_a_{lang}_{width}", role="finance"), PASSWORD)
    checker.log_in(demo.make_user(f"fin_b_{lang}_{width}", role="finance"), PASSWORD)
    page = maker.page
    ((batch_id, period),) = demo.query(
        "SELECT id, period FROM payout_batches WHERE state = 'review' ORDER BY cutoff DESC"
    )

    maker.go("/finance/payouts", "payouts")
    page.fill("input[name=period]", str(period))
    page.locator("form[action='/finance/payouts/close'] button[type=submit]").click()
    maker.check("close (already closed)")
    assert f"/finance/payouts/{batch_id}" in page.url
    assert page.locator(".signals").count() > 0  # the demo's held line, with its evidence

    pending = page.locator("tr:has(.line-pending)").first
    line = pending.get_attribute("id")
    pending.locator("select[name=action]").select_option("hold")
    pending.locator("input[name=reason]").fill("Checking the address")
    pending.locator("button[type=submit]").click()
    maker.check("a line held")
    row = page.locator(f"#{line}")
    assert row.locator(".line-held").count() == 1
    row.locator("select[name=action]").select_option("release")
    row.locator("input[name=reason]").fill("Address checked")
    row.locator("button[type=submit]").click()
    maker.check("released")
    row.locator("select[name=action]").select_option("forfeit")
    row.locator("input[name=reason]").fill("Looks like a ring")
    row.locator("button[type=submit]").click()
    maker.check("forfeit? (asked first)")
    page.locator("main form a.button-secondary").click()  # "Cancel": nothing forfeited
    maker.check("not forfeited")
    forfeited = "SELECT 1 FROM payout_lines WHERE state = 'forfeited' AND batch_id = ?"
    assert demo.query(forfeited, batch_id) == []  # an earlier batch of the demo has one

    # The member whose line the close held appeals; finance answers on the batch's page.
    ((held_member,),) = demo.query(
        "SELECT u.username FROM payout_lines l JOIN users u ON u.id = l.member_id"
        " WHERE l.batch_id = ? AND l.state = 'held' ORDER BY l.id LIMIT 1",
        batch_id,
    )
    appellant = open_tab(browser, demo.url, "appellant", lang, width)
    appellant.log_in(str(held_member), DEMO_PASSWORD)
    appellant.go("/points", "a held line's statement")
    appellant.page.locator("details.appeal summary").first.click()
    appellant.page.locator("details.appeal textarea").first.fill(
        "These were real answers to real questions."
    )
    appellant.page.locator("details.appeal button[type=submit]").first.click()
    appellant.check("appeal sent")
    maker.go(f"/finance/payouts/{batch_id}", "an appeal to answer")
    page.locator(".appeals select[name=decision]").first.select_option("upheld")
    page.locator(".appeals input[name=reason]").first.fill("The signals stand: a shared address.")
    page.locator(".appeals button[type=submit]").first.click()
    maker.check("appeal answered")
    appellant.go("/points", "the appeal's answer")
    assert "The signals stand: a shared address." in appellant.page.content()

    page.locator("form[action$='/approve'] button[type=submit]").click()
    maker.check("approved once")
    ((state,),) = demo.query("SELECT state FROM payout_batches WHERE id = ?", batch_id)
    assert state == "review"  # over the four-eyes amount: a second officer must approve
    checker.go(f"/finance/payouts/{batch_id}", "the batch, for the second officer")
    checker.page.locator("form[action$='/approve'] button[type=submit]").click()
    checker.check("approved twice")
    ((state,),) = demo.query("SELECT state FROM payout_batches WHERE id = ?", batch_id)
    assert state == "approved"

    page.goto(f"{demo.url}/finance/payouts/{batch_id}")
    with page.expect_download() as download:
        page.locator("a[href*='/export?method=credit']").click()
    csv = Path(download.value.path()).read_text(encoding="utf-8")
    assert csv.count("\n") >= 2, csv
    page.fill("input[name=reference]", f"BANK-{lang}-{width}")
    page.locator("form[action$='/paid'] button[type=submit]").click()
    maker.check("paid")
    ((state,),) = demo.query("SELECT state FROM payout_batches WHERE id = ?", batch_id)
    assert state == "paid"

    ((payee,),) = demo.query(
        "SELECT u.username FROM payout_lines l JOIN users u ON u.id = l.member_id"
        " WHERE l.batch_id = ? AND l.state = 'paid' ORDER BY l.id LIMIT 1",
        batch_id,
    )
    member = open_tab(browser, demo.url, "payee", lang, width)
    member.log_in(str(payee), DEMO_PASSWORD)
    member.go("/points", "statement")
    assert str(period) in member.page.content()

    maker.go(f"/finance/reports/{period}", "report")
    assert page.locator("#frozen").count() == 1
