"""Escalations: the staff queue (PRODUCT.md §4), from trigger to resolution.

Invariants: one open item per question and reason, enforced by UNIQUE(open_key) and written with
ON CONFLICT DO NOTHING, so any number of sweeps or clicks at once open it once; claims and state
changes are conditional updates whose row count is checked (two staff claiming at once: one
wins, the other gets a 409); a staff member holds at most `max_claims` claims (their user row is
locked while counting); a breach is counted once. `open_escalation` is the one way in, for the
sweep, "Ask staff", urgent questions and (later) flags.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from forum import validation as v
from forum.actions.webhooks import ESCALATION_COLUMNS, enqueue_escalation_events
from forum.clock import resolve
from forum.db import execute, fetch_dicts, in_list
from forum.errors import Conflict, Unavailable
from forum.i18n import gettext as _
from forum.models import (
    Escalation,
    EscalationReason,
    EscalationState,
    Question,
    QuestionState,
    Resolution,
    User,
)
from forum.permissions import (
    can_escalate,
    can_release,
    can_work_queue,
    require,
    require_staff,
)
from forum.settings import get_settings

_OPEN = f"""
INSERT INTO escalations
    (question_id, reason, state, open_key, opened_at, due_at, breached, note)
VALUES (?, ?, 'open', ?, ?, ?, ?, '')
ON CONFLICT (open_key) DO NOTHING
RETURNING {ESCALATION_COLUMNS}
"""


def open_key(question_id: int, reason: EscalationReason) -> str:
    return f"{question_id}:{reason.value}"


async def open_escalation(
    question_id: int, reason: EscalationReason, *, now: datetime
) -> int | None:
    """Open an item, in the caller's transaction; None when one is open already."""
    due = now + timedelta(hours=get_settings().first_response_hours)
    rows = await fetch_dicts(
        _OPEN,
        [question_id, reason.value, open_key(question_id, reason), now, due, False],
    )
    await enqueue_escalation_events("question.escalated", rows, now=now)
    return int(rows[0]["id"]) if rows else None


@cache
def _urgent_words(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)


def is_urgent(title: str, body: str) -> bool:
    return bool(_urgent_words(get_settings().urgent_keywords).search(f"{title}\n{body}"))


async def check_ask_staff(
    question: Question, *, acting_user: User, now: datetime | None = None
) -> tuple[int, bool]:
    """The asker's "Ask staff": (the item's id, whether it is new)."""
    settings = get_settings()
    require(
        can_escalate(acting_user, question), _("Only the asker can ask staff about a question.")
    )
    now = resolve(now)
    if question.state in (QuestionState.SOLVED, QuestionState.LOCKED):
        raise Conflict(_("This question is solved or locked: staff need not step in."))
    possible_at = question.created_at + timedelta(hours=settings.ask_staff_after_hours)
    if now < possible_at:
        raise Conflict(
            _("You can ask staff from %(when)s UTC, %(hours)s hours after asking.")
            % {
                "when": possible_at.strftime("%Y-%m-%d %H:%M"),
                "hours": settings.ask_staff_after_hours,
            }
        )
    async with in_transaction():
        new_id = await open_escalation(question.id, EscalationReason.REQUESTED, now=now)
    if new_id is not None:
        return new_id, True
    key = open_key(question.id, EscalationReason.REQUESTED)
    return (await Escalation.get(open_key=key)).id, False


# A question whose SLA ran out escalates when nobody but the asker has answered it, it is younger
# than `unanswered_max_age_days`, its asker is not suspended and no urgent item of it is in the
# queue (staff have it already: a lost-or-stolen question is one urgent item, not two).
_DUE_TIMERS = "SELECT id FROM sla_timers WHERE due_at <= ? ORDER BY due_at LIMIT ?"
# Concurrent sweeps on PostgreSQL take disjoint batches instead of queueing on the same rows.
_DUE_TIMERS_POSTGRES = _DUE_TIMERS + " FOR UPDATE SKIP LOCKED"
_ESCALATE_DUE = f"""
INSERT INTO escalations
    (question_id, reason, state, open_key, opened_at, due_at, breached, note)
SELECT q.id, 'unanswered', 'open', CAST(q.id AS TEXT) || ':unanswered', {{now}}, {{due}}, {{false}},
    ''
FROM sla_timers t
JOIN questions q ON q.id = t.question_id
JOIN users u ON u.id = q.author_id
WHERE t.id IN {{ids}} AND q.other_answer_count = 0 AND q.accepted_answer_id IS NULL
  AND q.locked_at IS NULL AND q.created_at > ? AND u.suspended_at IS NULL
  AND NOT EXISTS (
      SELECT 1 FROM escalations e
      WHERE e.open_key = CAST(q.id AS TEXT) || ':urgent'
  )
ON CONFLICT (open_key) DO NOTHING
RETURNING {ESCALATION_COLUMNS}
"""
# The predicate is written out as in the partial index escalation_awaiting (migration 0003), so
# the sweep reads only the items still waiting for a first response.
AWAITING = "NOT breached AND first_response_at IS NULL AND state <> 'resolved'"
_BREACH = (
    f"UPDATE escalations SET breached = TRUE, breached_at = ? WHERE {AWAITING} AND due_at <= ?"
    f" RETURNING {ESCALATION_COLUMNS}"
)
# A response or resolution after the due time of items not yet counted (`column` is question_id
# or id).
_LATE = (
    f"UPDATE escalations SET breached = TRUE, breached_at = ? WHERE {AWAITING} AND due_at < ?"
    " AND {column} = ?"
    f" RETURNING {ESCALATION_COLUMNS}"
)
SWEEP_BATCH = 500


