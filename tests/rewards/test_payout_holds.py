"""Nothing pays what was taken back: a suspension or a reversal after the close holds the open
line with a signal naming the event; a line whose member's balance is below zero is neither
approved, exported nor paid, and finance settles it by rejecting, forfeiting or reducing it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from starlette.applications import Starlette

from forum.actions.acceptance import do_accept_answer, do_clear_acceptance
from forum.actions.moderation import check_moderate_post
from forum.actions.users import check_suspend_user
from forum.errors import Conflict
from forum.models import Answer, Question, User
from rewards.actions import payout_payments
from rewards.actions.adjustments import check_fraud_reversal, check_post_adjustment
from rewards.actions.payout_approvals import check_approve_batch
from rewards.actions.payout_lines import check_decide_line
from rewards.actions.payout_payments import check_export_batch, check_mark_paid
from rewards.actions.payouts import do_close_period
from rewards.models import LedgerAccount, PayoutBatch, PayoutDecision, PayoutLine, PayoutSignal
from rewards.periods import MONTHLY, parse_period
from rewards.queries import reconcile
from tests.factories import api, make_answer, make_question
from tests.rewards.helpers import assert_reconciles, balance, grant

OCT = parse_period("2026-10", MONTHLY)
IN_OCT = datetime(2026, 10, 10, tzinfo=UTC)
AFTER = datetime(2026, 11, 1, 1, tzinfo=UTC)
IN_NOV = datetime(2026, 11, 5, tzinfo=UTC)


async def accepted_in_october(asker: User, helper: User) -> tuple[int, int]:
    """The helper's answer accepted in October: (question id, answer id)."""
    question = await make_question(asker, at=IN_OCT)
    answer = await make_answer(question, helper, at=IN_OCT + timedelta(hours=1))
    await do_accept_answer(question, answer, acting_user=asker, now=IN_OCT + timedelta(hours=2))
    return question.id, answer.id


async def line_of(batch: PayoutBatch, member: User) -> PayoutLine:
    return await PayoutLine.get(batch_id=batch.id, member_id=member.id)


async def signals(line: PayoutLine) -> dict[str, str]:
    return {s.code: s.detail for s in await PayoutSignal.filter(line_id=line.id)}


async def test_a_suspension_after_the_close_holds_the_line_and_voids_the_approval(
    helper: User, staff: User, finance: User
) -> None:
    await grant(helper, 300, finance, IN_OCT)
    batch, _ = await do_close_period(OCT, now=AFTER)
    await check_approve_batch(batch, acting_user=finance, now=AFTER)
    await batch.refresh_from_db()
    assert batch.state.value == "approved"
    await check_suspend_user(helper, "Selling accounts", acting_user=staff, now=IN_NOV)
    line = await line_of(batch, helper)
    assert line.state.value == "held" and line.decided_by_id is None  # type: ignore[attr-defined]
    assert (await signals(line))["suspended_after_close"] == (
        "Suspended after the close: Selling accounts"
    )
    await batch.refresh_from_db()
    assert batch.state.value == "review"  # the approval was of other content
    await assert_reconciles()


async def test_a_removed_accepted_answer_after_the_close_holds_the_line_and_blocks_payment(
    app: Starlette, asker: User, helper: User, staff: User, finance: User, finance2: User
) -> None:
    await grant(helper, 50, finance, IN_OCT)
    _, answer_id = await accepted_in_october(asker, helper)
    batch, _ = await do_close_period(OCT, now=AFTER)
    line = await line_of(batch, helper)
    assert (line.points, line.state.value) == (150, "pending")
    await check_moderate_post(
        await Answer.get(id=answer_id), "remove", acting_user=staff, now=IN_NOV
    )
    assert await balance(helper) == -100  # the 100 were reserved in the line
    line = await line_of(batch, helper)
    assert line.state.value == "held"
    assert (await signals(line))["reversed_after_close"] == (
        "100 points reversed after the close: Post removed by staff"
    )
    await check_decide_line(batch, line, "release", reason="Checked", acting_user=finance)
    with pytest.raises(Conflict, match="below zero"):
        await check_approve_batch(batch, acting_user=finance2, now=IN_NOV)
    async with await api(app, finance2) as client:
        refused = await client.post(f"/api/v1/payouts/{batch.id}/approve")
        assert refused.status_code == 409 and helper.username in refused.json()["error"]["message"]
        exported = await client.get(f"/api/v1/payouts/{batch.id}/export?method=credit")
        assert exported.status_code == 409
    # Reduced to the 50 points that still stand: 100 go back, the balance is 0 again.
    reduced = await check_decide_line(
        batch, line, "reduce", reason="Accept removed", acting_user=finance
    )
    assert (reduced.points, reduced.cents, reduced.state.value) == (50, 50, "pending")
    account = await LedgerAccount.get(user_id=helper.id)
    assert (account.balance, account.reserved) == (0, 50)
    audit = await PayoutDecision.get(line_id=line.id, action="reduce")
    assert (audit.actor_id, audit.reason) == (finance.id, "Accept removed")  # type: ignore[attr-defined]
    with pytest.raises(Conflict, match="not below zero"):
        await check_decide_line(batch, line, "reduce", reason="Again", acting_user=finance)
    await check_approve_batch(batch, acting_user=finance2, now=IN_NOV)
    paid = await check_mark_paid(batch, reference="BANK-1", acting_user=finance2, now=IN_NOV)
    assert paid.state.value == "paid"
    assert (await LedgerAccount.get(user_id=helper.id)).paid == 50
    await assert_reconciles()


