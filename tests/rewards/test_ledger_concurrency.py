"""Concurrent writers on PostgreSQL, each task on its own pooled connection.

SQLite serialises every transaction through Tortoise's single connection, so there is no
concurrency to test there; these tests are skipped on SQLite for that reason only.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from starlette.applications import Starlette

from forum.actions.acceptance import check_accept_answer
from forum.actions.kudos import do_give_kudos
from forum.errors import Conflict
from forum.models import Acceptance, Answer, Kudos, User
from forum.settings import Settings
from rewards.actions.adjustments import check_post_adjustment
from rewards.actions.payout_approvals import check_approve_batch
from rewards.actions.payout_lines import check_decide_line
from rewards.actions.payout_payments import check_mark_paid
from rewards.actions.payouts import do_close_period
from rewards.models import PayoutBatch, PayoutLine, Transfer
from rewards.periods import MONTHLY, parse_period
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


async def test_crossed_accepts_run_side_by_side_with_a_reversal_without_deadlock(
    settings: Settings, asker: User, helper: User, finance: User
) -> None:
    """Awards share the ledger: twenty accepts at once, each crediting the same two members in
    one order or the other, next to a finance adjustment that takes the ledger to itself. None
    deadlocks and every point lands once."""
    work = []
    for i in range(10):
        mine = await factories.make_question(asker, title=f"Asker's question number {i} here")
        theirs = await factories.make_question(helper, title=f"Helper's question number {i} here")
        by_helper = await factories.make_answer(mine, helper)
        by_asker = await factories.make_answer(theirs, asker)
        work += [
            check_accept_answer(settings, mine, by_helper.id, acting_user=asker),
            check_accept_answer(settings, theirs, by_asker.id, acting_user=helper),
        ]
    work.insert(7, check_post_adjustment(asker, points=-3, reason="Fix", acting_user=finance))
    await asyncio.gather(*work)
    # Each side: 10 answers accepted (100 each) and 10 of its questions solved (5 each).
    assert await balance(asker) == 10 * 105 - 3
    assert await balance(helper) == 10 * 105
    await assert_reconciles()


async def _payout_batch(finance: User) -> tuple[PayoutBatch, PayoutLine]:
    member = await factories.make_user("payee")
    await check_post_adjustment(
        member,
        points=500,
        reason="Grant",
        acting_user=finance,
        now=datetime(2026, 10, 3, tzinfo=UTC),
    )
    batch, _ = await do_close_period(
        parse_period("2026-10", MONTHLY), now=datetime(2026, 11, 1, 1, tzinfo=UTC)
    )
    return batch, await PayoutLine.get(batch_id=batch.id, member_id=member.id)


async def test_two_officers_deciding_one_line_at_once_move_its_points_once(
    finance: User, finance2: User
) -> None:
    batch, line = await _payout_batch(finance)

    async def decide(action: str, officer: User) -> str:
        try:
            await check_decide_line(batch, line, action, reason="At once", acting_user=officer)
        except Conflict:
            return "conflict"
        return action

    outcomes = await asyncio.gather(
        *(decide(a, o) for a, o in [("reject", finance), ("forfeit", finance2)] * 3)
    )
    assert sorted(outcomes).count("conflict") == 5
    assert await Transfer.filter(key__startswith=f"payout-line:{line.id}:").count() == 1
    await assert_reconciles()


async def test_marking_paid_while_an_officer_holds_a_line_pays_it_or_holds_it(
    finance: User, finance2: User
) -> None:
    batch, line = await _payout_batch(finance)
    batch = await check_approve_batch(batch, acting_user=finance2)

    async def attempt(work: Coroutine[Any, Any, Any]) -> str:
        try:
            await work
        except Conflict:
            return "conflict"
        return "ok"

    results = await asyncio.gather(
        attempt(check_mark_paid(batch, reference="R-1", acting_user=finance)),
        attempt(check_decide_line(batch, line, "hold", reason="Wait", acting_user=finance2)),
    )
    fresh = await PayoutLine.get(id=line.id)
    paid = await Transfer.filter(key=f"payout-line:{line.id}:paid").exists()
    assert (fresh.state.value == "paid") == paid
    assert fresh.state.value in ("paid", "held") and "ok" in results
    await assert_reconciles()
