"""Scheduler entry points for the forum: the escalation sweep. Safe in any number of processes
at once: the actions keep one open item per question and reason, and count a breach once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from forum.actions.escalations import SWEEP_BATCH, mark_breaches, try_sweep_one_batch
from forum.clock import resolve


@dataclass(frozen=True)
class Sweep:
    timers: int
    opened: int
    breached: int


async def sweep_escalations(now: datetime | None = None) -> Sweep:
    """Escalate the questions whose board SLA ran out, then count the new breaches."""
    now = resolve(now)
    timers = opened = 0
    while True:
        seen, new = await try_sweep_one_batch(now)
        timers, opened = timers + seen, opened + new
        if seen < SWEEP_BATCH:
            break
    return Sweep(timers=timers, opened=opened, breached=await mark_breaches(now))
