"""Finance's review of a batch: line decisions, maker-checker approval, payment and returns.

Every step checks the ledger: each move is a transfer with its key, and the books reconcile."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from forum.actions.users import check_suspend_user
from forum.errors import Conflict, Forbidden, ValidationFailed
from forum.models import Notification, PayoutMethod, Role, User
from rewards.actions.payout_approvals import check_approve_batch
from rewards.actions.payout_lines import check_decide_line
from rewards.actions.payout_payments import (
    check_export_batch,
    check_mark_paid,
    try_pay_one_chunk,
)
from rewards.actions.payouts import do_close_period
from rewards.models import (
    BatchState,
    LedgerAccount,
    PayoutBatch,
    PayoutDecision,
    PayoutLine,
    Transfer,
)
from rewards.payout_queries import _cell, export_csv
from rewards.periods import MONTHLY, parse_period
from rewards.queries import pool_balance
from tests.factories import make_user
from tests.rewards.helpers import assert_reconciles, balance, grant

OCT = parse_period("2026-10", MONTHLY)
IN_OCT = datetime(2026, 10, 10, tzinfo=UTC)
AFTER = datetime(2026, 11, 1, 1, tzinfo=UTC)


async def closed_batch(finance: User, **points: int) -> tuple[PayoutBatch, dict[str, PayoutLine]]:
    members = {}
    for name, amount in points.items():
        members[name] = member = await make_user(name)
        await grant(member, amount, finance, IN_OCT)
    batch, _ = await do_close_period(OCT, now=AFTER)
    lines = {
        name: await PayoutLine.get(batch_id=batch.id, member_id=m.id) for name, m in members.items()
    }
    return batch, lines


async def accounts(line: PayoutLine) -> tuple[int, int, int]:
    account = await LedgerAccount.get(user_id=line.member_id)  # type: ignore[attr-defined]
    return account.balance, account.reserved, account.paid


@pytest.mark.parametrize(
    ("action", "state", "member_after", "pool_gets"),
    [
        ("reject", "rejected", (200, 0, 0), 0),
        ("defer", "deferred", (200, 0, 0), 0),
        ("forfeit", "forfeited", (0, 0, 0), 200),
    ],
)
async def test_decisions_move_the_reserved_points(
    finance: User, action: str, state: str, member_after: tuple[int, int, int], pool_gets: int
) -> None:
    batch, lines = await closed_batch(finance, ann=200)
    pool_before = await pool_balance()
    line = await check_decide_line(
        batch, lines["ann"], action, reason="Looked into it", acting_user=finance
    )
    assert line.state.value == state and line.decided_by_id == finance.id  # type: ignore[attr-defined]
    assert await accounts(line) == member_after
    assert await pool_balance() == pool_before + pool_gets
    move = await Transfer.get(key=f"payout-line:{line.id}:{action}")
    assert (move.amount, move.actor_id, move.reason) == (200, finance.id, "Looked into it")  # type: ignore[attr-defined]
    audit = await PayoutDecision.get(line_id=line.id)
    assert (audit.action, audit.actor_id, audit.reason) == (action, finance.id, "Looked into it")  # type: ignore[attr-defined]
    with pytest.raises(Conflict):  # a decided line is decided once
        await check_decide_line(batch, line, action, reason="Again", acting_user=finance)
    await assert_reconciles()


async def test_hold_and_release_move_no_points(finance: User) -> None:
    batch, lines = await closed_batch(finance, ann=200)
    await check_decide_line(batch, lines["ann"], "hold", reason="Check", acting_user=finance)
    assert await accounts(lines["ann"]) == (0, 200, 0)
    line = await check_decide_line(
        batch, lines["ann"], "release", reason="Fine", acting_user=finance
    )
    assert line.state.value == "pending"
    assert await Transfer.filter(key__startswith=f"payout-line:{line.id}").count() == 0


async def test_decision_needs_a_reason_and_a_known_action(finance: User) -> None:
    batch, lines = await closed_batch(finance, ann=200)
    with pytest.raises(ValidationFailed) as err:
        await check_decide_line(batch, lines["ann"], "hold", reason=" ", acting_user=finance)
    assert "reason" in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        await check_decide_line(batch, lines["ann"], "pay", reason="Because", acting_user=finance)
    assert "action" in err.value.errors
    assert (await PayoutLine.get(id=lines["ann"].id)).state.value == "pending"


async def test_only_finance_decides_and_approves(
    finance: User, staff: User, asker: User, admin: User
) -> None:
    batch, lines = await closed_batch(finance, ann=200)
    for user in (staff, asker, admin):
        with pytest.raises(Forbidden):
            await check_decide_line(batch, lines["ann"], "hold", reason="Mine", acting_user=user)
        with pytest.raises(Forbidden):
            await check_approve_batch(batch, acting_user=user)
    assert (await PayoutBatch.get(id=batch.id)).state == BatchState.REVIEW


async def test_a_payee_cannot_approve(finance: User, finance2: User) -> None:
    batch, _ = await closed_batch(finance, ann=200)
    payee = await User.get(username="ann")
    payee.role = Role.FINANCE  # promoted after earning
    await payee.save()
    with pytest.raises(Forbidden):
        await check_approve_batch(batch, acting_user=payee)
    assert (await PayoutBatch.get(id=batch.id)).state == BatchState.REVIEW


async def test_over_the_two_approver_amount_needs_two_different_approvers(
    finance: User, finance2: User
) -> None:
    batch, _ = await closed_batch(finance, ann=60_000, bob=40_001)  # 1,000.01 EUR
    once = await check_approve_batch(batch, acting_user=finance)
    assert once.state == BatchState.REVIEW
    with pytest.raises(Conflict):
        await check_approve_batch(batch, acting_user=finance)  # the same person again
    twice = await check_approve_batch(batch, acting_user=finance2)
    assert twice.state == BatchState.APPROVED


async def test_exactly_the_two_approver_amount_needs_one(finance: User) -> None:
    batch, _ = await closed_batch(finance, ann=60_000, bob=40_000)  # 1,000.00 EUR
    assert (await check_approve_batch(batch, acting_user=finance)).state == BatchState.APPROVED


async def test_a_line_change_after_approval_voids_it(finance: User, finance2: User) -> None:
    batch, lines = await closed_batch(finance, ann=200, bob=300)
    await check_approve_batch(batch, acting_user=finance)
    await check_decide_line(batch, lines["bob"], "hold", reason="Look again", acting_user=finance2)
    batch = await PayoutBatch.get(id=batch.id)
    assert batch.state == BatchState.REVIEW
    with pytest.raises(Conflict):
        await check_mark_paid(batch, reference="X1", acting_user=finance)
    again = await check_approve_batch(batch, acting_user=finance)  # the new version: allowed
    assert again.state == BatchState.APPROVED


async def test_paid_moves_reserved_to_paid_once_and_skips_held_lines(
    finance: User, finance2: User
) -> None:
    batch, lines = await closed_batch(finance, ann=200, bob=300)
    with pytest.raises(Conflict):
        await check_mark_paid(batch, reference="SEPA-1", acting_user=finance)  # not approved
    await check_decide_line(batch, lines["bob"], "hold", reason="Look again", acting_user=finance)
    await check_approve_batch(batch, acting_user=finance2)
    paid = await check_mark_paid(batch, reference="SEPA-1", acting_user=finance)
    assert (paid.state, paid.paid_reference) == (BatchState.PAID, "SEPA-1")
    replay = await check_mark_paid(batch, reference="SEPA-1", acting_user=finance)
    assert replay.state == BatchState.PAID
    assert await accounts(lines["ann"]) == (0, 0, 200)
    assert await accounts(lines["bob"]) == (0, 300, 0)  # held: never paid
    assert (await PayoutLine.get(id=lines["bob"].id)).state.value == "held"
    assert await Transfer.filter(kind="payout_paid").count() == 1
    statements = await Notification.filter(kind="statement")
    assert [(n.user_id, n.period, n.points) for n in statements] == [  # type: ignore[attr-defined]
        (lines["ann"].member_id, batch.period, 200)  # type: ignore[attr-defined]
    ]
    with pytest.raises(Conflict):
        await check_mark_paid(batch, reference="SEPA-2", acting_user=finance)
    await assert_reconciles()
    # A held line of a paid batch is settled later; a paid line that bounces comes back.
    await check_decide_line(batch, lines["bob"], "reject", reason="Not ok", acting_user=finance)
    assert await balance(await User.get(username="bob")) == 300
    await check_decide_line(
        batch, lines["ann"], "return", reason="IBAN closed", acting_user=finance
    )
    assert await accounts(lines["ann"]) == (200, 0, 0)
    await assert_reconciles()


async def test_a_stopped_payment_is_finished_by_the_next_call(
    finance: User, finance2: User
) -> None:
    batch, lines = await closed_batch(finance, ann=200, bob=300, cat=400)
    await check_approve_batch(batch, acting_user=finance2)
    # What a crash after the first chunk leaves behind: PAYING, some lines paid.
    await PayoutBatch.filter(id=batch.id).update(state=BatchState.PAYING, paid_reference="R-9")
    assert await try_pay_one_chunk(batch, actor=finance, now=AFTER, chunk=1) == 1
    await assert_reconciles()
    done = await check_mark_paid(batch, reference="R-9", acting_user=finance)
    assert done.state == BatchState.PAID
    assert await Transfer.filter(kind="payout_paid").count() == 3
    assert [await accounts(line) for line in lines.values()] == [
        (0, 0, 200), (0, 0, 300), (0, 0, 400)
    ]  # fmt: skip
    await assert_reconciles()


async def test_each_csv_parses_back_to_exactly_the_approved_unheld_lines_of_its_method(
    finance: User, finance2: User
) -> None:
    plan = {
        "c1": ("cash", "NL01BANK0001", 1500),
        "c2": ("cash", "=HYPERLINK(evil)", 2000),
        "c3": ("cash", "NL03BANK0003", 1800),
        "k1": ("credit", "", 120),
        "k2": ("credit", "", 340),
        "d1": ("charity", "Red Cross", 150),
        "d2": ("charity", "Red Cross", 250),
        "d3": ("charity", "KWF", 400),
    }
    for name, (method, address, points) in plan.items():
        member = await make_user(name)
        member.payout_method, member.payout_address = PayoutMethod(method), address
        await member.save()
        await grant(member, points, finance, IN_OCT)
    batch, _ = await do_close_period(OCT, now=AFTER)
    held = await PayoutLine.get(member__username="c3")
    await check_decide_line(batch, held, "hold", reason="Check IBAN", acting_user=finance)
    with pytest.raises(Conflict):
        await export_csv(batch, "cash")  # not approved yet
    batch = await check_approve_batch(batch, acting_user=finance2)
    cash = list(csv.DictReader(io.StringIO(await export_csv(batch, "cash"))))
    assert cash == [
        {"recipient": "NL01BANK0001", "amount": "15.00", "currency": "EUR",
         "member_reference": f"PD-{(await User.get(username='c1')).id}",
         "line": str((await PayoutLine.get(member__username="c1")).id)},
        {"recipient": "'=HYPERLINK(evil)", "amount": "20.00", "currency": "EUR",
         "member_reference": f"PD-{(await User.get(username='c2')).id}",
         "line": str((await PayoutLine.get(member__username="c2")).id)},
    ]  # fmt: skip
    credit = list(csv.DictReader(io.StringIO(await export_csv(batch, "credit"))))
    assert [(r["amount"], r["currency"]) for r in credit] == [("1.20", "EUR"), ("3.40", "EUR")]
    for row in credit:
        line = await PayoutLine.get(id=int(row["line"]))
        assert (line.state.value, line.method, f"PD-{line.member_id}") == (  # type: ignore[attr-defined]
            "pending",
            "credit",
            row["member_reference"],
        )
    charity = list(csv.DictReader(io.StringIO(await export_csv(batch, "charity"))))
    assert charity == [
        {"charity": "KWF", "amount": "4.00", "currency": "EUR", "donors": "1"},
        {"charity": "Red Cross", "amount": "4.00", "currency": "EUR", "donors": "2"},
    ]
    with pytest.raises(ValidationFailed):
        await export_csv(batch, "bitcoin")


async def test_an_approval_of_a_version_that_changed_is_refused(
    finance: User, finance2: User
) -> None:
    batch, lines = await closed_batch(finance, ann=200, bob=300)
    seen = batch.version
    await check_decide_line(batch, lines["bob"], "hold", reason="Look again", acting_user=finance2)
    with pytest.raises(Conflict):
        await check_approve_batch(batch, acting_user=finance, version=seen)
    assert (await PayoutBatch.get(id=batch.id)).state == BatchState.REVIEW
    fresh = await PayoutBatch.get(id=batch.id)
    approved = await check_approve_batch(batch, acting_user=finance, version=str(fresh.version))
    assert approved.state == BatchState.APPROVED
    with pytest.raises(ValidationFailed) as err:
        await check_approve_batch(batch, acting_user=finance2, version="latest")
    assert "version" in err.value.errors


async def test_an_exported_batch_keeps_its_lines_until_paid(finance: User, finance2: User) -> None:
    batch, lines = await closed_batch(finance, ann=200, bob=300)
    batch = await check_approve_batch(batch, acting_user=finance2)
    await check_export_batch(batch, "credit", acting_user=finance)
    assert await PayoutDecision.filter(batch_id=batch.id, action="export").count() == 1
    with pytest.raises(Conflict):
        await check_decide_line(batch, lines["bob"], "hold", reason="Too late", acting_user=finance)
    batch = await check_mark_paid(batch, reference="SEPA-3", acting_user=finance)
    assert await accounts(lines["bob"]) == (0, 0, 300)  # paid as exported
    await check_decide_line(batch, lines["bob"], "return", reason="Bounced", acting_user=finance)
    assert await accounts(lines["bob"]) == (300, 0, 0)
    await assert_reconciles()


async def test_a_member_suspended_after_the_close_is_held_not_paid(
    finance: User, finance2: User, staff: User
) -> None:
    batch, lines = await closed_batch(finance, ann=200, bob=300)
    batch = await check_approve_batch(batch, acting_user=finance2)
    await check_suspend_user(await User.get(username="bob"), "Fraud ring", acting_user=staff)
    bob = await PayoutLine.get(id=lines["bob"].id)
    assert bob.state.value == "held" and "Suspended after the close" in bob.reason
    await batch.refresh_from_db()
    assert batch.state.value == "review"  # the hold voided the approval
    with pytest.raises(Conflict):
        await check_mark_paid(batch, reference="SEPA-4", acting_user=finance)
    batch = await check_approve_batch(batch, acting_user=finance2)
    await check_mark_paid(batch, reference="SEPA-4", acting_user=finance)
    assert await accounts(lines["bob"]) == (0, 300, 0)
    assert await accounts(lines["ann"]) == (0, 0, 200)
    await assert_reconciles()


async def test_nobody_decides_their_own_line(finance: User, finance2: User) -> None:
    batch, lines = await closed_batch(finance, ann=200)
    ann = await User.get(username="ann")
    ann.role = Role.FINANCE
    await ann.save()
    with pytest.raises(Forbidden):
        await check_decide_line(batch, lines["ann"], "release", reason="Mine", acting_user=ann)


def test_a_phone_number_is_exported_as_it_is_and_a_formula_is_defused() -> None:
    assert _cell("+31 6 1234 5678") == "+31 6 1234 5678"
    assert _cell("+1+cmd|' /C calc'!A0") == "'+1+cmd|' /C calc'!A0"
    assert _cell("=SUM(A1)") == "'=SUM(A1)"
    assert _cell("NL91ABNA0417164300") == "NL91ABNA0417164300"
