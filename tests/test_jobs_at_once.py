"""Jobs that really are safe to run anywhere at once, on both databases: two processes starting
on an empty database both succeed (one migrates, the other waits); the payout close and the
escalation sweep run twice at once while the server writes, and every process exits 0 (on SQLite
write transactions begin IMMEDIATE and wait on the busy timeout instead of failing with
"database is locked")."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from starlette.applications import Starlette

from forum.actions.answers import do_create_answer
from forum.models import Escalation, User
from forum.settings import Settings
from rewards.models import PayoutBatch
from tests.conftest import IS_POSTGRES, TEST_DB_URL, running_app
from tests.factories import make_question, make_user
from tests.rewards.helpers import assert_reconciles, grant

ROOT = Path(__file__).resolve().parents[1]
IN_OCT = datetime(2026, 10, 10, tzinfo=UTC)
DUE = datetime(2026, 10, 31, 12, tzinfo=UTC)  # its 12 h SLA runs out at midnight


async def run(*args: str, database_url: str) -> tuple[int, str]:
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "run.py",
        *args,
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": database_url,
            "PEERDESK_SECRET_KEY": "x",
            "PEERDESK_PAYOUT_CHUNK": "2",
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(child.communicate(), timeout=180)
    return child.returncode or 0, out.decode()


@pytest.fixture
async def empty_database(tmp_path: Path) -> AsyncIterator[str]:
    """The URL of a database with nothing in it, not even the migrations table."""
    if not IS_POSTGRES:
        yield f"sqlite://{tmp_path}/empty.sqlite3"
        return
    name = f"peerdesk_empty_{uuid.uuid4().hex[:12]}"
    server = TEST_DB_URL.rsplit("/", 1)[0]
    admin = await asyncpg.connect(f"{server}/postgres")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield f"{server}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_two_processes_migrating_an_empty_database_both_succeed(
    empty_database: str,
) -> None:
    results = await asyncio.gather(
        run("migrate", database_url=empty_database), run("migrate", database_url=empty_database)
    )
    assert [code for code, _ in results] == [0, 0], results
    code, out = await run("check-ledger", database_url=empty_database)
    assert code == 0, out


@pytest.fixture
async def app(settings: Settings, tmp_path: Path) -> AsyncIterator[Starlette]:
    """The test database, on SQLite as a file the child processes open too."""
    if not IS_POSTGRES:
        settings = replace(settings, database_url=f"sqlite://{tmp_path}/jobs.sqlite3")
    async with running_app(settings) as app:
        yield app


async def test_the_close_and_the_sweep_run_twice_at_once_while_the_server_writes(
    app: Starlette, finance: User
) -> None:
    members = [await make_user(f"member{i}") for i in range(12)]
    for i, member in enumerate(members):
        await grant(member, 100 + i, finance, IN_OCT)
    asker = await make_user("asker")
    questions = [
        await make_question(asker, title=f"Question number {i} about roaming", at=DUE)
        for i in range(6)
    ]
    url = app.state.settings.database_url
    now = ["--now", "2026-11-01T00:30:00+00:00"]
    jobs = asyncio.gather(
        run("close-period", "2026-10", *now, database_url=url),
        run("close-period", "2026-10", *now, database_url=url),
        run("sweep-escalations", *now, database_url=url),
        run("sweep-escalations", *now, database_url=url),
    )
    written = 0
    while not jobs.done():  # the server's writes meanwhile: answers on other questions
        question = await make_question(members[written % 12], title=f"Busy question {written}")
        await do_create_answer(
            question.id, acting_user=asker, body="A reply while the jobs run.",
            now=IN_OCT + timedelta(days=30),
        )  # fmt: skip
        written += 1
        await asyncio.sleep(0.01)
    results = await jobs
    assert [code for code, _ in results] == [0, 0, 0, 0], results
    assert written > 0
    batch = await PayoutBatch.get(period="2026-10")
    assert batch.state.value == "review"
    opened = await Escalation.filter(question_id__in=[q.id for q in questions]).count()
    assert opened == len(questions)  # one item each, however many sweeps ran
    await assert_reconciles()
