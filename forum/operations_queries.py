"""What an operator watches, read by the operations page and by /metrics alike: the mail and
webhook outboxes, the staff queue, the payout batches, and each scheduled job's last runs."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import redis.asyncio as redis

from forum.db import as_datetime, fetch_dicts
from forum.models import JobRun

# No escalation sweep started for this long: the scheduler has stopped in every process.
STALE_AFTER = timedelta(minutes=5)
SWEEP_JOB = "escalations-sweep"
LEDGER_JOB = "ledger-check"
READY_TIMEOUT = 2.0  # seconds a readiness check waits for the database or Redis
log = logging.getLogger(__name__)

_OUTBOX = """
SELECT state, COUNT(*) AS n, SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END) AS retrying,
       MIN(created_at) AS oldest
FROM {table} WHERE state IN ('pending', 'failed') GROUP BY state
"""
_QUEUE = """
SELECT state, COUNT(*) AS n, SUM(CASE WHEN breached THEN 1 ELSE 0 END) AS breached
FROM escalations WHERE state IN ('open', 'claimed') GROUP BY state
"""
_BATCHES = "SELECT state, COUNT(*) AS n FROM payout_batches GROUP BY state"
BATCH_STATES = ("closing", "review", "approved", "paying", "paid")


@dataclass(frozen=True)
class Outbox:
    pending: int = 0
    retrying: int = 0  # pending after a failed attempt
    failed: int = 0  # every attempt failed: an admin retries or lets it be
    oldest_pending: datetime | None = None


@dataclass(frozen=True)
class Alert:
    code: str  # what the page says, in the viewer's language (operations_dashboard.html)
    count: int = 0
    job: str = ""
    since: datetime | None = None
    detail: str = ""


@dataclass(frozen=True)
class Operations:
    now: datetime
    mail: Outbox
    webhooks: Outbox
    escalations: dict[str, int]  # open, claimed, breached (of those two)
    batches: dict[str, int]  # by state
    jobs: list[JobRun] = field(default_factory=list)

    def job(self, name: str) -> JobRun | None:
        return next((j for j in self.jobs if j.job == name), None)

    @property
    def alerts(self) -> list[Alert]:
        alerts = []
        for code, outbox in (("mail", self.mail), ("webhooks", self.webhooks)):
            if outbox.failed:
                alerts.append(Alert(f"{code}_failed", outbox.failed))
            if outbox.retrying:
                alerts.append(Alert(f"{code}_retrying", outbox.retrying))
        sweep = self.job(SWEEP_JOB)
        if sweep is None:
            alerts.append(Alert("scheduler_never"))
        elif sweep.last_started_at < self.now - STALE_AFTER:
            alerts.append(Alert("scheduler_stale", since=sweep.last_started_at))
        for run in self.jobs:
            if failing(run):
                code = "ledger_failed" if run.job == LEDGER_JOB else "job_failing"
                alerts.append(
                    Alert(code, job=run.job, since=run.last_failed_at, detail=run.last_error)
                )
        return alerts


def failing(run: JobRun) -> bool:
    """Its last run failed."""
    failed, succeeded = run.last_failed_at, run.last_succeeded_at
    return failed is not None and (succeeded is None or failed >= succeeded)


async def get_operations(now: datetime) -> Operations:
    queue = {"open": 0, "claimed": 0, "breached": 0}
    for row in await fetch_dicts(_QUEUE):
        queue[str(row["state"])] = int(row["n"])
        queue["breached"] += int(row["breached"] or 0)
    batches = dict.fromkeys(BATCH_STATES, 0)
    batches.update({str(r["state"]): int(r["n"]) for r in await fetch_dicts(_BATCHES)})
    return Operations(
        now=now,
        mail=await _outbox("mails"),
        webhooks=await _outbox("webhook_deliveries"),
        escalations=queue,
        batches=batches,
        jobs=await JobRun.all().order_by("job"),
    )


async def _outbox(table: str) -> Outbox:
    rows: dict[str, dict[str, Any]] = {
        str(r["state"]): r for r in await fetch_dicts(_OUTBOX.format(table=table))
    }
    pending, failed = rows.get("pending", {}), rows.get("failed", {})
    return Outbox(
        pending=int(pending.get("n", 0)),
        retrying=int(pending.get("retrying") or 0),
        failed=int(failed.get("n", 0)),
        oldest_pending=as_datetime(pending["oldest"]) if pending.get("oldest") else None,
    )


async def readiness(storage: str) -> dict[str, str]:
    """Whether this process can serve: its database answers, and the Redis the flood-control
    counts live in (when they live in one). "ok" or "unreachable" for each (the details go to
    the log: this answer is public)."""
    checks = {"database": "ok"}
    try:
        await asyncio.wait_for(fetch_dicts("SELECT 1 AS one"), timeout=READY_TIMEOUT)
    except Exception:  # any failure to reach it is "not ready", whatever it was
        log.warning("readiness: the database is unreachable", exc_info=True)
        checks["database"] = "unreachable"
    url = storage.removeprefix("async+")
    if url.startswith(("redis://", "rediss://", "unix://")):
        client = redis.Redis.from_url(url, socket_timeout=READY_TIMEOUT)
        try:
            await client.ping()  # type: ignore[misc]  # redis-py types it sync or async
            checks["redis"] = "ok"
        except Exception:
            log.warning("readiness: Redis is unreachable", exc_info=True)
            checks["redis"] = "unreachable"
        finally:
            await client.aclose()
    return checks
