"""Finance's decisions on one payout line: hold, release, reject, forfeit, defer, and return.

Invariants: every decision names a reason and writes an audit row; a line changes state with a
conditional update (two finance officers deciding at once: one wins, the other gets a 409); a
decision that moves points writes its ledger transfer (idempotency key `payout-line:<id>:<action>`)
in the same transaction; any change to a line bumps the batch's version, which voids the
approvals given so far and sends an approved batch back to review. Once a batch is exported, its
lines stay as exported until it is marked paid; nobody decides their own line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum import validation as v
from forum.clock import resolve
from forum.errors import Conflict
from forum.i18n import gettext as _
from forum.models import User
from forum.permissions import require
from rewards.actions.transfers import lock_ledger, post_transfer, system_account
from rewards.labels import action_label, batch_state_label, line_state_label
from rewards.models import (
    BatchState,
    LedgerAccount,
    LineState,
    PayoutBatch,
    PayoutDecision,
    PayoutLine,
    TransferKind,
)
from rewards.payout_queries import was_exported
from rewards.permissions import can_decide_line, require_payouts

S = LineState
# action: (the states it starts from, the state it leaves, where the points go)
TRANSITIONS: dict[str, tuple[tuple[LineState, ...], LineState, str | None]] = {
    "hold": ((S.PENDING,), S.HELD, None),
    "release": ((S.HELD,), S.PENDING, None),
    "reject": ((S.PENDING, S.HELD), S.REJECTED, "member"),
    "forfeit": ((S.PENDING, S.HELD), S.FORFEITED, "pool"),
    "defer": ((S.PENDING, S.HELD), S.DEFERRED, "member"),
    "return": ((S.PAID,), S.RETURNED, "member"),
}
# "reduce" keeps the line's state and gives back what was taken back after the close (see
# _reduce).
LINE_ACTIONS = (*TRANSITIONS, "reduce")
# Which actions each batch state allows: once paid, only held lines are settled and paid lines
# returned.
_ALLOWED = {
    BatchState.REVIEW: {"hold", "release", "reject", "forfeit", "defer", "reduce"},
    BatchState.APPROVED: {"hold", "release", "reject", "forfeit", "defer", "reduce"},
    BatchState.PAID: {"reject", "forfeit", "defer", "return", "reduce"},
}


def allowed_actions(state: BatchState) -> tuple[str, ...]:
    """The decisions a batch in `state` takes, in the order of LINE_ACTIONS."""
    return tuple(a for a in LINE_ACTIONS if a in _ALLOWED.get(state, set()))


@dataclass(frozen=True)
class LineFacts:
    """What decides which decisions a line takes, besides the states."""

    exported: bool  # the batch's file went to the bank: an approved batch is paid first
    own: bool  # the officer's own line: another officer decides it
    below_zero: bool  # the member's balance: "reduce" gives back what went below zero


def line_actions(
    batch_state: BatchState, line_state: LineState, facts: LineFacts
) -> tuple[str, ...]:
    """The decisions `do_decide_line` takes for such a line, in the order of LINE_ACTIONS: a
    page offers these and no others."""
    if facts.own or (batch_state == BatchState.APPROVED and facts.exported):
        return ()
    reducible = facts.below_zero and line_state in (S.PENDING, S.HELD)
    return tuple(
        a
        for a in allowed_actions(batch_state)
        if (reducible if a == "reduce" else line_state in TRANSITIONS[a][0])
    )


async def check_decide_line(
    batch: PayoutBatch,
    line: PayoutLine,
    action: Any,
    *,
    reason: Any,
    acting_user: User | None,
    now: datetime | None = None,
) -> PayoutLine:
    actor = require_payouts(acting_user)
    require(can_decide_line(actor, line), _("Another finance officer must decide your own line."))
    errors = v.Errors()
    action_name = v.choice(errors, "action", action, LINE_ACTIONS, _("Action"))
    reason_text = v.text(errors, "reason", reason, min_len=3, max_len=500, label=_("Reason"))
    errors.raise_if_any()
    return await do_decide_line(
        batch, line, action_name, reason=reason_text, acting_user=actor, now=now
    )


async def do_decide_line(
    batch: PayoutBatch,
    line: PayoutLine,
    action: str,
    *,
    reason: str,
    acting_user: User,
    now: datetime | None = None,
    erasure: bool = False,
) -> PayoutLine:
    """`erasure`: the member's own account is being erased (forum.actions.data_rights), by
    them or an admin: the decision is not finance's, and the member's own line is decided."""
    now = resolve(now)
    async with in_transaction():
        locked = await PayoutBatch.filter(id=batch.id).select_for_update().get()
        if action not in _ALLOWED.get(locked.state, set()):
            raise Conflict(
                _("A batch in the state “%(state)s” does not allow “%(action)s”.")
                % {"state": batch_state_label(locked.state.value), "action": action_label(action)}
            )
        if locked.state == BatchState.APPROVED and await was_exported(batch):
            raise Conflict(
                _(
                    "The batch was exported for payment: mark it paid first, then return or "
                    "settle lines."
                )
            )
        require(
            erasure or can_decide_line(acting_user, line),
            _("Another finance officer must decide your own line."),
        )
        # The line as it is now, under the batch's lock: a reduction may have changed its points
        # since the caller read it, and the points moved must be the ones it holds.
        current = await PayoutLine.get(id=line.id)
        if action == "reduce":
            await _reduce(locked, current, reason, acting_user, now)
        else:
            sources, target, destination = TRANSITIONS[action]
            changed = await PayoutLine.filter(
                id=line.id, state__in=sources, points=current.points
            ).update(state=target, decided_by=acting_user, reason=reason, decided_at=now)
            if changed != 1:
                current = await PayoutLine.get(id=line.id)
                raise _not_possible(current, action)
            if destination is not None:
                await _move_points(locked, current, action, destination, reason, acting_user, now)
        if locked.state != BatchState.PAID:
            await PayoutBatch.filter(id=batch.id).update(
                version=F("version") + 1, state=BatchState.REVIEW
            )
        await PayoutDecision.create(
            batch=locked, line=line, action=action, actor=acting_user, reason=reason, created_at=now
        )
    await line.refresh_from_db()
    return line


async def _move_points(
    batch: PayoutBatch,
    line: PayoutLine,
    action: str,
    destination: str,
    reason: str,
    actor: User,
    now: datetime,
) -> None:
    member = await User.get(id=line.member_id)  # type: ignore[attr-defined]
    account = await LedgerAccount.get(user_id=member.id)
    await lock_ledger()
    source_key, column = (
        ("payout:paid", "paid") if action == "return" else ("payout:reserved", "reserved")
    )
    source = await system_account(source_key)
    credit = account if destination == "member" else await system_account("pool")
    await post_transfer(
        debit=source,
        credit=credit,
        amount=line.points,
        kind=TransferKind.PAYOUT_FORFEIT if destination == "pool" else TransferKind.PAYOUT_RELEASE,
        key=f"payout-line:{line.id}:{action}",
        ref=f"payout:{batch.period}",
        member=member,
        now=now,
        reason=reason,
        actor=actor,
    )
    await LedgerAccount.filter(id=account.id).update(**{column: F(column) - line.points})


async def _reduce(
    batch: PayoutBatch, line: PayoutLine, reason: str, actor: User, now: datetime
) -> None:
    """Take back from the line what was taken back from its member after the close: their
    balance below zero. The line keeps the fewest points that pay the cents that still stand
    (rounded down, as at the close); the rest moves back to the member exactly, which leaves
    their balance at zero or just above it (the odd points of the last cent)."""
    member = await User.get(id=line.member_id)  # type: ignore[attr-defined]
    await lock_ledger()  # the balance is read under the lock every reversal takes
    account = await LedgerAccount.get(user_id=member.id)
    current = await PayoutLine.get(id=line.id)
    if current.state not in (S.PENDING, S.HELD):
        raise _not_possible(current, "reduce")
    deficit = -account.balance
    if deficit <= 0:
        raise Conflict(
            _("Line %(id)s: the member's balance is not below zero, so nothing was taken back.")
            % {"id": line.id}
        )
    still = current.points - deficit
    cents = still * batch.cents_num // batch.cents_den if still > 0 else 0
    if cents <= 0:
        raise Conflict(
            _("Line %(id)s: no points of it still stand; forfeit or reject the line instead.")
            % {"id": line.id}
        )
    points = -(-cents * batch.cents_den // batch.cents_num)
    back = current.points - points
    changed = await PayoutLine.filter(
        id=line.id, points=current.points, state=current.state
    ).update(points=points, cents=cents, decided_by=actor, reason=reason, decided_at=now)
    if changed != 1:
        raise Conflict(_("Line %(id)s changed at the same moment; reload.") % {"id": line.id})
    await post_transfer(
        debit=await system_account("payout:reserved"),
        credit=account,
        amount=back,
        kind=TransferKind.PAYOUT_RELEASE,
        key=f"payout-line:{line.id}:reduce:{current.points}",
        ref=f"payout:{batch.period}",
        member=member,
        now=now,
        reason=reason,
        actor=actor,
    )
    await LedgerAccount.filter(id=account.id).update(reserved=F("reserved") - back)


def _not_possible(line: PayoutLine, action: str) -> Conflict:
    return Conflict(
        _("Line %(id)s is “%(state)s”: “%(action)s” is not possible.")
        % {
            "id": line.id,
            "state": line_state_label(line.state.value),
            "action": action_label(action),
        }
    )


async def forfeit_for_erasure(
    member: User, *, reason: str, acting_user: User, now: datetime
) -> list[PayoutLine]:
    """Forfeit the member's unpaid lines back to the pool: their account is being erased, so
    nothing is paid to it. A line already sent to the bank is left to be paid (and kept)."""
    forfeited = []
    open_lines = PayoutLine.filter(member_id=member.id, state__in=TRANSITIONS["forfeit"][0])
    for line in await open_lines.order_by("batch_id"):
        batch = await PayoutBatch.get(id=line.batch_id)  # type: ignore[attr-defined]
        exported = await was_exported(batch)
        if "forfeit" not in _ALLOWED.get(batch.state, set()) or (
            batch.state == BatchState.APPROVED and exported
        ):
            continue
        forfeited.append(
            await do_decide_line(
                batch, line, "forfeit", reason=reason, acting_user=acting_user, now=now,
                erasure=True,
            )
        )  # fmt: skip
    return forfeited
