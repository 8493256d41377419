"""Closing a payout period: exactly one batch per period, whoever runs it and however often.

How exactly-once is built:
- The claim is the batch row: UNIQUE(period). Every closer inserts it or finds it, so two
  processes (or the scheduler and an operator) close the same batch.
- Lines are written in chunks, each chunk one transaction holding the batch's row lock: its lines
  (UNIQUE(batch, member)), their reservations (member -> payout:reserved, each with the
  idempotency key `payout:<batch>:<member>`) and the balance moves commit together or not at
  all. A member who has a line already is skipped (ON CONFLICT DO NOTHING on that UNIQUE), so
  a second closer, or a rerun after a crash, continues where the last commit left off.
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
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from forum.clock import resolve
from forum.db import bind, execute, fetch_dicts, is_postgres
from forum.errors import Conflict
from forum.i18n import gettext as _
from forum.settings import get_settings
from rewards.actions.fraud_signals import flag_batch
from rewards.actions.transfers import lock_ledger
from rewards.models import BatchState, LedgerAccount, PayoutBatch, PayoutLine
from rewards.periods import Period, parse_period

# Tests kill a close in the middle: SIGKILL once this many lines are written, before their
# chunk commits. Never set outside the fault-injection tests.
FAULT_ENV = "PEERDESK_FAULT_CLOSE_AFTER_LINES"


class PeriodNotFinished(Conflict):
    code = "period_not_finished"


def cents_per_point(point_value: Decimal) -> tuple[int, int]:
    """The value of a point in cents as an exact fraction (numerator, denominator)."""
    num, den = (point_value * 100).as_integer_ratio()
    return num, den


@dataclass(frozen=True)
class CloseOutcome:
    batch: PayoutBatch
    created: bool  # this call claimed the batch
    # Not created here, but this call wrote lines or finished it: it took over an unfinished
    # close (one that was killed, or that another process is running at the same moment).
    resumed: bool
    lines_written: int  # while this call ran (by it, or by a close running alongside it)


async def check_close_period(label: Any, *, now: datetime | None = None) -> CloseOutcome:
    settings = get_settings()
    return await close_period(parse_period(label, settings.payout_period), now=now)


async def do_close_period(
    period: Period, *, now: datetime | None = None, chunk: int | None = None
) -> tuple[PayoutBatch, bool]:
    """Close `period`, or finish a close that stopped: (the batch, whether this call made it)."""
    outcome = await close_period(period, now=now, chunk=chunk)
    return outcome.batch, outcome.created


async def close_period(
    period: Period, *, now: datetime | None = None, chunk: int | None = None
) -> CloseOutcome:
    now = resolve(now)
    if not period.finished(now):
        raise PeriodNotFinished(
            _("Period %(period)s is not finished: it closes at %(cutoff)s UTC.")
            % {"period": period.label, "cutoff": f"{period.cutoff:%Y-%m-%d %H:%M}"}
        )
    chunk = chunk or get_settings().payout_chunk
    batch, created = await claim_batch(period, now)
    finished, written = False, 0
    if batch.state == BatchState.CLOSING:
        before = await PayoutLine.filter(batch_id=batch.id).count()
        after: int | None = 0
        while after is not None:
            after = await try_close_one_chunk(batch, now=now, after=after, chunk=chunk)
        finished = await _finish(batch, now)
        await batch.refresh_from_db()
        written = await PayoutLine.filter(batch_id=batch.id).count() - before
    resumed = not created and (finished or written > 0)
    return CloseOutcome(batch=batch, created=created, resumed=resumed, lines_written=written)


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


# The next chunk ends at the `chunk`-th member account past the cursor that could qualify.
_CHUNK_END = """
SELECT id FROM ledger_accounts
WHERE kind = 'member' AND id > ? AND balance >= ?
ORDER BY id LIMIT 1 OFFSET ?
"""
_LAST_ACCOUNT = "SELECT MAX(id) AS id FROM ledger_accounts WHERE kind = 'member'"
# Every line of the chunk in one statement: the balance at the cut-off is today's minus what
# the member earned or lost since (payout moves excluded), never more than today's; cents are
# rounded down (points * num / den) and the points are the fewest that pay them
# (ceil(cents * den / num)). All arithmetic stays in BIGINT: PostgreSQL's SUM(bigint) is
# NUMERIC, which would not round down.
# A member who has a line already (a resumed close) is skipped by UNIQUE(batch, member).
# The payout method is read per candidate: joined, PostgreSQL's plan for the statement's values
# scanned every user for each chunk.
_LINES = """
WITH c AS MATERIALIZED (
    SELECT a.user_id AS member_id,
           (SELECT u.payout_method FROM users u WHERE u.id = a.user_id) AS method,
           (SELECT u.payout_address FROM users u WHERE u.id = a.user_id) AS address,
           a.balance AS balance,
           (SELECT CAST(COALESCE(SUM(CASE WHEN t.credit_id = a.id THEN t.amount
                                          ELSE -t.amount END), 0) AS BIGINT)
            FROM ledger_transfers t
            WHERE t.member_id = a.user_id AND t.created_at >= ?
              AND t.kind NOT LIKE 'payout%') AS moved
    FROM ledger_accounts a
    WHERE a.kind = 'member' AND a.id > ? AND a.id <= ? AND a.balance >= CAST(? AS BIGINT)
), b AS (
    SELECT member_id, method, address,
           CASE WHEN moved > 0 THEN balance - moved ELSE balance END AS eligible
    FROM c
), e AS (
    SELECT member_id, method, address,
           eligible * CAST(? AS BIGINT) / CAST(? AS BIGINT) AS cents
    FROM b
    WHERE eligible >= CASE method WHEN 'cash' THEN CAST(? AS BIGINT)
                                  WHEN 'credit' THEN CAST(? AS BIGINT)
                                  ELSE CAST(? AS BIGINT) END
)
INSERT INTO payout_lines (batch_id, member_id, points, cents, method, address, state, reason)
SELECT CAST(? AS INTEGER), member_id,
       (cents * CAST(? AS BIGINT) + CAST(? AS BIGINT) - 1) / CAST(? AS BIGINT), cents, method,
       address, 'pending', ''
