"""What the outboxes share (webhook deliveries, e-mails): the sender's lease on a row, and what
an attempt's outcome does to it.

A sender takes the lease of the next due row with one conditional UPDATE, sends outside any
transaction, and records the attempt only while it still holds that lease, so two processes never
send the same row at once. A failure is retried after backoff * 2^(attempt - 1) seconds (at most
6 hours) until `max_attempts`; then the row is FAILED.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from forum.db import execute, fetch_dicts, is_postgres
from forum.models import DeliveryState

# On PostgreSQL, SKIP LOCKED lets concurrent senders take different rows; the outer predicate is
# checked again on the row itself, so of two senders that picked the same row only one gets it.
_TAKE = """
UPDATE {table} SET lease_token = ?, lease_until = ?
WHERE id = (
    SELECT id FROM {table}
    WHERE state = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
    ORDER BY next_attempt_at, id LIMIT 1 {lock}
) AND state = 'pending' AND (lease_until IS NULL OR lease_until <= ?)
RETURNING {columns}
"""
_MAX_WAIT = timedelta(hours=6)


async def take_lease(
    table: str, columns: str, *, token: str, now: datetime, lease: timedelta
) -> dict[str, Any] | None:
    """Lease the next due row of `table` to `token` until now + lease: its `columns`, or None."""
    async with in_transaction() as conn:
        lock = "FOR UPDATE SKIP LOCKED" if is_postgres(conn) else ""
        sql = _TAKE.format(table=table, columns=columns, lock=lock)
        rows = await fetch_dicts(sql, [token, now + lease, now, now, now])
    return rows[0] if rows else None


def retry_wait(attempts: int, backoff_seconds: int) -> timedelta:
    """How long a row waits after its `attempts`-th failed attempt."""
    seconds = backoff_seconds * 2 ** min(attempts - 1, 20)
    return min(timedelta(seconds=seconds), _MAX_WAIT)


def settle(
    attempts: int,
    error: str,
    *,
    now: datetime,
    max_attempts: int,
    backoff_seconds: int,
    final: bool = False,
) -> tuple[DeliveryState, dict[str, Any]]:
    """The state and column changes after attempt number `attempts` (`error` empty: it
    worked; `final`: a failure that no retry can mend). The lease is given back."""
    changes: dict[str, Any] = {
        "attempts": attempts, "last_error": error[:500], "lease_token": None, "lease_until": None,
    }  # fmt: skip
    if not error:
        changes["delivered_at"] = now
        return DeliveryState.DELIVERED, changes
    if final or attempts >= max_attempts:
        return DeliveryState.FAILED, changes
    changes["next_attempt_at"] = now + retry_wait(attempts, backoff_seconds)
    return DeliveryState.PENDING, changes


async def retry_failed(table: str, row_id: int, *, now: datetime) -> bool:
    """Send a FAILED row again with a fresh set of attempts (the same key or event id, so a
    receiver can still tell a repeat); False when the row is not FAILED."""
    sql = (
        f"UPDATE {table} SET state = 'pending', attempts = 0, next_attempt_at = ?, "  # noqa: S608
        "last_error = '' WHERE id = ? AND state = 'failed'"
    )
    return await execute(sql, [now, row_id]) == 1
