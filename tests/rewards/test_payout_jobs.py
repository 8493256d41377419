"""The scheduled close: every finished period once, oldest first, and the scheduler's wiring."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from starlette.applications import Starlette

from forum.app import create_app
from forum.models import User
from forum.settings import configure, get_settings
from rewards.jobs import close_finished_periods
from rewards.models import PayoutBatch, PayoutLine
from rewards.periods import SEMIANNUAL, finished_periods, parse_period, period_of
from tests.conftest import make_settings
from tests.rewards.helpers import assert_reconciles, grant


async def test_catch_up_closes_each_finished_period_once_oldest_first(
    asker: User, finance: User
) -> None:
    await grant(asker, 150, finance, datetime(2026, 8, 20, tzinfo=UTC))
    await grant(asker, 120, finance, datetime(2026, 10, 2, tzinfo=UTC))
    await grant(asker, 500, finance, datetime(2026, 11, 2, tzinfo=UTC))  # the open period
    now = datetime(2026, 11, 20, tzinfo=UTC)
    assert await close_finished_periods(now) == ["2026-08", "2026-09", "2026-10"]
    assert await close_finished_periods(now) == []
    lines = (
        await PayoutLine.filter(member_id=asker.id)
        .order_by("id")
        .values_list("batch__period", "points")
    )
    assert lines == [("2026-08", 150), ("2026-10", 120)]  # September: nothing new, no line
    assert await PayoutBatch.all().count() == 3
    await assert_reconciles()


async def test_an_empty_ledger_closes_nothing(app: Starlette) -> None:
    assert await close_finished_periods(datetime(2026, 11, 20, tzinfo=UTC)) == []


async def test_semiannual_periods_follow_giffgaff(asker: User, finance: User) -> None:
    configure(replace(get_settings(), payout_period=SEMIANNUAL))
    h2 = parse_period("2026-H2", SEMIANNUAL)
    assert (h2.starts_at, h2.cutoff) == (
        datetime(2026, 6, 1, tzinfo=UTC),
        datetime(2026, 12, 1, tzinfo=UTC),
    )
    h1 = parse_period("2027-H1", SEMIANNUAL)
    assert (h1.starts_at, h1.cutoff) == (h2.cutoff, datetime(2027, 6, 1, tzinfo=UTC))
    assert period_of(datetime(2026, 12, 15, tzinfo=UTC), SEMIANNUAL) == h1
    await grant(asker, 300, finance, datetime(2026, 7, 1, tzinfo=UTC))
    assert await close_finished_periods(datetime(2026, 12, 1, 0, 5, tzinfo=UTC)) == ["2026-H2"]
    assert [p.label for p in finished_periods(h1.cutoff, SEMIANNUAL, since=h2.starts_at)] == [
        "2026-H2",
        "2027-H1",
    ]


async def test_the_app_schedules_the_close_unless_told_not_to() -> None:
    app = create_app(make_settings(scheduler=True))
    async with app.router.lifespan_context(app):
        job = app.state.scheduler.get_job("payouts-close")
        assert job is not None and job.misfire_grace_time == 12 * 3600
        assert str(job.trigger) == "cron[hour='0', minute='5']"
        assert job.coalesce and job.max_instances == 1
    quiet = create_app(make_settings(scheduler=False))
    async with quiet.router.lifespan_context(quiet):
        assert quiet.state.scheduler is None
