"""Closing a payout period: exactly one batch per period, whoever runs it and however often.

How exactly-once is built:
- The claim is the batch row: UNIQUE(period). Every closer inserts it or finds it, so two
  processes (or the scheduler and an operator) close the same batch.
- Lines are written in chunks, each chunk one transaction holding the batch's row lock: its lines
  (UNIQUE(batch, member)), their reservations (member -> payout:reserved, each with the
  idempotency key `payout:<batch>:<member>`) and the balance moves commit together or not at
  all. A chunk picks only members who have no line in the batch yet, so a second closer, or a
  rerun after a crash, continues where the last commit left off.
- Signals and the step to REVIEW run only while the batch is CLOSING (a conditional update), so
  a finished batch is never touched again by a close.

A member's line: their balance at the cut-off must reach their method's threshold. That is
today's cached balance minus what they earned or lost after the cut-off, never more than today's
balance. Payout moves don't count as "after": points an earlier batch reserved are not the
member's to pay again, and points a rejected or deferred line gave back are theirs. The money is
rounded down to the cent; the line reserves only the points that make those cents, the rest stays
with the member. The chunked, set-based writes keep the close's memory flat and its time near one
aggregate of the balances (bench/payouts.py).
"""

from __future__ import annotations

import os
import signal
from datetime import datetime
from decimal import Decimal
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from forum.clock import resolve
from forum.errors import Conflict
from forum.settings import Settings, get_settings
from rewards.actions.fraud_signals import flag_batch
from rewards.actions.transfers import lock_ledger
from rewards.models import BatchState, LedgerAccount, LineState, PayoutBatch, TransferKind
from rewards.periods import Period, parse_period
from rewards.sql import bind, execute, insert_rows, rows

# Tests kill a close in the middle: SIGKILL once this many lines are written, before their
# chunk commits. Never set outside the fault-injection tests.
FAULT_ENV = "PEERDESK_FAULT_CLOSE_AFTER_LINES"


class PeriodNotFinished(Conflict):
    code = "period_not_finished"


def cents_per_point(point_value: Decimal) -> tuple[int, int]:
    """The value of a point in cents as an exact fraction (numerator, denominator)."""
    num, den = (point_value * 100).as_integer_ratio()
    return num, den


