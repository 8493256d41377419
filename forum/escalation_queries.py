"""The staff dashboard's figures (PRODUCT.md §4) over the last 7 or 30 days: whether "customers
help customers" answers customers, and how fast staff catch what the community misses.

Counts come from SQL; only the medians are taken in Python, over the window's rows."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from forum import validation as v
from forum.community_solved import SOLVED_BY_COMMUNITY
from forum.db import as_datetime, fetch_dicts
from forum.i18n import gettext as _

WINDOWS = (7, 30)
# Backlog buckets by the age of the open item: (label, up to this many hours).
AGE_BUCKETS = (("under_4h", 4), ("4h_to_24h", 24), ("1d_to_3d", 72), ("over_3d", None))

_OPEN_ITEMS = "SELECT opened_at FROM escalations WHERE state IN ('open', 'claimed')"
_ITEMS = """
SELECT opened_at, due_at, first_response_at, breached FROM escalations
WHERE opened_at >= ? AND opened_at < ?
"""
_QUESTIONS = f"""
SELECT q.created_at AS asked_at,
       (SELECT MIN(a.created_at) FROM answers a
        WHERE a.question_id = q.id AND a.author_id <> q.author_id
          AND a.visibility = 'visible') AS first_answer_at,
       CASE WHEN q.id IN (SELECT s.question_id FROM ({SOLVED_BY_COMMUNITY}) s) THEN 1 ELSE 0 END
           AS community_accepted,
       (SELECT COUNT(*) FROM escalations e WHERE e.question_id = q.id) AS escalations
FROM questions q
WHERE q.created_at >= ? AND q.created_at < ?
"""  # noqa: S608 - a fixed fragment


@dataclass
class QueueMetrics:
    days: int
    since: datetime
    backlog_by_age: dict[str, int] = field(default_factory=dict)
    opened: int = 0
    due: int = 0  # opened items whose first-response time has come: the breach rate's base
    breached: int = 0
    median_first_response_minutes: float | None = None
    questions: int = 0
    # The shares count only questions old enough to have had the whole 24 h or 72 h.
    asked_24h_ago: int = 0
    asked_72h_ago: int = 0
    answered_within_24h: int = 0
    answered_within_72h: int = 0
    median_first_answer_minutes: float | None = None
    community_solved: int = 0
    escalated: int = 0

    @property
    def backlog(self) -> int:
        return sum(self.backlog_by_age.values())

    def rate(self, part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    def as_dict(self) -> dict[str, Any]:
        q = self.questions
        return {
            "days": self.days,
            "since": self.since,
            "backlog": self.backlog,
            "backlog_by_age": self.backlog_by_age,
            "opened": self.opened,
            "breached": self.breached,
            "breach_rate": self.rate(self.breached, self.due),
            "median_first_response_minutes": self.median_first_response_minutes,
            "questions": q,
            "answered_within_24h_share": self.rate(self.answered_within_24h, self.asked_24h_ago),
            "answered_within_72h_share": self.rate(self.answered_within_72h, self.asked_72h_ago),
            "median_first_answer_minutes": self.median_first_answer_minutes,
            "community_solved_rate": self.rate(self.community_solved, q),
            "escalation_rate": self.rate(self.escalated, q),
        }


def _minutes(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def parse_days(value: Any) -> int:
    if value in (None, ""):
        return WINDOWS[0]
    errors = v.Errors()
    days = v.choice(errors, "days", str(value), tuple(str(d) for d in WINDOWS), _("Days"))
    errors.raise_if_any()
    return int(days)


async def get_queue_metrics(*, now: datetime, days: int) -> QueueMetrics:
    since = now - timedelta(days=days)
    metrics = QueueMetrics(days=days, since=since)
    metrics.backlog_by_age = {label: 0 for label, _ in AGE_BUCKETS}
    for row in await fetch_dicts(_OPEN_ITEMS):
        hours = (now - as_datetime(row["opened_at"])).total_seconds() / 3600
        label = next(name for name, limit in AGE_BUCKETS if limit is None or hours < limit)
        metrics.backlog_by_age[label] += 1
    responses = []
    for row in await fetch_dicts(_ITEMS, [since, now]):
        metrics.opened += 1
        metrics.due += as_datetime(row["due_at"]) <= now
        metrics.breached += 1 if row["breached"] else 0
        if row["first_response_at"] is not None:
            opened = as_datetime(row["opened_at"])
            responses.append(_minutes(opened, as_datetime(row["first_response_at"])))
    metrics.median_first_response_minutes = _median(responses)
    answers = []
    for row in await fetch_dicts(_QUESTIONS, [since, now]):
        metrics.questions += 1
        metrics.escalated += 1 if int(row["escalations"]) else 0
        if int(row["community_accepted"]):
            metrics.community_solved += 1
        asked = as_datetime(row["asked_at"])
        old_24, old_72 = asked <= now - timedelta(hours=24), asked <= now - timedelta(hours=72)
        metrics.asked_24h_ago += old_24
        metrics.asked_72h_ago += old_72
        if row["first_answer_at"] is not None:
            waited = _minutes(asked, as_datetime(row["first_answer_at"]))
            answers.append(waited)
            metrics.answered_within_24h += old_24 and waited <= 24 * 60
            metrics.answered_within_72h += old_72 and waited <= 72 * 60
    metrics.median_first_answer_minutes = _median(answers)
    return metrics
