"""Automatic holds: nothing pays what was taken back (PRODUCT.md §3).

A member suspended after the close, or whose awards counted in a line are reversed after it
(a fraud reversal, a removed or unaccepted answer, withdrawn kudos), has their open lines held,
each with a signal that names the event (UNIQUE(line, code): one per kind of event). Runs in the
transaction of the event, and before its ledger lock: batch rows are locked first, as every
payout decision does, so the two never wait on each other in opposite orders. A hold changes the
batch, so it voids the approvals given so far, like finance's own hold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from tortoise.expressions import F

from rewards.models import (
    BatchState,
    LineState,
    PayoutBatch,
    PayoutLine,
    PayoutSignal,
    Transfer,
)

SUSPENDED_AFTER_CLOSE = "suspended_after_close"
REVERSED_AFTER_CLOSE = "reversed_after_close"
# Batches whose pending lines may still be paid; a paid batch's held lines await a decision.
_OPEN = (BatchState.REVIEW, BatchState.APPROVED, BatchState.PAYING)
_WATCHED = (*_OPEN, BatchState.PAID)


async def hold_open_lines(
    member_id: int,
    *,
    code: str,
    detail: str,
    now: datetime,
    counted_after: datetime | None = None,
) -> int:
    """Hold the member's pending lines (of batches whose cut-off is after `counted_after`, when
    given: only those lines counted the points concerned) and sign their held ones; how many
    lines were held now."""
    filters: dict[str, object] = {
        "member_id": member_id,
        "state__in": (LineState.PENDING, LineState.HELD),
        "batch__state__in": _WATCHED,
    }
    if counted_after is not None:
        filters["batch__cutoff__gt"] = counted_after
    lines = await PayoutLine.filter(**filters).order_by("batch_id")
    held = 0
    for line in lines:
        batch_id = int(line.batch_id)  # type: ignore[attr-defined]
        batch = await PayoutBatch.filter(id=batch_id).select_for_update().get()
        await PayoutSignal.bulk_create(
            [PayoutSignal(line_id=line.id, code=code, detail=detail[:500])], ignore_conflicts=True
        )
        if batch.state not in _OPEN:
            continue
        changed = await PayoutLine.filter(id=line.id, state=LineState.PENDING).update(
            state=LineState.HELD, reason=detail[:500], decided_by_id=None, decided_at=now
        )
        if changed and batch.state != BatchState.PAYING:
            await PayoutBatch.filter(id=batch_id).update(
                version=F("version") + 1, state=BatchState.REVIEW
            )
        held += changed
    return held


async def hold_for_reversals(originals: Sequence[Transfer], *, event: str, now: datetime) -> None:
    """Before `originals` (awards) are reversed: hold the lines that counted them."""
    by_member: dict[int, list[Transfer]] = defaultdict(list)
    for transfer in originals:
        member_id = transfer.member_id  # type: ignore[attr-defined]
        if member_id is not None:
            by_member[int(member_id)].append(transfer)
    for member_id, transfers in sorted(by_member.items()):
        points = sum(t.amount for t in transfers)
        await hold_open_lines(
            member_id,
            code=REVERSED_AFTER_CLOSE,
            detail=f"{points} points reversed after the close: {event}",
            now=now,
            counted_after=min(t.created_at for t in transfers),
        )
