"""Reads for pages and the API. Each function runs a fixed number of queries, whatever the rows."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from forum import validation as v
from forum.db import fetch_dicts
from forum.errors import NotFound, ValidationFailed
from forum.i18n import gettext as _
from forum.models import (
    Answer,
    AuditEntry,
    Board,
    DeliveryState,
    Escalation,
    EscalationReason,
    EscalationState,
    Flag,
    FlagState,
    Mail,
    Notification,
    Question,
    QuestionFollow,
    QuestionState,
    QuestionTag,
    Revision,
    User,
    Visibility,
    WebhookDelivery,
)
from forum.permissions import can_read_history, can_see_post, is_moderator
from forum.validation import SLUG_RE, USERNAME_RE, is_id

LIST_STATES = ("unanswered", "answered", "solved", "locked")
SORTS = {"newest": "created_at", "active": "last_activity_at"}
MAX_LIMIT = 100

_LIST_COLUMNS = ("id", "title", "state", "answer_count", "tags", "created_at", "last_activity_at")
_LIST_JOINED = {
    "board_slug": "board__slug",
    "board_name": "board__name",
    "board_name_nl": "board__name_nl",
    "author_username": "author__username",
    "author_display_name": "author__display_name",
}


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None


def encode_cursor(moment: datetime, row_id: int) -> str:
    raw = f"{moment.isoformat()}|{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        moment_text, _sep, id_text = base64.urlsafe_b64decode(padded).decode().partition("|")
        moment = datetime.fromisoformat(moment_text)
        row_id = int(id_text)
        if moment.tzinfo is None or not is_id(row_id):
            raise ValueError(cursor)
        moment = moment.astimezone(UTC)
        if not 1970 <= moment.year <= 9000:
            raise ValueError(cursor)
    except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError) as exc:
        raise ValidationFailed({"cursor": "not a cursor this server gave out."}) from exc
    return moment, row_id


async def find_user(username: object) -> User | None:
    """The account with this username, in any case; None for a name that cannot exist."""
    if not isinstance(username, str) or not USERNAME_RE.fullmatch(username.strip()):
        return None
    return await User.get_or_none(username_key=username.strip().lower())


async def list_boards() -> list[dict[str, Any]]:
    return (
        await Board.all()
        .order_by("position", "id")
        .values(
            "id",
            "slug",
            "name",
            "description",
            "name_nl",
            "description_nl",
            "sla_hours",
            "urgent",
            "question_count",
        )
    )


async def board_slug(question: Question) -> str:
    return str(
        await Board.filter(id=question.board_id).first().values_list("slug", flat=True)  # type: ignore[attr-defined]
    )


async def get_board(slug: str) -> Board:
    board = await Board.get_or_none(slug=slug) if SLUG_RE.fullmatch(slug) else None
    if board is None:
        raise NotFound(_("There is no board %(slug)s.") % {"slug": repr(slug)}, field="board")
    return board


async def list_questions(
    *,
    board: Board | None = None,
    tag: str | None = None,
    followed_by: User | None = None,
    state: str | None = None,
    sort: str = "newest",
    cursor: str | None = None,
    limit: int = 20,
) -> Page:
    """Keyset pagination on (sort column, id): page 1,000 costs what page 1 costs.
    `followed_by`: only the questions that member follows."""
    if state and state not in LIST_STATES:
        raise ValidationFailed({"state": f"state must be one of: {', '.join(LIST_STATES)}."})
    if sort not in SORTS:
        raise ValidationFailed({"sort": f"sort must be one of: {', '.join(SORTS)}."})
    column = SORTS[sort]
    query = Question.filter(visibility=Visibility.VISIBLE)
    if board is not None:
        query = query.filter(board_id=board.id)
    if tag is not None:
        query = query.filter(id__in=Subquery(QuestionTag.filter(tag=tag).values("question_id")))
    if followed_by is not None:
        follows = QuestionFollow.filter(user_id=followed_by.id, following=True)
        query = query.filter(id__in=Subquery(follows.values("question_id")))
    if state:
        query = query.filter(state=QuestionState(state))
    return await keyset_page(
        query, column, cursor=cursor, limit=limit, fields=_LIST_COLUMNS, joined=_LIST_JOINED
    )


async def keyset_page(
    query: QuerySet[Any],
    column: str,
    *,
    cursor: str | None,
    limit: int,
    fields: tuple[str, ...],
    joined: dict[str, str],
    ascending: bool = False,
) -> Page:
    """Rows by (column, id), newest first unless `ascending`, after the cursor: page 1,000 costs
    what page 1 costs. One row more than asked for tells whether there is a next page."""
    after, sign = ("gt", "") if ascending else ("lt", "-")
    if cursor:
        moment, row_id = decode_cursor(cursor)
        before: dict[str, Any] = {f"{column}__{after}": moment}
        tie: dict[str, Any] = {column: moment, f"id__{after}": row_id}
        query = query.filter(Q(**before) | Q(**tie))
    order = (f"{sign}{column}", f"{sign}id")
    rows = await query.order_by(*order).limit(limit + 1).values(*fields, **joined)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1][column], rows[-1]["id"])
    return Page(items=rows, next_cursor=next_cursor)


@dataclass(frozen=True)
class QuestionPage:
    question: Question
    answers: list[dict[str, Any]]
    kudos_given: set[int]
    # For staff: the open flags of each post ("question:<id>" / "answer:<id>") by reason.
    flags: dict[str, dict[str, int]]
    # The question this one repeats, while it is visible (a hidden original is not named).
    original: Question | None = None
    following: bool = False  # the viewer follows the question


# The signed-in viewer's own marks on a question page in one statement: the answers they gave
# kudos, and _FOLLOWING (no answer's id) if they follow the question. $1 viewer, $2 question.
_FOLLOWING = 0
_VIEWER_MARKS = f"""
SELECT k.answer_id AS id FROM kudos k JOIN answers a ON a.id = k.answer_id
WHERE k.giver_id = $1 AND a.question_id = $2
UNION ALL
SELECT {_FOLLOWING} FROM question_follows WHERE user_id = $1 AND question_id = $2 AND following
"""  # noqa: S608 - a constant; every value is a parameter


@dataclass(frozen=True)
class QuestionData:
    """What every viewer of a question page starts from: the question (with its board and
    author), all its answers whatever their visibility, and the visible original it repeats."""

    question: Question
    answers: list[dict[str, Any]]
    original: Question | None
    # Pieces of page rendered from this data, kept as long as it is (forum.views.questions).
    fragments: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)


async def load_question(question_id: object) -> QuestionData | None:
    """The question's data in three statements at most, or None if there is no such question."""
    question = (
        await Question.get_or_none(id=question_id).select_related("board", "author")
        if is_id(question_id)
        else None
    )
    if question is None:
        return None
    answers = (
        await Answer.filter(question_id=question.id)
        .order_by("created_at", "id")
        .values(
            "id",
            "body",
            "body_html",
            "is_staff",
            "kudos_count",
            "created_at",
            "updated_at",
            "visibility",
            author_id="author__id",
            author_username="author__username",
            author_display_name="author__display_name",
            author_role="author__role",
        )
    )
    original = (
        await Question.get_or_none(id=question.duplicate_of_id, visibility=Visibility.VISIBLE)
        if question.duplicate_of_id
        else None
    )
    return QuestionData(question=question, answers=answers, original=original)


