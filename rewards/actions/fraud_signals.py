"""Fraud signals (PRODUCT.md §3): at the close, hold each line that looks wrong, with evidence.

Each signal is one query over the period's facts, limited to the members who have a line, that
returns only the members it flags, so the work stays in the database and the memory small.
Signals are written once (UNIQUE(line, code)) while the batch is closing, each with its facts and
their English sentence (rewards.signals); finance then decides.

- serial_kudos: one giver gave ≥ `fraud_serial_kudos_percent` (50) % of the member's kudos
  points in the period, with ≥ `fraud_serial_kudos_min` (10) kudos.
- reciprocal_accepts: two members each accepted ≥ `fraud_reciprocal_min` (3) of the other's
  answers in the period.
- shared_signup_address: an asker who accepted the member's answer signed up from the same
  address.
- new_account: the account is under `fraud_new_account_days` old at the cut-off and earned more
  than `fraud_new_account_points` in the period.
- fast_accept: an answer of the member was accepted within `fraud_fast_accept_seconds`.
- suspended: the member is suspended. deferred: finance deferred a line of theirs since the
  last close that gave them one.
- missing_address: cash or charity chosen, but no payout address or charity given.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from tortoise import Tortoise

from forum.db import execute, fetch_dicts, insert_rows, is_postgres
from forum.settings import get_settings
from rewards.labels import HELD_BY_CLOSE
from rewards.models import AWARD_KINDS, LineState, PayoutBatch
from rewards.signals import english_detail

_PAGE = 5000  # rows per statement: well under the databases' 32,766 parameters

_IN_BATCH = "IN (SELECT member_id FROM payout_lines WHERE batch_id = ?)"
_UNREVERSED = "NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.reverses_id = t.id)"

# Per member and giver with at least `fraud_serial_kudos_min` kudos, with the member's kudos total.
_SERIAL_KUDOS = f"""
SELECT s.member_id AS member_id, s.giver AS giver, s.n AS n, s.points AS points,
       (SELECT CAST(COALESCE(SUM(t2.amount), 0) AS BIGINT) FROM ledger_transfers t2
        WHERE t2.member_id = s.member_id AND t2.kind = 'kudos'
          AND t2.created_at >= ? AND t2.created_at < ?
          AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.reverses_id = t2.id)) AS total
FROM (
    SELECT t.member_id AS member_id, g.username AS giver, COUNT(*) AS n,
           CAST(SUM(t.amount) AS BIGINT) AS points
    FROM ledger_transfers t
    JOIN kudos k ON k.id = CAST(SUBSTR(t.ref, 7) AS INTEGER)
    JOIN users g ON g.id = k.giver_id
    WHERE t.kind = 'kudos' AND t.created_at >= ? AND t.created_at < ? AND {_UNREVERSED}
      AND t.member_id {_IN_BATCH}
    GROUP BY t.member_id, g.username
    HAVING COUNT(*) >= ?
) s
"""
# Standing acceptances made in the period, by who accepted whose answer.
_ACCEPT_PAIRS = """
SELECT a.accepted_by_id AS acceptor, an.author_id AS answerer, COUNT(*) AS n
FROM acceptances a JOIN answers an ON an.id = a.answer_id
WHERE a.created_at >= ? AND a.created_at < ? AND a.cleared_at IS NULL
  AND a.accepted_by_id <> an.author_id
GROUP BY a.accepted_by_id, an.author_id
HAVING COUNT(*) >= ?
"""
_SHARED_ADDRESS = f"""
SELECT an.author_id AS member_id, u.username AS asker, m.signup_address AS address,
       COUNT(*) AS n
FROM acceptances a JOIN answers an ON an.id = a.answer_id
JOIN users u ON u.id = a.accepted_by_id JOIN users m ON m.id = an.author_id
WHERE a.created_at >= ? AND a.created_at < ? AND a.accepted_by_id <> an.author_id
  AND m.signup_address <> '' AND u.signup_address = m.signup_address
  AND an.author_id {_IN_BATCH}
GROUP BY an.author_id, u.username, m.signup_address
"""
_AWARDS = ", ".join(f"'{k.value}'" for k in AWARD_KINDS)
_NEW_ACCOUNTS = f"""
SELECT l.member_id AS member_id, u.created_at AS created_at,
       (SELECT CAST(COALESCE(SUM(t.amount), 0) AS BIGINT) FROM ledger_transfers t
        WHERE t.member_id = l.member_id AND t.kind IN ({_AWARDS})
          AND t.created_at >= ? AND t.created_at < ?) AS earned
