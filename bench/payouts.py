"""Benchmark of the payout close (issue #4), on SQLite and on PostgreSQL.

For each database and each size (10,000 members / 100,000 transfers, then `--members` /
`--transfers`, by default 100,000 / 1,000,000), in a subprocess of its own, this script:

1. creates a fresh database and bulk-loads it with SQL (not timed): members with a payout
   method (80 % airtime credit, 15 % cash, 5 % charity), their accounts, and awards from the pool
   spread over October 2026 with a long tail (a few members earn a lot, most earn a little),
   plus 2 % of the transfers in November, after the cut-off; cached balances set to the sums;
2. measures the floor: one raw SQL aggregate of every member's balance at the cut-off, returning
   the members at or over the lowest threshold (median of 3);
3. closes October through the real action `rewards.actions.payouts.do_close_period` (lines,
   reservations, fraud signals) and measures its wall time, the process's peak memory during
   the close (VmHWM after resetting it, minus VmRSS before) and the peak of Python's heap
   (tracemalloc, started just before the close);
4. checks the result: `reconcile()` is ok and every line's points are reserved.

Target: the close within 3x the floor, and memory that does not grow with the members (the two
sizes' peaks side by side). Exits 0 whatever the numbers; non-zero only when something broke.

    python bench/payouts.py                        # both databases, both sizes
    python bench/payouts.py --db sqlite --members 20000 --transfers 200000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import fresh_database, log, run_child  # noqa: E402
from bench.ledger import MEMBER_ACCOUNTS as ACCOUNTS  # noqa: E402  (the same loads)
from bench.ledger import SQL as LEDGER_SQL  # noqa: E402

PG_NAME = "peerdesk_bench_payouts"
RESULT = "PAYOUT-RESULT "
TARGET_RATIO = 3.0
OCT_START = int(datetime(2026, 10, 1, tzinfo=UTC).timestamp())
NOV_START = int(datetime(2026, 11, 1, tzinfo=UTC).timestamp())
CLOSE_AT = datetime(2026, 11, 1, 0, 5, tzinfo=UTC)
SPREAD = 7919

# Member k of n gets transfer i when k = (j * j) // n with j = (i * SPREAD) % n: a long tail.
_LOAD = {
    "sqlite": {
        "users": (
            "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ?)"
            " INSERT INTO users (username, username_key, email, password_hash, display_name,"
            " role, locale, payout_method, payout_address, session_version, suspended_reason,"
            " signup_address, created_at)"
            " SELECT 'b' || n, 'b' || n, 'b' || n || '@example.com', 'x', '', 'member', 'en',"
            " CASE WHEN n % 20 < 16 THEN 'credit' WHEN n % 20 < 19 THEN 'cash' ELSE 'charity' END,"
            " CASE WHEN n % 20 < 16 THEN '' WHEN n % 20 < 19 THEN 'NL00BANK' || n"
            " ELSE 'Red Cross' END, 1, '', '', '2026-01-01 00:00:00+00:00' FROM g"
        ),
        "transfers": (
            "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ?)"
            " INSERT INTO ledger_transfers (debit_id, credit_id, amount, kind, key, ref,"
            " member_id, reason, created_at)"
            " SELECT ?, ? + k, CASE WHEN n % 10 = 0 THEN 100 WHEN n % 10 < 4 THEN 5 ELSE 10 END,"
            " CASE WHEN n % 10 = 0 THEN 'accept_answerer' WHEN n % 10 < 4 THEN 'accept_asker'"
            " ELSE 'kudos' END, 'b:' || n,"
            " CASE WHEN n % 10 >= 4 THEN 'kudos:' || n ELSE 'b:' || n END, ? + k, '',"
            " datetime(CASE WHEN n % 50 = 0 THEN ? ELSE ? END + (n * 2) % 2592000, 'unixepoch')"
            " || '+00:00'"
            " FROM (SELECT n, ((n * ?) % ?) * ((n * ?) % ?) / ? AS k FROM g)"
        ),
        "balances": LEDGER_SQL["sqlite"]["balances"],
        "analyze": "ANALYZE",
    },
    "postgres": {
        "users": (
            "INSERT INTO users (username, username_key, email, password_hash, display_name,"
            " role, locale, payout_method, payout_address, session_version, suspended_reason,"
            " signup_address, created_at)"
            " SELECT 'b' || n, 'b' || n, 'b' || n || '@example.com', 'x', '', 'member', 'en',"
            " CASE WHEN n % 20 < 16 THEN 'credit' WHEN n % 20 < 19 THEN 'cash' ELSE 'charity' END,"
            " CASE WHEN n % 20 < 16 THEN '' WHEN n % 20 < 19 THEN 'NL00BANK' || n"
            " ELSE 'Red Cross' END, 1, '', '', '2026-01-01 00:00:00+00'"
            " FROM generate_series(1, $1::int) AS n"
        ),
        "transfers": (
            "INSERT INTO ledger_transfers (debit_id, credit_id, amount, kind, key, ref,"
            " member_id, reason, created_at)"
            " SELECT $2::int, $3::int + k,"
            " CASE WHEN n % 10 = 0 THEN 100 WHEN n % 10 < 4 THEN 5 ELSE 10 END,"
            " CASE WHEN n % 10 = 0 THEN 'accept_answerer' WHEN n % 10 < 4 THEN 'accept_asker'"
            " ELSE 'kudos' END, 'b:' || n,"
            " CASE WHEN n % 10 >= 4 THEN 'kudos:' || n ELSE 'b:' || n END, $4::int + k, '',"
            " to_timestamp(CASE WHEN n % 50 = 0 THEN $5::bigint ELSE $6::bigint END"
            " + (n * 2) % 2592000)"
            " FROM (SELECT n, ((n * $7::bigint) % $8::bigint) * ((n * $9::bigint) % $10::bigint)"
            " / $11::bigint AS k FROM generate_series(1, $1::bigint) AS n) g"
        ),
        "balances": LEDGER_SQL["postgres"]["balances"],
        "analyze": "VACUUM (ANALYZE)",
    },
}
# The floor: every member's balance at the cut-off from the transfers, those at or over the
# lowest threshold returned.
FLOOR = (
    "SELECT t.member_id AS member_id,"
    " SUM(CASE WHEN t.credit_id = a.id THEN t.amount ELSE -t.amount END) AS balance"
    " FROM ledger_transfers t JOIN ledger_accounts a ON a.user_id = t.member_id"
    " WHERE t.created_at < {cutoff}"
    " GROUP BY t.member_id"
    " HAVING SUM(CASE WHEN t.credit_id = a.id THEN t.amount ELSE -t.amount END) >= 100"
)


def _reset_peak() -> int:
    """Reset VmHWM to the current RSS (Linux), and return that RSS."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status("VmRSS")


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


