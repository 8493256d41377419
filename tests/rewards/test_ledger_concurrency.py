"""Concurrent writers on PostgreSQL, each task on its own pooled connection.

SQLite serialises every transaction through Tortoise's single connection, so there is no
concurrency to test there; these tests are skipped on SQLite for that reason only.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from starlette.applications import Starlette

from forum.actions.acceptance import check_accept_answer
from forum.actions.kudos import do_give_kudos
from forum.errors import Conflict
from forum.models import Acceptance, Answer, Kudos, User
from forum.settings import Settings
from rewards.actions.adjustments import check_post_adjustment
from rewards.models import Transfer
from tests import factories
from tests.conftest import IS_POSTGRES, TEST_DB_URL, running_app
from tests.rewards.helpers import assert_reconciles, balance

pytestmark = pytest.mark.skipif(
    not IS_POSTGRES, reason="PostgreSQL only: SQLite runs every transaction on one connection"
)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    joiner = "&" if "?" in TEST_DB_URL else "?"
    pooled = replace(settings, database_url=f"{TEST_DB_URL}{joiner}minsize=1&maxsize=30")
    async with running_app(pooled) as app:
        yield app


async def test_same_accept_from_12_tasks_awards_once(
    settings: Settings, asker: User, helper: User
) -> None:
    q = await factories.make_question(asker)
    answer = await factories.make_answer(q, helper)

    async def accept() -> str:
        try:
            await check_accept_answer(settings, q, answer.id, acting_user=asker)
        except Conflict:
            return "conflict"
        return "ok"

    outcomes = await asyncio.gather(*(accept() for _ in range(12)))
    assert "ok" in outcomes and set(outcomes) <= {"ok", "conflict"}
    assert await Acceptance.filter(question_id=q.id).count() == 1
    assert (await balance(helper), await balance(asker)) == (100, 5)
    assert await Transfer.all().count() == 2
    await assert_reconciles()


async def test_50_concurrent_kudos_respect_the_cap_exactly(asker: User, helper: User) -> None:
    q = await factories.make_question(asker)
    answer = await factories.make_answer(q, helper)
    givers = [await factories.make_user(f"fan{i}") for i in range(50)]
    await asyncio.gather(*(do_give_kudos(answer, acting_user=g) for g in givers))
    assert await Kudos.filter(answer_id=answer.id).count() == 50
    assert (await Answer.get(id=answer.id)).kudos_count == 50
    assert await balance(helper) == 200
    await assert_reconciles()


async def test_concurrent_adjustments_lose_no_update(asker: User, finance: User) -> None:
    amounts = [(i % 7) + 1 for i in range(40)]
    await asyncio.gather(
        *(
            check_post_adjustment(asker, points=p, reason="Parallel bonus", acting_user=finance)
            for p in amounts
        )
    )
    assert await balance(asker) == sum(amounts)
    await assert_reconciles()


async def test_first_points_of_members_from_three_sides_at_once_do_not_deadlock(
    settings: Settings, asker: User, other_member: User, finance: User
) -> None:
    """Members without a ledger account get kudos, a changed accept and an adjustment at once:
    each path opens the account, and none may do it while holding the ledger lock."""
    work = []
    expected = {}
    for i in range(6):
        member = await factories.make_user(f"new{i}")
        fan = await factories.make_user(f"fan{i}")
        q = await factories.make_question(asker, title=f"Question number {i} for the race")
        first = await factories.make_answer(q, other_member)
        second = await factories.make_answer(q, member)
        await check_accept_answer(settings, q, first.id, acting_user=asker)
        work += [
            check_accept_answer(settings, q, second.id, acting_user=asker),
            check_post_adjustment(member, points=7, reason="Welcome", acting_user=finance),
            do_give_kudos(second, acting_user=fan),
        ]
        expected[member.id] = member
    await asyncio.gather(*work)
    for member in expected.values():
        assert await balance(member) == 100 + 7 + 10
    await assert_reconciles()
