"""Ledger helpers for tests: balances, entries and the reconciliation in one line each."""

from __future__ import annotations

from datetime import datetime

from forum.models import User
from rewards.actions.adjustments import check_post_adjustment
from rewards.models import LedgerAccount, Transfer
from rewards.queries import reconcile


async def balance(user: User) -> int:
    account = await LedgerAccount.get_or_none(user_id=user.id)
    return account.balance if account else 0


async def kinds(user: User) -> list[tuple[str, int]]:
    """(kind, signed points) of the member's transfers, oldest first."""
    account = await LedgerAccount.get_or_none(user_id=user.id)
    if account is None:
        return []
    rows = (
        await Transfer.filter(member_id=user.id)
        .order_by("id")
        .values("kind", "amount", "credit_id")
    )
    return [
        (r["kind"], r["amount"] if r["credit_id"] == account.id else -r["amount"]) for r in rows
    ]


async def assert_reconciles() -> None:
    result = await reconcile()
    assert result.ok, result.problems


async def grant(member: User, points: int, finance: User, at: datetime) -> None:
    """Points for a member at a moment, through finance's adjustment action."""
    await check_post_adjustment(
        member, points=points, reason="Test grant", acting_user=finance, now=at
    )