async def get_question_page(
    question_id: object, viewer: User | None, data: QuestionData | None = None
) -> QuestionPage:
    """However many answers, a query each: the question and its answers (unless `data`, from
    `load_question`, holds them); for a signed-in viewer whether they follow it and their
    kudos; for staff the open flags; for a duplicate its original."""
    if data is None:
        data = await load_question(question_id)
    if data is None or not can_see_post(
        viewer,
        data.question.author_id,  # type: ignore[attr-defined]
        data.question.visibility,
    ):
        raise NotFound(_("Question %(id)s does not exist.") % {"id": question_id})
    question = data.question
    # Hidden and removed answers: for staff, and a hidden one for its author, marked as such.
    answers = [a for a in data.answers if can_see_post(viewer, a["author_id"], a["visibility"])]
    kudos_given: set[int] = set()
    following = False
    if viewer is not None:
        marks = {int(r["id"]) for r in await fetch_dicts(_VIEWER_MARKS, [viewer.id, question.id])}
        following = _FOLLOWING in marks
        kudos_given = marks - {_FOLLOWING}
    flags: dict[str, dict[str, int]] = {}
    if is_moderator(viewer):
        open_flags = Flag.filter(question_id=question.id, state=FlagState.OPEN)
        for key, reason in await open_flags.values_list("post_key", "reason"):
            by_reason = flags.setdefault(key, {})
            by_reason[reason.value] = by_reason.get(reason.value, 0) + 1
    return QuestionPage(
        question=question,
        answers=answers,
        kudos_given=kudos_given,
        flags=flags,
        original=data.original,
        following=following,
    )


