"""Benchmark of the points ledger (issue #3), on SQLite and on PostgreSQL.

For each database, in a subprocess of its own (Tortoise must not initialise SQLite and PostgreSQL
in one process), this script:

(a) creates a fresh database with `--accepts` questions that each have one answer by another
    member (bulk-created, not timed), then accepts half of them one after the other and the
    other half `--concurrency` at a time, through the real action
    `forum.actions.acceptance.check_accept_answer` (each accept writes the acceptance, the
    question update and two ledger transfers); it reports accepts/s, awards (transfers)/s, p50
    and p99 latency, and checks that `rewards.queries.reconcile()` is ok afterwards;

(b) creates a second fresh database with `--members` members and their ledger accounts, and
    bulk-loads transfers with SQL (pool -> member awards, about 5 % reversals, cached balances
    set to the true sums): first 10,000, then up to `--transfers`. At each size it measures the
    floor (one raw `SELECT credit_id, SUM(amount) FROM ledger_transfers GROUP BY credit_id`,
    median of 3), `rewards.queries.reconcile()` (what `python run.py check-ledger` runs, median
    of 3), the balance read of one member (`get_points`, median of 200) and the newest 20
    entries of one member (`list_entries`, median of 50). Target: reconcile <= 2x the floor and
    a balance read that does not grow with the table.

It exits 0 whatever the numbers (it is a measurement); non-zero only when something broke (a
failed accept, a ledger that does not reconcile, a load with the wrong row count).

Usage (from the project root, in the venv):

    python bench/ledger.py                                 # both databases, full size
    python bench/ledger.py --db sqlite --accepts 1000 --transfers 100000 --members 10000
    python bench/ledger.py --keep                          # keep the databases for EXPLAIN
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import BenchError, fresh_database, log, percentile, psql  # noqa: E402

PG_NAME = "peerdesk_bench_ledger"
PG_POOL = "?minsize=1&maxsize=40"
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
SMALL_STAGE = 10_000
TARGET_RATIO = 2.0
RESULT_PREFIX = "LEDGER-RESULT "
# Nobody logs in: any string is a password hash here, and the cheap hashing profile is enough.
FAKE_PASSWORD_HASH = "bench"
HASH_PROFILE = "cheap"
SECRET_KEY = "bench"
# Every `REVERSAL_EVERY`-th transfer of a load is a reversal (about 5 %).
REVERSAL_EVERY = 21
# Members are spread over the transfers by a multiplier coprime with any member count we use.
SPREAD = 7919


def fresh_ledger_database(db: str, tmp: Path, name: str) -> str:
    """An empty database, its URL (with a pool big enough for the concurrent accepts)."""
    url = fresh_database(db, tmp / f"{name}.sqlite3", PG_NAME)
    return url if db == "sqlite" else url + PG_POOL


def drop_ledger_database(db: str, tmp: Path) -> None:
    if db == "postgres":
        psql(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
    shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------- (a) accepts


async def bench_accepts(n_accepts: int, concurrency: int, n_members: int = 200) -> dict[str, Any]:
    from tortoise.transactions import in_transaction

    from forum.actions.acceptance import check_accept_answer
    from forum.models import Answer, Board, Question, QuestionState, Role, User
    from forum.settings import get_settings
    from rewards.models import Transfer
    from rewards.queries import reconcile

    settings = get_settings()
    setup = time.perf_counter()
    joined = T0 - timedelta(days=60)
    await User.bulk_create(
        [
            User(
                username=f"member{i}",
                username_key=f"member{i}",
                email=f"member{i}@example.com",
                password_hash=FAKE_PASSWORD_HASH,
                role=Role.MEMBER,
                created_at=joined,
            )
            for i in range(n_members)
        ],
        batch_size=1000,
    )
    users = await User.all().order_by("id")
    board = await Board.get(slug="account-billing")
    body = "The top-up button is greyed out in the app; what should I try next?"
    asked = [T0 - timedelta(days=1) + timedelta(seconds=i) for i in range(n_accepts)]
    await Question.bulk_create(
        [
            Question(
                board=board,
                author=users[i % n_members],
                title=f"Benchmark question {i}",
                body=body,
                body_html=f"<p>{body}</p>",
                tags=["bench"],
                language="en",
                state=QuestionState.ANSWERED,
                answer_count=1,
                other_answer_count=1,
                created_at=asked[i],
                updated_at=asked[i] + timedelta(minutes=5),
                last_activity_at=asked[i] + timedelta(minutes=5),
            )
            for i in range(n_accepts)
        ],
        batch_size=1000,
    )
    questions = await Question.all().order_by("id")
    if len(questions) != n_accepts:
        raise BenchError(f"expected {n_accepts} questions, found {len(questions)}")
    reply = "Restart the phone, then check the APN settings once more."
    answers = []
    for i, question in enumerate(questions):
        author = i % n_members
        # Another member: an offset of 1 .. n_members - 1 from the asker.
        answerer = (author + 1 + (i // n_members) % (n_members - 1)) % n_members
        answers.append(
            Answer(
                question=question,
                author=users[answerer],
                body=reply,
                body_html=f"<p>{reply}</p>",
                created_at=question.created_at + timedelta(minutes=5),
                updated_at=question.created_at + timedelta(minutes=5),
            )
        )
    await Answer.bulk_create(answers, batch_size=1000)
    async with in_transaction():
        await Board.filter(id=board.id).update(question_count=n_accepts)
    answer_of = dict(await Answer.all().values_list("question_id", "id"))  # type: ignore[arg-type]
    by_id = {u.id: u for u in users}
    setup_s = time.perf_counter() - setup
    log(f"  setup: {n_members} members, {n_accepts} questions and answers in {setup_s:.1f} s")

    async def accept(i: int, question: Question, latencies: list[float]) -> None:
        started = time.perf_counter()
        await check_accept_answer(
            settings,
            question,
            answer_of[question.id],
            acting_user=by_id[question.author_id],  # type: ignore[attr-defined]
            now=T0 + timedelta(milliseconds=i),
        )
        latencies.append(time.perf_counter() - started)

    async def timed(mode: str, run: Callable[[list[float]], Awaitable[None]]) -> dict[str, Any]:
        latencies: list[float] = []
        before = await Transfer.all().count()
        started = time.perf_counter()
        await run(latencies)
        elapsed = time.perf_counter() - started
        awards = await Transfer.all().count() - before
        row = {
            "mode": mode,
            "accepts": len(latencies),
            "awards": awards,
            "seconds": elapsed,
            "accepts_per_s": len(latencies) / elapsed,
            "awards_per_s": awards / elapsed,
            "p50_ms": percentile(latencies, 50) * 1000,
            "p99_ms": percentile(latencies, 99) * 1000,
            "max_ms": max(latencies) * 1000,
        }
        log(
            f"  {mode}: {row['accepts']} accepts in {elapsed:.1f} s, "
            f"{row['accepts_per_s']:.0f} accepts/s, p99 {row['p99_ms']:.1f} ms"
        )
        return row

    half = n_accepts // 2
    sequential, concurrent = questions[:half], questions[half:]

    async def run_sequential(latencies: list[float]) -> None:
        for i, question in enumerate(sequential):
            await accept(i, question, latencies)

    async def run_concurrent(latencies: list[float]) -> None:
        gate = asyncio.Semaphore(concurrency)

        async def one(i: int, question: Question) -> None:
            async with gate:
                await accept(i, question, latencies)

        await asyncio.gather(*(one(half + i, q) for i, q in enumerate(concurrent)))

    sequential_row = await timed("sequential", run_sequential)
    await open_connections(concurrency)
    rows = [sequential_row, await timed(f"{concurrency} in flight", run_concurrent)]
    for row in rows:
        if row["awards"] != 2 * row["accepts"]:
            raise BenchError(f"{row['mode']}: {row['awards']} awards for {row['accepts']} accepts")
    check = await reconcile()
    if not check.ok:
        raise BenchError(
            "ledger does not reconcile after the accepts: " + "; ".join(check.problems)
        )
    log(f"  reconcile: {check.accounts} accounts, {check.transfers} transfers: ok")
    return {
        "members": n_members,
        "setup_s": setup_s,
        "rows": rows,
        "reconcile_ok": check.ok,
        "transfers": check.transfers,
    }


# --------------------------------------------------------------------------- (b) check-ledger

# Bulk loads, written once per dialect; every number is a bound parameter.
SQL: dict[str, dict[str, str]] = {
    "sqlite": {
        "users": (
            "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ?)"
            " INSERT INTO users (username, username_key, email, password_hash, display_name,"
            " role, locale, payout_method, payout_address, session_version, suspended_reason,"
            " signup_address, created_at)"
            " SELECT 'bench' || n, 'bench' || n, 'bench' || n || '@example.com', 'bench', '',"
            " 'member', 'en', 'credit', '', 1, '', '', '2026-09-01 00:00:00+00:00' FROM g"
        ),
        "originals": (
            "WITH RECURSIVE g(n) AS (SELECT ? UNION ALL SELECT n + 1 FROM g WHERE n < ?)"
            " INSERT INTO ledger_transfers (debit_id, credit_id, amount, kind, key, ref,"
            " member_id, reason, created_at)"
            " SELECT ?, ? + (n * ?) % ?,"
            " CASE WHEN n % 4 = 0 THEN 100 ELSE 10 END,"
            " CASE WHEN n % 4 = 0 THEN 'accept_answerer' ELSE 'kudos' END,"
            " 'bench:' || n, 'bench:' || n, ? + (n * ?) % ?, 'bench award',"
            " datetime(? + n, 'unixepoch') || '+00:00' FROM g"
        ),
        "reversals": (
            "INSERT INTO ledger_transfers (debit_id, credit_id, amount, kind, key, ref,"
            " reverses_id, member_id, reason, created_at)"
            " SELECT credit_id, debit_id, amount, 'reversal', 'reverse:' || id, ref, id,"
            " member_id, 'bench reversal', datetime(created_at, '+1 hour') || '+00:00'"
            " FROM ledger_transfers WHERE id > ? AND id % 20 = 0 ORDER BY id LIMIT ?"
        ),
        "balances": (
            "UPDATE ledger_accounts SET balance ="
            " COALESCE((SELECT SUM(amount) FROM ledger_transfers"
            " WHERE credit_id = ledger_accounts.id), 0)"
            " - COALESCE((SELECT SUM(amount) FROM ledger_transfers"
            " WHERE debit_id = ledger_accounts.id), 0)"
            " WHERE key <> 'pool'"  # the pool keeps no balance (rewards.actions.transfers)
        ),
        "analyze": "ANALYZE",
    },
    "postgres": {
        "users": (
            "INSERT INTO users (username, username_key, email, password_hash, display_name,"
            " role, locale, payout_method, payout_address, session_version, suspended_reason,"
            " signup_address, created_at)"
            " SELECT 'bench' || n, 'bench' || n, 'bench' || n || '@example.com', 'bench', '',"
            " 'member', 'en', 'credit', '', 1, '', '', '2026-09-01 00:00:00+00'"
            " FROM generate_series(1, $1::int) AS n"
        ),
        "originals": (
            "INSERT INTO ledger_transfers (debit_id, credit_id, amount, kind, key, ref,"
            " member_id, reason, created_at)"
            " SELECT $3::int, $4::int + (n * $5::bigint) % $6::int,"
            " CASE WHEN n % 4 = 0 THEN 100 ELSE 10 END,"
            " CASE WHEN n % 4 = 0 THEN 'accept_answerer' ELSE 'kudos' END,"
            " 'bench:' || n, 'bench:' || n, $7::int + (n * $8::bigint) % $9::int, 'bench award',"
            " to_timestamp($10::bigint + n)"
            " FROM generate_series($1::bigint, $2::bigint) AS n"
        ),
        "reversals": (
            "INSERT INTO ledger_transfers (debit_id, credit_id, amount, kind, key, ref,"
            " reverses_id, member_id, reason, created_at)"
            " SELECT credit_id, debit_id, amount, 'reversal', 'reverse:' || id, ref, id,"
            " member_id, 'bench reversal', created_at + interval '1 hour'"
            " FROM ledger_transfers WHERE id > $1 AND id % 20 = 0 ORDER BY id LIMIT $2"
        ),
        "balances": (
            "UPDATE ledger_accounts a SET balance = s.total FROM ("
            " SELECT account, SUM(delta) AS total FROM ("
            " SELECT credit_id AS account, amount AS delta FROM ledger_transfers"
            " UNION ALL SELECT debit_id, -amount FROM ledger_transfers) x GROUP BY account) s"
            " WHERE a.id = s.account AND a.balance <> s.total AND a.key <> 'pool'"
        ),
        "analyze": "VACUUM (ANALYZE) ledger_transfers, ledger_accounts, users",
    },
}
MEMBER_ACCOUNTS = (
    "INSERT INTO ledger_accounts (key, kind, user_id, balance, reserved, paid)"
    " SELECT 'member:' || id, 'member', id, 0, 0, 0 FROM users ORDER BY id"
)
FLOOR_CREDIT = "SELECT credit_id, SUM(amount) FROM ledger_transfers GROUP BY credit_id"
FLOOR_DEBIT = "SELECT debit_id, SUM(amount) FROM ledger_transfers GROUP BY debit_id"


async def open_connections(count: int) -> None:
    """PostgreSQL: the pool opens `count` connections before the timed run, as a server's pool
    has them open once it is under load. Otherwise the first `count` accepts in flight each wait
    for a new connection, and they were the whole of the p99 (all of the 25 slowest were among
    the first 33 to finish, at about 250 ms, while the rest of the run had p99 near 100 ms)."""
    from tortoise import Tortoise
    from tortoise.transactions import in_transaction

    from forum.db import is_postgres

    if not is_postgres(Tortoise.get_connection("default")):
        return  # SQLite: one connection
    everyone_holds_one = asyncio.Barrier(count)

    async def hold() -> None:
        async with in_transaction():
            await everyone_holds_one.wait()

    await asyncio.gather(*(hold() for _ in range(count)))


async def scalar(conn: Any, sql: str, values: list[Any] | None = None) -> Any:
    _, rows = await conn.execute_query(sql, values)
    return next(iter(dict(rows[0]).values()))


async def median_time(fn: Callable[[], Awaitable[Any]], repeat: int) -> tuple[float, Any]:
    """Median wall time (s) of `repeat` calls, and the last call's result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = await fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


