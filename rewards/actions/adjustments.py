"""Finance's corrections: manual adjustments and fraud reversals, both audited on the transfer
itself (actor, reason, time) and shown to the member as entries."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from forum import validation as v
from forum.clock import resolve
from forum.i18n import gettext as _
from forum.models import User
from forum.permissions import require
from rewards.actions.payout_holds import FRAUD_REVERSAL, hold_for_reversals
from rewards.actions.transfers import lock_ledger, member_account, post_transfer, reverse_transfer
from rewards.errors import NothingToReverse
from rewards.models import AWARD_KINDS, Transfer, TransferKind
from rewards.permissions import can_adjust, can_write_ledger

MAX_ADJUSTMENT = 1_000_000


async def check_post_adjustment(
    member: User,
    *,
    points: Any,
    reason: Any,
    acting_user: User,
    key: Any = None,
    now: datetime | None = None,
) -> Transfer:
    """Positive points come from the pool, negative ones go back to it. A client-supplied `key`
    makes the request safe to retry."""
    require(can_write_ledger(acting_user), _("Only finance can adjust points."))
    require(
        can_adjust(acting_user, member),
        _("Only members' points can be adjusted, and never your own."),
    )
    errors = v.Errors()
    if isinstance(points, str):
        digits = points.strip().removeprefix("-")
        if v.is_number(digits) and len(digits) <= 12:
            points = int(points.strip())
    if (
        isinstance(points, bool)
        or not isinstance(points, int)
        or points == 0
        or (abs(points) > MAX_ADJUSTMENT)
    ):
        errors.add(
            "points",
            _("Points must be a non-zero whole number up to %(max)s.") % {"max": MAX_ADJUSTMENT},
        )
    reason_text = v.text(errors, "reason", reason, min_len=3, max_len=500, label=_("Reason"))
    key_text = ""
    if key not in (None, ""):
        key_text = v.text(errors, "key", key, min_len=1, max_len=60, label=_("Key"))
    errors.raise_if_any()
    ref = f"adjustment:{key_text or uuid.uuid4().hex}"
    async with in_transaction():
        return await do_post_adjustment(
            member, points, ref=ref, reason=reason_text, acting_user=acting_user, now=resolve(now)
        )


async def do_post_adjustment(
    member: User, points: int, *, ref: str, reason: str, acting_user: User, now: datetime
) -> Transfer:
    """In the caller's transaction: `points` from the pool to the member (negative: back to
    the pool), under the idempotency key `ref`. Also what an erasure returns to the pool and
    an overturned forfeit gives back (rewards.actions.data_rights, rewards.actions.appeals)."""
    account = await member_account(member)  # before the lock: see open_accounts
    pool = await lock_ledger()
    debit, credit = (pool, account) if points > 0 else (account, pool)
    return await post_transfer(
        debit=debit, credit=credit, amount=abs(points), kind=TransferKind.ADJUSTMENT,
        key=ref, ref=ref, member=member, now=now, reason=reason, actor=acting_user,
    )  # fmt: skip


async def check_fraud_reversal(
    member: User,
    *,
    reason: Any,
    acting_user: User,
    question_id: Any = None,
    since: Any = None,
    until: Any = None,
    now: datetime | None = None,
) -> list[Transfer]:
    """Reverse the member's not yet reversed awards for one question or a time range."""
    require(can_write_ledger(acting_user), _("Only finance can reverse awards."))
    errors = v.Errors()
    reason_text = v.text(errors, "reason", reason, min_len=3, max_len=500, label=_("Reason"))
    since, until = v.moment(errors, "since", since), v.moment(errors, "until", until)
    filters: dict[str, Any] = {"member_id": member.id, "kind__in": list(AWARD_KINDS)}
    if question_id not in (None, ""):
        filters["question_id"] = v.int_id(errors, "question_id", question_id)
    elif since is None or until is None:
        errors.add("question_id", _("Give a question_id, or both since and until."))
    if since is not None and until is not None:  # until before since: an empty range
        filters["created_at__gte"], filters["created_at__lt"] = since, until
    errors.raise_if_any()
    now = resolve(now)
    async with in_transaction():
        # Lines that counted these awards are held first (batch rows before the ledger lock).
        found = await Transfer.filter(**filters, reversed_by__id__isnull=True)
        await hold_for_reversals(found, event=FRAUD_REVERSAL, reason=reason_text, now=now)
        await lock_ledger()
        originals = await Transfer.filter(**filters, reversed_by__id__isnull=True).order_by("id")
        if not originals:
            raise NothingToReverse(_("There are no unreversed awards of this member to reverse."))
        return [
            await reverse_transfer(
                t, kind=TransferKind.FRAUD_REVERSAL, reason=reason_text, actor=acting_user, now=now
            )
            for t in originals
        ]
