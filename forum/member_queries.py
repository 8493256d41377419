"""Members as others see them: their record (answers, accepted answers, kudos, points earned),
their rank, the boards they help most on and their recent answers. Only what is visible counts:
hidden or removed answers, and answers to hidden or removed questions, are left out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from forum.db import as_datetime, fetch_dicts, in_list
from forum.errors import NotFound
from forum.i18n import gettext as _
from forum.models import MemberBadge, Role, User
from forum.permissions import can_see_member
from forum.queries import find_user
from forum.ranks import rank_of
from rewards.models import AWARD_KINDS, REVERSAL_KINDS

RECENT_ANSWERS = 10
TOP_BOARDS = 3

_AWARDS = ", ".join(f"'{k.value}'" for k in AWARD_KINDS)
_REVERSALS = ", ".join(f"'{k.value}'" for k in REVERSAL_KINDS)
# Fragments shared by the profile, the leaderboard and the badges, so that "points earned" and
# "accepted answer" mean one thing everywhere. Ledger transfers `t` with `o` LEFT JOINed on
# `o.id = t.reverses_id`: awards count, reversals of awards take away (adjustments do neither).
EARNED_TRANSFERS = (
    f"(t.kind IN ({_AWARDS}) OR (t.kind IN ({_REVERSALS}) AND o.kind IN ({_AWARDS})))"
)
EARNED_POINTS = f"SUM(CASE WHEN t.kind IN ({_AWARDS}) THEN t.amount ELSE -t.amount END)"
# An answer `a` to question `q`, accepted by its asker: help to someone else, not oneself.
ACCEPTED_BY_OTHER = "q.accepted_answer_id = a.id AND q.author_id <> a.author_id"
ACCEPTED_BY_OTHERS = f"SUM(CASE WHEN {ACCEPTED_BY_OTHER} THEN 1 ELSE 0 END)"
# One statement for any number of members: their visible answers, those accepted (by someone
# else: an answer to one's own question helps no one), the kudos on
# them, and the points earned over a lifetime (awards, less the reversals of awards).
_RECORDS = f"""
SELECT m.id AS member_id, COALESCE(s.answers, 0) AS answers, COALESCE(s.accepted, 0) AS accepted,
       COALESCE(s.kudos, 0) AS kudos, COALESCE(e.earned, 0) AS earned
FROM users m
LEFT JOIN (
    SELECT a.author_id AS member_id, COUNT(*) AS answers,
           {ACCEPTED_BY_OTHERS} AS accepted,
           CAST(SUM(a.kudos_count) AS BIGINT) AS kudos
    FROM answers a JOIN questions q ON q.id = a.question_id
    WHERE a.author_id IN {{members}} AND a.visibility = 'visible' AND q.visibility = 'visible'
    GROUP BY a.author_id
) s ON s.member_id = m.id
LEFT JOIN (
    SELECT t.member_id AS member_id,
           CAST({EARNED_POINTS} AS BIGINT) AS earned
    FROM ledger_transfers t LEFT JOIN ledger_transfers o ON o.id = t.reverses_id
    WHERE t.member_id IN {{members}}
      AND {EARNED_TRANSFERS}
    GROUP BY t.member_id
) e ON e.member_id = m.id
WHERE m.id IN {{members}}
"""  # noqa: S608 - fixed fragments; every value is a parameter
_TOP_BOARDS = f"""
SELECT b.slug AS slug, b.name AS name, b.name_nl AS name_nl, COUNT(*) AS answers
FROM answers a JOIN questions q ON q.id = a.question_id JOIN boards b ON b.id = q.board_id
WHERE a.author_id = ? AND a.visibility = 'visible' AND q.visibility = 'visible'
GROUP BY b.slug, b.name, b.name_nl ORDER BY COUNT(*) DESC, b.slug LIMIT {TOP_BOARDS}
"""  # noqa: S608 - fixed fragments; every value is a parameter
_RECENT = f"""
SELECT a.id AS id, a.question_id AS question_id, q.title AS question_title,
       a.created_at AS created_at, a.kudos_count AS kudos,
       CASE WHEN q.accepted_answer_id = a.id THEN 1 ELSE 0 END AS accepted
FROM answers a JOIN questions q ON q.id = a.question_id
WHERE a.author_id = ? AND a.visibility = 'visible' AND q.visibility = 'visible'
ORDER BY a.created_at DESC, a.id DESC LIMIT {RECENT_ANSWERS}
"""  # noqa: S608 - fixed fragments; every value is a parameter


@dataclass(frozen=True)
class Record:
    answers: int = 0
    accepted_answers: int = 0
    kudos_received: int = 0
    points_earned: int = 0


@dataclass(frozen=True)
class MemberProfile:
    user: User
    record: Record
    rank: str | None
    top_boards: list[dict[str, Any]] = field(default_factory=list)
    recent_answers: list[dict[str, Any]] = field(default_factory=list)
    badges: list[dict[str, Any]] = field(default_factory=list)


async def records(member_ids: list[int]) -> dict[int, Record]:
    """The record of each member, in one statement however many members."""
    ids = sorted({int(m) for m in member_ids})
    if not ids:
        return {}
    rows = await fetch_dicts(_RECORDS.format(members=in_list(len(ids))), [*ids, *ids, *ids])
    return {
        int(r["member_id"]): Record(
            answers=int(r["answers"]),
            accepted_answers=int(r["accepted"]),
            kudos_received=int(r["kudos"]),
            points_earned=int(r["earned"]),
        )
        for r in rows
    }


async def ranks(authors: dict[int, Role | str]) -> dict[int, str | None]:
    """The rank of each author (id -> role) of a page's posts."""
    by_member = await records(list(authors))
    ranked: dict[int, str | None] = {}
    for member, role in authors.items():
        record = by_member.get(member, Record())
        ranked[member] = rank_of(role, record.points_earned, record.accepted_answers)
    return ranked


async def get_member_profile(username: object, viewer: User | None) -> MemberProfile:
    """A member's public profile; a suspended member's is staff's only (NotFound for others)."""
    member = await find_user(username)
    if member is None or not can_see_member(viewer, member):
        raise NotFound(_("There is no member with that name."), field="username")
    record = (await records([member.id])).get(member.id, Record())
    recent = await fetch_dicts(_RECENT, [member.id])
    for answer in recent:
        answer["accepted"] = bool(answer["accepted"])
        answer["created_at"] = as_datetime(answer["created_at"])
    return MemberProfile(
        user=member,
        record=record,
        rank=rank_of(member.role, record.points_earned, record.accepted_answers),
        top_boards=await fetch_dicts(_TOP_BOARDS, [member.id]),
        recent_answers=recent,
        badges=list(
            await MemberBadge.filter(user_id=member.id)
            .order_by("awarded_at", "id")
            .values("badge", "awarded_at")
        ),
    )
