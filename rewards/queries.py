"""Ledger reads: a member's points and entries, and the reconciliation of the whole ledger."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tortoise import Tortoise
from tortoise.expressions import Q

from forum.models import User
from forum.queries import Page, decode_cursor, encode_cursor
from rewards.models import AWARD_KINDS, REVERSAL_KINDS, AccountKind, LedgerAccount, Transfer
from rewards.models import TransferKind as K

_MEMBER, _POOL = AccountKind.MEMBER, AccountKind.POOL
# Which (from, to) account kinds each transfer kind may move points between: points enter
# circulation only from the pool, so no conversion or rounding can create them.
ALLOWED_MOVES: dict[str, set[tuple[str, str]]] = {
    **{k.value: {(_POOL, _MEMBER)} for k in AWARD_KINDS},
    K.ADJUSTMENT.value: {(_POOL, _MEMBER), (_MEMBER, _POOL)},
    **{k.value: {(_MEMBER, _POOL), (_POOL, _MEMBER)} for k in REVERSAL_KINDS},
}


@dataclass(frozen=True)
class Points:
    balance: int
    reserved: int
    paid: int


async def get_points(member: User) -> Points:
    """One indexed row read, whatever the size of the ledger."""
    row = await LedgerAccount.filter(user_id=member.id).values("balance", "reserved", "paid")
    if not row:
        return Points(0, 0, 0)
    return Points(row[0]["balance"], row[0]["reserved"], row[0]["paid"])


async def list_entries(member: User, *, cursor: str | None = None, limit: int = 20) -> Page:
    """The member's entries, newest first, each signed from the member's point of view."""
    account_id = await LedgerAccount.filter(user_id=member.id).values_list("id", flat=True)
    if not account_id:
        return Page(items=[], next_cursor=None)
    query = Transfer.filter(member_id=member.id)
    if cursor:
        moment, last_id = decode_cursor(cursor)
        before: dict[str, Any] = {"created_at__lt": moment}
        tie: dict[str, Any] = {"created_at": moment, "id__lt": last_id}
        query = query.filter(Q(**before) | Q(**tie))
    rows = (
        await query.order_by("-created_at", "-id")
        .limit(limit + 1)
        .values(
            "id",
            "kind",
            "amount",
            "credit_id",
            "ref",
            "reverses_id",
            "question_id",
            "answer_id",
            "reason",
            "created_at",
            reverses_kind="reverses__kind",
            reverses_reason="reverses__reason",
            actor_username="actor__username",
        )
    )
    items = [_entry(row, int(account_id[0])) for row in rows[:limit]]  # type: ignore[call-overload]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor(last["created_at"], last["id"])
    return Page(items=items, next_cursor=next_cursor)


def _entry(row: dict[str, Any], account_id: int) -> dict[str, Any]:
    sign = 1 if row["credit_id"] == account_id else -1
    return {
        "id": row["id"],
        "kind": row["kind"],
        "points": sign * row["amount"],
        "reference": {
            "cause": row["ref"],
            "question_id": row["question_id"],
            "answer_id": row["answer_id"],
            "url": _url(row["question_id"], row["answer_id"]),
        },
        "reverses": row["reverses_id"],
        "reverses_kind": row["reverses_kind"],
        "reason": row["reason"],
        "actor": row["actor_username"],
        "created_at": row["created_at"],
    }


def _url(question_id: int | None, answer_id: int | None) -> str | None:
    if question_id is None:
        return None
    return f"/questions/{question_id}" + (f"#answer-{answer_id}" if answer_id else "")


@dataclass
class Reconciliation:
    accounts: int = 0
    transfers: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


async def reconcile() -> Reconciliation:
    """Check PRODUCT.md §2's five invariants over the whole ledger, reporting every problem.

    One grouped scan of the transfers gives every account's sum and every kind of move; the
    reversal check reads only the reversals (through the unique index on `reverses_id`).
    """
    conn = Tortoise.get_connection("default")
    result = Reconciliation()
    accounts = {
        row["id"]: row for row in await LedgerAccount.all().values("id", "key", "kind", "balance")
    }
    result.accounts = len(accounts)
    _, groups = await conn.execute_query(
        "SELECT debit_id, credit_id, kind, reverses_id IS NULL AS original, SUM(amount) AS total,"
        " COUNT(*) AS n, MIN(amount) AS smallest FROM ledger_transfers"
        " GROUP BY debit_id, credit_id, kind, reverses_id IS NULL"
    )
    computed: dict[int, int] = defaultdict(int)
    for g in groups:
        debit, credit, kind = g["debit_id"], g["credit_id"], g["kind"]
        result.transfers += int(g["n"])
        computed[debit] -= int(g["total"])
        computed[credit] += int(g["total"])
        if int(g["smallest"]) <= 0:
            result.problems.append(f"{kind} transfers with a non-positive amount exist")
        move = (accounts[debit]["kind"], accounts[credit]["kind"])
        if move not in ALLOWED_MOVES.get(kind, set()):
            result.problems.append(
                f"{g['n']} {kind} transfer(s) from {accounts[debit]['key']} to "
                f"{accounts[credit]['key']}: points created or moved where no rule allows it"
            )
        is_reversal_kind = kind in {k.value for k in REVERSAL_KINDS}
        if is_reversal_kind == bool(g["original"]):
            result.problems.append(
                f"{g['n']} {kind} transfer(s) "
                + (
                    "reference no original"
                    if is_reversal_kind
                    else "claim to reverse another transfer"
                )
            )
    total_cached = sum(int(a["balance"]) for a in accounts.values())
    if total_cached != 0:
        result.problems.append(f"account balances sum to {total_cached}, not 0")
    for account_id, account in accounts.items():
        if int(account["balance"]) != computed.get(account_id, 0):
            result.problems.append(
                f"account {account['key']} caches {account['balance']} but its transfers sum "
                f"to {computed.get(account_id, 0)}"
            )
    _, bad_reversals = await conn.execute_query(
        "SELECT r.id, r.reverses_id FROM ledger_transfers r"
        " JOIN ledger_transfers o ON o.id = r.reverses_id"
        " WHERE r.amount <> o.amount OR r.debit_id <> o.credit_id OR r.credit_id <> o.debit_id"
        " OR o.reverses_id IS NOT NULL"
    )
    for row in bad_reversals:
        result.problems.append(
            f"transfer {row['id']} does not exactly reverse transfer {row['reverses_id']}"
        )
    return result
