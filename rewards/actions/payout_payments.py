"""Exporting an approved batch, and marking it paid: its pending lines move payout:reserved ->
payout:paid.

Invariants: only an approved batch is paid (409 before); the claim is a conditional update
APPROVED -> PAYING, so two clicks pay once; lines are paid in chunks, each one transaction of
line states, transfers (key `payout-line:<id>:paid`) and balances, so a crash leaves a PAYING
batch that the next call finishes; held lines are never paid and stay held for a decision.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from forum import validation as v
from forum.actions.notifications import note, notify
from forum.clock import resolve
from forum.db import bind, execute, fetch_dicts, in_list, insert_rows
from forum.errors import Conflict
from forum.i18n import gettext as _
from forum.models import NotificationKind, User
from forum.settings import get_settings
from rewards.actions.payouts import lock_ledger_reserved
from rewards.actions.transfers import system_account
from rewards.labels import BELOW_ZERO_REASON, SUSPENDED_REASON, batch_state_label
from rewards.models import BatchState, PayoutBatch, PayoutDecision, PeriodSnapshot, TransferKind
from rewards.payout_queries import below_zero_message, export_csv, lines_below_zero
from rewards.permissions import require_payouts
from rewards.report_queries import compute_period_report

_TRANSFER_COLUMNS = (
    "debit_id", "credit_id", "amount", "kind", "key", "ref", "member_id", "reason", "actor_id",
    "created_at",
)  # fmt: skip
_NEXT_LINES = """
SELECT l.id AS id, l.member_id AS member_id, l.points AS points, a.id AS account_id
FROM payout_lines l JOIN ledger_accounts a ON a.user_id = l.member_id
WHERE l.batch_id = ? AND l.state = 'pending' ORDER BY l.id LIMIT ?
"""
_HOLD = """
UPDATE payout_lines SET state = 'held', reason = ?, decided_at = ?
WHERE batch_id = ? AND state = 'pending' AND member_id IN ({members})
"""
# An erased account is suspended too, but its line left for the bank before the erasure (the
# erasure forfeits every other): the bank pays it, so the books say paid.
_HOLD_SUSPENDED = _HOLD.format(
    members="SELECT id FROM users WHERE suspended_at IS NOT NULL AND erased_at IS NULL"
)
_HOLD_BELOW_ZERO = _HOLD.format(
    members="SELECT user_id FROM ledger_accounts WHERE kind = 'member' AND balance < 0"
)
_MOVE_MEMBER = "UPDATE ledger_accounts SET reserved = reserved - ?, paid = paid + ? WHERE id = ?"


async def check_export_batch(
    batch: PayoutBatch, method: Any, *, acting_user: User | None, now: datetime | None = None
) -> str:
    """The CSV of one method, with an audit row: once a file may be at the bank, the batch's
    lines stay as exported until it is marked paid (payout_lines refuses changes)."""
    actor = require_payouts(acting_user)
    below = await lines_below_zero(batch)
    if below:
        raise Conflict(below_zero_message(below))
    text = await export_csv(batch, method)
    await PayoutDecision.create(
        batch=batch, action="export", actor=actor, reason=str(method), created_at=resolve(now)
    )
    return text


async def check_mark_paid(
    batch: PayoutBatch,
    *,
    reference: Any,
    acting_user: User | None,
    now: datetime | None = None,
) -> PayoutBatch:
    actor = require_payouts(acting_user)
    errors = v.Errors()
    ref = v.text(errors, "reference", reference, min_len=1, max_len=120, label=_("Reference"))
    errors.raise_if_any()
    now = resolve(now)
    claimed = await PayoutBatch.filter(id=batch.id, state=BatchState.APPROVED).update(
        state=BatchState.PAYING, paid_reference=ref
    )
    if not claimed:
        await batch.refresh_from_db()
        if batch.state == BatchState.PAID and batch.paid_reference == ref:
            return batch  # a replay of the same payment
        if batch.state != BatchState.PAYING:
            raise Conflict(
                _("A batch in the state “%(state)s” cannot be marked paid: approve it first.")
                % {"state": batch_state_label(batch.state.value)}
            )
    chunk = get_settings().payout_chunk
    while await try_pay_one_chunk(batch, actor=actor, now=now, chunk=chunk):
        pass
    async with in_transaction():
        finished = await PayoutBatch.filter(id=batch.id, state=BatchState.PAYING).update(
            state=BatchState.PAID, paid_at=now
        )
        if finished:
            fresh = await PayoutBatch.get(id=batch.id)
            await PayoutDecision.create(
                batch=batch, action="paid", actor=actor, reason=fresh.paid_reference, created_at=now
            )
            await freeze_report(fresh, now=now)
    await batch.refresh_from_db()
    return batch


async def try_pay_one_chunk(
    batch: PayoutBatch, *, actor: User, now: datetime, chunk: int = 1000
) -> int:
    """Pay the next pending lines of a PAYING batch; how many (0: none left)."""
    async with in_transaction() as conn:
        locked = await PayoutBatch.filter(id=batch.id).select_for_update().get()
        if locked.state != BatchState.PAYING:
            return 0
        # PRODUCT.md §2: a suspended member's lines are held, even when suspended after the close.
        await execute(_HOLD_SUSPENDED, [SUSPENDED_REASON, now, batch.id])
        reserved = await lock_ledger_reserved()
        # Under the ledger lock: no reversal slips in between this and the payment.
        await execute(_HOLD_BELOW_ZERO, [BELOW_ZERO_REASON, now, batch.id])
        paid = await system_account("payout:paid")
        lines = await fetch_dicts(_NEXT_LINES, [batch.id, chunk])
        if not lines:
            return 0
        ids = [int(line["id"]) for line in lines]
        await execute(
            f"UPDATE payout_lines SET state = 'paid', decided_by_id = ?, decided_at = ? "
            f"WHERE state = 'pending' AND id IN {in_list(len(ids))}",
            [actor.id, now, *ids],
        )
        await insert_rows(
            "ledger_transfers",
            _TRANSFER_COLUMNS,
            [
                (
                    reserved.id,
                    paid.id,
                    line["points"],
                    TransferKind.PAYOUT_PAID.value,
                    f"payout-line:{line['id']}:paid",
                    f"payout:{locked.period}",
                    line["member_id"],
                    locked.paid_reference,
                    actor.id,
                    now,
                )
                for line in lines
            ],
        )
        await conn.execute_many(
            bind(conn, _MOVE_MEMBER),
            [[line["points"], line["points"], line["account_id"]] for line in lines],
        )
        statements = [
            note(int(line["member_id"]), NotificationKind.STATEMENT, f"statement:{line['id']}",
                 points=int(line["points"]), period=locked.period)
            for line in lines
        ]  # fmt: skip
        await notify(statements, now=now)
        total = sum(int(line["points"]) for line in lines)
        await execute(
            "UPDATE ledger_accounts SET balance = balance + ? WHERE id = ?",
            [-total, reserved.id],
        )
        await execute(
            "UPDATE ledger_accounts SET balance = balance + ? WHERE id = ?", [total, paid.id]
        )
    return len(lines)


async def freeze_report(batch: PayoutBatch, *, now: datetime) -> None:
    """The period's report as it stands now, kept for good (in the paying transaction)."""
    report = await compute_period_report(batch.period, batch.starts_at, batch.cutoff, batch)
    await PeriodSnapshot.bulk_create(
        [
            PeriodSnapshot(
                period=batch.period, batch_id=batch.id, figures=report.figures(), created_at=now
            )
        ],
        ignore_conflicts=True,
    )