async def list_revisions(question: Question, viewer: User | None) -> list[dict[str, Any]]:
    """Every edit of the question and of the answers whose history `viewer` may read, newest
    first (the question's own readability is `access_history`'s)."""
    rows = (
        await Revision.filter(Q(question_id=question.id) | Q(answer__question_id=question.id))
        .order_by("-created_at", "-id")
        .values(
            "id",
            "answer_id",
            "old_title",
            "old_body",
            "created_at",
            editor_username="editor__username",
        )
    )
    answer_ids = {r["answer_id"] for r in rows if r["answer_id"] is not None}
    if not answer_ids or is_moderator(viewer):
        return rows
    visible = await Answer.filter(id__in=answer_ids).values_list("id", "visibility")
    readable = {i for i, seen in visible if can_read_history(viewer, seen)}
    return [r for r in rows if r["answer_id"] is None or r["answer_id"] in readable]


ESCALATION_TABS = ("open", "mine", "breached", "resolved")
_ESCALATION_FIELDS = (
    "id", "question_id", "reason", "state", "opened_at", "due_at", "first_response_at",
    "breached", "claimed_at", "resolution", "note", "resolved_at",
)  # fmt: skip
_ESCALATION_JOINED = {
    "title": "question__title",
    "asked_at": "question__created_at",
    "board": "question__board__name",
    "board_nl": "question__board__name_nl",
    "claimed_by": "claimed_by__username",
    "resolved_by": "resolved_by__username",
}


