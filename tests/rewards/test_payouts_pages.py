"""The finance payout pages and the member's statements, as a browser uses them."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.applications import Starlette

from forum.models import User
from rewards.actions.payouts import do_close_period
from rewards.models import BatchState, PayoutBatch, PayoutLine
from rewards.periods import MONTHLY, parse_period
from tests.factories import browser, form, make_user
from tests.rewards.helpers import grant

OCT = parse_period("2026-10", MONTHLY)
IN_OCT = datetime(2026, 10, 10, tzinfo=UTC)
AFTER = datetime(2026, 11, 1, 1, tzinfo=UTC)


async def _batch(finance: User) -> tuple[PayoutBatch, User]:
    ann = await make_user("ann")
    ann.signup_address = "198.51.100.4"
    await ann.save()
    await grant(ann, 250, finance, IN_OCT)
    batch, _ = await do_close_period(OCT, now=AFTER)
    return batch, ann


async def test_finance_works_a_batch_through_the_pages(
    app: Starlette, finance: User, finance2: User
) -> None:
    batch, ann = await _batch(finance)
    line = await PayoutLine.get(member_id=ann.id)
    async with browser(app, finance) as page, browser(app, finance2) as other:
        listing = await page.get("/finance/payouts")
        assert listing.status_code == 200 and "2026-10" in listing.text and "2.50" in listing.text
        detail = await page.get(f"/finance/payouts/{batch.id}")
        assert detail.status_code == 200 and "ann" in detail.text and "€2.50" in detail.text
        assert "<title>Payout batch 2026-10 · Peerdesk</title>" in detail.text
        assert 'value="hold"' in detail.text and 'value="return"' not in detail.text

        no_reason = await page.post(
            f"/finance/payouts/{batch.id}/lines/{line.id}",
            data=form(page, action="hold", reason=""),
        )
        assert no_reason.status_code == 400 and "Reason" in no_reason.text
        assert (await PayoutLine.get(id=line.id)).state.value == "pending"
        held = await page.post(
            f"/finance/payouts/{batch.id}/lines/{line.id}",
            data=form(page, action="hold", reason="Checking"),
        )
        assert held.status_code == 303
        assert (await PayoutLine.get(id=line.id)).state.value == "held"
        filtered = await page.get(f"/finance/payouts/{batch.id}?state=held")
        assert "Checking" in filtered.text
        await page.post(
            f"/finance/payouts/{batch.id}/lines/{line.id}",
            data=form(page, action="release", reason="Fine"),
        )

        approved = await page.post(f"/finance/payouts/{batch.id}/approve", data=form(page))
        assert approved.status_code == 303
        history = (await page.get(f"/finance/payouts/{batch.id}")).text
        assert (
            "finance, approved the batch" in history and "finance, Hold (ann): Checking" in history
        )
        csv_file = await other.get(f"/finance/payouts/{batch.id}/export?method=credit")
        assert (
            csv_file.status_code == 200 and "PD-" in csv_file.text and "2.50,EUR" in csv_file.text
        )
        exported = (await page.get(f"/finance/payouts/{batch.id}")).text
        assert 'class="line-decision"' not in exported  # at the bank: paid first, then settled
        no_ref = await other.post(
            f"/finance/payouts/{batch.id}/paid", data=form(other, reference="")
        )
        assert no_ref.status_code == 400 and "Reference" in no_ref.text
        paid = await other.post(
            f"/finance/payouts/{batch.id}/paid", data=form(other, reference="BANK-42")
        )
        assert paid.status_code == 303
        settled = (await page.get(f"/finance/payouts/{batch.id}")).text
        # Paid: the line can only come back from the bank, nothing else is offered.
        assert 'value="return"' in settled and 'value="hold"' not in settled
        assert 'value="forfeit"' not in settled
        returned = await page.post(
            f"/finance/payouts/{batch.id}/lines/{line.id}",
            data=form(page, action="return", reason="Bounced"),
        )
        assert returned.status_code == 303
        closed = (await page.get(f"/finance/payouts/{batch.id}")).text
        assert 'class="line-decision"' not in closed  # a settled line takes no decision
    assert (await PayoutBatch.get(id=batch.id)).state == BatchState.PAID
    async with browser(app, ann) as member:
        points = await member.get("/points")
        assert "2026-10" in points.text
        assert "Statements" in points.text


async def test_report_page_draws_its_charts(app: Starlette, finance: User) -> None:
    await _batch(finance)
    async with browser(app, finance) as page:
        report = await page.get("/finance/reports/2026-10")
        assert report.status_code == 200
        assert "<svg" in report.text and "Deflection estimate" in report.text
        bad = await page.get("/finance/reports/last-month")
        assert bad.status_code == 400


async def test_members_cannot_open_the_payout_pages(app: Starlette, asker: User) -> None:
    async with browser(app, asker) as page:
        assert (await page.get("/finance/payouts")).status_code == 403
        refused = await page.post("/finance/payouts/close", data=form(page, period="2026-10"))
        assert refused.status_code in (303, 403)
    assert await PayoutBatch.all().count() == 0


async def test_close_form_shows_the_period_error(app: Starlette, finance: User) -> None:
    async with browser(app, finance) as page:
        shown = await page.post("/finance/payouts/close", data=form(page, period="Oct"))
        assert shown.status_code == 400 and "period must be a monthly period" in shown.text


async def test_rejecting_or_forfeiting_a_line_asks_first(app: Starlette, finance: User) -> None:
    batch, ann = await _batch(finance)
    line = await PayoutLine.get(batch_id=batch.id, member_id=ann.id)
    url = f"/finance/payouts/{batch.id}/lines/{line.id}"
    async with browser(app, finance) as page:
        asked = await page.post(url, data=form(page, action="forfeit", reason="Fraud ring"))
        assert asked.status_code == 200 and "goes back to the pool for good" in asked.text
        assert 'name="confirmed" value="1"' in asked.text and "ann" in asked.text
        assert (await PayoutLine.get(id=line.id)).state.value == "pending"  # nothing yet
        done = await page.post(
            url, data=form(page, action="forfeit", reason="Fraud ring", confirmed="1")
        )
        assert done.status_code == 303
    assert (await PayoutLine.get(id=line.id)).state.value == "forfeited"


def test_a_line_is_offered_the_decisions_its_action_takes() -> None:
    from rewards.actions.payout_lines import LineFacts, line_actions
    from rewards.models import LineState

    plain = LineFacts(exported=False, own=False, below_zero=False)
    review, paid = BatchState.REVIEW, BatchState.PAID
    assert line_actions(review, LineState.PENDING, plain) == (
        "hold", "reject", "forfeit", "defer",
    )  # fmt: skip
    assert line_actions(review, LineState.HELD, plain) == ("release", "reject", "forfeit", "defer")
    below = LineFacts(exported=False, own=False, below_zero=True)
    assert line_actions(review, LineState.HELD, below)[-1] == "reduce"
    assert line_actions(paid, LineState.PAID, below) == ("return",)
    assert line_actions(paid, LineState.REJECTED, plain) == ()
    own = LineFacts(exported=False, own=True, below_zero=False)
    assert line_actions(review, LineState.PENDING, own) == ()
    at_bank = LineFacts(exported=True, own=False, below_zero=False)
    assert line_actions(BatchState.APPROVED, LineState.PENDING, at_bank) == ()
    assert line_actions(paid, LineState.HELD, at_bank) == ("reject", "forfeit", "defer")


async def test_a_line_the_system_held_says_why(app: Starlette, finance: User) -> None:
    from rewards.labels import SUSPENDED_REASON
    from rewards.models import LineState

    batch, ann = await _batch(finance)
    await PayoutLine.filter(member_id=ann.id).update(state=LineState.HELD, reason=SUSPENDED_REASON)
    finance.locale = "nl"
    await finance.save()
    async with browser(app, finance) as page:
        shown = (await page.get(f"/finance/payouts/{batch.id}")).text
    assert "Vastgehouden bij de betaling: het lid is geschorst." in shown