async def try_sweep_one_batch(now: datetime) -> tuple[int, int]:
    """Escalate the questions of the next due SLA timers and delete those timers: (timers seen,
    items opened). Every process may run it at once: ON CONFLICT keeps items single."""
    settings = get_settings()
    async with in_transaction() as conn:
        postgres = conn.capabilities.dialect == "postgres"
        timers = await fetch_dicts(
            _DUE_TIMERS_POSTGRES if postgres else _DUE_TIMERS, [now, SWEEP_BATCH]
        )
        if not timers:
            return 0, 0
        ids = [int(t["id"]) for t in timers]
        marks = in_list(len(ids))
        sql = _ESCALATE_DUE.format(
            ids=marks,
            now="CAST(? AS TIMESTAMPTZ)" if postgres else "?",
            due="CAST(? AS TIMESTAMPTZ)" if postgres else "?",
            false="FALSE" if postgres else "0",
        )
        due = now + timedelta(hours=settings.first_response_hours)
        oldest = now - timedelta(days=settings.unanswered_max_age_days)
        # RETURNING counts: the driver's row count of an INSERT is not reliable on PostgreSQL.
        opened = await fetch_dicts(sql, [now, due, *ids, oldest])
        await enqueue_escalation_events("question.escalated", opened, now=now)
        await execute(f"DELETE FROM sla_timers WHERE id IN {marks}", ids)
    return len(ids), len(opened)


async def mark_breaches(now: datetime) -> int:
    """Items past their first-response time without one: counted once, here."""
    async with in_transaction():
        breached = await fetch_dicts(_BREACH, [now, now])
        await enqueue_escalation_events("sla.breached", breached, now=now)
    return len(breached)


async def _count_late(
    now: datetime, *, question_id: int | None = None, id: int | None = None
) -> None:
    """A response or resolution after the due time is a breach, even before a sweep saw it
    (caller's transaction)."""
    column, value = ("id", id) if question_id is None else ("question_id", question_id)
    breached = await fetch_dicts(_LATE.format(column=column), [now, now, value])
    await enqueue_escalation_events("sla.breached", breached, now=now)


_ITEM = f"SELECT {ESCALATION_COLUMNS} FROM escalations WHERE id = ?"
# Resolve the items of a question (by acceptance) or one item (by staff); `by` is "question_id"
# or "id".
_RESOLVE = (
    "UPDATE escalations SET state = 'resolved', open_key = NULL, resolution = ?, resolved_at = ?,"
    " resolved_by_id = ?, note = COALESCE(?, note) WHERE {by} = ? AND state <> 'resolved'"
    f" RETURNING {ESCALATION_COLUMNS}"
)


async def _resolve(
    by: str,
    key: int,
    resolution: Resolution,
    *,
    now: datetime,
    staff: User | None = None,
    note: str | None = None,
) -> int:
    """Resolve, in the caller's transaction, and announce it: the number of items resolved."""
    await _count_late(now, **{by: key})
    resolved = await fetch_dicts(
        _RESOLVE.format(by=by), [resolution.value, now, staff.id if staff else None, note, key]
    )
    await enqueue_escalation_events("escalation.resolved", resolved, now=now)
    return len(resolved)


async def resolve_as_duplicate(question_id: int, *, closer: User, now: datetime) -> None:
    """The question was closed as a duplicate: its open items are done (caller's transaction)."""
    await _resolve("question_id", question_id, Resolution.DUPLICATE, now=now, staff=closer)


async def record_staff_response(question_id: int, *, now: datetime) -> None:
    """A staff answer is the first response of the question's open items (caller's transaction)."""
    await _count_late(now, question_id=question_id)
    await Escalation.filter(
        question_id=question_id, state__not=EscalationState.RESOLVED, first_response_at=None
    ).update(first_response_at=now)


async def resolve_flag_review(question_id: int, *, staff: User, note: str, now: datetime) -> None:
    """Staff reviewed the question's last hidden post: its `flagged` item is done (caller's
    transaction)."""
    item = await Escalation.get_or_none(open_key=open_key(question_id, EscalationReason.FLAGGED))
    if item is not None:
        await _resolve("id", item.id, Resolution.NO_ACTION, now=now, staff=staff, note=note)


async def resolve_by_acceptance(question_id: int, *, by_staff: bool, now: datetime) -> None:
    """An accepted answer resolves the question's open items (caller's transaction)."""
    how = Resolution.ANSWERED_BY_STAFF if by_staff else Resolution.ANSWERED_BY_COMMUNITY
    await _resolve("question_id", question_id, how, now=now)


