"""Appeals against payout decisions: a member whose line is held, rejected or forfeited appeals
once per line with a message; finance answers it, upheld or overturned, with a reason the
member reads on their statement (and is notified of).

Overturning never edits a paid batch:
- a held line of a batch still in review (or approved, not yet exported) is released and paid
  with that batch; a held line of a paid batch is rejected, so its points go back to the member
  and the next period's close pays them;
- a rejected line's points are already back with the member: the next close pays them;
- a forfeited line's points went to the pool: an adjustment from the pool gives them back (the
  ledger's reversals mirror a transfer exactly, and the mirror of a forfeit would put points into
  the closed batch's reservation), and the next close pays them.

One appeal per line is the database's (UNIQUE line); the answer is a conditional update from
"open", so two officers answering at once answer once. Nobody answers an appeal about their own
line.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from forum import validation as v
from forum.actions.notifications import note, notify
from forum.clock import resolve
from forum.errors import Conflict
from forum.i18n import gettext as _
from forum.models import NotificationKind, User
from forum.permissions import require, require_user
from rewards.actions.adjustments import do_post_adjustment
from rewards.actions.payout_lines import do_decide_line
from rewards.actions.transfers import member_account
from rewards.models import (
    AppealState,
    BatchState,
    LineState,
    PayoutAppeal,
    PayoutBatch,
    PayoutLine,
)
from rewards.payout_queries import was_exported
from rewards.permissions import can_answer_appeal, require_payouts

APPEALABLE = (LineState.HELD, LineState.REJECTED, LineState.FORFEITED)
DECISIONS = ("upheld", "overturned")
MESSAGE = (10, 2000)


async def check_appeal_line(
    line: PayoutLine, message: Any, *, acting_user: User | None, now: datetime | None = None
) -> PayoutAppeal:
    member = require_user(acting_user)
    require(line.member_id == member.id, _("You can only appeal your own payout lines."))  # type: ignore[attr-defined]
    errors = v.Errors()
    text = v.text(
        errors, "message", message, min_len=MESSAGE[0], max_len=MESSAGE[1], label=_("Message")
    )
    errors.raise_if_any()
    if line.state not in APPEALABLE:
        raise Conflict(_("Only a held, rejected or forfeited payout line can be appealed."))
    try:
        return await PayoutAppeal.create(
            line=line, member=member, message=text, created_at=resolve(now)
        )
    except IntegrityError as exc:
        raise Conflict(_("You have appealed this line already: finance answers it.")) from exc


async def check_answer_appeal(
    appeal: PayoutAppeal,
    decision: Any,
    *,
    reason: Any,
    acting_user: User | None,
    now: datetime | None = None,
) -> PayoutAppeal:
    actor = require_payouts(acting_user)
    require(
        can_answer_appeal(actor, appeal),
        _("Another finance officer must answer an appeal about your own line."),
    )
    errors = v.Errors()
    chosen = v.choice(errors, "decision", decision, DECISIONS, _("Decision"))
    reason_text = v.text(errors, "reason", reason, min_len=3, max_len=500, label=_("Reason"))
    errors.raise_if_any()
    return await do_answer_appeal(appeal, chosen, reason=reason_text, acting_user=actor, now=now)


async def do_answer_appeal(
    appeal: PayoutAppeal, decision: str, *, reason: str, acting_user: User, now: datetime | None
) -> PayoutAppeal:
    now = resolve(now)
    line = await PayoutLine.get(id=appeal.line_id)  # type: ignore[attr-defined]
    batch = await PayoutBatch.get(id=line.batch_id)  # type: ignore[attr-defined]
    member = await User.get(id=appeal.member_id)  # type: ignore[attr-defined]
    if decision == "overturned":
        await member_account(member)  # before any ledger lock (see open_accounts)
    async with in_transaction():
        answered = await PayoutAppeal.filter(id=appeal.id, state=AppealState.OPEN).update(
            state=AppealState(decision), answer=reason, decided_by=acting_user, decided_at=now
        )
        if answered != 1:
            raise Conflict(_("This appeal is answered already; reload."))
        if decision == "overturned":
            await _overturn(batch, line, member, reason=reason, acting_user=acting_user, now=now)
        told = note(member.id, NotificationKind.APPEAL, f"appeal:{appeal.id}", period=batch.period)
        await notify([told], now=now)
    await appeal.refresh_from_db()
    return appeal


async def _overturn(
    batch: PayoutBatch,
    line: PayoutLine,
    member: User,
    *,
    reason: str,
    acting_user: User,
    now: datetime,
) -> None:
    said = f"Appeal overturned: {reason}"
    if line.state == LineState.HELD:
        exported = await was_exported(batch)
        if batch.state == BatchState.APPROVED and exported:
            raise Conflict(
                _("The batch was exported for payment: mark it paid first, then answer.")
            )
        action = "reject" if batch.state == BatchState.PAID else "release"
        await do_decide_line(batch, line, action, reason=said, acting_user=acting_user, now=now)
    elif line.state == LineState.FORFEITED:
        await do_post_adjustment(
            member, line.points, ref=f"appeal:{line.id}", reason=said, acting_user=acting_user,
            now=now,
        )  # fmt: skip
