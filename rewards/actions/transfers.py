"""Posting transfers: the one place that writes ledger rows and moves cached balances.

Invariants: a transfer is written together with its accounts' balance updates in one
transaction; its key is unique (a replay with the same content returns the first transfer, a
different content is refused); a reversal swaps the accounts of its original, has the same amount
and can exist once.
The pool's balance is not cached: it is minus the sum of the others (rewards.queries.pool_balance),
so no award writes the one row every award shares. Awards (accepts, kudos) take a shared lock on
the pool row and run side by side, queueing only on the member accounts they credit, in account
order (`share_ledger`, or `post_awards` itself); every other ledger write takes it exclusively
(`lock_ledger`) and so sees a ledger that nobody else is writing. The pool's lock is taken first,
so writers never deadlock on it. Awards are written by `post_awards` (on PostgreSQL an event's
transfers, locks and balances in one statement); every other transfer by `post_transfer`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise import Tortoise
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum.actions.notifications import note, notify
from forum.db import execute, fetch_dicts, fetch_model, in_list, is_postgres
from forum.i18n import gettext as _
from forum.models import NotificationKind, User
from rewards.errors import AlreadyReversed, KeyReused
from rewards.models import AccountKind, LedgerAccount, Transfer, TransferKind

POOL = "pool"
_POOL = "SELECT * FROM ledger_accounts WHERE key = ?"
_POOL_SHARED = "SELECT id FROM ledger_accounts WHERE key = ? FOR SHARE"


async def lock_ledger() -> LedgerAccount:
    """Take the pool's row lock (PostgreSQL) for the rest of the caller's transaction: it waits
    for the awards in flight and holds back new ones."""
    pool = await LedgerAccount.filter(key=POOL).select_for_update().first()
    assert pool is not None, "migration rewards.0002 creates the pool account"
    return pool


async def share_ledger(accounts: list[LedgerAccount]) -> None:
    """The locks of an award (PostgreSQL), for one that reads before it writes: a shared lock on
    the pool row (other awards go on, `lock_ledger` waits), then the `accounts` about to be
    credited locked in id order, so that two awards to the same members queue instead of
    deadlocking. `post_awards` takes the same locks in the same order itself."""
    if not is_postgres(Tortoise.get_connection("default")):  # SQLite: one writer at a time
        return
    await fetch_dicts(_POOL_SHARED, [POOL])
    ids = sorted({a.id for a in accounts})
    if ids:
        await fetch_dicts(
            f"SELECT id FROM ledger_accounts WHERE id IN {in_list(len(ids))}"  # noqa: S608
            " ORDER BY id FOR NO KEY UPDATE",
            ids,
        )


SYSTEM_ACCOUNTS = (
    (POOL, AccountKind.POOL),
    ("payout:reserved", AccountKind.RESERVED),
    ("payout:paid", AccountKind.PAID),
)


async def ensure_system_accounts() -> None:
    """The pool and payout accounts exist (migration 0002 creates them; this restores them)."""
    await LedgerAccount.bulk_create(
        [LedgerAccount(key=key, kind=kind) for key, kind in SYSTEM_ACCOUNTS],
        ignore_conflicts=True,
    )


async def system_account(key: str) -> LedgerAccount:
    return await LedgerAccount.get(key=key)


async def open_accounts(user_ids: list[int]) -> None:
    """Open these members' accounts if they have none (concurrent openers get the same rows).

    Call before `lock_ledger()`: opening is an insert, and an insert that waits for another
    transaction's insert of the same account while holding the pool lock deadlocks with it.
    """
    await LedgerAccount.bulk_create(
        [
            LedgerAccount(key=f"member:{uid}", kind=AccountKind.MEMBER, user_id=uid)
            for uid in sorted(set(user_ids))
        ],
        ignore_conflicts=True,
    )


async def member_account(user: User) -> LedgerAccount:
    """The member's account, opened on first use (before any ledger lock, see open_accounts)."""
    account = await LedgerAccount.get_or_none(user_id=user.id)
    if account is None:
        await open_accounts([user.id])
        account = await LedgerAccount.get(user_id=user.id)
    return account


_ACCOUNT_COLUMNS = ("id", "key", "kind", "balance", "reserved", "paid", "user_id")
_MEMBERS_WITH_ACCOUNTS = (
    "SELECT u.*, "  # noqa: S608 - constants
    + ", ".join(f"a.{c} AS account_{c}" for c in _ACCOUNT_COLUMNS)
    + " FROM users u LEFT JOIN ledger_accounts a ON a.user_id = u.id WHERE u.id IN "
)


