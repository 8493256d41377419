"""Badges: what a member's help has reached, awarded by a job (forum.jobs.award_badges).

Each badge is awarded once per member: member_badges is UNIQUE(user_id, badge) and its
notification's key names both, and both are written ON CONFLICT DO NOTHING in one transaction
per member and badge, so a run that is repeated, or runs in two processes at once, awards and
notifies once. Only visible answers to visible questions count; staff and suspended members
earn none. A badge stays once earned.

A badge reached more than NEWS_WITHIN ago is awarded without a notification: on the first run
after an upgrade the job awards the badges of years of history, and that is not news.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from forum.actions.notifications import note, notify
from forum.clock import resolve
from forum.db import as_datetime, fetch_dicts, insert_rows, is_postgres
from forum.i18n import gettext as _
from forum.member_queries import ACCEPTED_BY_OTHER, ACCEPTED_BY_OTHERS
from forum.models import NotificationKind

# badge: (the measure over a member's visible answers, the least it must reach)
COUNTED: dict[str, tuple[str, int]] = {
    "first_answer": ("answers", 1),
    "first_accepted": ("accepted", 1),
    "accepted_10": ("accepted", 10),
    "accepted_100": ("accepted", 100),
    "kudos_50": ("kudos", 50),
    "quick_answer": ("quick", 1),
}
STREAK = "streak_30"
STREAK_DAYS = 30
QUICK_SECONDS = 600
BADGES = (*COUNTED, STREAK)
AWARD_BATCH = 200
NEWS_WITHIN = timedelta(days=7)

_SECONDS = {
    "sqlite": "(julianday(a.created_at) - julianday(q.created_at)) * 86400.0",
    "postgres": "EXTRACT(EPOCH FROM (a.created_at - q.created_at))",
}
_DAY = {
    "sqlite": "date(a.created_at)",
    "postgres": "CAST(a.created_at AT TIME ZONE 'UTC' AS DATE)",
}
# Answer `a` to question `q` came within QUICK_SECONDS, from someone else than the asker.
_QUICK = "a.author_id <> q.author_id AND {seconds} <= {quick}"
_MEASURES = {
    "answers": "COUNT(*)",
    "accepted": ACCEPTED_BY_OTHERS,
    "kudos": "SUM(a.kudos_count)",
    "quick": f"SUM(CASE WHEN {_QUICK} THEN 1 ELSE 0 END)",
    "days": "COUNT(DISTINCT {day})",
}
# Members who reach `measure` and lack the badge, after a member id (a cursor through them).
_CANDIDATES = """
SELECT a.author_id AS member_id
FROM answers a JOIN questions q ON q.id = a.question_id JOIN users u ON u.id = a.author_id
WHERE {visible} AND u.role = 'member' AND u.suspended_at IS NULL AND a.author_id > ?
  AND NOT EXISTS (SELECT 1 FROM member_badges b WHERE b.user_id = a.author_id AND b.badge = ?)
GROUP BY a.author_id HAVING {measure} >= ?
ORDER BY a.author_id LIMIT ?
"""
# When a member reached a counted measure: the moment of its n-th event (OFFSET n - 1).
_VISIBLE = "a.visibility = 'visible' AND q.visibility = 'visible'"
_REACHED = {
    "answers": """
SELECT a.created_at AS at FROM answers a JOIN questions q ON q.id = a.question_id
WHERE a.author_id = ? AND {visible} ORDER BY a.created_at LIMIT 1 OFFSET ?""",
    "accepted": """
SELECT c.created_at AS at FROM acceptances c JOIN answers a ON a.id = c.answer_id
JOIN questions q ON q.id = c.question_id
WHERE a.author_id = ? AND {visible} AND {accepted} AND c.active_question_id IS NOT NULL
ORDER BY c.created_at LIMIT 1 OFFSET ?""",
    "kudos": """
SELECT k.created_at AS at FROM kudos k JOIN answers a ON a.id = k.answer_id
JOIN questions q ON q.id = a.question_id
WHERE a.author_id = ? AND {visible} ORDER BY k.created_at LIMIT 1 OFFSET ?""",
    "quick": """
SELECT a.created_at AS at FROM answers a JOIN questions q ON q.id = a.question_id
WHERE a.author_id = ? AND {visible} AND {is_quick}
ORDER BY a.created_at LIMIT 1 OFFSET ?""",
}
_DAYS = """
SELECT DISTINCT {day} AS day FROM answers a JOIN questions q ON q.id = a.question_id
WHERE a.author_id = ? AND {visible}
ORDER BY day
"""


def badge_name(badge: str) -> str:
    """A badge's name in the current locale."""
    names = {
        "first_answer": _("First answer"),
        "first_accepted": _("First accepted answer"),
        "accepted_10": _("10 accepted answers"),
        "accepted_100": _("100 accepted answers"),
        "kudos_50": _("50 kudos received"),
        "quick_answer": _("Answered within 10 minutes"),
        "streak_30": _("30-day streak"),
    }
    return names.get(badge, badge)


def _sql(template: str, measure: str = "") -> str:
    dialect = "postgres" if is_postgres(Tortoise.get_connection("default")) else "sqlite"
    parts = {"seconds": _SECONDS[dialect], "day": _DAY[dialect], "quick": QUICK_SECONDS}
    return template.format(
        measure=_MEASURES.get(measure, "").format(**parts),
        visible=_VISIBLE,
        accepted=ACCEPTED_BY_OTHER,
        is_quick=_QUICK.format(**parts),
        **parts,
    )


async def award(member_id: int, badge: str, *, now: datetime, news: bool = True) -> None:
    """The badge and, when it is `news`, its notification, once: a second call changes
    nothing."""
    async with in_transaction():
        await insert_rows(
            "member_badges", ("user_id", "badge", "awarded_at"), [(member_id, badge, now)],
            skip_existing="user_id, badge",
        )  # fmt: skip
        if news:
            key = f"badge:{member_id}:{badge}"
            await notify([note(member_id, NotificationKind.BADGE, key, badge=badge)], now=now)


async def try_award_one_batch(
    badge: str, after: int, now: datetime | None = None
) -> tuple[int | None, int]:
    """Award `badge` to the next members (ids above `after`) who reached it: the last member id
    looked at (None when there were no more) and how many were awarded it."""
    now = resolve(now)
    measure, least = COUNTED.get(badge, ("days", STREAK_DAYS))
    rows = await fetch_dicts(_sql(_CANDIDATES, measure), [after, badge, least, AWARD_BATCH])
    awarded = 0
    for row in rows:
        member = int(row["member_id"])
        if badge == STREAK:
            reached = await _streak_reached(member)
            if reached is None:
                continue
        else:
            reached = await _reached(member, measure, least)
        await award(member, badge, now=now, news=reached is None or reached >= now - NEWS_WITHIN)
        awarded += 1
    return (int(rows[-1]["member_id"]) if rows else None), awarded


async def _reached(member_id: int, measure: str, least: int) -> datetime | None:
    """When the member's `measure` reached `least` (None if it no longer has)."""
    rows = await fetch_dicts(_sql(_REACHED[measure]), [member_id, least - 1])
    return as_datetime(rows[0]["at"]) if rows else None


async def _streak_reached(member_id: int) -> datetime | None:
    """The end of the first run of answers on STREAK_DAYS UTC days in a row (None: no run)."""
    days = [_as_date(r["day"]) for r in await fetch_dicts(_sql(_DAYS), [member_id])]
    run = 0
    for i, day in enumerate(days):
        run = run + 1 if i and day - days[i - 1] == timedelta(days=1) else 1
        if run >= STREAK_DAYS:
            return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)
    return None


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
