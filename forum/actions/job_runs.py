"""Job runs: each scheduled job's record across every process (JobRun), written as a run ends.

One UPSERT a run, counting from the row's own values (no read first): two processes that end a
run at once both count. A failed run keeps the last success's time, so "failing since" shows.
"""

from __future__ import annotations

from datetime import datetime

from forum.db import execute

# $1 job, $2 1 if it failed, $3 started, $4 succeeded at (NULL on failure), $5 failed at (NULL
# on success), $6 error, $7 seconds.
_RECORD = """
INSERT INTO job_runs (job, runs, failures, last_started_at, last_succeeded_at, last_failed_at,
                      last_error, last_seconds)
VALUES ($1, 1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (job) DO UPDATE SET
    runs = job_runs.runs + 1,
    failures = job_runs.failures + excluded.failures,
    last_started_at = excluded.last_started_at,
    last_succeeded_at = COALESCE(excluded.last_succeeded_at, job_runs.last_succeeded_at),
    last_failed_at = COALESCE(excluded.last_failed_at, job_runs.last_failed_at),
    last_error = CASE WHEN excluded.failures = 1 THEN excluded.last_error
                      ELSE job_runs.last_error END,
    last_seconds = excluded.last_seconds
"""


async def record_job_run(
    job: str, *, started: datetime, finished: datetime, seconds: float, error: str = ""
) -> None:
    failed = bool(error)
    await execute(
        _RECORD,
        [job, int(failed), started, None if failed else finished, finished if failed else None,
         error[:2000], seconds],
    )  # fmt: skip
