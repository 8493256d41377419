"""Scheduler entry points for rewards: the payout close and the ledger's reconciliation. Every
job is safe to run in any number of processes at once; the actions make the close exactly-once
in the database, and the reconciliation only reads."""

from __future__ import annotations

import logging
from datetime import datetime

from forum.clock import resolve
from forum.settings import get_settings
from rewards.actions.payouts import do_close_period
from rewards.models import BatchState, PayoutBatch, Transfer
from rewards.periods import finished_periods
from rewards.queries import Reconciliation, reconcile

log = logging.getLogger("peerdesk.jobs")


async def close_finished_periods(now: datetime | None = None) -> list[str]:
    """Close, oldest first, every finished period since the ledger's first entry that has no
    finished batch: the nightly run, and the catch-up after downtime. The closed labels."""
    now = resolve(now)
    first = await Transfer.all().order_by("created_at").first().values_list("created_at", flat=True)
    if first is None:
        return []
    periods = finished_periods(now, get_settings().payout_period, since=first)  # type: ignore[arg-type]
    done = set(
        await PayoutBatch.filter(period__in=[p.label for p in periods])
        .exclude(state=BatchState.CLOSING)
        .values_list("period", flat=True)
    )
    closed = []
    for period in periods:
        if period.label not in done:
            batch, _ = await do_close_period(period, now=now)
            log.info("payout period %s closed: batch %s", period.label, batch.id)
            closed.append(period.label)
    return closed


class LedgerOutOfBalance(Exception):
    """The reconciliation found problems: the job fails, and the operations page says why."""

    def __init__(self, result: Reconciliation) -> None:
        shown = "; ".join(result.problems[:3])
        super().__init__(f"{len(result.problems)} problem(s): {shown}")
        self.result = result


async def check_ledger() -> Reconciliation:
    """Reconcile the whole ledger (rewards.queries.reconcile); LedgerOutOfBalance on a problem."""
    result = await reconcile()
    if not result.ok:
        log.error("ledger reconciliation: %s problem(s)", len(result.problems))
        raise LedgerOutOfBalance(result)
    return result
