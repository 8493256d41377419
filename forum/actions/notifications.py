"""Notifications (PRODUCT.md §1): an answer to your question, a staff reply, your answer
accepted, points awarded or reversed, a payout statement ready, the reminder to accept, and a
badge earned.

Each is written in the transaction of the event, under a key that names the event
(UNIQUE, ON CONFLICT DO NOTHING), so an event that runs twice notifies once. The accept
reminder is a job: once per question, PEERDESK_REMIND_ACCEPT_AFTER_DAYS (3) after asking, while
it is answered but unsolved.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from forum.clock import resolve
from forum.db import fetch_dicts, insert_rows
from forum.models import Notification, NotificationKind, User
from forum.settings import get_settings

_COLUMNS = (
    "user_id", "kind", "key", "question_id", "answer_id", "points", "period", "badge",
    "created_at",
)  # fmt: skip
# Questions older than this are not reminded any more (the job reads a bounded window).
REMIND_WITHIN = timedelta(days=30)


def note(
    user_id: int,
    kind: NotificationKind,
    key: str,
    *,
    question_id: int | None = None,
    answer_id: int | None = None,
    points: int = 0,
    period: str = "",
    badge: str = "",
) -> tuple[Any, ...]:
    return (user_id, kind.value, key, question_id, answer_id, points, period, badge)


async def notify(notes: Sequence[tuple[Any, ...]], *, now: datetime) -> None:
    """Write these notifications in the caller's transaction; those already written stay."""
    rows = [(*n, now) for n in notes]
    await insert_rows("notifications", _COLUMNS, rows, skip_existing="key")


async def check_mark_read(user: User, *, now: datetime | None = None) -> int:
    """Mark all of `user`'s notifications read: how many were unread."""
    return await Notification.filter(user_id=user.id, read_at=None).update(read_at=resolve(now))


# Answered (by someone other than the asker), not solved, not locked, asked 3 to 30 days ago,
# and not reminded yet.
_DUE_REMINDERS = """
SELECT q.id AS id, q.author_id AS author_id FROM questions q
WHERE q.state = 'answered' AND q.created_at <= ? AND q.created_at > ?
  AND q.visibility = 'visible'
  AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.key = 'remind_accept:' || q.id)
ORDER BY q.created_at LIMIT ?
"""
REMIND_BATCH = 500


async def try_remind_one_batch(now: datetime | None = None) -> int:
    """Remind the askers of the next batch of due questions: how many were due."""
    now = resolve(now)
    remind_after = timedelta(days=get_settings().remind_accept_after_days)
    async with in_transaction():
        due = await fetch_dicts(
            _DUE_REMINDERS, [now - remind_after, now - REMIND_WITHIN, REMIND_BATCH]
        )
        await notify(
            [
                note(
                    int(q["author_id"]),
                    NotificationKind.REMIND_ACCEPT,
                    f"remind_accept:{q['id']}",
                    question_id=int(q["id"]),
                )
                for q in due
            ],
            now=now,
        )
    return len(due)