async def members_with_accounts(user_ids: list[int]) -> dict[int, tuple[User, LedgerAccount]]:
    """Each member of `user_ids` with their account, in one read (awards need both); accounts
    are opened on first use, before any ledger lock (see open_accounts)."""
    sql = _MEMBERS_WITH_ACCOUNTS + in_list(len(user_ids))
    rows = await fetch_dicts(sql, user_ids)
    if any(row["account_id"] is None for row in rows):
        await open_accounts(user_ids)
        rows = await fetch_dicts(sql, user_ids)
    found = {}
    for row in rows:
        account = {c: row.pop(f"account_{c}") for c in _ACCOUNT_COLUMNS}
        found[row["id"]] = (User._init_from_db(**row), LedgerAccount._init_from_db(**account))
    return found


async def post_transfer(
    *,
    debit: LedgerAccount,
    credit: LedgerAccount,
    amount: int,
    kind: TransferKind,
    key: str,
    ref: str,
    member: User | None,
    now: datetime,
    question_id: int | None = None,
    answer_id: int | None = None,
    reverses: Transfer | None = None,
    reason: str = "",
    actor: User | None = None,
) -> Transfer:
    """Write one transfer and move both balances; a replay of the same key returns the first."""
    if amount <= 0:
        raise ValueError(f"transfer amount must be positive, got {amount}")
    existing = await Transfer.get_or_none(key=key)
    if existing is not None:
        return _replay(existing, debit.id, credit.id, amount)
    try:
        async with in_transaction():
            transfer = await Transfer.create(
                debit=debit,
                credit=credit,
                amount=amount,
                kind=kind,
                key=key,
                ref=ref,
                member=member,
                question_id=question_id,
                answer_id=answer_id,
                reverses=reverses,
                reason=reason[:500],
                actor=actor,
                created_at=now,
            )
            for account, change in ((debit, -amount), (credit, amount)):
                if account.key != POOL:  # the pool's balance is derived, not kept
                    await LedgerAccount.filter(id=account.id).update(balance=F("balance") + change)
    except IntegrityError as exc:
        if reverses is not None:
            raise AlreadyReversed(
                _("Transfer %(id)s is already reversed.") % {"id": reverses.id}
            ) from exc
        raise KeyReused(
            _("Idempotency key %(key)s was used at the same moment.") % {"key": repr(key)}
        ) from exc
    return transfer


@dataclass(frozen=True)
class Award:
    """Points from the pool to a member's account, for `post_awards`."""

    account: LedgerAccount
    member: User
    amount: int
    kind: TransferKind
    key: str
    reason: str = ""


_AWARD_COLUMNS = (
    "debit_id, credit_id, amount, kind, key, ref, member_id, question_id, answer_id, reason,"
    " created_at"
)
_AWARD_ROW = "(" + ", ".join(["?"] * 11) + ")"
# PostgreSQL: an event's awards in one statement, so that the member accounts it locks are held
# for one round trip and the commit. It takes the pool's shared lock (for the debit's id), writes
# the transfers, then locks the accounts they credit in id order (`share_ledger`'s order) and
# moves their balances. Each UPDATE sees the latest row once it holds its lock.
_AWARD_ROW_POSTGRES = "((SELECT id FROM pool), " + ", ".join(["?"] * 10) + ")"  # noqa: S608
_POST_AWARDS_POSTGRES = f"""
WITH pool AS (SELECT id FROM ledger_accounts WHERE key = '{POOL}' FOR SHARE),
inserted AS (
    INSERT INTO ledger_transfers ({_AWARD_COLUMNS}) VALUES {{rows}}
    ON CONFLICT (key) DO NOTHING RETURNING *
),
credits AS (SELECT credit_id, SUM(amount) AS amount FROM inserted GROUP BY credit_id),
locked AS (
    SELECT id FROM ledger_accounts WHERE id IN (SELECT credit_id FROM credits)
    ORDER BY id FOR NO KEY UPDATE
),
credited AS (
    UPDATE ledger_accounts a SET balance = a.balance + c.amount
    FROM locked l JOIN credits c ON c.credit_id = l.id WHERE a.id = l.id
)
SELECT * FROM inserted
"""  # noqa: S608 - constants


