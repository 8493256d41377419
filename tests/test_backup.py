"""Backups restore: `run.py backup` while a real server writes questions, answers and accepted
answers (points in the ledger), then `run.py restore` into a fresh database, where
`run.py check-ledger` passes and every row of a consistent moment is present. On the suite's
backend: SQLite files, or new PostgreSQL databases beside TEST_DB_URL's."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

from tests.conftest import IS_POSTGRES, TEST_DB_URL
from tests.test_server import _free_port, _output, _stop, _wait_until_healthy

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 30  # questions asked, answered and accepted while the backup runs
COUNTED = ("questions", "answers", "acceptances", "ledger_transfers", "users")


def _postgres(name: str) -> str:
    parts = urlsplit(TEST_DB_URL)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(
        _postgres("postgres").replace("postgres://", "postgresql://", 1)
    )
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A source and a target database, empty."""
    if not IS_POSTGRES:
        yield f"sqlite:///{tmp_path / 'source.sqlite3'}", f"sqlite:///{tmp_path / 'target.sqlite3'}"
        return
    names = [f"pd_backup_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("source", "target")]
    for name in names:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield _postgres(names[0]), _postgres(names[1])
    finally:
        for name in names:
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "PEERDESK_SECRET_KEY": "x"}
    return subprocess.run(
        [sys.executable, "run.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=180,
    )  # fmt: skip


def _counts(database_url: str) -> dict[str, int]:
    sql = " UNION ALL ".join(f"SELECT '{t}', COUNT(*) FROM {t}" for t in COUNTED)
    if database_url.startswith("sqlite"):
        connection = sqlite3.connect(database_url.removeprefix("sqlite://"))
        try:
            return {table: n for table, n in connection.execute(sql)}
        finally:
            connection.close()

    async def read() -> dict[str, int]:
        connection = await asyncpg.connect(database_url)
        try:
            return {table: n for table, n in await connection.fetch(sql)}
        finally:
            await connection.close()

    return asyncio.run(read())


def _member(http: httpx.Client, name: str) -> dict[str, str]:
    password = "correct horse battery"
    registered = http.post(
        "/api/v1/auth/register",
        json={"username": name, "email": f"{name}@example.com", "password": password},
    )
    assert registered.status_code == 201, registered.text
    token = http.post("/api/v1/auth/token", json={"username": name, "password": password})
    return {"Authorization": f"Bearer {token.json()['token']}"}


def _write(http: httpx.Client, asker: dict[str, str], helper: dict[str, str], n: int) -> None:
    asked = http.post(
        "/api/v1/questions", headers=asker,
        json={"board": "account-billing", "title": f"Question {n} about my bill",
              "body": "Why is my bill higher than last month? I changed nothing."},
    )  # fmt: skip
    assert asked.status_code == 201, asked.text
    question = asked.json()["id"]
    answered = http.post(
        f"/api/v1/questions/{question}/answers", headers=helper,
        json={"body": "Roaming charges, most likely: see the bill's second page."},
    )  # fmt: skip
    assert answered.status_code == 201, answered.text
    accepted = http.put(
        f"/api/v1/questions/{question}/accepted-answer", headers=asker,
        json={"answer_id": answered.json()["id"]},
    )  # fmt: skip
    assert accepted.status_code == 200, accepted.text


def test_a_backup_taken_while_the_server_writes_restores_whole(
    tmp_path: Path, databases: tuple[str, str]
) -> None:
    source, target = databases
    port = _free_port()
    log_path = tmp_path / "server.log"
    env = {
        **os.environ, "DATABASE_URL": source, "PEERDESK_DEMO": "0", "PEERDESK_SCHEDULER": "0",
        "PEERDESK_RATE_LIMITS": "0", "PEERDESK_PASSWORD_HASH": "cheap",
        "PEERDESK_SECRET_KEY": "x", "PYTHONUNBUFFERED": "1",
    }  # fmt: skip
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "run.py", "serve", "--port", str(port)], cwd=ROOT, env=env,
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30.0) as http:
            _wait_until_healthy(http, server, log_path)
            asker, helper = _member(http, "asker"), _member(http, "helper")
            for n in range(5):
                _write(http, asker, helper, n)
            failures: list[BaseException] = []

            def keep_writing() -> None:
                try:
                    for n in range(5, 5 + ROUNDS):
                        _write(http, asker, helper, n)
                except BaseException as exc:  # reported by the main thread
                    failures.append(exc)

            writer = threading.Thread(target=keep_writing)
            writer.start()
            during = _cli(source, "backup", str(tmp_path / "during.backup"))
            writer.join()
            assert not failures, failures
            assert during.returncode == 0, during.stderr
            after = _cli(source, "backup", str(tmp_path / "after.backup"))
            assert after.returncode == 0, after.stderr
    finally:
        _stop(server)
    assert "Traceback" not in _output(log_path), _output(log_path)

    restored = _cli(target, "restore", str(tmp_path / "during.backup"))
    assert restored.returncode == 0, restored.stderr
    checked = _cli(target, "check-ledger")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    counts = _counts(target)
    # A moment between the first five rounds and the last. A round is three writes (ask, answer,
    # accept), each whole or not at all: only the round under way may be short of a step.
    assert 5 <= counts["questions"] <= 5 + ROUNDS
    assert counts["questions"] - 1 <= counts["acceptances"] <= counts["answers"], counts
    assert counts["answers"] <= counts["questions"], counts
    assert counts["ledger_transfers"] == 2 * counts["acceptances"], counts  # answerer, asker

    refused = _cli(target, "restore", str(tmp_path / "after.backup"))
    assert refused.returncode == 1 and "not empty" in refused.stderr
    forced = _cli(target, "restore", "--force", str(tmp_path / "after.backup"))
    assert forced.returncode == 0, forced.stderr
    assert _cli(target, "check-ledger").returncode == 0
    assert _counts(target) == _counts(source)  # taken at rest: every row
    assert _counts(target)["questions"] == 5 + ROUNDS


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    target = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    (tmp_path / "notes.txt").write_text("not a database", encoding="utf-8")
    done = _cli(target, "restore", str(tmp_path / "notes.txt"))
    assert done.returncode == 1 and "is not a SQLite backup" in done.stderr
    missing = _cli(target, "restore", str(tmp_path / "nothing.backup"))
    assert missing.returncode == 1 and "There is no backup" in missing.stderr
    nothing = _cli(target, "backup", str(tmp_path / "x.backup"))
    assert nothing.returncode == 1 and "There is no database" in nothing.stderr
