"""Ledger reads: a member's points and entries, and the reconciliation of the whole ledger."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from forum.errors import NamesNothing, ValidationFailed
from forum.i18n import gettext as _
from forum.i18n import ngettext
from forum.models import User
from forum.queries import Page, find_user, keyset_page
from forum.validation import USERNAME_RE
from rewards.models import REVERSAL_KINDS, LedgerAccount, Transfer
from rewards.models import TransferKind as K


@dataclass(frozen=True)
class Points:
    balance: int
    reserved: int
    paid: int


async def get_member(username: object) -> User:
    """The member a finance form or request names: a 404 on the `member` field for a name of
    no one, a 400 for one no one can have."""
    member = await find_user(username)
    if member is None:
        message = _("member must be the username of an existing member.")
        if isinstance(username, str) and USERNAME_RE.fullmatch(username.strip()):
            raise NamesNothing({"member": message})
        raise ValidationFailed({"member": message})
    return member


async def get_points(member: User) -> Points:
    """One indexed row read, whatever the size of the ledger."""
    row = await LedgerAccount.filter(user_id=member.id).values("balance", "reserved", "paid")
    if not row:
        return Points(0, 0, 0)
    return Points(row[0]["balance"], row[0]["reserved"], row[0]["paid"])


async def pool_balance() -> int:
    """What the pool has issued and not taken back, negated: minus the sum of every other
    account's balance (the pool keeps none of its own, see rewards.actions.transfers)."""
    rows = await LedgerAccount.exclude(key="pool").annotate(total=Sum("balance")).values("total")
    return -int(rows[0]["total"] or 0) if rows else 0


async def list_entries(member: User, *, cursor: str | None = None, limit: int = 20) -> Page:
    """The member's entries, newest first, each signed from the member's point of view."""
    account_id = await LedgerAccount.filter(user_id=member.id).values_list("id", flat=True)
    if not account_id:
        return Page(items=[], next_cursor=None)
    page = await keyset_page(
        Transfer.filter(member_id=member.id),
        "created_at",
        cursor=cursor,
        limit=limit,
        fields=_ENTRY_COLUMNS,
        joined=_ENTRY_JOINED,
    )
    items = [_entry(row, int(account_id[0])) for row in page.items]  # type: ignore[call-overload]
    return Page(items=items, next_cursor=page.next_cursor)


_ENTRY_COLUMNS = (
    "id", "kind", "amount", "credit_id", "debit_id", "ref", "reverses_id", "question_id",
    "answer_id", "reason", "created_at",
)  # fmt: skip
_ENTRY_JOINED = {"reverses_kind": "reverses__kind", "actor_username": "actor__username"}