async def post_awards(
    awards: list[Award],
    *,
    ref: str,
    now: datetime,
    question_id: int,
    answer_id: int,
) -> list[Transfer]:
    """Awards from the pool, in the caller's transaction: the hottest write of the ledger
    (`post_transfer` takes five round trips a transfer). On PostgreSQL one statement takes the
    locks of `share_ledger` and writes the transfers and balances; on SQLite (one writer) the
    transfers take one statement and the balances another. As with `post_transfer`, a replay of
    a key returns the first transfer and a key used for other content is refused."""
    if any(a.amount <= 0 for a in awards):
        raise ValueError(f"award amounts must be positive, got {[a.amount for a in awards]}")
    if not awards:
        return []
    if is_postgres(Tortoise.get_connection("default")):
        inserted = await fetch_dicts(
            _POST_AWARDS_POSTGRES.format(rows=", ".join([_AWARD_ROW_POSTGRES] * len(awards))),
            [value for a in awards for value in _award_values(a, ref, now, question_id, answer_id)],
        )
    else:
        inserted = await _post_awards_sqlite(awards, ref, now, question_id, answer_id)
    by_key = {row["key"]: Transfer._init_from_db(**row) for row in inserted}
    replayed = [a for a in awards if a.key not in by_key]
    if replayed:
        pool = await system_account(POOL)
        for first in await Transfer.filter(key__in=[a.key for a in replayed]):
            by_key[first.key] = first
        for a in replayed:
            _replay(by_key[a.key], pool.id, a.account.id, a.amount)
    return [by_key[a.key] for a in awards]


def _award_values(
    a: Award, ref: str, now: datetime, question_id: int, answer_id: int
) -> tuple[object, ...]:
    """An award's row without its debit (the pool)."""
    return (
        a.account.id, a.amount, a.kind.value, a.key, ref, a.member.id, question_id, answer_id,
        a.reason[:500], now,
    )  # fmt: skip


async def _post_awards_sqlite(
    awards: list[Award], ref: str, now: datetime, question_id: int, answer_id: int
) -> list[dict[str, object]]:
    pool = await fetch_model(LedgerAccount, _POOL, [POOL])
    assert pool is not None, "migration rewards.0002 creates the pool account"
    inserted = await fetch_dicts(
        f"INSERT INTO ledger_transfers ({_AWARD_COLUMNS}) VALUES "  # noqa: S608 - constants
        + ", ".join([_AWARD_ROW] * len(awards))
        + " ON CONFLICT (key) DO NOTHING RETURNING *",
        [
            value
            for a in awards
            for value in (pool.id, *_award_values(a, ref, now, question_id, answer_id))
        ],
    )
    credited: dict[int, int] = {}
    for row in inserted:
        credited[row["credit_id"]] = credited.get(row["credit_id"], 0) + int(row["amount"])
    if credited:
        cases = " ".join(["WHEN ? THEN CAST(? AS BIGINT)"] * len(credited))
        await execute(
            f"UPDATE ledger_accounts SET balance = balance + CASE id {cases} END"  # noqa: S608
            f" WHERE id IN {in_list(len(credited))}",
            [v for item in credited.items() for v in item] + list(credited),
        )
    return inserted


def _replay(first: Transfer, debit_id: int, credit_id: int, amount: int) -> Transfer:
    """The transfer already written under a key, when this one asks for the same content."""
    if (first.debit_id, first.credit_id, first.amount) != (debit_id, credit_id, amount):  # type: ignore[attr-defined]
        raise KeyReused(
            _("Idempotency key %(key)s was already used for another transfer.")
            % {"key": repr(first.key)}
        )
    return first


async def reverse_transfer(
    original: Transfer,
    *,
    kind: TransferKind,
    reason: str,
    now: datetime,
    actor: User | None = None,
) -> Transfer:
    """The reversing entry of `original`: same amount, accounts swapped, pointing back at it."""
    if await Transfer.filter(reverses_id=original.id).exists():
        raise AlreadyReversed(_("Transfer %(id)s is already reversed.") % {"id": original.id})
    debit = await LedgerAccount.get(id=original.credit_id)  # type: ignore[attr-defined]
    credit = await LedgerAccount.get(id=original.debit_id)  # type: ignore[attr-defined]
    member = await User.get_or_none(id=original.member_id) if original.member_id else None  # type: ignore[attr-defined]
    reversal = await post_transfer(
        debit=debit,
        credit=credit,
        amount=original.amount,
        kind=kind,
        key=f"reverse:{original.id}",
        ref=original.ref,
        member=member,
        now=now,
        question_id=original.question_id,
        answer_id=original.answer_id,
        reverses=original,
        reason=reason,
        actor=actor,
    )
    if member is not None and kind in (TransferKind.REVERSAL, TransferKind.FRAUD_REVERSAL):
        reversed_points = note(
            member.id,
            NotificationKind.REVERSED,
            f"reversal:{reversal.id}",
            question_id=original.question_id,
            answer_id=original.answer_id,
            points=original.amount,
        )
        await notify([reversed_points], now=now)
    return reversal


async def unreversed(**filters: object) -> list[Transfer]:
    """Transfers matching `filters` that no reversal points at yet, oldest first."""
    return await Transfer.filter(**filters, reversed_by__id__isnull=True).order_by("id")
