"""What the benchmarks share: the local PostgreSQL, fresh databases, and running one
measurement in a child interpreter that prints its result as one JSON line."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_DSN = "postgres://postgres@127.0.0.1:5432"


class BenchError(Exception):
    """Something broke: the benchmark cannot give a number."""


def log(message: str) -> None:
    print(message, flush=True)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def psql(sql: str) -> None:
    done = subprocess.run(
        ["psql", f"{PG_DSN}/postgres", "-v", "ON_ERROR_STOP=1", "-Atq", "-c", sql],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"psql failed: {sql}\n{done.stderr}")


def fresh_database(db: str, sqlite_path: Path, pg_name: str) -> str:
    """The URL of an empty database: the SQLite file (and its WAL) removed, or the PostgreSQL
    database dropped and created again."""
    drop_database(db, sqlite_path, pg_name)
    if db == "sqlite":
        return f"sqlite://{sqlite_path}"
    psql(f"CREATE DATABASE {pg_name}")
    return f"{PG_DSN}/{pg_name}"


def drop_database(db: str, sqlite_path: Path, pg_name: str) -> None:
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    else:
        psql(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")


def run_child(script: str, args: list[str], marker: str) -> dict[str, Any]:
    """Run `script --child *args` in a fresh interpreter without the scheduler (nor webhooks)
    and return the JSON it printed after `marker`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEERDESK_WEBHOOK")}
    out = subprocess.run(
        [sys.executable, script, "--child", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**env, "PEERDESK_SCHEDULER": "0"},
    )
    for line in out.stdout.splitlines():
        if line.startswith(marker):
            result: dict[str, Any] = json.loads(line.removeprefix(marker))
            return result
    raise SystemExit(f"child {' '.join(args[:1])} failed:\n{out.stdout}\n{out.stderr}")