def convert(points: int, num: int, den: int) -> tuple[int, int]:
    """(cents, points used): cents rounded down; the fewest points that make those cents."""
    cents = points * num // den
    return cents, -(-cents * den // num)


async def check_close_period(
    label: Any, *, now: datetime | None = None
) -> tuple[PayoutBatch, bool]:
    settings = get_settings()
    return await do_close_period(parse_period(label, settings.payout_period), now=now)


async def do_close_period(
    period: Period, *, now: datetime | None = None, chunk: int | None = None
) -> tuple[PayoutBatch, bool]:
    """Close `period`, or finish a close that stopped: (the batch, whether this call made it)."""
    now = resolve(now)
    if not period.finished(now):
        raise PeriodNotFinished(
            f"Period {period.label} is not finished: it closes at "
            f"{period.cutoff:%Y-%m-%d %H:%M} UTC."
        )
    chunk = chunk or get_settings().payout_chunk
    batch, created = await claim_batch(period, now)
    if batch.state == BatchState.CLOSING:
        after: int | None = 0
        while after is not None:
            after = await try_close_one_chunk(batch, now=now, after=after, chunk=chunk)
        await _finish(batch, now)
        await batch.refresh_from_db()
    return batch, created


async def claim_batch(period: Period, now: datetime) -> tuple[PayoutBatch, bool]:
    settings = get_settings()
    num, den = cents_per_point(settings.point_value)
    try:
        async with in_transaction():
            batch = await PayoutBatch.create(
                period=period.label,
                starts_at=period.starts_at,
                cutoff=period.cutoff,
                currency=settings.currency,
                cents_num=num,
                cents_den=den,
                created_at=now,
            )
        return batch, True
    except IntegrityError:
        return await PayoutBatch.get(period=period.label), False


_CANDIDATES = """
SELECT a.id AS account_id, a.user_id AS member_id, a.balance AS balance,
       u.payout_method AS method, u.payout_address AS address,
       (SELECT COALESCE(SUM(CASE WHEN t.credit_id = a.id THEN t.amount ELSE -t.amount END), 0)
        FROM ledger_transfers t
        WHERE t.member_id = a.user_id AND t.created_at >= ? AND t.kind NOT LIKE 'payout%') AS moved
FROM ledger_accounts a JOIN users u ON u.id = a.user_id
WHERE a.kind = 'member' AND a.id > ? AND a.balance >= ?
  AND NOT EXISTS (SELECT 1 FROM payout_lines l WHERE l.batch_id = ? AND l.member_id = a.user_id)
ORDER BY a.id
LIMIT ?
"""
_MOVE_MEMBER = (
    "UPDATE ledger_accounts SET balance = balance - ?, reserved = reserved + ? WHERE id = ?"
)
_LINE_COLUMNS = ("batch_id", "member_id", "points", "cents", "method", "address", "state", "reason")
_TRANSFER_COLUMNS = (
    "debit_id", "credit_id", "amount", "kind", "key", "ref", "member_id", "reason", "created_at",
)  # fmt: skip


async def try_close_one_chunk(
    batch: PayoutBatch, *, now: datetime, after: int = 0, chunk: int = 1000
) -> int | None:
    """Write lines and reservations for the next members (by account id, past `after`) who have
    none in the batch yet. Returns the account id to continue after, or None when done."""
    settings = get_settings()
    minimum = min(settings.threshold(m) for m in settings.payout_methods)
    async with in_transaction() as conn:
        locked = await PayoutBatch.filter(id=batch.id).select_for_update().first()
        if locked is None or locked.state != BatchState.CLOSING:
            return None
        reserved = await lock_ledger_reserved()
        lines: list[tuple[Any, ...]] = []
        transfers: list[tuple[Any, ...]] = []
        moves: list[list[int]] = []
        while len(lines) < chunk:
            found = await rows(
                conn, _CANDIDATES, [batch.cutoff, after, minimum, batch.id, chunk - len(lines)]
            )
            if not found:
                break
            after = int(found[-1]["account_id"])
            for row in found:
                line = _line(row, batch, settings)
                if line is None:
                    continue
                member_id, points = line[1], line[2]
                lines.append(line)
                transfers.append(
                    (
                        row["account_id"],
                        reserved.id,
                        points,
                        TransferKind.PAYOUT_RESERVE.value,
                        f"payout:{batch.id}:{member_id}",
                        f"payout:{batch.period}",
                        member_id,
                        "",
                        now,
                    )
                )
                moves.append([points, points, row["account_id"]])
        if not lines:
            return None
        await insert_rows(conn, "payout_lines", _LINE_COLUMNS, lines)
        _maybe_fault(len(lines))
        await insert_rows(conn, "ledger_transfers", _TRANSFER_COLUMNS, transfers)
        await _move_balances(conn, moves, reserved)
    return after


async def lock_ledger_reserved() -> LedgerAccount:
    await lock_ledger()
    return await LedgerAccount.get(key="payout:reserved")


def _line(row: dict[str, Any], batch: PayoutBatch, settings: Settings) -> tuple[Any, ...] | None:
    balance = int(row["balance"])
    at_cutoff = min(balance - int(row["moved"]), balance)
    method = str(row["method"])
    if at_cutoff < settings.threshold(method):
        return None
    cents, points = convert(at_cutoff, batch.cents_num, batch.cents_den)
    if cents <= 0:
        return None
    return (
        batch.id,
        int(row["member_id"]),
        points,
        cents,
        method,
        str(row["address"] or ""),
        LineState.PENDING.value,
        "",
    )


async def _move_balances(
    conn: BaseDBAsyncClient, moves: list[list[int]], reserved: LedgerAccount
) -> None:
    """Members' balances down and their `reserved` up; payout:reserved up by the sum."""
    await conn.execute_many(
        bind(conn, _MOVE_MEMBER),
        moves,
    )
    total = sum(points for points, _, _ in moves)
    await execute(
        conn, "UPDATE ledger_accounts SET balance = balance + ? WHERE id = ?", [total, reserved.id]
    )


_written = [0]


def _maybe_fault(count: int) -> None:
    _written[0] += count
    limit = os.environ.get(FAULT_ENV, "")
    if limit.isdecimal() and _written[0] >= int(limit):
        os.kill(os.getpid(), signal.SIGKILL)


async def _finish(batch: PayoutBatch, now: datetime) -> None:
    """Flag the lines (once) and hand the batch to finance."""
    async with in_transaction() as conn:
        locked = await PayoutBatch.filter(id=batch.id).select_for_update().first()
        if locked is None or locked.state != BatchState.CLOSING:
            return
        await flag_batch(conn, locked, now=now)
        await PayoutBatch.filter(id=batch.id, state=BatchState.CLOSING).update(
            state=BatchState.REVIEW, closed_at=now
        )
