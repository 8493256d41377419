"""A member's data, whole: what `/account/export` and `GET /api/v1/me/export` hand them (the
right of access). Everything Peerdesk holds about the member, never another member's personal
data: their posts (also hidden and removed ones), their kudos, acceptances, flags and follows,
their points with every entry, statements and payout lines, the mails sent to them, and what
staff recorded about them. Secrets (password and token hashes, links' tokens) are left out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.expressions import Q

from forum.models import (
    Acceptance,
    Answer,
    ApiToken,
    AuditEntry,
    EmailChange,
    Flag,
    Kudos,
    Mail,
    MemberBadge,
    Notification,
    Question,
    QuestionFollow,
    Revision,
    User,
)
from rewards.models import PayoutLine
from rewards.payout_queries import list_statements
from rewards.queries import get_points, list_entries

FORMAT = "peerdesk-export-1"


async def get_member_export(member: User, *, now: datetime) -> dict[str, Any]:
    points = await get_points(member)
    return {
        "format": FORMAT,
        "exported_at": now,
        "profile": {
            "id": member.id,
            "username": member.username,
            "display_name": member.display_name,
            "email": member.email,
            "email_confirmed_at": member.email_confirmed_at,
            "email_notifications": member.email_notifications,
            "role": member.role.value,
            "locale": member.locale,
            "payout_method": member.payout_method.value,
            "payout_address": member.payout_address,
            "signup_address": member.signup_address,
            "created_at": member.created_at,
            "suspended_at": member.suspended_at,
            "suspended_reason": member.suspended_reason,
        },
        "questions": await _rows(
            Question.filter(author_id=member.id),
            "id",
            "title",
            "body",
            "tags",
            "language",
            "state",
            "visibility",
            "created_at",
            "updated_at",
            board="board__slug",
        ),
        "answers": await _rows(
            Answer.filter(author_id=member.id),
            "id",
            "question_id",
            "body",
            "is_staff",
            "kudos_count",
            "visibility",
            "created_at",
            "updated_at",
        ),
        "revisions": await _rows(
            # Their edits of their own posts: an edit of another's post by staff keeps that
            # member's words, which are not this member's data.
            Revision.filter(editor_id=member.id).filter(
                Q(question__author_id=member.id) | Q(answer__author_id=member.id)
            ),
            "id",
            "question_id",
            "answer_id",
            "old_title",
            "old_body",
            "created_at",
        ),
        "kudos_given": await _rows(Kudos.filter(giver_id=member.id), "answer_id", "created_at"),
        "acceptances": await _rows(
            Acceptance.filter(accepted_by_id=member.id),
            "question_id",
            "answer_id",
            "created_at",
            "cleared_at",
        ),
        "flags": await _rows(
            Flag.filter(flagger_id=member.id), "post_key", "reason", "state", "created_at"
        ),
        "follows": await _rows(
            QuestionFollow.filter(user_id=member.id), "question_id", "following", "created_at"
        ),
        "badges": await _rows(MemberBadge.filter(user_id=member.id), "badge", "awarded_at"),
        "notifications": await _rows(
            Notification.filter(user_id=member.id),
            "kind",
            "question_id",
            "answer_id",
            "points",
            "period",
            "badge",
            "created_at",
            "read_at",
        ),
        "points": {
            "balance": points.balance,
            "reserved": points.reserved,
            "paid": points.paid,
            "entries": await _all_entries(member),
        },
        "statements": await list_statements(member, now=now, limit=1000),
        "payout_lines": await _rows(
            PayoutLine.filter(member_id=member.id),
            "points",
            "cents",
            "method",
            "address",
            "state",
            "reason",
            "decided_at",
            period="batch__period",
        ),
        "mails": [
            {**mail, "body": "" if mail.pop("redact") else mail["body"]}
            for mail in await _rows(
                Mail.filter(user_id=member.id),
                "to_address",
                "subject",
                "body",
                "redact",  # a link that logs in (a reset, a confirmation) is never handed out
                "state",
                "created_at",
                "delivered_at",
            )
        ],
        "email_changes": await _rows(
            EmailChange.filter(user_id=member.id), "new_email", "created_at", "used_at"
        ),
        "api_tokens": await _rows(ApiToken.filter(user_id=member.id), "created_at", "last_used_at"),
        "staff_records": await _rows(
            AuditEntry.filter(target_user_id=member.id), "action", "detail", "created_at"
        ),
    }


async def _rows(query: Any, *fields: str, **joined: str) -> list[dict[str, Any]]:
    rows = await query.order_by("created_at" if "created_at" in fields else "id").values(
        *fields, **joined
    )
    return [{k: getattr(v, "value", v) for k, v in row.items()} for row in rows]


async def _all_entries(member: User) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = await list_entries(member, cursor=cursor, limit=500)
        entries += page.items
        if page.next_cursor is None:
            return entries
        cursor = page.next_cursor