FROM payout_lines l JOIN users u ON u.id = l.member_id
WHERE l.batch_id = ? AND u.created_at > ?
"""
_SECONDS = {
    "sqlite": "(julianday(a.created_at) - julianday(an.created_at)) * 86400.0",
    "postgres": "EXTRACT(EPOCH FROM (a.created_at - an.created_at))",
}
_FAST_ACCEPT = f"""
SELECT an.author_id AS member_id, an.id AS answer_id, an.question_id AS question_id,
       {{seconds}} AS seconds
FROM acceptances a JOIN answers an ON an.id = a.answer_id
WHERE a.created_at >= ? AND a.created_at < ? AND a.accepted_by_id <> an.author_id
  AND {{seconds}} < ? AND an.author_id {_IN_BATCH}
ORDER BY an.author_id, an.id
"""
_SUSPENDED = f"SELECT id AS member_id FROM users WHERE suspended_at IS NOT NULL AND id {_IN_BATCH}"
# A deferral holds the member's next line: the first one of a batch closed after it.
_DEFERRED = f"""
SELECT l.member_id AS member_id, b.period AS period, l.reason AS reason
FROM payout_lines l JOIN payout_batches b ON b.id = l.batch_id
WHERE l.state = 'deferred' AND b.id <> ? AND l.member_id {_IN_BATCH}
  AND NOT EXISTS (
      SELECT 1 FROM payout_lines l2 JOIN payout_batches b2 ON b2.id = l2.batch_id
      WHERE l2.member_id = l.member_id AND b2.id <> ? AND b2.created_at > l.decided_at
  )
"""
_MISSING_ADDRESS = """
SELECT member_id, method FROM payout_lines
WHERE batch_id = ? AND method IN ('cash', 'charity') AND address = ''
"""


async def flag_batch(batch: PayoutBatch, *, now: datetime) -> int:
    """Write every signal of the batch's period and hold the flagged lines; the lines held."""
    found: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for detect in (
        _serial_kudos,
        _reciprocal_accepts,
        _shared_signup_address,
        _new_account,
        _fast_accept,
        _suspended,
        _deferred,
        _missing_address,
    ):
        for member_id, code, params in await detect(batch):
            found[member_id].setdefault(code, params)
    if not found:
        return 0
    members = sorted(found)
    line_ids: dict[int, int] = {}
    for start in range(0, len(members), _PAGE):
        page = members[start : start + _PAGE]
        for r in await fetch_dicts(
            "SELECT id, member_id FROM payout_lines WHERE batch_id = ? AND member_id IN "
            f"({', '.join(['?'] * len(page))})",
            [batch.id, *page],
        ):
            line_ids[int(r["member_id"])] = int(r["id"])
    # A signal can name someone without a line (e.g. the other side of a reciprocal pair).
    signals = [
        (line_ids[member], code, english_detail(code, params), _json(params))
        for member in members
        if member in line_ids
        for code, params in sorted(found[member].items())
    ]
    for start in range(0, len(signals), _PAGE):
        await insert_rows(
            "payout_signals",
            ("line_id", "code", "detail", "params"),
            signals[start : start + _PAGE],
        )
    return await execute(_HOLD, [LineState.HELD.value, HELD_BY_CLOSE, now, batch.id])


_HOLD = """
UPDATE payout_lines SET state = ?, reason = ?, decided_at = ?
WHERE batch_id = ? AND state = 'pending'
  AND EXISTS (SELECT 1 FROM payout_signals s WHERE s.line_id = payout_lines.id)
"""
# (member, code, the facts rewards.signals words)
Flag = tuple[int, str, dict[str, Any]]


def _json(params: dict[str, Any]) -> str:
    """As the model's JSONField writes it (these rows are inserted with plain SQL)."""
    return json.dumps(params, separators=(",", ":"))


def _window(batch: PayoutBatch) -> list[Any]:
    return [batch.starts_at, batch.cutoff]


