"""Maker-checker approval of a payout batch (PRODUCT.md §3).

Invariants: only finance approves; nobody approves a batch they are paid by; one approval per
person per version of the batch (UNIQUE(batch, approver, version): a repeat is a 409); a batch
whose payable amount is over `two_approver_cents` needs two different approvers; an approval
counts only while the batch is at the version it approved (payout_lines bumps it on any change).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from forum import validation as v
from forum.clock import resolve
from forum.errors import Conflict
from forum.i18n import gettext as _
from forum.models import User
from forum.permissions import require
from forum.settings import get_settings
from rewards.labels import batch_state_label
from rewards.models import (
    BatchState,
    LineState,
    PayoutApproval,
    PayoutBatch,
    PayoutDecision,
    PayoutLine,
)
from rewards.payout_queries import below_zero_message, lines_below_zero
from rewards.permissions import can_approve, require_payouts


async def required_approvals(batch: PayoutBatch) -> int:
    payable = await payable_cents(batch)
    return 2 if payable > get_settings().two_approver_cents else 1


async def payable_cents(batch: PayoutBatch) -> int:
    total = (
        await PayoutLine.filter(batch_id=batch.id, state=LineState.PENDING)
        .annotate(total=Sum("cents"))
        .first()
        .values("total")
    )
    return int(total["total"] or 0) if total else 0


async def valid_approvers(batch: PayoutBatch) -> list[int]:
    return await PayoutApproval.filter(batch_id=batch.id, version=batch.version).values_list(
        "approver_id", flat=True
    )  # type: ignore[return-value]


async def check_approve_batch(
    batch: PayoutBatch,
    *,
    acting_user: User | None,
    version: Any = None,
    now: datetime | None = None,
) -> PayoutBatch:
    """`version` is the batch version the approver reviewed (the page and the API show it): if
    a line changed since, the approval is refused rather than given to content nobody saw."""
    approver = require_payouts(acting_user)
    seen = None
    if version not in (None, ""):
        errors = v.Errors()
        seen = v.int_id(errors, "version", version)
        errors.raise_if_any()
    now = resolve(now)
    async with in_transaction():
        locked = await PayoutBatch.filter(id=batch.id).select_for_update().get()
        if locked.state not in (BatchState.REVIEW, BatchState.APPROVED):
            raise Conflict(
                _("A batch in the state “%(state)s” cannot be approved.")
                % {"state": batch_state_label(locked.state.value)}
            )
        if seen is not None and seen != locked.version:
            raise Conflict(_("The batch changed since you opened it: review it again."))
        below = await lines_below_zero(locked)
        if below:
            raise Conflict(below_zero_message(below))
        payee = await PayoutLine.filter(batch_id=batch.id, member_id=approver.id).exists()
        require(
            can_approve(approver, is_payee=payee),
            _("You are paid by this batch: another finance officer must approve it."),
        )
        try:
            async with in_transaction():
                await PayoutApproval.create(
                    batch=locked, approver=approver, version=locked.version, created_at=now
                )
        except IntegrityError:
            raise Conflict(_("You have already approved this version of the batch.")) from None
        approved = len(await valid_approvers(locked)) >= await required_approvals(locked)
        state = BatchState.APPROVED if approved else BatchState.REVIEW
        await PayoutBatch.filter(id=batch.id).update(state=state)
        await PayoutDecision.create(
            batch=locked, action="approve", actor=approver, reason="", created_at=now
        )
    await batch.refresh_from_db()
    return batch
