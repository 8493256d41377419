"""The in-process scheduler (APScheduler 3.x, STACK.md §2), started by the app's lifespan unless
PEERDESK_SCHEDULER=0. It coordinates nothing across processes: each job is exactly-once in the
database, so every process may run it."""

from __future__ import annotations

from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from forum.jobs import (
    award_badges,
    deliver_webhooks,
    remind_to_accept,
    send_mail,
    sweep_escalations,
)
from rewards.jobs import close_finished_periods

HOUR = 3600


def start_scheduler() -> AsyncIOScheduler:
    """Needs the running event loop: call it inside the lifespan."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    common = {"replace_existing": True, "max_instances": 1, "coalesce": True}
    # Shortly after 00:00 UTC, when a period ends; a process that was down at the time still
    # runs it within the grace, and the start-up run catches up on anything older.
    scheduler.add_job(
        close_finished_periods,
        "cron",
        hour=0,
        minute=5,
        id="payouts-close",
        misfire_grace_time=12 * HOUR,
        **common,
    )
    scheduler.add_job(
        close_finished_periods,
        "date",
        run_date=datetime.now(UTC),
        id="payouts-close-catch-up",
        misfire_grace_time=HOUR,
        **common,
    )
    scheduler.add_job(
        sweep_escalations, "interval", minutes=1, id="escalations-sweep", misfire_grace_time=50,
        **common,
    )  # fmt: skip
    scheduler.add_job(
        deliver_webhooks, "interval", seconds=30, id="webhooks-deliver", misfire_grace_time=25,
        **common,
    )  # fmt: skip
    scheduler.add_job(
        send_mail, "interval", seconds=30, id="mail-send", misfire_grace_time=25, **common
    )
    scheduler.add_job(
        remind_to_accept, "interval", hours=1, id="notifications-remind", misfire_grace_time=HOUR,
        **common,
    )  # fmt: skip
    scheduler.add_job(
        award_badges, "interval", minutes=10, id="badges-award", misfire_grace_time=300, **common
    )
    scheduler.start()
    return scheduler