async def _serial_kudos(batch: PayoutBatch) -> list[Flag]:
    flags = []
    settings = get_settings()
    params = [*_window(batch), *_window(batch), batch.id, settings.fraud_serial_kudos_min]
    for row in await fetch_dicts(_SERIAL_KUDOS, params):
        member = int(row["member_id"])
        points, all_points = int(row["points"]), int(row["total"])
        if all_points and points * 100 >= all_points * settings.fraud_serial_kudos_percent:
            facts = {
                "giver": str(row["giver"]),
                "n": int(row["n"]),
                "points": points,
                "total": all_points,
                "period": batch.period,
                "share": round(100 * points / all_points),
            }
            flags.append((member, "serial_kudos", facts))
    return flags


async def _reciprocal_accepts(batch: PayoutBatch) -> list[Flag]:
    pairs = {
        (int(r["acceptor"]), int(r["answerer"])): int(r["n"])
        for r in await fetch_dicts(
            _ACCEPT_PAIRS, [*_window(batch), get_settings().fraud_reciprocal_min]
        )
    }
    mutual = [(pair, n) for pair, n in pairs.items() if (pair[1], pair[0]) in pairs]
    names = await _usernames([acceptor for (acceptor, _), _ in mutual]) if mutual else {}
    return [
        (
            answerer,
            "reciprocal_accepts",
            {
                "other": names[acceptor],
                "n": n,
                "back": pairs[(answerer, acceptor)],
                "period": batch.period,
            },
        )
        for (acceptor, answerer), n in mutual
    ]


async def _shared_signup_address(batch: PayoutBatch) -> list[Flag]:
    return [
        (
            int(r["member_id"]),
            "shared_signup_address",
            {
                "address": str(r["address"]),
                "asker": str(r["asker"]),
                "n": int(r["n"]),
                "period": batch.period,
            },
        )
        for r in await fetch_dicts(_SHARED_ADDRESS, [*_window(batch), batch.id])
    ]


async def _new_account(batch: PayoutBatch) -> list[Flag]:
    settings = get_settings()
    young = batch.cutoff - timedelta(days=settings.fraud_new_account_days)
    flags = []
    for r in await fetch_dicts(_NEW_ACCOUNTS, [*_window(batch), batch.id, young]):
        earned = int(r["earned"])
        if earned > settings.fraud_new_account_points:
            created = r["created_at"]
            if isinstance(created, str):
                created = datetime.fromisoformat(created)
            facts = {
                "days": (batch.cutoff - created).days,
                "earned": earned,
                "period": batch.period,
                "limit": settings.fraud_new_account_points,
            }
            flags.append((int(r["member_id"]), "new_account", facts))
    return flags


async def _fast_accept(batch: PayoutBatch) -> list[Flag]:
    limit = get_settings().fraud_fast_accept_seconds
    seconds = _SECONDS["postgres" if is_postgres(Tortoise.get_connection("default")) else "sqlite"]
    sql = _FAST_ACCEPT.format(seconds=seconds)
    by_member: dict[int, list[dict[str, int]]] = defaultdict(list)
    for r in await fetch_dicts(sql, [*_window(batch), limit, batch.id]):
        by_member[int(r["member_id"])].append(
            {
                "answer": int(r["answer_id"]),
                "question": int(r["question_id"]),
                "seconds": max(0, round(float(r["seconds"]))),
            }
        )
    return [
        (
            member,
            "fast_accept",
            {"limit": limit, "answers": found[:10], "more": max(0, len(found) - 10)},
        )
        for member, found in by_member.items()
    ]


async def _suspended(batch: PayoutBatch) -> list[Flag]:
    return [
        (int(r["member_id"]), "suspended", {}) for r in await fetch_dicts(_SUSPENDED, [batch.id])
    ]


async def _deferred(batch: PayoutBatch) -> list[Flag]:
    return [
        (
            int(r["member_id"]),
            "deferred",
            {"period": str(r["period"]), "reason": str(r["reason"])},
        )
        for r in await fetch_dicts(_DEFERRED, [batch.id, batch.id, batch.id])
    ]


async def _missing_address(batch: PayoutBatch) -> list[Flag]:
    return [
        (int(r["member_id"]), "missing_address", {"method": str(r["method"])})
        for r in await fetch_dicts(_MISSING_ADDRESS, [batch.id])
    ]


async def _usernames(ids: list[int]) -> dict[int, str]:
    found = await fetch_dicts(
        f"SELECT id, username FROM users WHERE id IN ({', '.join(['?'] * len(ids))})", ids
    )
    return {int(r["id"]): str(r["username"]) for r in found}