class Ledger:
    """The bulk-loaded ledger of part (b): members, accounts and transfers in sequence."""

    def __init__(self, db: str, n_members: int) -> None:
        from tortoise import Tortoise

        self.db = db
        self.sql = SQL[db]
        self.conn = Tortoise.get_connection("default")
        self.n_members = n_members
        self.loaded = 0  # transfers so far (originals and reversals)
        self.sequence = 0  # last original's number
        self.pool_id = 0
        self.first_user = 0
        self.first_account = 0

    async def load_members(self) -> float:
        started = time.perf_counter()
        await self.conn.execute_query(self.sql["users"], [self.n_members])
        await self.conn.execute_query(MEMBER_ACCOUNTS)
        self.pool_id = await scalar(self.conn, "SELECT id FROM ledger_accounts WHERE key = 'pool'")
        _, rows = await self.conn.execute_query(
            "SELECT MIN(id) AS a, MAX(id) AS b, COUNT(*) AS c FROM users"
        )
        first_user, last_user, users = dict(rows[0]).values()
        _, rows = await self.conn.execute_query(
            "SELECT MIN(id) AS a, MAX(id) AS b, MIN(id - user_id) AS c, MAX(id - user_id) AS d"
            " FROM ledger_accounts WHERE kind = 'member'"
        )
        first_account, last_account, low, high = dict(rows[0]).values()
        # The loads compute account and user ids arithmetically: both must be contiguous.
        if not (
            users == self.n_members
            and last_user - first_user + 1 == users
            and last_account - first_account + 1 == users
            and low == high
        ):
            raise BenchError("member ids or account ids are not contiguous")
        self.first_user, self.first_account = first_user, first_account
        return time.perf_counter() - started

    async def load_transfers(self, upto: int) -> dict[str, float]:
        """Append transfers until there are `upto`: originals, then about 5 % reversals; set the
        cached balances to the true sums; analyze. Returns each step's seconds."""
        count = upto - self.loaded
        reversals = count // REVERSAL_EVERY
        originals = count - reversals
        first, last = self.sequence + 1, self.sequence + originals
        steps: dict[str, float] = {}
        mark = time.perf_counter()

        def step(name: str) -> None:
            nonlocal mark
            now = time.perf_counter()
            steps[name] = now - mark
            mark = now

        restore: list[str] = []
        if self.db == "sqlite":
            # Only for the load: no fsync, and a page cache that holds the indexes being built.
            for pragma, value in (("synchronous", "OFF"), ("cache_size", "-262144")):
                restore.append(f"PRAGMA {pragma}={await scalar(self.conn, f'PRAGMA {pragma}')}")
                await self.conn.execute_script(f"PRAGMA {pragma}={value}")
        max_id = await scalar(self.conn, "SELECT COALESCE(MAX(id), 0) FROM ledger_transfers")
        m = self.n_members
        await self.conn.execute_query(
            self.sql["originals"],
            [
                *(first, last, self.pool_id, self.first_account, SPREAD, m),
                *(self.first_user, SPREAD, m, int(T0.timestamp()) - 86400 * 365),
            ],
        )
        step("originals")
        await self.conn.execute_query(self.sql["reversals"], [max_id, reversals])
        step("reversals")
        await self.conn.execute_query(self.sql["balances"])
        step("balances")
        for pragma in restore:
            await self.conn.execute_script(pragma)
        await self.conn.execute_script(self.sql["analyze"])
        step("analyze")
        steps["total"] = sum(steps.values())
        total = await scalar(self.conn, "SELECT COUNT(*) FROM ledger_transfers")
        if total != upto:
            raise BenchError(f"loaded {total} transfers, expected {upto}")
        # Exactness is reconcile()'s to check, below; the pool keeps no balance of its own.
        issued = await scalar(self.conn, "SELECT SUM(balance) FROM ledger_accounts")
        if not issued or issued <= 0:
            raise BenchError(f"the members' balances sum to {issued} after the load")
        self.loaded, self.sequence = upto, last
        return steps

    async def measure(self, load: dict[str, float]) -> dict[str, Any]:
        from forum.models import User
        from rewards.queries import get_points, list_entries, reconcile

        conn = self.conn
        floor_s, floor_rows = await median_time(lambda: conn.execute_query(FLOOR_CREDIT), 3)
        debit_s, _ = await median_time(lambda: conn.execute_query(FLOOR_DEBIT), 3)
        reconcile_s, check = await median_time(reconcile, 3)
        if not check.ok:
            raise BenchError("ledger does not reconcile: " + "; ".join(check.problems[:5]))
        if check.transfers != self.loaded:
            raise BenchError(f"reconcile saw {check.transfers} transfers, not {self.loaded}")
        # The member of the first original: one with transfers at every size.
        member = await User.get(id=self.first_user + SPREAD % self.n_members)
        for _ in range(5):  # warm-up: first calls prepare statements and fill caches
            await get_points(member)
            await list_entries(member)
        points_s, points = await median_time(lambda: get_points(member), 200)
        entries_s, page = await median_time(lambda: list_entries(member), 50)
        row = {
            "transfers": self.loaded,
            "accounts": check.accounts,
            "load_s": load["total"],
            "load_steps": load,
            "floor_ms": floor_s * 1000,
            "floor_groups": floor_rows[0],
            "floor_debit_ms": debit_s * 1000,
            "reconcile_ms": reconcile_s * 1000,
            "ratio": reconcile_s / floor_s,
            "meets_2x": reconcile_s <= TARGET_RATIO * floor_s,
            "get_points_us": points_s * 1e6,
            "member_balance": points.balance,
            "list_entries_ms": entries_s * 1000,
            "member_entries": len(page.items),
        }
        log(
            f"  {self.loaded:,} transfers (loaded in {load['total']:.1f} s: "
            + ", ".join(f"{k} {v:.1f}" for k, v in load.items() if k != "total")
            + f"): floor {row['floor_ms']:.1f}"
            f" ms, reconcile {row['reconcile_ms']:.1f} ms ({row['ratio']:.1f}x),"
            f" get_points {row['get_points_us']:.0f} us, list_entries"
            f" {row['list_entries_ms']:.2f} ms"
        )
        return row