async def measure(db: str, url: str, members: int, transfers: int) -> dict[str, Any]:
    from tortoise import Tortoise

    from forum.db import connected
    from forum.settings import configure, load_settings, tortoise_config
    from rewards.actions.payouts import do_close_period
    from rewards.models import PayoutLine, Transfer
    from rewards.periods import MONTHLY, parse_period
    from rewards.queries import reconcile

    configure(load_settings(database_url=url, secret_key="bench"))  # noqa: S106
    async with connected(tortoise_config(url)):
        conn = Tortoise.get_connection("default")
        sql = _LOAD[db]
        started = time.perf_counter()
        if db == "sqlite":
            await conn.execute_script("PRAGMA synchronous=OFF")
        await conn.execute_query(sql["users"], [members])
        await conn.execute_query(ACCOUNTS)
        _, found = await conn.execute_query(
            "SELECT (SELECT id FROM ledger_accounts WHERE key = 'pool') AS pool,"
            " (SELECT MIN(id) FROM ledger_accounts WHERE kind = 'member') AS account,"
            " (SELECT MIN(id) FROM users) AS member"
        )
        pool, account, member = dict(found[0]).values()
        await conn.execute_query(
            sql["transfers"],
            [transfers, pool, account, member, NOV_START, OCT_START,
             SPREAD, members, SPREAD, members, members],
        )  # fmt: skip
        await conn.execute_query(sql["balances"])
        if db == "sqlite":
            await conn.execute_script("PRAGMA synchronous=NORMAL")
        await conn.execute_script(sql["analyze"])
        load_s = time.perf_counter() - started
        cutoff = "'2026-11-01 00:00:00+00:00'" if db == "sqlite" else "'2026-11-01'::timestamptz"
        floor_times, eligible = [], 0
        for _ in range(3):
            t0 = time.perf_counter()
            _, rows = await conn.execute_query(FLOOR.format(cutoff=cutoff))
            floor_times.append(time.perf_counter() - t0)
            eligible = len(rows)
        del rows
        rss_before = _reset_peak()
        tracemalloc.start()
        t0 = time.perf_counter()
        batch, _ = await do_close_period(parse_period("2026-10", MONTHLY), now=CLOSE_AT)
        close_s = time.perf_counter() - t0
        heap_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        peak = _status("VmHWM") - rss_before
        lines = await PayoutLine.filter(batch_id=batch.id).count()
        reserves = await Transfer.filter(kind="payout_reserve").count()
        check = await reconcile()
        if not check.ok or reserves != lines:
            raise SystemExit(f"broken close: {check.problems} {reserves} != {lines}")
        held = await PayoutLine.filter(batch_id=batch.id, state="held").count()
    floor_s = statistics.median(floor_times)
    return {
        "db": db,
        "members": members,
        "transfers": transfers,
        "load_s": round(load_s, 1),
        "eligible": eligible,
        "lines": lines,
        "held": held,
        "floor_ms": round(floor_s * 1000, 1),
        "close_ms": round(close_s * 1000, 1),
        "ratio": round(close_s / floor_s, 2),
        "peak_mb": round(peak / 2**20, 1),
        "heap_peak_mb": round(heap_peak / 2**20, 2),
    }