# Reopening puts a resolved item back in the queue, unclaimed, unless another item of its
# question and reason is open already (UNIQUE(open_key) refuses a concurrent one too). Its times
# stay: a first response given, or a breach counted, is not undone.
_REOPEN_SET = """
UPDATE escalations
SET state = 'open', open_key = CAST(question_id AS TEXT) || ':' || reason, resolution = NULL,
    resolved_at = NULL, resolved_by_id = NULL, claimed_by_id = NULL, claimed_at = NULL
WHERE NOT EXISTS (
      SELECT 1 FROM escalations o
      WHERE o.open_key = CAST(escalations.question_id AS TEXT) || ':' || escalations.reason
  )
"""
# Clearing an accepted answer reopens what the acceptance resolved: the newest such item of each
# reason.
_REOPEN = (
    _REOPEN_SET
    + """  AND id IN (
    SELECT MAX(id) FROM escalations
    WHERE question_id = ? AND state = 'resolved' AND resolved_by_id IS NULL
      AND resolution IN ('answered_by_community', 'answered_by_staff')
    GROUP BY reason
)
"""
)
_REOPEN_ONE = _REOPEN_SET + "  AND id = ? AND state = 'resolved'\n"


async def reopen_after_unaccept(question_id: int) -> None:
    """In the transaction that cleared or changed the accepted answer."""
    await execute(_REOPEN, [question_id])


async def check_reopen(item: Escalation, *, acting_user: User) -> Escalation:
    """Staff put a resolved item back in the queue (resolved by mistake, or the member wrote
    back)."""
    require_staff(acting_user)
    if item.state != EscalationState.RESOLVED:
        raise Conflict(_("This item is not resolved."))
    try:
        async with in_transaction():
            changed = await execute(_REOPEN_ONE, [item.id])
    except IntegrityError:
        changed = 0
    if changed != 1:
        raise Conflict(
            _("This question already has an open item for the same reason; work that one.")
        )
    await item.refresh_from_db()
    return item


async def _lock_staff(user: User) -> None:
    await User.filter(id=user.id).select_for_update().first()


async def _claims_of(user: User) -> int:
    return await Escalation.filter(claimed_by_id=user.id, state=EscalationState.CLAIMED).count()


async def check_claim(
    item: Escalation, *, acting_user: User, now: datetime | None = None
) -> Escalation:
    require_staff(acting_user)
    return await _give(item, acting_user, acting_user, now, from_states=(EscalationState.OPEN,))


async def check_reassign(
    item: Escalation, to: User | None, *, acting_user: User, now: datetime | None = None
) -> Escalation:
    require_staff(acting_user)
    if to is None or not can_work_queue(to):
        raise Unavailable({"to": _("to must be the username of a staff member.")})
    states = (EscalationState.OPEN, EscalationState.CLAIMED)
    return await _give(item, to, acting_user, now, from_states=states)


async def _give(
    item: Escalation,
    staff: User,
    acting_user: User,
    now: datetime | None,
    *,
    from_states: tuple[EscalationState, ...],
) -> Escalation:
    now = resolve(now)
    limit = get_settings().max_claims
    async with in_transaction():
        await _lock_staff(staff)
        if await _claims_of(staff) >= limit:
            raise Conflict(
                _("%(name)s already holds %(limit)s claims: resolve or release one first.")
                % {"name": staff.username, "limit": limit}
            )
        changed = await Escalation.filter(id=item.id, state__in=from_states).update(
            state=EscalationState.CLAIMED, claimed_by=staff, claimed_at=now
        )
        if changed != 1:
            raise Conflict(_("Someone else has this item already; reload the queue."))
        await enqueue_escalation_events(
            "escalation.claimed", await fetch_dicts(_ITEM, [item.id]), now=now
        )
    await item.refresh_from_db()
    return item


async def check_release(item: Escalation, *, acting_user: User) -> Escalation:
    require(
        can_release(acting_user, item),
        _("Only the staff member who claimed an item can release it."),
    )
    changed = await Escalation.filter(
        id=item.id,
        state=EscalationState.CLAIMED,
        claimed_by_id=item.claimed_by_id,  # type: ignore[attr-defined]
    ).update(state=EscalationState.OPEN, claimed_by_id=None, claimed_at=None)
    if changed != 1:
        raise Conflict(_("This item is no longer claimed; reload the queue."))
    await item.refresh_from_db()
    return item


async def check_resolve(
    item: Escalation,
    *,
    resolution: Any,
    note: Any = "",
    acting_user: User,
    now: datetime | None = None,
) -> Escalation:
    require_staff(acting_user)
    errors = v.Errors()
    chosen = v.choice(errors, "resolution", resolution, tuple(Resolution), _("Resolution"))
    note_text = v.text(errors, "note", note or "", min_len=0, max_len=1000, label=_("Note"))
    errors.raise_if_any()
    now = resolve(now)
    async with in_transaction():
        changed = await _resolve(
            "id", item.id, Resolution(chosen), now=now, staff=acting_user, note=note_text
        )
        if changed != 1:
            raise Conflict(_("This item is resolved already."))
    await item.refresh_from_db()
    return item
