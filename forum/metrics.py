"""Prometheus metrics (`GET /metrics`, prometheus-client's text format).

Two kinds of figures. Each process counts its own requests and job runs; with several worker
processes (`run.py serve --workers N` sets PROMETHEUS_MULTIPROC_DIR for them) the client library
keeps them in files in that folder and a scrape adds up every worker's. What lives in the
database (the outboxes, the staff queue, payout batches, each job's last success and the ledger
check) is read at scrape time, so every host reports the same numbers.

Only the addresses in PEERDESK_METRICS_ALLOW, or a caller with PEERDESK_METRICS_TOKEN, may read
it; anyone else gets a 404, as if there were nothing there.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from forum.operations_queries import LEDGER_JOB, Operations, failing

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter(
    "peerdesk_http_requests",
    "HTTP requests by route template, method and status.",
    ["route", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "peerdesk_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
JOB_RUNS = Counter(
    "peerdesk_job_runs", "Scheduled job runs by job and outcome (ok, failed).", ["job", "outcome"]
)
JOB_SECONDS = Histogram(
    "peerdesk_job_duration_seconds",
    "Time a scheduled job's run took.",
    ["job"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0),
)


# Each (route, method, status)'s two series, found once: labels() checks and converts every
# value on every call. Few keys: route templates, METHODS and the statuses the app answers.
_request_series: dict[tuple[str, str, int], tuple[Any, Any]] = {}


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    key = (route, method, status)
    series = _request_series.get(key)
    if series is None:
        series = REQUESTS.labels(route, method, str(status)), REQUEST_SECONDS.labels(route, method)
        _request_series[key] = series
    series[0].inc()
    series[1].observe(seconds)


def observe_job(job: str, seconds: float, *, ok: bool) -> None:
    JOB_RUNS.labels(job, "ok" if ok else "failed").inc()
    JOB_SECONDS.labels(job).observe(seconds)


def exposition(operations: Operations) -> bytes:
    """This process's figures (or every worker's), then the database's."""
    registry = REGISTRY
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    shared = CollectorRegistry(auto_describe=False)
    shared.register(_Figures(operations))
    return generate_latest(registry) + generate_latest(shared)


class _Figures(Collector):
    def __init__(self, operations: Operations) -> None:
        self.operations = operations

    def collect(self) -> Iterator[Metric]:
        ops = self.operations
        yield from _outbox_families(ops)
        queue = GaugeMetricFamily(
            "peerdesk_escalations", "Staff queue items by state.", labels=["state"]
        )
        for state in ("open", "claimed"):
            queue.add_metric([state], ops.escalations[state])
        yield queue
        yield GaugeMetricFamily(
            "peerdesk_escalations_breached",
            "Open or claimed staff queue items past their first-response time.",
            value=ops.escalations["breached"],
        )
        batches = GaugeMetricFamily(
            "peerdesk_payout_batches", "Payout batches by state.", labels=["state"]
        )
        for state, n in ops.batches.items():
            batches.add_metric([state], n)
        yield batches
        yield from _job_families(ops)


def _outbox_families(ops: Operations) -> Iterable[Metric]:
    families = {
        "pending": GaugeMetricFamily(
            "peerdesk_outbox_pending", "Deliveries waiting to be sent.", labels=["outbox"]
        ),
        "retrying": GaugeMetricFamily(
            "peerdesk_outbox_retrying",
            "Waiting deliveries whose earlier attempts failed.",
            labels=["outbox"],
        ),
        "failed": GaugeMetricFamily(
            "peerdesk_outbox_failed",
            "Deliveries that failed every attempt (an admin may retry them).",
            labels=["outbox"],
        ),
        "oldest": GaugeMetricFamily(
            "peerdesk_outbox_oldest_pending_seconds",
            "Age of the oldest waiting delivery.",
            labels=["outbox"],
        ),
    }
    for name, outbox in (("mail", ops.mail), ("webhooks", ops.webhooks)):
        families["pending"].add_metric([name], outbox.pending)
        families["retrying"].add_metric([name], outbox.retrying)
        families["failed"].add_metric([name], outbox.failed)
        oldest = outbox.oldest_pending
        families["oldest"].add_metric([name], (ops.now - oldest).total_seconds() if oldest else 0)
    return families.values()


def _job_families(ops: Operations) -> Iterable[Metric]:
    succeeded = GaugeMetricFamily(
        "peerdesk_job_last_success_timestamp_seconds",
        "When each scheduled job last succeeded, in any process.",
        labels=["job"],
    )
    failed = GaugeMetricFamily(
        "peerdesk_job_failing",
        "1 while a scheduled job's last run, in any process, failed.",
        labels=["job"],
    )
    for run in ops.jobs:
        if run.last_succeeded_at is not None:
            succeeded.add_metric([run.job], run.last_succeeded_at.timestamp())
        failed.add_metric([run.job], 1 if failing(run) else 0)
    yield succeeded
    yield failed
    check = ops.job(LEDGER_JOB)
    if check is not None:
        yield GaugeMetricFamily(
            "peerdesk_ledger_reconciled",
            "1 if the last ledger reconciliation found no problem, else 0.",
            value=0 if failing(check) else 1,
        )
        yield GaugeMetricFamily(
            "peerdesk_ledger_reconciled_timestamp_seconds",
            "When the ledger was last reconciled.",
            value=check.last_started_at.timestamp(),
        )
