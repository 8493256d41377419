"""The in-process scheduler (APScheduler 3.x, STACK.md §2), started by the app's lifespan unless
PEERDESK_SCHEDULER=0. It coordinates nothing across processes: each job is exactly-once in the
database, so every process may run it.

Every run is observed (`observed`): its time and outcome go to /metrics and to the job's row in
job_runs, which the operations page reads to warn of a stopped scheduler or a failing job. A
failed run is logged with its traceback and the next run tries again."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from forum.actions.job_runs import record_job_run
from forum.clock import utcnow
from forum.jobs import (
    award_badges,
    deliver_webhooks,
    remind_to_accept,
    send_mail,
    sweep_escalations,
)
from forum.metrics import observe_job
from rewards.jobs import check_ledger, close_finished_periods

HOUR = 3600
log = logging.getLogger("peerdesk.jobs")


def observed(job: str, run: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[None]]:
    """`run` with its time and outcome recorded (this process's metrics, the shared job_runs)."""

    async def observed_run() -> None:
        started, clock = utcnow(), time.perf_counter()
        error = ""
        try:
            await run()
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            log.exception("job %s failed", job)
        seconds = time.perf_counter() - clock
        observe_job(job, seconds, ok=not error)
        try:
            await record_job_run(
                job, started=started, finished=utcnow(), seconds=seconds, error=error
            )
        except Exception:  # the database is gone: the log and metrics still say it
            log.exception("job %s: its run could not be recorded", job)

    return observed_run


# id, job, trigger, the trigger's arguments, misfire grace (seconds). The close runs shortly
# after 00:00 UTC, when a period ends; a process that was down at the time still runs it within
# the grace, and the start-up run catches up on anything older. The ledger is checked at
# start-up and then hourly.
JOBS: tuple[tuple[str, Callable[[], Awaitable[Any]], str, dict[str, Any], int], ...] = (
    ("payouts-close", close_finished_periods, "cron", {"hour": 0, "minute": 5}, 12 * HOUR),
    ("escalations-sweep", sweep_escalations, "interval", {"minutes": 1}, 50),
    ("webhooks-deliver", deliver_webhooks, "interval", {"seconds": 30}, 25),
    ("mail-send", send_mail, "interval", {"seconds": 30}, 25),
    ("notifications-remind", remind_to_accept, "interval", {"hours": 1}, HOUR),
    ("badges-award", award_badges, "interval", {"minutes": 10}, 300),
    ("ledger-check", check_ledger, "interval", {"hours": 1}, HOUR),
)
AT_START = ("payouts-close", "ledger-check")


def start_scheduler() -> AsyncIOScheduler:
    """Needs the running event loop: call it inside the lifespan."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    common = {"replace_existing": True, "max_instances": 1, "coalesce": True}
    for job_id, job, trigger, when, grace in JOBS:
        run = observed(job_id, job)
        scheduler.add_job(run, trigger, id=job_id, misfire_grace_time=grace, **when, **common)
        if job_id in AT_START:
            scheduler.add_job(
                run, "date", run_date=datetime.now(UTC), id=f"{job_id}-at-start",
                misfire_grace_time=HOUR, **common,
            )  # fmt: skip
    scheduler.start()
    return scheduler
