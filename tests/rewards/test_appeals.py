"""Appeals: a member appeals a held, rejected or forfeited payout line once; finance answers
(upheld or overturned) with a reason the member reads and is told of. Overturning pays the
points without editing a paid batch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from starlette.applications import Starlette

from forum.models import Notification, User
from rewards.actions.appeals import check_answer_appeal, check_appeal_line
from rewards.actions.payout_approvals import check_approve_batch
from rewards.actions.payout_lines import check_decide_line
from rewards.actions.payout_payments import check_mark_paid
from rewards.actions.payouts import do_close_period
from rewards.models import AppealState, LineState, PayoutAppeal, PayoutBatch, PayoutLine
from rewards.periods import MONTHLY, parse_period
from tests.factories import api, browser, form
from tests.rewards.helpers import assert_reconciles, balance, grant

OCT, NOV = parse_period("2026-10", MONTHLY), parse_period("2026-11", MONTHLY)
IN_OCT, IN_NOV = datetime(2026, 10, 10, tzinfo=UTC), datetime(2026, 11, 10, tzinfo=UTC)
AFTER_OCT, AFTER_NOV = datetime(2026, 11, 1, 1, tzinfo=UTC), datetime(2026, 12, 1, 1, tzinfo=UTC)
H = timedelta(hours=1)
WHY = "I answered those questions myself, honestly."


async def october(
    finance: User, *members: tuple[User, str]
) -> tuple[PayoutBatch, list[PayoutLine]]:
    """October closed with a line of 300 points for each member, then `action` on it (if any)."""
    for member, _action in members:
        await grant(member, 300, finance, IN_OCT)
    batch, _ = await do_close_period(OCT, now=AFTER_OCT)
    lines = []
    for member, action in members:
        line = await PayoutLine.get(batch_id=batch.id, member_id=member.id)
        if action:
            await check_decide_line(batch, line, action, reason="Looks odd", acting_user=finance)
            await line.refresh_from_db()
        lines.append(line)
    return batch, lines


async def test_a_held_line_overturned_is_paid_with_its_batch(
    app: Starlette, helper: User, finance: User, other_member: User
) -> None:
    batch, (line, pending) = await october(finance, (helper, "hold"), (other_member, ""))
    async with await api(app, helper) as member, await api(app, other_member) as other:
        refused = await member.post(
            f"/api/v1/me/payout-lines/{pending.id}/appeal", json={"message": WHY}
        )
        assert refused.status_code == 404  # not theirs
        short = await member.post(
            f"/api/v1/me/payout-lines/{line.id}/appeal", json={"message": "no"}
        )
        assert short.status_code == 400 and "message" in short.text
        made = await member.post(f"/api/v1/me/payout-lines/{line.id}/appeal", json={"message": WHY})
        assert made.status_code == 201 and made.json()["state"] == "open"
        again = await member.post(
            f"/api/v1/me/payout-lines/{line.id}/appeal", json={"message": WHY}
        )
        assert again.status_code == 409
        own = await other.post(
            f"/api/v1/me/payout-lines/{pending.id}/appeal", json={"message": WHY}
        )
        assert own.status_code == 409  # a pending line is not appealable
        cannot = await member.post(
            f"/api/v1/payouts/{batch.id}/appeals/{made.json()['id']}",
            json={"decision": "overturned", "reason": "Fine"},
        )
        assert cannot.status_code == 403
    async with await api(app, finance) as officer:
        listed = (await officer.get(f"/api/v1/payouts/{batch.id}/appeals")).json()["items"]
        assert [(a["member"], a["state"], a["line_state"]) for a in listed] == [
            ("helper", "open", "held")
        ]
        url = f"/api/v1/payouts/{batch.id}/appeals/{listed[0]['id']}"
        bad = await officer.post(url, json={"decision": "maybe", "reason": "Checked"})
        assert bad.status_code == 400 and "decision" in bad.text
        answered = await officer.post(
            url, json={"decision": "overturned", "reason": "Checked the posts: all genuine."}
        )
        assert answered.status_code == 200 and answered.json()["state"] == "overturned"
        twice = await officer.post(url, json={"decision": "upheld", "reason": "Changed my mind"})
        assert twice.status_code == 409
    await line.refresh_from_db()
    assert line.state == LineState.PENDING  # released: this batch pays it
    notes = await Notification.filter(user_id=helper.id, kind="appeal").values_list(
        "period", flat=True
    )
    assert notes == ["2026-10"]
    async with browser(app, helper) as page:
        shown = (await page.get("/points")).text
        assert "Appeal granted" in shown and "Checked the posts: all genuine." in shown
    await assert_reconciles()


async def test_a_forfeit_overturned_after_payment_comes_back_through_the_ledger(
    helper: User, finance: User, finance2: User
) -> None:
    batch, (line,) = await october(finance, (helper, "forfeit"))
    assert await balance(helper) == 0
    await check_approve_batch(batch, acting_user=finance, now=AFTER_OCT + H)
    await check_mark_paid(batch, reference="BANK-OCT", acting_user=finance, now=AFTER_OCT + 2 * H)
    appeal = await check_appeal_line(line, WHY, acting_user=helper, now=IN_NOV)
    await check_answer_appeal(
        appeal, "overturned", reason="Fraud not proven.", acting_user=finance2, now=IN_NOV + H
    )
    await line.refresh_from_db()
    assert line.state == LineState.FORFEITED  # the paid batch is not edited
    assert await balance(helper) == 300  # back from the pool
    november, _ = await do_close_period(NOV, now=AFTER_NOV)
    paid_next = await PayoutLine.get(batch_id=november.id, member_id=helper.id)
    assert paid_next.points == 300 and paid_next.state == LineState.PENDING
    await assert_reconciles()


async def test_upheld_moves_nothing_and_a_paid_batchs_held_line_waits_for_the_next_period(
    helper: User, other_member: User, finance: User
) -> None:
    batch, (held, rejected) = await october(finance, (helper, "hold"), (other_member, "reject"))
    kept = await check_appeal_line(rejected, WHY, acting_user=other_member)
    await check_answer_appeal(
        kept, "upheld", reason="Self-answers do not count.", acting_user=finance
    )
    assert (await PayoutAppeal.get(id=kept.id)).state == AppealState.UPHELD
    assert await balance(other_member) == 300  # a rejected line's points were back already
    await check_approve_batch(batch, acting_user=finance, now=AFTER_OCT + H)
    await check_mark_paid(batch, reference="BANK-OCT", acting_user=finance, now=AFTER_OCT + 2 * H)
    appeal = await check_appeal_line(held, WHY, acting_user=helper)
    await check_answer_appeal(appeal, "overturned", reason="Genuine help.", acting_user=finance)
    await held.refresh_from_db()
    assert held.state == LineState.REJECTED and await balance(helper) == 300
    await assert_reconciles()


async def test_the_pages_keep_a_short_appeal_and_let_finance_answer(
    app: Starlette, helper: User, finance: User
) -> None:
    batch, (line,) = await october(finance, (helper, "forfeit"))
    async with browser(app, helper) as page:
        shown = await page.get("/points")
        assert f'action="/points/lines/{line.id}/appeal"' in shown.text
        short = await page.post(f"/points/lines/{line.id}/appeal", data=form(page, message="Why?"))
        assert short.status_code == 400 and ">Why?</textarea>" in short.text
        sent = await page.post(f"/points/lines/{line.id}/appeal", data=form(page, message=WHY))
        assert sent.status_code == 303
        assert "You appealed: finance will answer." in (await page.get("/points")).text
    appeal = await PayoutAppeal.get(line_id=line.id)
    async with browser(app, finance) as page:
        shown = (await page.get(f"/finance/payouts/{batch.id}")).text
        assert WHY in shown and f'action="/finance/payouts/{batch.id}/appeals/{appeal.id}"' in shown
        url = f"/finance/payouts/{batch.id}/appeals/{appeal.id}"
        missing = await page.post(url, data=form(page, decision="upheld", reason=""))
        assert missing.status_code == 400
        done = await page.post(url, data=form(page, decision="upheld", reason="Fraud confirmed."))
        assert done.status_code == 303
        assert (
            "Upheld by finance: Fraud confirmed."
            in (await page.get(f"/finance/payouts/{batch.id}")).text
        )
