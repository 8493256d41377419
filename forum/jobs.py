"""Scheduler entry points for the forum: the escalation sweep, webhook and mail delivery, the
accept reminder and the badges. Safe in any
number of processes at once: the actions keep one open item per question and reason, count a
breach once, and send a delivery only under its lease."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import httpx

from forum.actions.badges import BADGES, try_award_one_batch
from forum.actions.escalations import SWEEP_BATCH, mark_breaches, try_sweep_one_batch
from forum.actions.mail import MAIL_BATCH, try_mail_one_batch, try_send_one_mail
from forum.actions.notifications import REMIND_BATCH, try_remind_one_batch
from forum.actions.webhooks import try_deliver_one_webhook
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


@dataclass(frozen=True)
class Delivery:
    delivered: int
    retrying: int
    failed: int


# Attempts per run: a backlog drains over a few runs instead of holding one run for hours.
DELIVERY_RUN_LIMIT = 500


async def deliver_webhooks(now: datetime | None = None) -> Delivery:
    """Send every due webhook delivery once (as of `now`, or the clock at each attempt)."""
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    async with httpx.AsyncClient(follow_redirects=False) as client:
        for _ in range(DELIVERY_RUN_LIMIT):
            attempt = await try_deliver_one_webhook(client, now)
            if attempt is None:
                break
            outcome = "delivered" if attempt.delivered else attempt.state.value
            counts["retrying" if outcome == "pending" else outcome] += 1
    return Delivery(**counts)


@dataclass(frozen=True)
class Mailing:
    notifications: int
    sent: int
    retrying: int
    failed: int


async def send_mail(now: datetime | None = None) -> Mailing:
    """Turn new notifications into mails, then send every due mail once."""
    notifications = 0
    while True:
        batch = await try_mail_one_batch(now)
        notifications += batch
        if batch < MAIL_BATCH:
            break
    counts = {"delivered": 0, "pending": 0, "failed": 0}
    for _ in range(DELIVERY_RUN_LIMIT):
        sent = await try_send_one_mail(now)
        if sent is None:
            break
        counts[sent.state.value] += 1
    return Mailing(notifications, counts["delivered"], counts["pending"], counts["failed"])


async def award_badges(now: datetime | None = None) -> int:
    """Give every member the badges they reached and lack: how many badges were awarded."""
    awarded = 0
    for badge in BADGES:
        after: int | None = 0
        while after is not None:
            after, count = await try_award_one_batch(badge, after, now)
            awarded += count
    return awarded


async def remind_to_accept(now: datetime | None = None) -> int:
    """Remind the askers of answered, unsolved questions asked 3 days ago: how many."""
    reminded = 0
    while True:
        batch = await try_remind_one_batch(now)
        reminded += batch
        if batch < REMIND_BATCH:
            return reminded
