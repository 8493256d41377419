"""Benchmark of the escalation sweep (issue #5), on SQLite and on PostgreSQL.

For each database and each size (`--questions` // 10, then `--questions`, by default 100,000
and 1,000,000 questions), in a subprocess of its own, this script:

1. creates a fresh database and bulk-loads it with SQL (not timed): 10,000 members, the default
   boards, the questions (spread over the boards and the members, asked between 5 days and 1 hour
   before the benchmark's fixed `now`, all unanswered, unlocked, by members not suspended: every
   one escalates once its timer is due), one SLA timer per question, all due after `now`, and a
   queue with history: 50,000 resolved items and 300 open ones whose first response is not due
   yet; then ANALYZE (SQLite) or VACUUM (ANALYZE) (PostgreSQL);
2. for each number of due timers N (0, 10, 1,000, 10,000 at full size; 0 and 10 at the small
   one), makes N timers due that belong to questions no earlier run escalated (an UPDATE of
   their `due_at`, not timed), then times one `forum.jobs.sweep_escalations(now)` (median of 11
   runs for 0 and 10, of 5 for 1,000 and 10,000); at full size, 0 due once more after the other
   runs, when the swept timers have left dead rows and index entries behind (PostgreSQL's
   autovacuum is off on the benchmark server);
3. checks each run: it saw and opened exactly N items, breached none, and N timers are gone.

Webhooks are not configured, so the sweep writes no outbox rows. Target: the sweep with nothing
due under 50 ms whatever the table size, and a cost that grows with the number due (1,000 due
under 100x the cost of 10 due), not with the table. Exits 0 whatever the numbers; non-zero only
when something broke.

    python bench/escalations.py                        # both databases, both sizes
    python bench/escalations.py --db sqlite --questions 200000
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import drop_database, fresh_database, log, run_child  # noqa: E402

PG_NAME = "peerdesk_bench_escalations"
RESULT = "ESCALATION-RESULT "
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
NOW_S = int(NOW.timestamp())
MEMBERS = 10_000
RESOLVED = 50_000
OPEN = 300
SPREAD = 7919
# (due timers, runs): the full size measures them all, the small size the first two.
RUNS = ((0, 11), (10, 11), (1_000, 5), (10_000, 5))
SMALL_RUNS = RUNS[:2]
AFTER = "0 (after)"
TARGET_IDLE_MS = 50.0
TARGET_RATIO = 100.0
MIN_QUESTIONS = 60_000

# Questions: n = 1..Q asked from 5 days to 1 hour before now, in id order; board and author
# spread. Timers: due 10 minutes + (question id) seconds after now. Resolved items: on questions
# spread over the table (open_key NULL, so they never block a new item). Open items: on the
# last OPEN questions, whose timers no run makes due.
_ASKED_FROM = NOW_S - 5 * 86_400
_ASKED_SPAN = 5 * 86_400 - 3_600
_LOAD = {
    "sqlite": {
        "users": (
            "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ?)"
            " INSERT INTO users (username, username_key, email, password_hash, display_name,"
            " role, locale, payout_method, payout_address, session_version, suspended_reason,"
            " signup_address, created_at)"
            " SELECT 'e' || n, 'e' || n, 'e' || n || '@example.com', 'x', '', 'member', 'en',"
            " 'credit', '', 1, '', '', '2026-01-01 00:00:00+00:00' FROM g"
        ),
        "questions": (
            "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < $1)"
            " INSERT INTO questions (board_id, author_id, title, body, body_html, tags, language,"
            " state, answer_count, other_answer_count, accepted_answer_id, locked_at, created_at,"
            " updated_at, last_activity_at)"
            " SELECT $2 + n % $3, $4 + (n * $5) % $6,"
            " 'My top-up of question ' || n || ' does not show',"
            " 'I topped up this morning and the balance still shows the old amount.',"
            " '<p>I topped up this morning and the balance still shows the old amount.</p>',"
            " '[]', 'en', 'unanswered', 0, 0, NULL, NULL, t, t, t"
            " FROM (SELECT n, datetime($7 + n * $8 / $1, 'unixepoch') || '+00:00' AS t FROM g)"
        ),
        "timers": (
            "INSERT INTO sla_timers (question_id, due_at)"
            " SELECT id, datetime(? + id, 'unixepoch') || '+00:00' FROM questions ORDER BY id"
        ),
        "resolved": (
            "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < $1)"
            " INSERT INTO escalations (question_id, reason, state, open_key, opened_at, due_at,"
            " first_response_at, breached, breached_at, resolved_at, resolution, note)"
            " SELECT $2 + (n * $3) % $4, CASE WHEN n % 5 = 0 THEN 'requested' ELSE 'unanswered'"
            " END, 'resolved', NULL, datetime(o, 'unixepoch') || '+00:00',"
            " datetime(o + 14400, 'unixepoch') || '+00:00',"
            " datetime(o + CASE WHEN n % 10 = 0 THEN 18000 ELSE 3600 END, 'unixepoch')"
            " || '+00:00', n % 10 = 0,"
            " CASE WHEN n % 10 = 0 THEN datetime(o + 14460, 'unixepoch') || '+00:00' END,"
            " datetime(o + 21600, 'unixepoch') || '+00:00',"
            " CASE n % 4 WHEN 0 THEN 'answered_by_community' WHEN 1 THEN 'answered_by_staff'"
            " WHEN 2 THEN 'duplicate' ELSE 'no_action' END, ''"
            " FROM (SELECT n, $5 - 345600 + (n * 7) % 259200 AS o FROM g)"
        ),
        "open": (
            "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < $1)"
            " INSERT INTO escalations (question_id, reason, state, open_key, opened_at, due_at,"
            " breached, note)"
            " SELECT q, r, 'open', q || ':' || r, datetime($3 - 3600 + n, 'unixepoch') || '+00:00',"
            " datetime($3 + 600 + n * 30, 'unixepoch') || '+00:00', 0, ''"
            " FROM (SELECT n, $2 + 1 - n AS q,"
            " CASE WHEN n % 3 = 0 THEN 'requested' ELSE 'unanswered' END AS r FROM g)"
        ),
        "analyze": "ANALYZE",
    },
    "postgres": {
        "users": (
            "INSERT INTO users (username, username_key, email, password_hash, display_name,"
            " role, locale, payout_method, payout_address, session_version, suspended_reason,"
            " signup_address, created_at)"
            " SELECT 'e' || n, 'e' || n, 'e' || n || '@example.com', 'x', '', 'member', 'en',"
            " 'credit', '', 1, '', '', '2026-01-01 00:00:00+00'"
            " FROM generate_series(1, $1::int) AS n"
        ),
        "questions": (
            "INSERT INTO questions (board_id, author_id, title, body, body_html, tags, language,"
            " state, answer_count, other_answer_count, accepted_answer_id, locked_at, created_at,"
            " updated_at, last_activity_at)"
            " SELECT $2::int + n % $3::int, $4::int + (n * $5::bigint) % $6::int,"
            " 'My top-up of question ' || n || ' does not show',"
            " 'I topped up this morning and the balance still shows the old amount.',"
            " '<p>I topped up this morning and the balance still shows the old amount.</p>',"
            " '[]', 'en', 'unanswered', 0, 0, NULL, NULL, t, t, t"
            " FROM (SELECT n, to_timestamp($7::bigint + n * $8::bigint / $1::bigint) AS t"
            " FROM generate_series(1, $1::bigint) AS n) g"
        ),
        "timers": (
            "INSERT INTO sla_timers (question_id, due_at)"
            " SELECT id, to_timestamp($1::bigint + id) FROM questions ORDER BY id"
        ),
        "resolved": (
            "INSERT INTO escalations (question_id, reason, state, open_key, opened_at, due_at,"
            " first_response_at, breached, breached_at, resolved_at, resolution, note)"
            " SELECT $2::int + (n * $3::bigint) % $4::int,"
            " CASE WHEN n % 5 = 0 THEN 'requested' ELSE 'unanswered' END, 'resolved', NULL,"
            " to_timestamp(o), to_timestamp(o + 14400),"
            " to_timestamp(o + CASE WHEN n % 10 = 0 THEN 18000 ELSE 3600 END), n % 10 = 0,"
            " CASE WHEN n % 10 = 0 THEN to_timestamp(o + 14460) END, to_timestamp(o + 21600),"
            " CASE n % 4 WHEN 0 THEN 'answered_by_community' WHEN 1 THEN 'answered_by_staff'"
            " WHEN 2 THEN 'duplicate' ELSE 'no_action' END, ''"
            " FROM (SELECT n, $5::bigint - 345600 + (n * 7) % 259200 AS o"
            " FROM generate_series(1, $1::bigint) AS n) g"
        ),
        "open": (
            "INSERT INTO escalations (question_id, reason, state, open_key, opened_at, due_at,"
            " breached, note)"
            " SELECT q, r, 'open', q || ':' || r, to_timestamp($3::bigint - 3600 + n),"
            " to_timestamp($3::bigint + 600 + n * 30), FALSE, ''"
            " FROM (SELECT n, $2::int + 1 - n AS q,"
            " CASE WHEN n % 3 = 0 THEN 'requested' ELSE 'unanswered' END AS r"
            " FROM generate_series(1, $1::int) AS n) g"
        ),
        "analyze": "VACUUM (ANALYZE)",
    },
}
_BOARD_COUNTS = (
    "UPDATE boards SET question_count = (SELECT COUNT(*) FROM questions q"
    " WHERE q.board_id = boards.id)"
)
_MAKE_DUE = "UPDATE sla_timers SET due_at = ? WHERE question_id >= ? AND question_id < ?"
_COUNT_DUE = "SELECT COUNT(*) AS n FROM sla_timers WHERE due_at <= ?"
_COUNT_TIMERS = "SELECT COUNT(*) AS n FROM sla_timers"


async def _count(sql: str, params: list[Any] | None = None) -> int:
    from forum.db import fetch_dicts

    rows = await fetch_dicts(sql, params or [])
    return int(rows[0]["n"])


async def load(db: str, questions: int) -> tuple[int, float]:
    """Bulk-load the database; (the first question's id, seconds)."""
    from tortoise import Tortoise

    from forum.actions.boards import ensure_default_boards
    from forum.db import bind, fetch_dicts

    conn = Tortoise.get_connection("default")
    sql = _LOAD[db]
    started = time.perf_counter()
    await ensure_default_boards()
    if db == "sqlite":
        await conn.execute_script("PRAGMA synchronous=OFF")
    await conn.execute_query(bind(conn, sql["users"]), [MEMBERS])
    found = await fetch_dicts(
        "SELECT (SELECT MIN(id) FROM boards) AS board, (SELECT COUNT(*) FROM boards) AS boards,"
        " (SELECT MIN(id) FROM users) AS member"
    )
    board, boards, member = found[0]["board"], found[0]["boards"], found[0]["member"]
    await conn.execute_query(
        bind(conn, sql["questions"]),
        [questions, board, boards, member, SPREAD, MEMBERS, _ASKED_FROM, _ASKED_SPAN],
    )
    found = await fetch_dicts("SELECT MIN(id) AS first, MAX(id) AS last FROM questions")
    first, last = int(found[0]["first"]), int(found[0]["last"])
    if last - first + 1 != questions:
        raise SystemExit(f"load: {last - first + 1} questions, expected {questions}")
    await conn.execute_query(bind(conn, sql["timers"]), [NOW_S + 600])
    await conn.execute_query(
        bind(conn, sql["resolved"]), [RESOLVED, first, SPREAD, questions, NOW_S]
    )
    await conn.execute_query(bind(conn, sql["open"]), [OPEN, last, NOW_S])
    await conn.execute_query(_BOARD_COUNTS)
    if db == "sqlite":
        await conn.execute_script("PRAGMA synchronous=NORMAL")
    await conn.execute_script(sql["analyze"])
    if db == "sqlite":
        # Flush the load to disk now (the first fsync of the file after a load with
        # synchronous=OFF), not in the checkpoint of a timed sweep.
        await conn.execute_script("PRAGMA wal_checkpoint(TRUNCATE)")
    return first, time.perf_counter() - started


async def explain(db: str) -> dict[str, list[str]]:
    """The plans of the sweep's three statements, with the parameters a sweep binds."""
    from forum.actions.escalations import _BREACH, _DUE_TIMERS, _DUE_TIMERS_POSTGRES, _ESCALATE_DUE
    from forum.db import fetch_dicts, in_list
    from forum.settings import get_settings

    settings = get_settings()
    postgres = db == "postgres"
    ids = [
        int(r["id"]) for r in await fetch_dicts("SELECT id FROM sla_timers ORDER BY id LIMIT 10")
    ]
    escalate = _ESCALATE_DUE.format(
        ids=in_list(len(ids)),
        now="CAST(? AS TIMESTAMPTZ)" if postgres else "?",
        due="CAST(? AS TIMESTAMPTZ)" if postgres else "?",
        false="FALSE" if postgres else "0",
    )
    due = NOW + timedelta(hours=settings.first_response_hours)
    oldest = NOW - timedelta(days=settings.unanswered_max_age_days)
    statements = {
        "due timers": (_DUE_TIMERS_POSTGRES if postgres else _DUE_TIMERS, [NOW, 500]),
        "escalate (10 timers)": (escalate, [NOW, due, *ids, oldest]),
        "mark breaches": (_BREACH, [NOW, NOW]),
    }
    prefix = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
    plans = {}
    for name, (statement, params) in statements.items():
        rows = await fetch_dicts(prefix + statement, params)
        if postgres:
            plans[name] = [str(r["QUERY PLAN"]) for r in rows]
        else:
            plans[name] = [str(r["detail"]) for r in rows]
    return plans


async def timed_runs(due: int, runs: int, cursor: int) -> tuple[list[float], int]:
    """`runs` sweeps of `due` fresh due timers each; (seconds per sweep, the next free id)."""
    from forum.db import execute
    from forum.jobs import sweep_escalations

    times = []
    for _ in range(runs):
        if due:
            changed = await execute(_MAKE_DUE, [NOW - timedelta(minutes=1), cursor, cursor + due])
            if changed != due:
                raise SystemExit(f"made {changed} timers due, expected {due}")
            cursor += due
        if await _count(_COUNT_DUE, [NOW]) != due:
            raise SystemExit(f"expected {due} due timers before the sweep")
        before = await _count(_COUNT_TIMERS)
        gc.collect()
        t0 = time.perf_counter()
        sweep = await sweep_escalations(NOW)
        times.append(time.perf_counter() - t0)
        after = await _count(_COUNT_TIMERS)
        if (sweep.timers, sweep.opened, sweep.breached, before - after) != (due, due, 0, due):
            raise SystemExit(f"{due} due: {sweep}, timers {before} -> {after}")
    return times, cursor


async def measure(db: str, url: str, questions: int, full: bool) -> dict[str, Any]:
    from forum.db import connected, fetch_dicts
    from forum.settings import configure, get_settings, load_settings, tortoise_config

    configure(load_settings(database_url=url, secret_key="bench", webhook_url=""))  # noqa: S106
    if get_settings().webhook_url:
        raise SystemExit("webhooks must not be configured")
    async with connected(tortoise_config(url)):
        first, load_s = await load(db, questions)
        plans = await explain(db)
        cursor, rows = first, []
        for due, runs in RUNS if full else SMALL_RUNS:
            times, cursor = await timed_runs(due, runs, cursor)
            rows.append({"due": due, "ms": [round(t * 1000, 2) for t in times]})
        if full:
            times, cursor = await timed_runs(0, RUNS[0][1], cursor)
            rows.append({"due": AFTER, "ms": [round(t * 1000, 2) for t in times]})
        outbox = await fetch_dicts("SELECT COUNT(*) AS n FROM webhook_deliveries")
        if int(outbox[0]["n"]):
            raise SystemExit("the sweep wrote webhook deliveries")
    for row in rows:
        row["median_ms"] = round(statistics.median(row["ms"]), 2)
    return {
        "db": db,
        "questions": questions,
        "load_s": round(load_s, 1),
        "swept": cursor - first,
        "rows": rows,
        "plans": plans,
    }


def fresh(db: str, tmp: Path, size: str) -> str:
    return fresh_database(db, tmp / f"escalations-{size}.sqlite3", f"{PG_NAME}_{size}")


def drop(db: str, tmp: Path, size: str) -> None:
    drop_database(db, tmp / f"escalations-{size}.sqlite3", f"{PG_NAME}_{size}")


def child(db: str, url: str, questions: int, full: bool) -> dict[str, Any]:
    return run_child(__file__, [db, url, str(questions), "full" if full else "small"], RESULT)


def _target(due: int | str, median: float, ten: float | None) -> str:
    if due == 0 or due == AFTER:
        return f"< {TARGET_IDLE_MS:.0f} ms: " + (
            "met" if median < TARGET_IDLE_MS else "**not met**"
        )
    if ten is None or due == 10:
        return "–"
    ratio = median / ten
    if due == 1_000:
        met = "met" if ratio < TARGET_RATIO else "**not met**"
        return f"{ratio:.1f}x 10 due (< {TARGET_RATIO:.0f}x: {met})"
    return f"{ratio:.1f}x 10 due"


def report(results: list[dict[str, Any]]) -> None:
    log("")
    log("| database | questions | due | sweep ms (median) | min–max ms | opened per run | target |")
    log("|---|---:|---:|---:|---:|---:|---|")
    for r in results:
        ten = next((row["median_ms"] for row in r["rows"] if row["due"] == 10), None)
        for row in r["rows"]:
            due, median = row["due"], row["median_ms"]
            due_text = f"{due:,}" if isinstance(due, int) else due
            opened = f"{due:,}" if isinstance(due, int) else "0"
            log(
                f"| {r['db']} | {r['questions']:,} | {due_text} | {median:,.2f}"
                f" | {min(row['ms']):,.2f}–{max(row['ms']):,.2f} | {opened}"
                f" | {_target(due, median, ten)} |"
            )
    log("")
    log("Side by side (median ms), the small table against the big one:")
    log("")
    log("| database | due | small table | big table | big / small |")
    log("|---|---:|---:|---:|---:|")
    for db in dict.fromkeys(r["db"] for r in results):
        mine = sorted((r for r in results if r["db"] == db), key=lambda r: r["questions"])
        if len(mine) < 2:
            continue
        small, big = mine[0], mine[-1]
        for due, _ in SMALL_RUNS:
            a = next(row["median_ms"] for row in small["rows"] if row["due"] == due)
            b = next(row["median_ms"] for row in big["rows"] if row["due"] == due)
            log(
                f"| {db} | {due:,} ({small['questions']:,} vs {big['questions']:,} questions)"
                f" | {a:,.2f} | {b:,.2f} | {b / a:.2f}x |"
            )
    for r in results:
        if r["questions"] != max(x["questions"] for x in results if x["db"] == r["db"]):
            continue
        log("")
        log(f"Plans on {r['db']} ({r['questions']:,} questions):")
        for name, lines in r["plans"].items():
            log(f"  {name}:")
            for line in lines:
                log(f"    {line}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--questions", type=int, default=1_000_000)
    p.add_argument("--keep", action="store_true", help="keep the databases (PostgreSQL)")
    p.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        db, url, questions, size = args.child
        result = asyncio.run(measure(db, url, int(questions), size == "full"))
        print(RESULT + json.dumps(result))
        return 0
    if args.questions < MIN_QUESTIONS:
        p.error(f"--questions must be at least {MIN_QUESTIONS:,}")
    dbs = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    sizes = [("small", args.questions // 10, False), ("full", args.questions, True)]
    results = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for db in dbs:
            for size, questions, full in sizes:
                log(f"{db}: {questions:,} questions ...")
                t0 = time.perf_counter()
                results.append(child(db, fresh(db, Path(tmp), size), questions, full))
                if not args.keep:
                    drop(db, Path(tmp), size)
                r = results[-1]
                log(f"  load {r['load_s']} s, runs {time.perf_counter() - t0:.0f} s in all")
                for row in r["rows"]:
                    log(f"  {row['due']} due: median {row['median_ms']} ms, runs {row['ms']}")
    log(f"\nTotal {time.perf_counter() - started:.0f} s.")
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