FROM e WHERE cents > 0
ON CONFLICT (batch_id, member_id) DO NOTHING
RETURNING id, points
"""
# This chunk's lines: the ids it just wrote, of this batch (the batch's row lock keeps any
# other closer of the same batch out until this transaction ends).
_CHUNK_LINES = """
FROM payout_lines l JOIN ledger_accounts a ON a.user_id = l.member_id
WHERE l.id >= ? AND l.id <= ? AND l.batch_id = ?
"""
_MOVE_MEMBERS = """
UPDATE ledger_accounts SET balance = balance - l.points, reserved = reserved + l.points
FROM payout_lines l
WHERE l.id >= ? AND l.id <= ? AND l.batch_id = ? AND ledger_accounts.user_id = l.member_id
"""
_RESERVE = (
    """
INSERT INTO ledger_transfers
    (debit_id, credit_id, amount, kind, key, ref, member_id, reason, created_at)
SELECT a.id, CAST(? AS INTEGER), l.points, 'payout_reserve',
       CAST(? AS TEXT) || CAST(l.member_id AS TEXT), CAST(? AS TEXT), l.member_id, '', {now}
"""
    + _CHUNK_LINES
)
# A bare parameter in a SELECT list has no type on PostgreSQL until it is cast; SQLite casts a
# timestamp to a number, so it gets the parameter as it is.
_NOW = {"postgres": "CAST(? AS TIMESTAMPTZ)", "sqlite": "?"}


async def try_close_one_chunk(
    batch: PayoutBatch, *, now: datetime, after: int = 0, chunk: int = 1000
) -> int | None:
    """Write the lines and reservations of the member accounts past `after`, up to the
    `chunk`-th one that could qualify, skipping members who have a line in the batch already.
    Returns the account id to continue after, or None when done."""
    settings = get_settings()
    limits = [settings.threshold(m) for m in ("cash", "credit", "charity")]
    minimum = min(limits)
    num, den = batch.cents_num, batch.cents_den
    key = f"payout:{batch.id}:"
    async with in_transaction() as conn:
        locked = await PayoutBatch.filter(id=batch.id).select_for_update().first()
        if locked is None or locked.state != BatchState.CLOSING:
            return None
        end = await fetch_dicts(_CHUNK_END, [after, minimum, chunk - 1])
        if not end:
            last = (await fetch_dicts(_LAST_ACCOUNT))[0]["id"]
            if last is None or int(last) <= after:
                return None
            end = [{"id": last}]
        upto = int(end[0]["id"])
        if is_postgres(conn):
            # A chunk lost to a crash of the database is written again by the next close; the
            # step to REVIEW commits synchronously, which makes every chunk before it durable.
            await conn.execute_script("SET LOCAL synchronous_commit TO OFF")
        reserved = await lock_ledger_reserved()
        written = await conn.execute_query_dict(
            bind(conn, _LINES),
            [batch.cutoff, after, upto, minimum, num, den, *limits, batch.id, den, num, num],
        )  # fmt: skip
        _maybe_fault(len(written))
        if written:
            ids = [int(row["id"]) for row in written]
            span = [min(ids), max(ids), batch.id]
            await execute(_MOVE_MEMBERS, span)
            reserve = _RESERVE.format(now=_NOW["postgres" if is_postgres(conn) else "sqlite"])
            await execute(reserve, [reserved.id, key, f"payout:{batch.period}", now, *span])
            await execute(
                "UPDATE ledger_accounts SET balance = balance + ? WHERE id = ?",
                [sum(int(row["points"]) for row in written), reserved.id],
            )
    return upto


async def lock_ledger_reserved() -> LedgerAccount:
    await lock_ledger()
    return await LedgerAccount.get(key="payout:reserved")


_written = [0]


def _maybe_fault(count: int) -> None:
    _written[0] += count
    limit = os.environ.get(FAULT_ENV, "")
    if limit.isdecimal() and _written[0] >= int(limit):
        os.kill(os.getpid(), signal.SIGKILL)


async def _finish(batch: PayoutBatch, now: datetime) -> bool:
    """Flag the lines (once) and hand the batch to finance; False if another call did."""
    async with in_transaction():
        locked = await PayoutBatch.filter(id=batch.id).select_for_update().first()
        if locked is None or locked.state != BatchState.CLOSING:
            return False
        await flag_batch(locked, now=now)
        await PayoutBatch.filter(id=batch.id, state=BatchState.CLOSING).update(
            state=BatchState.REVIEW, closed_at=now
        )
    return True
