"""`python run.py check-ledger` as an operator runs it: a real process on a SQLite file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.cli import run_cli as _run


def test_check_ledger_exits_0_when_clean_and_1_naming_each_problem(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    assert _run("seed", db=db).returncode == 0  # the demo earns points through the actions
    clean = _run("check-ledger", db=db)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "transfers: ok." in clean.stdout
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE ledger_accounts SET balance = balance + 3 WHERE kind = 'member' "
            "AND id = (SELECT MIN(id) FROM ledger_accounts WHERE kind = 'member')"
        )
    broken = _run("check-ledger", db=db)
    assert broken.returncode == 1
    assert "PROBLEM: account member:" in broken.stdout and "caches" in broken.stdout
    assert "PROBLEM: account balances sum to 3, not 0" in broken.stdout