async def bench_ledger(db: str, n_members: int, n_transfers: int) -> dict[str, Any]:
    ledger = Ledger(db, n_members)
    members_s = await ledger.load_members()
    log(f"  {n_members:,} members and their accounts loaded in {members_s:.1f} s")
    stages = sorted({min(SMALL_STAGE, n_transfers), n_transfers})
    rows = []
    for size in stages:
        rows.append(await ledger.measure(await ledger.load_transfers(size)))
    return {"members": n_members, "members_load_s": members_s, "rows": rows}


def time_cli(url: str) -> dict[str, Any]:
    """`python run.py check-ledger` once, as an operator runs it (interpreter start included)."""
    env = {**os.environ, "DATABASE_URL": url, "PEERDESK_SECRET_KEY": SECRET_KEY}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "check-ledger"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise BenchError(f"run.py check-ledger failed:\n{done.stdout}{done.stderr}")
    return {"seconds": elapsed, "output": done.stdout.strip().splitlines()[-1]}


# --------------------------------------------------------------------------- one database


async def run_parts(db: str, tmp: Path, args: argparse.Namespace) -> dict[str, Any]:
    from forum.actions.boards import ensure_default_boards
    from forum.db import connected
    from forum.settings import configure, load_settings, tortoise_config

    result: dict[str, Any] = {"db": db}

    async def prepared(name: str) -> str:
        url = fresh_ledger_database(db, tmp, name)
        configure(
            load_settings(
                database_url=url, password_hash_profile=HASH_PROFILE, secret_key=SECRET_KEY
            )
        )
        return url

    log(f"[{db}] (a) accepts through check_accept_answer")
    url = await prepared("accepts")
    async with connected(tortoise_config(url)):
        await ensure_default_boards()
        result["accepts"] = await bench_accepts(args.accepts, args.concurrency)

    log(f"[{db}] (b) check-ledger at scale")
    url = await prepared("ledger")
    async with connected(tortoise_config(url)):
        await ensure_default_boards()
        result["ledger"] = await bench_ledger(db, args.members, args.transfers)
    result["url"] = url
    return result


