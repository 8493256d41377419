"""Money at the close, property-tested with odd point values: every line rounds down to the cent
and reserves the fewest points that pay it, nothing is created or lost, and the lines add up to
the batch total exactly."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import UTC, datetime
from decimal import ROUND_FLOOR, Decimal
from typing import Any, TypeVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum.models import PayoutMethod
from rewards.actions.payouts import do_close_period
from rewards.models import LedgerAccount, PayoutLine
from rewards.payout_queries import get_summary, money
from rewards.periods import MONTHLY, parse_period
from tests.conftest import make_settings, running_app
from tests.factories import make_user
from tests.rewards.helpers import assert_reconciles, grant

T = TypeVar("T")
OCT = parse_period("2026-10", MONTHLY)
IN_OCT = datetime(2026, 10, 9, tzinfo=UTC)
AFTER = datetime(2026, 11, 1, 0, 5, tzinfo=UTC)
THRESHOLDS = {"cash": 40, "credit": 7, "charity": 1}

point_values = st.one_of(
    st.sampled_from([Decimal("0.0037"), Decimal("0.013"), Decimal("0.0099"), Decimal("0.01")]),
    st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("0.25"), places=4),
)
members = st.lists(
    st.tuples(st.integers(min_value=1, max_value=5000), st.sampled_from(sorted(THRESHOLDS))),
    min_size=1,
    max_size=6,
)


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(point_value=point_values, balances=members)
def test_lines_round_down_and_add_up_exactly(
    point_value: Decimal, balances: list[tuple[int, str]]
) -> None:
    run(_close_and_check(point_value, balances))


async def _close_and_check(point_value: Decimal, balances: list[tuple[int, str]]) -> None:
    thresholds = {f"threshold_{m}": t for m, t in THRESHOLDS.items()}
    async with running_app(make_settings(point_value=point_value, **thresholds)):
        finance = await make_user("fin", role="finance")
        people = []
        for i, (points, method) in enumerate(balances):
            member = await make_user(f"m{i}")
            member.payout_method = PayoutMethod(method)
            member.payout_address = "somewhere"
            await member.save()
            await grant(member, points, finance, IN_OCT)
            people.append((member, points, method))
        batch, _ = await do_close_period(OCT, now=AFTER)
        cents_per_point = point_value * 100
        total_cents = total_points = 0
        for member, points, method in people:
            line = await PayoutLine.get_or_none(batch_id=batch.id, member_id=member.id)
            cents = int((points * cents_per_point).to_integral_value(rounding=ROUND_FLOOR))
            if points < THRESHOLDS[method] or cents == 0:
                assert line is None
                assert (await LedgerAccount.get(user_id=member.id)).balance == points
                continue
            assert line is not None and line.cents == cents
            assert line.points <= points
            assert line.points * cents_per_point >= cents  # the points pay the cents ...
            assert (line.points - 1) * cents_per_point < cents  # ... and no point more is taken
            account = await LedgerAccount.get(user_id=member.id)
            assert (account.balance, account.reserved) == (points - line.points, line.points)
            total_cents += line.cents
            total_points += line.points
        summary = await get_summary(batch)
        assert (summary.total_cents, summary.total_points) == (total_cents, total_points)
        amounts = await PayoutLine.filter(batch_id=batch.id).values_list("cents", flat=True)
        assert sum(Decimal(money(int(c))) for c in amounts) == Decimal(money(total_cents))  # type: ignore[call-overload]
        assert (await LedgerAccount.get(key="payout:reserved")).balance == total_points
        await assert_reconciles()