async def list_escalations(
    viewer: User,
    *,
    tab: Any = None,
    state: Any = None,
    reason: Any = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page:
    """The staff queue: a tab (open, mine, breached, resolved) or the API's state and reason
    filters; unresolved items by due time, resolved ones newest first; pages by keyset."""
    errors = v.Errors()
    query = Escalation.all()
    if tab not in (None, ""):
        chosen = v.choice(errors, "tab", tab, ESCALATION_TABS, _("Tab"))
        unresolved = [EscalationState.OPEN, EscalationState.CLAIMED]
        if chosen == "open":
            query = query.filter(state__in=unresolved)
        elif chosen == "mine":
            query = query.filter(state=EscalationState.CLAIMED, claimed_by_id=viewer.id)
        elif chosen == "breached":
            query = query.filter(state__in=unresolved, breached=True)
        elif chosen == "resolved":
            query = query.filter(state=EscalationState.RESOLVED)
    if state not in (None, ""):
        query = query.filter(
            state=v.choice(errors, "state", state, tuple(EscalationState), _("State"))
        )
    if reason not in (None, ""):
        query = query.filter(
            reason=v.choice(errors, "reason", reason, tuple(EscalationReason), _("Reason"))
        )
    errors.raise_if_any()
    resolved = tab == "resolved" or state == EscalationState.RESOLVED.value
    return await keyset_page(
        query,
        "resolved_at" if resolved else "due_at",
        cursor=cursor,
        limit=limit,
        fields=_ESCALATION_FIELDS,
        joined=_ESCALATION_JOINED,
        ascending=not resolved,
    )


async def get_escalation(item: Escalation) -> dict[str, Any]:
    rows = await Escalation.filter(id=item.id).values(*_ESCALATION_FIELDS, **_ESCALATION_JOINED)
    return dict(rows[0])


DELIVERY_TABS = ("failed", "pending", "delivered")
_DELIVERY_FIELDS = (
    "id", "event_id", "event", "url", "state", "attempts", "next_attempt_at", "last_status",
    "last_error", "created_at", "delivered_at",
)  # fmt: skip


async def list_deliveries(state: Any = None, *, cursor: str | None = None, limit: int = 50) -> Page:
    """Webhook deliveries of one state (or all), newest first, a page at a time."""
    return await _outbox_page(WebhookDelivery.all(), _DELIVERY_FIELDS, state, cursor, limit)


async def _outbox_page(
    query: QuerySet[Any], fields: tuple[str, ...], state: Any, cursor: str | None, limit: int
) -> Page:
    if state not in (None, ""):
        errors = v.Errors()
        chosen = v.choice(errors, "state", state, DELIVERY_TABS, _("State"))
        errors.raise_if_any()
        query = query.filter(state=chosen)
    return await keyset_page(
        query, "created_at", cursor=cursor, limit=limit, fields=fields, joined={}
    )


async def count_failed_deliveries() -> int:
    return await WebhookDelivery.filter(state=DeliveryState.FAILED).count()


async def get_delivery(delivery: WebhookDelivery) -> dict[str, Any]:
    return dict((await WebhookDelivery.filter(id=delivery.id).values(*_DELIVERY_FIELDS))[0])


# The outbox as admins see it: never a body (it may hold a reset link).
_MAIL_FIELDS = (
    "id", "key", "to_address", "subject", "state", "attempts", "next_attempt_at", "sent_via",
    "last_error", "created_at", "delivered_at", "redact",
)  # fmt: skip


async def list_mails(state: Any = None, *, cursor: str | None = None, limit: int = 50) -> Page:
    """Mails of one state (or all), newest first, a page at a time."""
    return await _outbox_page(Mail.all(), _MAIL_FIELDS, state, cursor, limit)


async def count_failed_mails() -> int:
    return await Mail.filter(state=DeliveryState.FAILED).count()


async def get_mail(mail: Mail) -> dict[str, Any]:
    return dict((await Mail.filter(id=mail.id).values(*_MAIL_FIELDS))[0])


AUDIT_ACTIONS = (
    "set_role", "suspend", "unsuspend", "hide", "restore", "remove", "lock", "unlock",
    "create_board", "update_board", "set_email", "duplicate",
)  # fmt: skip
_AUDIT_FIELDS = ("id", "action", "detail", "created_at")
_AUDIT_JOINED = {"actor": "actor__username", "target": "target_user__username"}


MEMBER_MATCHES = 25


async def find_members(text: str) -> list[dict[str, Any]]:
    """Up to 25 accounts whose username starts with `text` (any case), by username."""
    if not text or not v.is_clean(text):
        return []
    query = User.filter(username_key__startswith=text.lower()[:30])
    fields = ("id", "username", "display_name", "role", "created_at", "suspended_at")
    return list(await query.order_by("username_key").limit(MEMBER_MATCHES).values(*fields))


async def list_audit(
    *, action: Any = None, actor: Any = None, cursor: str | None = None, limit: int = 50
) -> Page:
    """Staff and admin actions, newest first, by action and by the staff member who acted."""
    query = AuditEntry.all()
    errors = v.Errors()
    if action not in (None, ""):
        query = query.filter(action=v.choice(errors, "action", action, AUDIT_ACTIONS, _("Action")))
    errors.raise_if_any()
    if actor not in (None, ""):
        who = await find_user(actor)
        query = query.filter(actor_id=who.id if who else 0)
    return await keyset_page(
        query, "created_at", cursor=cursor, limit=limit, fields=_AUDIT_FIELDS, joined=_AUDIT_JOINED
    )


_NOTIFICATION_FIELDS = (
    "id", "kind", "question_id", "answer_id", "points", "period", "badge", "created_at",
    "read_at",
)  # fmt: skip


async def list_notifications(user: User, *, cursor: str | None = None, limit: int = 30) -> Page:
    """The member's notifications, newest first, with the question titles they point at."""
    query = Notification.filter(user_id=user.id)
    page = await keyset_page(
        query, "created_at", cursor=cursor, limit=limit, fields=_NOTIFICATION_FIELDS, joined={}
    )
    ids = {int(n["question_id"]) for n in page.items if n["question_id"]}
    titles = dict(await Question.filter(id__in=ids).values_list("id", "title")) if ids else {}
    followed = set(
        await QuestionFollow.filter(
            user_id=user.id, question_id__in=ids, following=True
        ).values_list("question_id", flat=True)
        if ids
        else ()
    )
    for item in page.items:
        item["title"] = titles.get(item["question_id"], "")
        item["following"] = item["question_id"] in followed  # it offers to unfollow
        item["username"] = user.username  # a badge's notification leads to the profile
    return page


# A page counts a member's unread notifications up to this many and shows more as "99+": the
# count runs on every page, and a member who never reads them would make every page count
# thousands.
UNREAD_COUNTED = 100
# `SELECT COUNT(*)` of this, with the member's id as $1: at most UNREAD_COUNTED index entries.
# In the order of the index (user_id, read_at, id), so that PostgreSQL reads the first
# UNREAD_COUNTED entries and stops. Without the order, for a member with thousands of
# notifications it planned a scan of the table (theirs are the newest, at its end) that stopped
# only when it had found enough of them: 3-10 ms a page, growing with the table.
UNREAD_UP_TO = (
    "(SELECT COUNT(*) FROM (SELECT 1 FROM notifications"  # noqa: S608 - constants
    " WHERE user_id = $1 AND read_at IS NULL ORDER BY read_at, id"
    f" LIMIT {UNREAD_COUNTED}) AS unread)"
)


async def count_unread(user: User) -> int:
    """Every one of them (the API's count)."""
    return await Notification.filter(user_id=user.id, read_at=None).count()


async def count_unread_shown(user: User) -> int:
    """As many as a page shows: at most UNREAD_COUNTED."""
    rows = await fetch_dicts(f"SELECT {UNREAD_UP_TO} AS n", [user.id])
    return int(rows[0]["n"])