def run_one(db: str, args: argparse.Namespace) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="peerdesk_ledger_"))
    try:
        result = asyncio.run(run_parts(db, tmp, args))
        cli = time_cli(result["url"])
        result["cli"] = cli
        log(f"  python run.py check-ledger: {cli['seconds']:.2f} s ({cli['output']})")
    except BenchError as exc:
        log(f"[{db}] FAILED: {exc}")
        return 1
    finally:
        if args.keep:
            log(f"  kept: {tmp}" + (f" and database {PG_NAME}" if db == "postgres" else ""))
        else:
            drop_ledger_database(db, tmp)
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 0


# --------------------------------------------------------------------------- report


def child(db: str, args: argparse.Namespace) -> dict[str, Any] | None:
    """Run one database in its own interpreter, echo its progress, return its result."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--one",
        db,
        *("--accepts", str(args.accepts), "--transfers", str(args.transfers)),
        *("--members", str(args.members), "--concurrency", str(args.concurrency)),
        *(["--keep"] if args.keep else []),
    ]
    result = None
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith(RESULT_PREFIX):
                result = json.loads(line.removeprefix(RESULT_PREFIX))
            else:
                print(line, end="", flush=True)
    if proc.returncode != 0 or result is None:
        print(f"[{db}] failed (exit {proc.returncode})", flush=True)
        return None
    return result


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = [
        "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    for r in rows:
        cells = [r[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(result: dict[str, Any]) -> str:
    name = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[result["db"]]
    acc = result["accepts"]
    out = [
        f"### {name}",
        "",
        f"(a) accepts through `check_accept_answer` ({acc['members']} members, one answer per "
        "question, 2 awards per accept); reconcile afterwards: "
        + ("ok" if acc["reconcile_ok"] else "FAILED"),
        "",
        table(
            ["mode", "accepts", "accepts/s", "awards/s", "p50 ms", "p99 ms", "max ms"],
            [
                [
                    r["mode"],
                    f"{r['accepts']:,}",
                    f"{r['accepts_per_s']:.0f}",
                    f"{r['awards_per_s']:.0f}",
                    f"{r['p50_ms']:.1f}",
                    f"{r['p99_ms']:.1f}",
                    f"{r['max_ms']:.1f}",
                ]
                for r in acc["rows"]
            ],
        ),
        "",
        f"(b) check-ledger over bulk-loaded transfers ({result['ledger']['members']:,} members, "
        "~5 % reversals; floor = one `SELECT credit_id, SUM(amount) ... GROUP BY credit_id`)",
        "",
        table(
            [
                "transfers",
                "floor ms",
                "debit floor ms",
                "reconcile ms",
                "reconcile/floor",
                "<= 2x",
                "get_points us",
                "list_entries ms",
            ],
            [
                [
                    f"{r['transfers']:,}",
                    f"{r['floor_ms']:.1f}",
                    f"{r['floor_debit_ms']:.1f}",
                    f"{r['reconcile_ms']:.1f}",
                    f"{r['ratio']:.2f}x",
                    "yes" if r["meets_2x"] else "NO",
                    f"{r['get_points_us']:.0f}",
                    f"{r['list_entries_ms']:.2f}",
                ]
                for r in result["ledger"]["rows"]
            ],
        ),
        "",
        f"`python run.py check-ledger` at {result['ledger']['rows'][-1]['transfers']:,} transfers"
        f" (interpreter start and migration check included): {result['cli']['seconds']:.2f} s"
        f" - {result['cli']['output']}",
    ]
    return "\n".join(out)


def summary(results: list[dict[str, Any]]) -> str:
    lines = ["Summary:"]
    for r in results:
        name = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[r["db"]]
        seq, conc = r["accepts"]["rows"]
        small, big = r["ledger"]["rows"][0], r["ledger"]["rows"][-1]
        growth = big["get_points_us"] / small["get_points_us"]
        lines.append(
            f"- {name}: {seq['awards_per_s']:.0f} awards/s sequential (p99 {seq['p99_ms']:.1f} ms),"
            f" {conc['awards_per_s']:.0f} awards/s {conc['mode']} (p99 {conc['p99_ms']:.1f} ms);"
            f" check-ledger at {big['transfers']:,} transfers {big['ratio']:.2f}x the floor"
            f" ({'meets' if big['meets_2x'] else 'misses'} the 2x target);"
            f" balance read {small['get_points_us']:.0f} us at {small['transfers']:,} vs"
            f" {big['get_points_us']:.0f} us at {big['transfers']:,} ({growth:.2f}x)"
        )
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--accepts", type=int, default=10_000, help="questions accepted (half each)")
    p.add_argument("--transfers", type=int, default=1_000_000, help="transfers bulk-loaded")
    p.add_argument("--members", type=int, default=100_000, help="members for the bulk load")
    p.add_argument("--concurrency", type=int, default=32, help="accepts in flight")
    p.add_argument("--keep", action="store_true", help="keep the databases (for EXPLAIN)")
    p.add_argument("--one", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.accepts < 2 or args.members < 2 or args.transfers < 1:
        parser().error("--accepts and --members need at least 2, --transfers at least 1")
    if args.one:
        return run_one(args.one, args)
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    print(
        f"Peerdesk ledger benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
        f"accepts={args.accepts} concurrency={args.concurrency} "
        f"transfers={args.transfers} members={args.members}",
        flush=True,
    )
    started = time.perf_counter()
    results = []
    for db in dbs:
        result = child(db, args)
        if result is not None:
            results.append(result)
    print()
    for result in results:
        print(report(result))
        print()
    if results:
        print(summary(results))
    print(
        f"\nTotal time {time.perf_counter() - started:.0f} s; load average at the end"
        f" {os.getloadavg()[0]:.1f} (1 min), {os.getloadavg()[1]:.1f} (5 min)"
    )
    return 0 if len(results) == len(dbs) else 1


if __name__ == "__main__":
    sys.exit(main())
