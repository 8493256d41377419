"""The OpenAPI document of /api/v1, built from one table so that it cannot forget an endpoint.

`tests/forum/test_openapi.py` checks that every API route is in this table and vice versa.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.api.base import ok

STR = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
TIME = {"type": "string", "format": "date-time"}
NULLABLE_STR = {"type": ["string", "null"]}
NULLABLE_NUM = {"type": ["number", "null"]}

_USER_REF = {"type": "object", "properties": {"username": STR, "display_name": STR}}
_ANSWER = {
    "type": "object",
    "properties": {
        "id": INT,
        "body": STR,
        "body_html": STR,
        "author": _USER_REF,
        "is_staff": BOOL,
        "kudos": INT,
        "accepted": BOOL,
        "created_at": TIME,
        "updated_at": TIME,
    },
}
_QUESTION_SUMMARY = {
    "type": "object",
    "properties": {
        "id": INT,
        "title": STR,
        "board": STR,
        "state": STR,
        "author": _USER_REF,
        "answer_count": INT,
        "tags": {"type": "array", "items": STR},
        "created_at": TIME,
        "last_activity_at": TIME,
    },
}
_QUESTION = {
    "type": "object",
    "properties": {
        "id": INT,
        "url": STR,
        "title": STR,
        "body": STR,
        "body_html": STR,
        "board": STR,
        "tags": {"type": "array", "items": STR},
        "state": STR,
        "author": _USER_REF,
        "accepted_answer_id": {"type": ["integer", "null"]},
        "duplicate_of": {"type": ["integer", "null"]},
        "following": {"type": ["boolean", "null"]},
        "created_at": TIME,
        "answers": {"type": "array", "items": _ANSWER},
    },
}
_ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": STR,
                "message": STR,
                # Each offending field and what is wrong with it (validation errors).
                "fields": {"type": "object", "additionalProperties": STR},
            },
            "required": ["code", "message"],
        }
    },
}


_ENTRY = {
    "type": "object",
    "properties": {
        "id": INT,
        "kind": STR,
        "points": {"type": "integer", "description": "signed: what the entry did to the balance"},
        "amount": {"type": "integer", "description": "the points the transfer moved"},
        "reverses": {"type": ["integer", "null"]},
        "reason": STR,
        "created_at": TIME,
        "reference": {
            "type": "object",
            "properties": {
                "cause": STR,
                "question_id": {"type": ["integer", "null"]},
                "answer_id": {"type": ["integer", "null"]},
                "url": NULLABLE_STR,
            },
        },
    },
}
_POINTS = {
    "type": "object",
    "properties": {
        "balance": INT,
        "reserved": INT,
        "paid": INT,
        "entries": {"type": "array", "items": _ENTRY},
        "next_cursor": NULLABLE_STR,
    },
}
_TRANSFER = {
    "type": "object",
    "properties": {
        "id": INT,
        "kind": STR,
        "amount": INT,
        "member": STR,
        "reverses": {"type": ["integer", "null"]},
        "reason": STR,
        "created_at": TIME,
    },
}


def _list_of(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"items": {"type": "array", "items": item}, "next_cursor": NULLABLE_STR},
    }


def _obj(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props}


_APPEAL = _obj(
    id=INT,
    line_id=INT,
    message=STR,
    state=STR,
    answer=STR,
    created_at=TIME,
    decided_at={"type": ["string", "null"]},
)


_BATCH = _obj(
    id=INT,
    period=STR,
    state=STR,
    starts_at=TIME,
    cutoff=TIME,
    total_points=INT,
    total_amount=STR,
    payable_amount=STR,
    currency=STR,
    line_count=INT,
    held_count=INT,
    approvals={"type": "array", "items": STR},
    approvals_required=INT,
    version=INT,
    paid_reference=NULLABLE_STR,
    paid_at={"type": ["string", "null"], "format": "date-time"},
)
_LINE = _obj(
    id=INT,
    member=STR,
    points=INT,
    amount=STR,
    method=STR,
    address=STR,
    state=STR,
    signals={"type": "array", "items": _obj(code=STR, detail=STR)},
    decided_by=NULLABLE_STR,
    reason=STR,
    decided_at={"type": ["string", "null"], "format": "date-time"},
)
_BATCH_WITH_LINES = {
    "type": "object",
    "properties": {
        **_BATCH["properties"],
        "lines": {"type": "array", "items": _LINE},
        "next_after": {"type": ["integer", "null"]},
    },
}
_STATEMENT = _obj(
    period=STR,
    state=STR,
    earned=INT,
    reversed=INT,
    reversals={"type": "array", "items": _obj(kind=STR, amount=INT, reason=STR, created_at=TIME)},
    line_state=NULLABLE_STR,
    points=INT,
    paid=INT,
    method=NULLABLE_STR,
    amount=NULLABLE_STR,
    currency=STR,
)
_ESCALATION = _obj(
    id=INT,
    question_id=INT,
    title=STR,
    board=STR,
    reason=STR,
    state=STR,
    opened_at=TIME,
    due_at=TIME,
    first_response_at={"type": ["string", "null"], "format": "date-time"},
    claimed_by=NULLABLE_STR,
    breached=BOOL,
    resolution=NULLABLE_STR,
    note=STR,
    resolved_at={"type": ["string", "null"], "format": "date-time"},
)
_HIT = _obj(
    id=INT, title=STR, board=STR, state=STR, answer_count=INT, created_at=TIME, url=STR,
    title_html=STR, snippet_html=STR,
)  # fmt: skip
_NOTIFICATION = _obj(
    id=INT, kind=STR, question_id={"type": ["integer", "null"]},
    answer_id={"type": ["integer", "null"]}, points=INT, period=STR, badge=STR, title=STR,
    username=STR, created_at=TIME, read_at={"type": ["string", "null"], "format": "date-time"},
)  # fmt: skip
_FLAG = _obj(id=INT, post=STR, reason=STR)
_MODERATED = _obj(post=STR, id=INT, visibility=STR)
_LOCK = _obj(id=INT, state=STR, locked_at={"type": ["string", "null"], "format": "date-time"})
_ME = _obj(
    id=INT,
    username=STR,
    display_name=STR,
    email=STR,
    role=STR,
    locale=STR,
    payout_method=STR,
    payout_address=STR,
    email_notifications=BOOL,
    email_confirmed=BOOL,
    is_moderator=BOOL,
)
_AUDIT = _obj(id=INT, action=STR, actor=STR, target=NULLABLE_STR, detail=STR, created_at=TIME)
_BOARD = _obj(
    slug=STR, name=STR, description=STR, name_nl=STR, description_nl=STR, sla_hours=INT,
    urgent=BOOL, question_count=INT,
)  # fmt: skip
_MAIL = _obj(
    id=INT,
    key=STR,
    to_address=STR,
    subject=STR,
    state=STR,
    attempts=INT,
    next_attempt_at=TIME,
    sent_via=STR,
    last_error=STR,
    created_at=TIME,
    delivered_at={"type": ["string", "null"], "format": "date-time"},
    redact=BOOL,
)
_DELIVERY = _obj(
    id=INT,
    event_id=STR,
    event=STR,
    url=STR,
    state=STR,
    attempts=INT,
    next_attempt_at=TIME,
    last_status={"type": ["integer", "null"]},
    last_error=STR,
    created_at=TIME,
    delivered_at={"type": ["string", "null"], "format": "date-time"},
)
_REPORT = _obj(
    period=STR,
    state=STR,
    currency=STR,
    points=_obj(
        issued=INT, reversed=INT, paid=INT, held=INT, forfeited=INT, pending=INT, returned=INT
    ),
    by_method={"type": "array", "items": _obj(method=STR, lines=INT, points=INT, amount=STR)},
    top_earners={"type": "array", "items": _obj(member=STR, points=INT)},
    community_solved_questions=INT,
    staff_solved_questions=INT,
    payout_cost=STR,
    cost_per_solved_question=NULLABLE_STR,
    staff_contact_cost=STR,
    deflection_estimate=STR,
    frozen_at=NULLABLE_STR,
    changes_to_earlier_periods={
        "type": "array",
        "items": _obj(
            period=STR,
            reversed_points=INT,
            reversed_amount=STR,
            unsolved_questions=INT,
            deflection_change=STR,
            line_changes={
                "type": "array",
                "items": _obj(action=STR, lines=INT, points=INT, amount=STR),
            },
        ),
    },
)
_KPIS = _obj(
    board=NULLABLE_STR,
    periods={
        "type": "array",
        "items": _obj(
            period=STR,
            starts_at=STR,
            cutoff=STR,
            questions=INT,
            median_first_answer_minutes=NULLABLE_NUM,
            p90_first_answer_minutes=NULLABLE_NUM,
            answered_within_24h_share=NULLABLE_NUM,
            answered_within_72h_share=NULLABLE_NUM,
            escalation_rate=NULLABLE_NUM,
            community_solved_rate=NULLABLE_NUM,
            community_solved=INT,
            earned_points=INT,
            cost_per_solved_question=NULLABLE_STR,
        ),
    },
)


# (method, path, summary, who, request body schema or None, success status, response schema)
ENDPOINTS: list[tuple[str, str, str, str, dict[str, Any] | None, int, dict[str, Any]]] = [
    (
        "post",
        "/auth/register",
        "Register a member account",
        "anyone",
        _obj(username=STR, email=STR, password=STR),
        201,
        _obj(id=INT, username=STR),
    ),
    (
        "post",
        "/auth/token",
        "Exchange credentials for an API token (shown once)",
        "anyone",
        _obj(username=STR, password=STR),
        200,
        _obj(token=STR, user=_obj(id=INT, username=STR, role=STR)),
    ),
    (
        "post",
        "/auth/password-reset",
        "Mail a one-time reset link to the account with this username or e-mail address "
        "(the same answer whether or not one matches)",
        "anyone",
        _obj(login=STR),
        202,
        _obj(detail=STR),
    ),
    (
        "post",
        "/auth/password-reset/confirm",
        "Set a new password with a reset link's token: once, before it expires",
        "anyone",
        _obj(token=STR, password=STR),
        200,
        _obj(id=INT, username=STR),
    ),
    (
        "get",
        "/me",
        "Your account",
        "member",
        None,
        200,
        _ME,
    ),
    (
        "patch",
        "/me",
        "Change locale, payout choice, display name or e-mail notifications",
        "member",
        _obj(
            display_name=STR,
            locale={"enum": ["en", "nl"]},
            payout_method={"enum": ["cash", "credit", "charity"]},
            payout_address=STR,
            email_notifications=BOOL,
        ),
        200,
        _ME,
    ),
    (
        "get",
        "/me/email",
        "Your e-mail address and the change waiting for its link, if any",
        "member",
        None,
        200,
        _obj(
            email=STR,
            confirmed=BOOL,
            pending={"type": ["object", "null"], "properties": {"email": STR, "expires_at": TIME}},
        ),
    ),
    (
        "delete",
        "/me/email",
        "Cancel the change waiting for its link (its link stops working)",
        "member",
        None,
        200,
        _obj(cancelled=BOOL),
    ),
    (
        "post",
        "/me/email",
        "Ask to change your e-mail address, with your password: a one-time link goes to the new "
        "address (202; 200 when it is your address already)",
        "member",
        _obj(email=STR, current_password=STR),
        202,
        _obj(detail=STR),
    ),
    (
        "post",
        "/me/email/confirm",
        "Set the new e-mail address, or confirm a new member's, with the mailed link's token: "
        "once, within 24 hours, by the member it was mailed for (a confirmed old address is told)",
        "member",
        _obj(token=STR),
        200,
        _ME,
    ),
    (
        "post",
        "/me/email/confirmation",
        "Mail a new link that confirms your present address (202; 200 when it is confirmed "
        "already; at most 3 an hour)",
        "member",
        None,
        202,
        _obj(detail=STR),
    ),
    (
        "post",
        "/admin/users/{id}/role",
        "Set a user's role",
        "admin",
        _obj(role={"enum": ["member", "staff", "finance", "admin"]}),
        200,
        _obj(id=INT, username=STR, role=STR),
    ),
    (
        "post",
        "/admin/users/{id}/email",
        "Set another member's e-mail address, confirmed (once support made sure it is theirs): "
        "every reset or address link mailed before stops working, a confirmed old address is told",
        "admin",
        _obj(email=STR),
        200,
        _obj(id=INT, username=STR, email=STR, email_confirmed=BOOL),
    ),
    (
        "post",
        "/admin/users/{id}/suspend",
        "Suspend a member",
        "staff",
        _obj(reason=STR),
        200,
        _obj(id=INT, username=STR, suspended=BOOL),
    ),
    (
        "post",
        "/questions/{id}/duplicate",
        "Close a question as a duplicate of another: staff, or a member of the top rank when "
        "the question is neither locked nor in staff's hands. Locked, it points to the original, "
        "its open staff items resolve as duplicate",
        "member",
        _obj(original={"type": ["integer", "string"]}),
        200,
        _obj(id=INT, duplicate_of=INT, state=STR),
    ),
    (
        "get",
        "/leaderboard",
        "The members who helped most in a period (?period=2026-11, or all; default the current "
        "one), on every board or one (?board=slug): by points earned and by accepted answers. "
        "Staff, suspended members and members whose payout line of the period is held or "
        "forfeited are left out",
        "anyone",
        None,
        200,
        _obj(
            period=STR,
            board={"type": ["string", "null"]},
            by_points={"type": "array", "items": _obj(username=STR, display_name=STR, points=INT)},
            by_accepted={
                "type": "array",
                "items": _obj(username=STR, display_name=STR, accepted_answers=INT),
            },
        ),
    ),
    (
        "get",
        "/users/{username}",
        "A member's public profile: rank, record, the boards they help most on, recent answers "
        "(404 for a suspended member, but to staff)",
        "anyone",
        None,
        200,
        _obj(
            username=STR,
            display_name=STR,
            avatar_url=STR,
            url=STR,
            member_since=TIME,
            staff=BOOL,
            rank={"type": ["string", "null"]},
            answers=INT,
            accepted_answers=INT,
            kudos_received=INT,
            points_earned=INT,
            top_boards={"type": "array", "items": _obj(slug=STR, name=STR, answers=INT)},
            badges={"type": "array", "items": _obj(badge=STR, awarded_at=TIME)},
            recent_answers={
                "type": "array",
                "items": _obj(
                    id=INT,
                    question_id=INT,
                    question_title=STR,
                    url=STR,
                    accepted=BOOL,
                    kudos=INT,
                    created_at=TIME,
                ),
            },
        ),
    ),
    (
        "get",
        "/boards",
        "The boards",
        "anyone",
        None,
        200,
        _list_of(_BOARD),
    ),
    (
        "post",
        "/boards",
        "Add a board (its slug never changes; 409 when taken)",
        "admin",
        _obj(
            slug=STR,
            name=STR,
            description=STR,
            name_nl=STR,
            description_nl=STR,
            sla_hours=INT,
            urgent=BOOL,
            position=INT,
        ),
        201,
        _BOARD,
    ),
    (
        "patch",
        "/boards/{slug}",
        "Change a board's name, description, SLA hours (for questions asked from now on), "
        "urgency or position",
        "admin",
        _obj(
            name=STR,
            description=STR,
            name_nl=STR,
            description_nl=STR,
            sla_hours=INT,
            urgent=BOOL,
            position=INT,
        ),
        200,
        _BOARD,
    ),
    (
        "get",
        "/questions",
        "List questions (keyset pagination; ?board=, ?tag=, ?state=, ?sort=, ?cursor=, ?limit=)",
        "anyone",
        None,
        200,
        _list_of(_QUESTION_SUMMARY),
    ),
    (
        "post",
        "/questions",
        "Ask a question",
        "member",
        _obj(board=STR, title=STR, body=STR, tags={"type": "array", "items": STR}),
        201,
        _QUESTION,
    ),
    ("get", "/questions/{id}", "A question with its answers", "anyone", None, 200, _QUESTION),
    (
        "patch",
        "/questions/{id}",
        "Edit a question (keeps a revision)",
        "author or staff",
        _obj(title=STR, body=STR),
        200,
        _QUESTION,
    ),
    (
        "post",
        "/questions/{id}/answers",
        "Answer a question",
        "member",
        _obj(body=STR),
        201,
        _ANSWER,
    ),
    (
        "patch",
        "/answers/{id}",
        "Edit an answer (keeps a revision)",
        "author or staff",
        _obj(body=STR),
        200,
        _ANSWER,
    ),
    (
        "post",
        "/answers/{id}/kudos",
        "Give kudos",
        "member",
        None,
        201,
        _obj(answer_id=INT, kudos=INT),
    ),
    (
        "delete",
        "/answers/{id}/kudos",
        "Withdraw kudos",
        "member",
        None,
        200,
        _obj(answer_id=INT, kudos=INT),
    ),
    (
        "put",
        "/questions/{id}/follow",
        "Follow a question: hear of its new answers and of its acceptance",
        "member",
        None,
        200,
        _obj(question_id=INT, following=BOOL),
    ),
    (
        "delete",
        "/questions/{id}/follow",
        "Unfollow a question",
        "member",
        None,
        200,
        _obj(question_id=INT, following=BOOL),
    ),
    (
        "get",
        "/me/following",
        "The questions you follow, latest activity first (?cursor=, ?limit=)",
        "member",
        None,
        200,
        _list_of(_QUESTION_SUMMARY),
    ),
    (
        "put",
        "/questions/{id}/accepted-answer",
        "Accept or change the accepted answer",
        "asker (staff after 7 days)",
        _obj(answer_id=INT),
        200,
        _obj(question_id=INT, accepted_answer_id=INT, state=STR),
    ),
    (
        "delete",
        "/questions/{id}/accepted-answer",
        "Clear the accepted answer",
        "asker or staff",
        None,
        200,
        _obj(question_id=INT, accepted_answer_id={"type": "null"}, state=STR),
    ),
    (
        "get",
        "/me/export",
        "Everything Peerdesk holds about you, as JSON (profile, posts, kudos, points, "
        "statements, payout lines, mails)",
        "member",
        None,
        200,
        {"type": "object"},
    ),
    (
        "post",
        "/me/erase",
        "Erase your account: a pseudonym without personal data; posts kept or removed",
        "member",
        _obj(password=STR, posts={"type": "string", "enum": ["keep", "remove"]}),
        200,
        _obj(id=INT, username=STR, erased_at=TIME),
    ),
    (
        "post",
        "/admin/users/{id}/erase",
        "Erase a member's account (as /me/erase, without the password)",
        "admin",
        _obj(posts={"type": "string", "enum": ["keep", "remove"]}),
        200,
        _obj(id=INT, username=STR, erased_at=TIME),
    ),
    (
        "post",
        "/me/payout-lines/{line_id}/appeal",
        "Appeal your held, rejected or forfeited payout line (once per line)",
        "member",
        _obj(message=STR),
        201,
        _APPEAL,
    ),
    (
        "get",
        "/payouts/{id}/appeals",
        "The appeals about a batch's lines, open ones first",
        "finance",
        None,
        200,
        _list_of(_APPEAL),
    ),
    (
        "post",
        "/payouts/{id}/appeals/{appeal_id}",
        "Answer an appeal: upheld or overturned, with a reason the member reads",
        "finance (not about their own line)",
        _obj(decision={"type": "string", "enum": ["upheld", "overturned"]}, reason=STR),
        200,
        _APPEAL,
    ),
    (
        "get",
        "/me/points",
        "Your balance, reserved and paid points and your entries",
        "member",
        None,
        200,
        _POINTS,
    ),
    (
        "get",
        "/ledger/members/{id}/points",
        "A member's points and entries",
        "finance",
        None,
        200,
        _POINTS,
    ),
    (
        "get",
        "/ledger/check",
        "Reconcile the ledger (the five invariants, and no line paid below zero)",
        "finance or admin",
        None,
        200,
        _obj(ok=BOOL, accounts=INT, transfers=INT, problems={"type": "array", "items": STR}),
    ),
    (
        "post",
        "/ledger/adjustments",
        "Post a manual adjustment (positive or negative)",
        "finance (never an admin)",
        _obj(member=STR, points=INT, reason=STR, key=STR),
        201,
        _TRANSFER,
    ),
    (
        "post",
        "/ledger/fraud-reversals",
        "Reverse a member's awards for a question or time range",
        "finance",
        _obj(member=STR, reason=STR, question_id=INT, since=TIME, until=TIME),
        201,
        _obj(reversals={"type": "array", "items": _TRANSFER}),
    ),
    (
        "post",
        "/questions/{id}/escalate",
        "Ask staff (the asker, on an unsolved question at least 24 h old; earlier is a 409)",
        "asker",
        None,
        201,
        _obj(escalation_id=INT),
    ),
    (
        "get",
        "/escalations",
        "The staff queue, soonest due first",
        "staff",
        None,
        200,
        _obj(items={"type": "array", "items": _ESCALATION}, next_cursor=NULLABLE_STR),
    ),
    (
        "get",
        "/escalations/metrics",
        "The staff dashboard's figures for the last 7 or 30 days",
        "staff",
        None,
        200,
        _obj(
            days=INT,
            since=TIME,
            backlog=INT,
            backlog_by_age={"type": "object"},
            opened=INT,
            breached=INT,
            breach_rate=NULLABLE_NUM,
            median_first_response_minutes=NULLABLE_NUM,
            questions=INT,
            answered_within_24h_share=NULLABLE_NUM,
            answered_within_72h_share=NULLABLE_NUM,
            median_first_answer_minutes=NULLABLE_NUM,
            community_solved_rate=NULLABLE_NUM,
            escalation_rate=NULLABLE_NUM,
        ),
    ),
    (
        "post",
        "/escalations/{id}/claim",
        "Claim an open item (409 if taken)",
        "staff",
        None,
        200,
        _ESCALATION,
    ),
    ("post", "/escalations/{id}/release", "Release your claim", "staff", None, 200, _ESCALATION),
    (
        "post",
        "/escalations/{id}/reassign",
        "Give the item to another staff member",
        "staff",
        _obj(to=STR),
        200,
        _ESCALATION,
    ),
    (
        "post",
        "/escalations/{id}/resolve",
        "Resolve with a resolution and an optional note",
        "staff",
        _obj(resolution=STR, note=STR),
        200,
        _ESCALATION,
    ),
    (
        "post",
        "/escalations/{id}/reopen",
        "Put a resolved item back in the queue (409 if another is open for it)",
        "staff",
        None,
        200,
        _ESCALATION,
    ),
    (
        "post",
        "/questions/{id}/flags",
        "Flag a question as spam, offensive or off-topic (again: 409; 5 a day: then 429)",
        "member",
        _obj(reason=STR),
        201,
        _FLAG,
    ),
    (
        "post",
        "/answers/{id}/flags",
        "Flag an answer as spam, offensive or off-topic (again: 409; 5 a day: then 429)",
        "member",
        _obj(reason=STR),
        201,
        _FLAG,
    ),
    (
        "post",
        "/questions/{id}/moderation",
        "Hide, restore or remove a question (remove reverses the asker's points for it)",
        "staff",
        _obj(action=STR, note=STR),
        200,
        _MODERATED,
    ),
    (
        "post",
        "/answers/{id}/moderation",
        "Hide, restore or remove an answer (remove reverses its author's points for it)",
        "staff",
        _obj(action=STR, note=STR),
        200,
        _MODERATED,
    ),
    ("post", "/questions/{id}/lock", "Lock a question", "staff", _obj(note=STR), 200, _LOCK),
    ("delete", "/questions/{id}/lock", "Unlock a question", "staff", None, 200, _LOCK),
    (
        "post",
        "/admin/users/{id}/unsuspend",
        "Let a suspended member post again",
        "staff",
        None,
        200,
        _obj(id=INT, username=STR, suspended=BOOL),
    ),
    (
        "get",
        "/admin/audit",
        "The audit log of staff and admin actions, newest first",
        "admin",
        None,
        200,
        _obj(items={"type": "array", "items": _AUDIT}, next_cursor=NULLABLE_STR),
    ),
    (
        "get",
        "/me/notifications",
        "Your notifications, newest first, with the unread count",
        "member",
        None,
        200,
        _obj(unread=INT, items={"type": "array", "items": _NOTIFICATION}, next_cursor=NULLABLE_STR),
    ),
    (
        "post",
        "/me/notifications/read",
        "Mark all your notifications read",
        "member",
        None,
        200,
        _obj(marked=INT),
    ),
    (
        "get",
        "/search",
        "Ranked full-text search over the questions, with marked titles and snippets",
        "anyone",
        None,
        200,
        _obj(
            query=STR,
            items={"type": "array", "items": _HIT},
            next_cursor=NULLABLE_STR,
        ),
    ),
    (
        "get",
        "/webhooks/deliveries",
        "Webhook deliveries, newest first: their state, attempts and last error",
        "admin",
        None,
        200,
        _list_of(_DELIVERY),
    ),
    (
        "post",
        "/webhooks/deliveries/{id}/retry",
        "Send a failed delivery again, with the same event id (409 unless failed)",
        "admin",
        None,
        200,
        _DELIVERY,
    ),
    (
        "get",
        "/mail",
        "The e-mail outbox, newest first: recipient, subject, state, attempts, last error",
        "admin",
        None,
        200,
        _list_of(_MAIL),
    ),
    (
        "post",
        "/mail/{id}/retry",
        "Send a failed mail again, with the same Message-ID (409 unless failed)",
        "admin",
        None,
        200,
        _MAIL,
    ),
    (
        "get",
        "/me/statements",
        "Your payout statement per period: earned, reversed, paid, method, amount",
        "member",
        None,
        200,
        _obj(items={"type": "array", "items": _STATEMENT}),
    ),
    (
        "post",
        "/payouts/close",
        "Close a finished period: 201 with its new batch, 200 with the existing one",
        "finance",
        _obj(period=STR),
        201,
        _BATCH,
    ),
    (
        "get",
        "/payouts",
        "Payout batches, newest period first",
        "finance",
        None,
        200,
        _list_of(_BATCH),
    ),
    (
        "get",
        "/payouts/{id}",
        "A batch with a page of its lines (filters: state, method)",
        "finance",
        None,
        200,
        _BATCH_WITH_LINES,
    ),
    (
        "post",
        "/payouts/{id}/lines/{line_id}/{action}",
        "Decide a line: hold, release, reject, forfeit, defer, return a paid line, or reduce a"
        " line to the points that still stand after a reversal (approval and export refuse a"
        " line whose member's balance is below zero: 409)",
        "finance",
        _obj(reason=STR),
        200,
        _LINE,
    ),
    (
        "post",
        "/payouts/{id}/approve",
        "Approve the batch (maker-checker); a `version` that is no longer current is a 409",
        "finance",
        _obj(version=INT),
        200,
        _obj(state=STR, approvals={"type": "array", "items": STR}, approvals_required=INT),
    ),
    (
        "get",
        "/payouts/{id}/export",
        "CSV of one method's approved, unheld lines (text/csv)",
        "finance",
        None,
        200,
        STR,
    ),
    (
        "post",
        "/payouts/{id}/paid",
        "Mark the approved batch paid",
        "finance",
        _obj(reference=STR),
        200,
        _BATCH,
    ),
    (
        "get",
        "/reports/periods/{period}",
        "The period's cost and deflection report (frozen once its batch is paid)",
        "finance",
        None,
        200,
        _REPORT,
    ),
    (
        "get",
        "/reports/kpis",
        "Per-period figures: time to first answer, answered within 24/72 h, escalation and"
        " community-solved rates, cost per solved question",
        "staff, finance",
        None,
        200,
        _KPIS,
    ),
    ("get", "/openapi.json", "This document", "anyone", None, 200, {"type": "object"}),
]

_QUERY_PARAMS = {
    ("get", "/escalations/metrics"): [("days", "7 | 30, default 7")],
    ("get", "/reports/kpis"): [
        ("periods", "1–24, default 12: the current period and those before it"),
        ("board", "a board's slug; default every board"),
    ],
    ("get", "/webhooks/deliveries"): [
        ("state", "failed | pending | delivered"),
        ("limit", "1–100, default 50"),
        ("cursor", "next_cursor of the previous page"),
    ],
    ("get", "/mail"): [
        ("state", "failed | pending | delivered"),
        ("limit", "1–100, default 50"),
        ("cursor", "next_cursor of the previous page"),
    ],
    ("get", "/me/notifications"): [
        ("limit", "1–100, default 30"),
        ("cursor", "next_cursor of the previous page"),
    ],
    ("get", "/search"): [
        ("q", "the words to find (at most 200 characters)"),
        ("board", "Board slug"),
        ("cursor", "next_cursor of the previous page (pages 1–50)"),
    ],
    ("get", "/admin/audit"): [
        (
            "action",
            "set_role | set_email | suspend | unsuspend | hide | restore | remove | lock | unlock "
            "| create_board | update_board",
        ),
        ("actor", "username of the staff member or admin"),
        ("limit", "1–100, default 50"),
        ("cursor", "next_cursor of the previous page"),
    ],
    ("get", "/escalations"): [
        ("state", "open | claimed | resolved"),
        ("reason", "unanswered | requested | flagged | urgent"),
        ("tab", "open | mine | breached | resolved"),
        ("limit", "1–100, default 50"),
        ("cursor", "next_cursor of the previous page"),
    ],
    ("get", "/payouts/{id}"): [
        ("state", "pending | held | rejected | forfeited | deferred | paid | returned"),
        ("method", "cash | credit | charity"),
        ("after", "next_after of the previous page"),
    ],
    ("get", "/payouts/{id}/export"): [("method", "cash | credit | charity")],
    ("get", "/me/points"): [("limit", "1–100, default 20"), ("cursor", "next_cursor")],
    ("get", "/questions"): [
        ("board", "Board slug"),
        ("state", "unanswered | answered | solved | locked"),
        ("sort", "newest | active"),
        ("limit", "1–100, default 20"),
        ("cursor", "next_cursor of the previous page"),
    ],
}


def build_document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for method, path, summary, who, body, status, schema in ENDPOINTS:
        op: dict[str, Any] = {
            "summary": summary,
            "description": f"Who: {who}.",
            "responses": {
                str(status): {
                    "description": "Success",
                    "content": {"application/json": {"schema": schema}},
                },
                "default": {
                    "description": "Error",
                    "content": {"application/json": {"schema": _ERROR}},
                },
            },
        }
        if who != "anyone":
            op["security"] = [{"bearer": []}]
        params = [
            {"name": n, "in": "path", "required": True, "schema": INT if n.endswith("id") else STR}
            for n in re.findall(r"{(\w+)}", path)
        ]
        params += [
            {"name": n, "in": "query", "required": False, "description": d, "schema": STR}
            for n, d in _QUERY_PARAMS.get((method, path), [])
        ]
        if params:
            op["parameters"] = params
        if body is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": body}},
            }
        paths.setdefault(path, {})[method] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "Peerdesk API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": paths,
    }


async def openapi(request: Request) -> Response:
    return ok(build_document())


routes = [Route("/openapi.json", openapi, methods=["GET"])]
