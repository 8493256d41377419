"""The close as real processes: killed in the middle and run again, and (PostgreSQL) two
processes closing the same period at the same moment. Both leave exactly one batch."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.applications import Starlette

from forum.models import User
from forum.settings import Settings
from rewards.actions.payouts import FAULT_ENV
from rewards.models import LedgerAccount, PayoutBatch, PayoutLine, Transfer
from tests.conftest import IS_POSTGRES, running_app
from tests.factories import make_user
from tests.rewards.helpers import assert_reconciles, grant

ROOT = Path(__file__).resolve().parents[2]
IN_OCT = datetime(2026, 10, 10, tzinfo=UTC)
MEMBERS = 7


@pytest.fixture
async def app(settings: Settings, tmp_path: Path) -> AsyncIterator[Starlette]:
    """The test database, on SQLite as a file the child processes can open too."""
    if not IS_POSTGRES:
        settings = replace(settings, database_url=f"sqlite://{tmp_path}/close.sqlite3")
    async with running_app(settings) as app:
        yield app


async def close_in_process(app: Starlette, **env: str) -> tuple[int, str]:
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "run.py",
        "close-period",
        "2026-10",
        "--now",
        "2026-11-01T00:30:00+00:00",
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": app.state.settings.database_url,
            "PEERDESK_SECRET_KEY": "x",
            "PEERDESK_PAYOUT_CHUNK": "3",
            **env,
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(child.communicate(), timeout=120)
    return child.returncode or 0, out.decode()


async def members_with_points(finance: User) -> list[User]:
    members = [await make_user(f"member{i}") for i in range(MEMBERS)]
    for i, member in enumerate(members):
        await grant(member, 100 + i, finance, IN_OCT)
    return members


async def assert_closed_once(members: list[User]) -> None:
    assert await PayoutBatch.all().count() == 1
    batch = await PayoutBatch.get(period="2026-10")
    assert batch.state.value == "review"
    for i, member in enumerate(members):
        line = await PayoutLine.get(batch_id=batch.id, member_id=member.id)
        assert line.points == 100 + i
        assert await Transfer.filter(kind="payout_reserve", member_id=member.id).count() == 1
        account = await LedgerAccount.get(user_id=member.id)
        assert (account.balance, account.reserved) == (0, 100 + i)
    await assert_reconciles()


async def test_a_close_killed_between_lines_completes_the_same_batch_when_run_again(
    app: Starlette, finance: User
) -> None:
    members = await members_with_points(finance)
    code, out = await close_in_process(app, **{FAULT_ENV: "5"})
    assert code == -signal.SIGKILL, out
    batch = await PayoutBatch.get(period="2026-10")
    assert batch.state.value == "closing"
    assert await PayoutLine.filter(batch_id=batch.id).count() == 3  # one chunk committed
    await assert_reconciles()
    code, out = await close_in_process(app)
    assert code == 0, out
    assert "Resumed the unfinished close of 2026-10: 4 more line(s) written" in out, out
    assert f"{MEMBERS} line(s)" in out
    code, out = await close_in_process(app)
    assert code == 0 and "Already closed: 2026-10" in out, out
    await assert_closed_once(members)


@pytest.mark.skipif(not IS_POSTGRES, reason="PostgreSQL only: SQLite serves one process")
async def test_two_processes_closing_at_once_make_one_batch(app: Starlette, finance: User) -> None:
    members = await members_with_points(finance)
    results = await asyncio.gather(close_in_process(app), close_in_process(app))
    assert [code for code, _ in results] == [0, 0], results
    outputs = sorted(out.split(":")[0] for _, out in results)
    # The second either found it done or wrote some of its chunks alongside the first.
    assert outputs[0] == "Closed 2026-10" or outputs[0].startswith("Already closed"), results
    assert outputs[1] in ("Closed 2026-10", "Resumed the unfinished close of 2026-10"), results
    assert sum(out.startswith("Closed 2026-10") for _, out in results) == 1, results
    await assert_closed_once(members)
