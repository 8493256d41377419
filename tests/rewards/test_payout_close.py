"""Closing a period: one batch, thresholds, rounding, the cut-off, replays and resumes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from forum.clock import resolve
from forum.models import PayoutMethod, User
from forum.settings import configure, get_settings
from rewards.actions.payouts import (
    PeriodNotFinished,
    cents_per_point,
    check_close_period,
    claim_batch,
    do_close_period,
    try_close_one_chunk,
)
from rewards.models import LedgerAccount, PayoutBatch, PayoutLine, Transfer
from rewards.periods import MONTHLY, parse_period
from tests.factories import make_user
from tests.rewards import helpers
from tests.rewards.helpers import assert_reconciles, balance

OCT = parse_period("2026-10", MONTHLY)
IN_OCT = datetime(2026, 10, 15, 12, tzinfo=UTC)
AFTER = datetime(2026, 11, 1, 0, 10, tzinfo=UTC)


async def grant(member: User, points: int, finance: User, at: datetime = IN_OCT) -> None:
    await helpers.grant(member, points, finance, at)


async def line_of(member: User) -> PayoutLine | None:
    return await PayoutLine.get_or_none(member_id=member.id)


async def test_close_reserves_the_balance_of_members_over_threshold(
    asker: User, helper: User, finance: User
) -> None:
    await grant(asker, 150, finance)
    await grant(helper, 99, finance)
    batch, created = await do_close_period(OCT, now=AFTER)
    assert created and batch.state == "review"
    line = await line_of(asker)
    assert line is not None
    assert (line.points, line.cents, line.method, line.state) == (150, 150, "credit", "pending")
    assert await line_of(helper) is None  # one below the threshold: no line, keeps the balance
    assert await balance(asker) == 0 and await balance(helper) == 99
    account = await LedgerAccount.get(user_id=asker.id)
    assert account.reserved == 150
    assert (await LedgerAccount.get(key="payout:reserved")).balance == 150
    reservation = await Transfer.get(key=f"payout:{batch.id}:{asker.id}")
    assert (reservation.kind.value, reservation.amount) == ("payout_reserve", 150)
    await assert_reconciles()


async def test_threshold_is_per_method_exactly_at_and_one_below(finance: User) -> None:
    members = {}
    for name, method, points in [
        ("cashat", "cash", 1000),
        ("cashbelow", "cash", 999),
        ("creditat", "credit", 100),
        ("charityat", "charity", 100),
        ("charitybelow", "charity", 99),
    ]:
        members[name] = member = await make_user(name)
        member.payout_method = PayoutMethod(method)
        member.payout_address = "NL91ABNA0417164300" if method != "credit" else ""
        await member.save()
        await grant(member, points, finance)
    await do_close_period(OCT, now=AFTER)
    lined = {u.username for u in members.values() if await line_of(u) is not None}
    assert lined == {"cashat", "creditat", "charityat"}
    assert await balance(members["cashbelow"]) == 999


async def test_close_period_twice_pays_once(asker: User, finance: User) -> None:
    await grant(asker, 300, finance)
    first, created = await do_close_period(OCT, now=AFTER)
    await grant(asker, 500, finance, at=IN_OCT)  # even points that arrive later
    closed = await check_close_period("2026-10", now=AFTER + timedelta(hours=1))
    again, created_again = closed.batch, closed.created
    assert created and not created_again and again.id == first.id
    assert await PayoutBatch.all().count() == 1
    assert await PayoutLine.filter(member_id=asker.id).count() == 1
    assert await balance(asker) == 500
    await assert_reconciles()


async def test_unfinished_period_is_refused(asker: User) -> None:
    with pytest.raises(PeriodNotFinished):
        await do_close_period(OCT, now=datetime(2026, 10, 31, 23, 59, tzinfo=UTC))
    assert await PayoutBatch.all().count() == 0


async def test_points_after_the_cutoff_wait_for_the_next_period(asker: User, finance: User) -> None:
    await grant(asker, 120, finance)
    await grant(asker, 400, finance, at=datetime(2026, 11, 1, 0, 5, tzinfo=UTC))
    await do_close_period(OCT, now=AFTER)
    line = await line_of(asker)
    assert line is not None and line.points == 120
    assert await balance(asker) == 400


async def test_points_taken_back_after_the_cutoff_are_not_paid(asker: User, finance: User) -> None:
    await grant(asker, 300, finance)
    await grant(asker, -250, finance, at=datetime(2026, 11, 1, 0, 5, tzinfo=UTC))
    await do_close_period(OCT, now=AFTER)
    assert await line_of(asker) is None  # 50 left today: under the threshold
    assert await balance(asker) == 50


async def test_points_that_make_no_whole_cent_stay_with_the_member(
    asker: User, finance: User
) -> None:
    configure(replace(get_settings(), point_value=Decimal("0.0037")))
    await grant(asker, 1003, finance)
    await do_close_period(OCT, now=AFTER)
    line = await line_of(asker)
    assert line is not None
    # 1003 * 0.37 c = 371.11 c -> 371 c, which takes 1003 points (1002 make only 370.74 c).
    assert (line.cents, line.points) == (371, 1003)
    await assert_reconciles()


def test_a_point_value_becomes_an_exact_fraction_of_cents() -> None:
    assert cents_per_point(Decimal("0.0037")) == (37, 100)
    assert cents_per_point(Decimal("0.01")) == (1, 1)


async def test_a_stopped_close_resumes_without_writing_anything_twice(
    finance: User,
) -> None:
    members = [await make_user(f"m{i}") for i in range(7)]
    for i, m in enumerate(members):
        await grant(m, 100 + i, finance)
    batch, _ = await check_close_period_partially(chunk=3)
    assert await PayoutLine.filter(batch_id=batch.id).count() == 3
    resumed, created = await do_close_period(OCT, now=AFTER, chunk=2)
    assert not created and resumed.state == "review"
    assert await PayoutLine.filter(batch_id=batch.id).count() == 7
    for i, m in enumerate(members):
        line = await line_of(m)
        assert line is not None and line.points == 100 + i
        assert await balance(m) == 0
    await assert_reconciles()


async def check_close_period_partially(chunk: int) -> tuple[PayoutBatch, int | None]:
    """Claim the batch and write one chunk, as a close killed after its first commit would."""
    batch, _ = await claim_batch(OCT, AFTER)
    after = await try_close_one_chunk(batch, now=AFTER, chunk=chunk)
    return batch, after


async def test_database_refuses_an_empty_line_and_a_changed_amount(
    asker: User, finance: User
) -> None:
    await grant(asker, 150, finance)
    batch, _ = await do_close_period(OCT, now=AFTER)
    line = await line_of(asker)
    assert line is not None
    with pytest.raises(IntegrityError):
        async with in_transaction():
            await PayoutLine.create(
                batch=batch, member=finance, points=0, cents=0, method="credit", address=""
            )
    with pytest.raises(IntegrityError):
        async with in_transaction():
            await PayoutLine.filter(id=line.id).update(points=1000)
    assert (await PayoutLine.get(id=line.id)).points == 150


async def test_closing_periods_out_of_order_never_pays_a_point_twice(
    asker: User, finance: User
) -> None:
    await grant(asker, 150, finance, datetime(2026, 8, 20, tzinfo=UTC))
    await grant(asker, 120, finance)
    now = datetime(2026, 11, 20, tzinfo=UTC)
    october, _ = await do_close_period(OCT, now=now)
    await do_close_period(parse_period("2026-08", MONTHLY), now=now)
    lines = await PayoutLine.filter(member_id=asker.id).values_list("batch_id", "points")
    assert lines == [(october.id, 270)]  # October's cut-off balance held August's points too
    assert await balance(asker) == 0
    await assert_reconciles()


def test_a_moment_with_an_offset_is_kept_in_utc() -> None:
    moment = datetime(2026, 11, 1, 0, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert resolve(moment) == moment and resolve(moment).tzinfo == UTC
    assert str(resolve(moment)) == "2026-11-01 05:30:00+00:00"
