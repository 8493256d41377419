"""Automatic holds: nothing pays what was taken back (PRODUCT.md §3).

A member suspended after the close, or whose awards counted in a line are reversed after it
(a fraud reversal, a removed or unaccepted answer, withdrawn kudos), has their open lines held,
each with a signal that names the event (UNIQUE(line, code): one per kind of event) and keeps its
facts, which rewards.signals words in the reader's language. Runs in the transaction of the
event, and before its ledger lock: batch rows are locked first, as every payout decision does,
so the two never wait on each other in opposite orders. A hold changes the batch, so it voids
the approvals given so far, like finance's own hold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.expressions import F

from rewards.models import (
    BatchState,
    LineState,
    PayoutBatch,
    PayoutDecision,
    PayoutLine,
    PayoutSignal,
    Transfer,
)
from rewards.signals import english_detail

SUSPENDED_AFTER_CLOSE = "suspended_after_close"
REVERSED_AFTER_CLOSE = "reversed_after_close"
# The event of finance's fraud reversal (the others are the system reasons of awards).
FRAUD_REVERSAL = "fraud reversal"
# Batches whose pending lines may still be paid; a paid batch's held lines await a decision.
_OPEN = (BatchState.REVIEW, BatchState.APPROVED, BatchState.PAYING)
_WATCHED = (*_OPEN, BatchState.PAID)


@dataclass(frozen=True)
class Hold:
    member_id: int
    code: str
    # The facts rewards.signals words into the signal's sentence.
    params: dict[str, Any]
    # Only lines of batches cut off after this moment counted the points concerned (None: all).
    counted_after: datetime | None = None


async def hold_open_lines(
    member_id: int,
    *,
    code: str,
    now: datetime,
    params: dict[str, Any],
    counted_after: datetime | None = None,
) -> int:
    """Hold the member's pending lines and sign their held ones; how many were held now.
    `params` are the signal's facts, e.g. {"reason": ...} for SUSPENDED_AFTER_CLOSE."""
    return await hold_lines([Hold(member_id, code, params, counted_after)], now=now)


async def hold_lines(holds: Sequence[Hold], *, now: datetime) -> int:
    """Apply `holds`, locking every batch concerned in id order first (so two transactions that
    hold lines of the same batches never wait on each other in opposite orders)."""
    found: list[tuple[PayoutLine, Hold]] = []
    for hold in holds:
        filters: dict[str, object] = {
            "member_id": hold.member_id,
            "state__in": (LineState.PENDING, LineState.HELD),
            "batch__state__in": _WATCHED,
        }
        if hold.counted_after is not None:
            filters["batch__cutoff__gt"] = hold.counted_after
        found += [(line, hold) for line in await PayoutLine.filter(**filters)]
    batches = {}
    for batch_id in sorted({int(line.batch_id) for line, _ in found}):  # type: ignore[attr-defined]
        batches[batch_id] = await PayoutBatch.filter(id=batch_id).select_for_update().get()
    exported = set(
        await PayoutDecision.filter(batch_id__in=list(batches), action="export").values_list(
            "batch_id", flat=True
        )
    )
    held = 0
    for line, hold in found:
        batch = batches[int(line.batch_id)]  # type: ignore[attr-defined]
        params = {**hold.params, "exported": True} if batch.id in exported else hold.params
        detail = english_detail(hold.code, params)
        await PayoutSignal.bulk_create(
            [PayoutSignal(line_id=line.id, code=hold.code, detail=detail[:500], params=params)],
            ignore_conflicts=True,
        )
        if batch.state not in _OPEN:
            continue
        changed = await PayoutLine.filter(id=line.id, state=LineState.PENDING).update(
            state=LineState.HELD, reason=detail[:500], decided_by_id=None, decided_at=now
        )
        if changed and batch.state != BatchState.PAYING:
            await PayoutBatch.filter(id=batch.id).update(
                version=F("version") + 1, state=BatchState.REVIEW
            )
        held += changed
    return held


async def hold_for_reversals(
    originals: Sequence[Transfer], *, event: str, now: datetime, reason: str = ""
) -> None:
    """Before `originals` (awards) are reversed: hold the lines that counted them. `event` is
    a system reason of awards, or FRAUD_REVERSAL with finance's `reason`."""
    by_member: dict[int, list[Transfer]] = defaultdict(list)
    for transfer in {t.id: t for t in originals}.values():
        member_id = transfer.member_id  # type: ignore[attr-defined]
        if member_id is not None:
            by_member[int(member_id)].append(transfer)
    await hold_lines(
        [
            Hold(
                member_id,
                REVERSED_AFTER_CLOSE,
                {
                    "points": sum(t.amount for t in transfers),
                    "event": event,
                    **({"reason": reason} if reason else {}),
                },
                counted_after=min(t.created_at for t in transfers),
            )
            for member_id, transfers in sorted(by_member.items())
        ],
        now=now,
    )