def _entry(row: dict[str, Any], account_id: int) -> dict[str, Any]:
    # A payment moves the member's reserved points between the payout accounts: it is on their
    # statement, but their balance does not change with it.
    sign = 1 if row["credit_id"] == account_id else -1 if row["debit_id"] == account_id else 0
    return {
        "id": row["id"],
        "kind": row["kind"],
        "points": sign * row["amount"],
        "amount": row["amount"],
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


# Per-account sums from the covering indexes (credit_id, amount) and (debit_id, amount): an
# account's balance is what it received minus what it gave. The pool's own debits are most of
# the table, so they are not summed: since every transfer adds to one account what it takes from
# another, the pool's sum is exactly what all transfers moved into it minus what they moved out
# of every other account. The accounts are joined with their sums once (`j`); the disagreeing
# accounts come back, and one summary row aggregates `j` in a single pass, so the work stays in
# the database: one index scan over the credits, one over the few non-pool debits.
_BALANCES_SQL = """
WITH p AS MATERIALIZED (SELECT id FROM ledger_accounts WHERE key = 'pool'),
d AS MATERIALIZED (
    SELECT debit_id AS id, CAST(SUM(amount) AS BIGINT) AS total, COUNT(*) AS n
    FROM ledger_transfers WHERE debit_id < (SELECT id FROM p) GROUP BY debit_id
    UNION ALL
    SELECT debit_id AS id, CAST(SUM(amount) AS BIGINT) AS total, COUNT(*) AS n
    FROM ledger_transfers WHERE debit_id > (SELECT id FROM p) GROUP BY debit_id
), j AS MATERIALIZED (
    SELECT a.key AS key, a.balance AS cached, a.reserved AS reserved, a.paid AS paid,
           COALESCE(c.total, 0) AS credits, COALESCE(c.n, 0) AS credits_n,
           COALESCE(d.total, 0) AS debits, COALESCE(d.n, 0) AS debits_n
    FROM ledger_accounts a
    LEFT JOIN (SELECT credit_id AS id, CAST(SUM(amount) AS BIGINT) AS total, COUNT(*) AS n
               FROM ledger_transfers GROUP BY credit_id) c ON c.id = a.id
    LEFT JOIN d ON d.id = a.id
)
SELECT '*summary*' AS key,
       COALESCE(SUM(cached) FILTER (WHERE key <> 'pool'), 0) AS cached,
       COALESCE(SUM(credits) FILTER (WHERE key = 'pool'), 0)
       - COALESCE(SUM(credits), 0) + COALESCE(SUM(debits), 0) AS computed,
       COUNT(*) AS accounts, COALESCE(SUM(credits_n), 0) AS transfers,
       COALESCE(SUM(credits_n) FILTER (WHERE key = 'pool'), 0) AS into_pool,
       COALESCE(SUM(debits_n), 0) AS from_others,
       COALESCE(SUM(reserved), 0)
       - COALESCE(MAX(cached) FILTER (WHERE key = 'payout:reserved'), 0) AS reserved_gap,
       COALESCE(SUM(paid), 0)
       - COALESCE(MAX(cached) FILTER (WHERE key = 'payout:paid'), 0) AS paid_gap
FROM j
UNION ALL
SELECT key, cached, credits - debits, 0, 0, 0, 0, 0, 0 FROM j
WHERE key <> 'pool' AND cached <> credits - debits
"""
# What flows back into the pool: few rows, read through the (credit_id, amount) index.
_INTO_POOL_SQL = """
SELECT t.kind AS kind, COUNT(*) AS n FROM ledger_transfers t
JOIN ledger_accounts a ON a.id = t.credit_id
WHERE a.key = 'pool' GROUP BY t.kind
"""
_INTO_POOL_KINDS = {
    K.ADJUSTMENT.value,
    K.PAYOUT_FORFEIT.value,
    *(k.value for k in REVERSAL_KINDS),
}
# Payout moves, read through the same indexes for the two payout accounts only: each kind of
# move has its one pair of account kinds.
_PAYOUTS = "(SELECT id FROM ledger_accounts WHERE key IN ('payout:reserved', 'payout:paid'))"
_PAYOUT_MOVES_SQL = f"""
SELECT t.kind AS kind, da.kind AS debit, ca.kind AS credit, COUNT(*) AS n
FROM ledger_transfers t
JOIN ledger_accounts da ON da.id = t.debit_id JOIN ledger_accounts ca ON ca.id = t.credit_id
WHERE t.debit_id IN {_PAYOUTS}
GROUP BY t.kind, da.kind, ca.kind
UNION ALL
SELECT t.kind AS kind, da.kind AS debit, ca.kind AS credit, COUNT(*) AS n
FROM ledger_transfers t
JOIN ledger_accounts da ON da.id = t.debit_id JOIN ledger_accounts ca ON ca.id = t.credit_id
WHERE t.credit_id IN {_PAYOUTS} AND t.debit_id NOT IN {_PAYOUTS}
GROUP BY t.kind, da.kind, ca.kind
"""
_PAYOUT_MOVES = {
    (K.PAYOUT_RESERVE.value, "member", "payout:reserved"),
    (K.PAYOUT_RELEASE.value, "payout:reserved", "member"),
    (K.PAYOUT_FORFEIT.value, "payout:reserved", "pool"),
    (K.PAYOUT_PAID.value, "payout:reserved", "payout:paid"),
    (K.PAYOUT_RELEASE.value, "payout:paid", "member"),
}


# 6. No line was paid while its member's balance was below zero: the member account's balance
# just before the line's payment transfer, from the transfers themselves (a payment holds the
# pool's lock, which waits for the awards in flight: every lower id has committed). Only a
# reversal or an adjustment can take a balance below zero (a reservation never takes more than
# the balance), so only members who had one are summed: the check costs what those few members'
# transfers cost, not every paid line's.
_PAID_BELOW_ZERO_SQL = """
SELECT l.id AS id, u.username AS username, (
    (SELECT COALESCE(SUM(t.amount), 0) FROM ledger_transfers t
     WHERE t.credit_id = a.id AND t.id < p.id)
    - (SELECT COALESCE(SUM(t.amount), 0) FROM ledger_transfers t
       WHERE t.debit_id = a.id AND t.id < p.id)
) AS balance
FROM payout_lines l
JOIN ledger_transfers p ON p.key = 'payout-line:' || CAST(l.id AS TEXT) || ':paid'
JOIN ledger_accounts a ON a.user_id = l.member_id
JOIN users u ON u.id = l.member_id
WHERE l.state IN ('paid', 'returned')
  AND EXISTS (SELECT 1 FROM ledger_transfers x WHERE x.debit_id = a.id
              AND x.kind IN ('reversal', 'fraud_reversal', 'adjustment'))
  AND (
    (SELECT COALESCE(SUM(t.amount), 0) FROM ledger_transfers t
     WHERE t.credit_id = a.id AND t.id < p.id)
    - (SELECT COALESCE(SUM(t.amount), 0) FROM ledger_transfers t
       WHERE t.debit_id = a.id AND t.id < p.id)
) < 0
ORDER BY l.id
LIMIT 20
"""


async def reconcile() -> Reconciliation:
    """Check PRODUCT.md §2's five invariants, and a sixth of payouts, over the whole ledger,
    reporting every problem.

    1. Balances sum to zero (the pool's is its transfers' sum: it is not cached).
    2. Each cached balance equals its transfers' sum.
    3. Keys are unique and 4. an original is reversed at most once, by an exact mirror of it:
    the database enforces both on every insert (UNIQUE constraints and the checks of migration
    rewards.0002, which also refuse non-positive amounts), so there is nothing left to scan.
    5. Points enter and leave circulation only through the pool: every transfer has the pool on
    exactly one side, and nothing but adjustments and reversals flows back into it.
    6. No payout line was paid while its member's balance was below zero.
    """
    result = Reconciliation()
    async with in_transaction() as conn:
        if conn.capabilities.dialect == "postgres":
            # One snapshot for all three statements: a payout chunk committing between them
            # would otherwise look like points moved without the pool.
            await conn.execute_script("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            # The per-account sums are 100k-row joins: keep them in memory, off the disk.
            await conn.execute_script("SET LOCAL work_mem = '64MB'")
        _n, rows = await conn.execute_query(_BALANCES_SQL)
        _n, inflows = await conn.execute_query(_INTO_POOL_SQL)
        _n, payout_moves = await conn.execute_query(_PAYOUT_MOVES_SQL)
        _n, paid_below_zero = await conn.execute_query(_PAID_BELOW_ZERO_SQL)
    summary = next(row for row in rows if row["key"] == "*summary*")
    result.accounts = int(summary["accounts"])
    result.transfers = int(summary["transfers"])
    for row in rows:
        if row["key"] != "*summary*" and int(row["cached"]) != int(row["computed"]):
            result.problems.append(
                _("account %(key)s caches %(cached)s but its transfers sum to %(computed)s")
                % {"key": row["key"], "cached": row["cached"], "computed": row["computed"]}
            )
    # The pool keeps no balance (rewards.actions.transfers): its transfers' sum stands in.
    total = int(summary["cached"]) + int(summary["computed"])
    if total != 0:
        result.problems.append(_("account balances sum to %(total)s, not 0") % {"total": total})
    # Every debit of a non-pool account goes to the pool, except the payout moves checked below:
    # pool credits - forfeits == non-pool debits - payout moves.
    into_pool, from_others = int(summary["into_pool"]), int(summary["from_others"])
    forfeits = moves = 0
    for row in payout_moves:
        move = (str(row["kind"]), str(row["debit"]), str(row["credit"]))
        moves += int(row["n"])
        forfeits += int(row["n"]) if move[2] == "pool" else 0
        if move not in _PAYOUT_MOVES:
            result.problems.append(
                ngettext(
                    "%(num)d %(kind)s transfer moves points from %(debit)s to %(credit)s, "
                    "which no payout rule allows",
                    "%(num)d %(kind)s transfers move points from %(debit)s to %(credit)s, "
                    "which no payout rule allows",
                    int(row["n"]),
                )
                % {"num": int(row["n"]), "kind": move[0], "debit": move[1], "credit": move[2]}
            )
    gaps = (
        ("reserved_gap", _("members' reserved points differ from %(key)s by %(gap)s"), "reserved"),
        ("paid_gap", _("members' paid points differ from %(key)s by %(gap)s"), "paid"),
    )
    for column, message, kind in gaps:
        gap = int(summary[column])
        if gap:
            result.problems.append(message % {"key": f"payout:{kind}", "gap": gap})
    into_pool -= forfeits
    from_others -= moves
    if into_pool != from_others:
        stray = abs(from_others - into_pool)
        result.problems.append(
            ngettext(
                "%(num)d transfer moves points without the pool: points created or moved where "
                "no rule allows it",
                "%(num)d transfers move points without the pool: points created or moved where "
                "no rule allows it",
                stray,
            )
            % {"num": stray}
        )
    for row in inflows:
        if row["kind"] not in _INTO_POOL_KINDS:
            result.problems.append(
                ngettext(
                    "%(num)d %(kind)s transfer takes points back into the pool",
                    "%(num)d %(kind)s transfers take points back into the pool",
                    int(row["n"]),
                )
                % {"num": int(row["n"]), "kind": row["kind"]}
            )
    for row in paid_below_zero:
        result.problems.append(
            _(
                "payout line %(id)s of %(member)s was paid while the member's balance was "
                "%(balance)s, below zero"
            )
            % {"id": row["id"], "member": row["username"], "balance": row["balance"]}
        )
    return result
