"""The payout side of erasing a member's account (forum.actions.data_rights), in its
transaction: nothing more is paid to the account, and its payout records keep no personal data
beyond what a payment made must keep.

- every unpaid line is forfeited back to the pool (a line already sent to the bank is paid and
  kept), and what is left of the balance goes back to the pool too;
- an open appeal is withdrawn, and every appeal's message is blanked;
- the payout details leave every line but the paid ones (the record of a payment made);
- the fraud evidence and the frozen reports name the pseudonym, and forget the sign-up address.
"""

from __future__ import annotations

from datetime import datetime

from forum.models import User
from rewards.actions.adjustments import do_post_adjustment
from rewards.actions.payout_lines import forfeit_for_erasure
from rewards.actions.transfers import lock_ledger, member_account
from rewards.labels import ACCOUNT_ERASED
from rewards.models import (
    AppealState,
    LineState,
    PayoutAppeal,
    PayoutLine,
    PayoutSignal,
    PeriodSnapshot,
)
from rewards.signals import english_detail

ERASED_ADDRESS = "-"


async def erase_payout_records(
    member: User, *, old_username: str, acting_user: User, now: datetime
) -> None:
    """In the caller's transaction; `member` already carries its pseudonym. Open the member's
    account before it (see open_accounts)."""
    await forfeit_for_erasure(member, reason=ACCOUNT_ERASED, acting_user=acting_user, now=now)
    await _return_balance(member, acting_user=acting_user, now=now)
    await PayoutAppeal.filter(member_id=member.id, state=AppealState.OPEN).update(
        state=AppealState.WITHDRAWN, answer=ACCOUNT_ERASED, decided_at=now
    )
    await PayoutAppeal.filter(member_id=member.id).update(message="")
    await PayoutLine.filter(member_id=member.id).exclude(state=LineState.PAID).update(address="")
    await _rename_in_evidence(member, old_username)
    await _rename_in_reports(member, old_username)


async def _return_balance(member: User, *, acting_user: User, now: datetime) -> None:
    await lock_ledger()  # the balance is read under the lock every ledger write takes
    balance = (await member_account(member)).balance
    if balance > 0:
        await do_post_adjustment(
            member, -balance, ref=f"erasure:{member.id}", reason=ACCOUNT_ERASED,
            acting_user=acting_user, now=now,
        )  # fmt: skip


async def _rename_in_evidence(member: User, old_username: str) -> None:
    """The member's own signals forget their sign-up address; other members' evidence that
    names them as the accepting asker names the pseudonym."""
    own_lines = set(await PayoutLine.filter(member_id=member.id).values_list("id", flat=True))
    for signal in await PayoutSignal.filter(code="shared_signup_address"):
        params = dict(signal.params or {})
        own = signal.line_id in own_lines  # type: ignore[attr-defined]
        if not own and params.get("asker") != old_username:
            continue
        if own:
            params["address"] = ERASED_ADDRESS
        if params.get("asker") == old_username:
            params["asker"] = member.username
        await PayoutSignal.filter(id=signal.id).update(
            params=params, detail=english_detail(signal.code, params)
        )


async def _rename_in_reports(member: User, old_username: str) -> None:
    for snapshot in await PeriodSnapshot.all():
        earners = snapshot.figures.get("top_earners", [])
        if not any(e.get("member") == old_username for e in earners):
            continue
        renamed = [
            {**e, "member": member.username} if e.get("member") == old_username else e
            for e in earners
        ]
        await PeriodSnapshot.filter(id=snapshot.id).update(
            figures={**snapshot.figures, "top_earners": renamed}
        )