async def test_an_unaccept_after_the_close_holds_the_line(asker: User, helper: User) -> None:
    question_id, _ = await accepted_in_october(asker, helper)
    batch, _ = await do_close_period(OCT, now=AFTER)
    await do_clear_acceptance(await Question.get(id=question_id), acting_user=asker, now=IN_NOV)
    line = await line_of(batch, helper)
    assert line.state.value == "held"
    assert "Accepted answer cleared" in (await signals(line))["reversed_after_close"]


async def test_a_fraud_reversal_after_the_close_is_settled_by_rejecting_the_line(
    asker: User, helper: User, finance: User, finance2: User
) -> None:
    await accepted_in_october(asker, helper)
    batch, _ = await do_close_period(OCT, now=AFTER)
    await check_fraud_reversal(
        helper,
        reason="Ring of accounts",
        acting_user=finance,
        since=IN_OCT.isoformat(),
        until=AFTER.isoformat(),
        now=IN_NOV,
    )
    line = await line_of(batch, helper)
    assert line.state.value == "held"
    assert (await signals(line))["reversed_after_close"] == (
        "100 points reversed after the close: fraud reversal: Ring of accounts"
    )
    with pytest.raises(Conflict, match="no points of it still stand"):
        await check_decide_line(batch, line, "reduce", reason="All of it", acting_user=finance2)
    await check_decide_line(batch, line, "reject", reason="Reversed", acting_user=finance2)
    assert await balance(helper) == 0  # the line's 100 settle the reversal: nothing paid twice
    await assert_reconciles()


async def test_a_reversal_of_points_earned_after_the_cutoff_leaves_the_line_alone(
    asker: User, helper: User, finance: User
) -> None:
    await grant(helper, 200, finance, IN_OCT)
    batch, _ = await do_close_period(OCT, now=AFTER)
    question = await make_question(asker, at=IN_NOV)
    answer = await make_answer(question, helper, at=IN_NOV + timedelta(hours=1))
    await do_accept_answer(question, answer, acting_user=asker, now=IN_NOV + timedelta(hours=2))
    await do_clear_acceptance(question, acting_user=asker, now=IN_NOV + timedelta(hours=3))
    line = await line_of(batch, helper)
    assert line.state.value == "pending" and await signals(line) == {}


async def test_payment_holds_a_line_whose_balance_went_below_zero_after_approval(
    helper: User, finance: User, finance2: User
) -> None:
    await grant(helper, 200, finance, IN_OCT)
    batch, _ = await do_close_period(OCT, now=AFTER)
    await check_approve_batch(batch, acting_user=finance, now=AFTER)
    await check_post_adjustment(
        helper, points=-300, reason="Chargeback", acting_user=finance2, now=IN_NOV
    )
    paid = await check_mark_paid(batch, reference="BANK-2", acting_user=finance, now=IN_NOV)
    assert paid.state.value == "paid"
    line = await line_of(batch, helper)
    assert line.state.value == "held"
    assert line.reason == "Held at payment: the member's balance is below zero."
    assert (await LedgerAccount.get(user_id=helper.id)).paid == 0
    await assert_reconciles()


async def test_check_ledger_finds_a_line_paid_below_zero(
    helper: User, finance: User, finance2: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    await grant(helper, 200, finance, IN_OCT)
    batch, _ = await do_close_period(OCT, now=AFTER)
    await check_approve_batch(batch, acting_user=finance, now=AFTER)
    await check_post_adjustment(
        helper, points=-300, reason="Chargeback", acting_user=finance2, now=IN_NOV
    )
    # A payment without the guard: what the reconciliation must catch.
    unguarded = payout_payments._HOLD.format(members="SELECT -1")
    monkeypatch.setattr(payout_payments, "_HOLD_BELOW_ZERO", unguarded)
    await check_mark_paid(batch, reference="BANK-3", acting_user=finance, now=IN_NOV)
    result = await reconcile()
    assert result.problems == [
        f"payout line {(await line_of(batch, helper)).id} of {helper.username} was paid while "
        "the member's balance was -300, below zero"
    ]


async def test_export_refuses_a_line_below_zero(helper: User, finance: User) -> None:
    await grant(helper, 200, finance, IN_OCT)
    batch, _ = await do_close_period(OCT, now=AFTER)
    await check_approve_batch(batch, acting_user=finance, now=AFTER)
    await check_post_adjustment(
        helper, points=-250, reason="Chargeback", acting_user=finance, now=IN_NOV
    )
    with pytest.raises(Conflict, match="below zero"):
        await check_export_batch(batch, "credit", acting_user=finance, now=IN_NOV)


async def test_a_decision_after_a_reduction_moves_the_points_the_line_holds_now(
    helper: User, finance: User, finance2: User
) -> None:
    await grant(helper, 300, finance, IN_OCT)
    batch, _ = await do_close_period(OCT, now=AFTER)
    stale = await line_of(batch, helper)  # read before the reduction, as a second tab would
    await check_post_adjustment(
        helper, points=-100, reason="Chargeback", acting_user=finance, now=IN_NOV
    )
    await check_decide_line(batch, stale, "reduce", reason="Chargeback", acting_user=finance2)
    await check_decide_line(batch, stale, "reject", reason="Not this time", acting_user=finance2)
    account = await LedgerAccount.get(user_id=helper.id)
    assert (account.balance, account.reserved) == (200, 0)  # 300 - 100, nothing created
    await assert_reconciles()