def fresh(db: str, tmp: Path, size: str) -> str:
    return fresh_database(db, tmp / f"payouts-{size}.sqlite3", f"{PG_NAME}_{size}")


def child(db: str, url: str, members: int, transfers: int) -> dict[str, Any]:
    return run_child(__file__, [db, url, str(members), str(transfers)], RESULT)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--members", type=int, default=100_000)
    p.add_argument("--transfers", type=int, default=1_000_000)
    p.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        db, url, members, transfers = args.child
        print(RESULT + json.dumps(asyncio.run(measure(db, url, int(members), int(transfers)))))
        return 0
    dbs = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    sizes = [
        ("small", args.members // 10, args.transfers // 10),
        ("full", args.members, args.transfers),
    ]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for db in dbs:
            for size, members, transfers in sizes:
                log(f"{db}: {members:,} members, {transfers:,} transfers ...")
                results.append(child(db, fresh(db, Path(tmp), size), members, transfers))
                log(f"  {results[-1]}")
    log("")
    log(
        "| database | members | transfers | lines (held) | floor ms | close ms | close / floor "
        "| target | peak RSS growth MB | peak Python heap MB |"
    )
    log("|---|---:|---:|---:|---:|---:|---:|:---:|---:|---:|")
    for r in results:
        met = "met" if r["ratio"] <= TARGET_RATIO else "**not met**"
        log(
            f"| {r['db']} | {r['members']:,} | {r['transfers']:,} | {r['lines']:,} ({r['held']:,})"
            f" | {r['floor_ms']:,} | {r['close_ms']:,} | {r['ratio']}x | {met} | {r['peak_mb']}"
            f" | {r['heap_peak_mb']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
