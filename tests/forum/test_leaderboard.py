"""The leaderboard: who helped most, by period and board, leaving out staff, suspended members
and members whose payout line is held or forfeited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from starlette.applications import Starlette

from forum.actions.acceptance import do_accept_answer
from forum.actions.kudos import do_give_kudos
from forum.actions.users import check_suspend_user
from forum.models import User
from rewards.actions.payouts import do_close_period
from rewards.models import LineState, PayoutLine
from rewards.periods import MONTHLY, parse_period
from tests import factories

NOV = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)


async def _solve(asker: User, helper: User, *, board: str, title: str, at: datetime) -> None:
    """helper answers asker's question on `board` and asker accepts it (100 points)."""
    question = await factories.make_question(asker, board=board, title=title, at=at)
    answer = await factories.make_answer(question, helper, at=at + timedelta(hours=1))
    await do_accept_answer(question, answer, acting_user=asker, now=at + timedelta(hours=2))


async def _community(asker: User, helper: User, other_member: User, staff: User) -> None:
    """In November: helper solves two (one on network-coverage), other_member one on
    account-billing plus two kudos (120); staff answer and are accepted too. In October, asker
    helps other_member once."""
    await _solve(
        asker, helper, board="account-billing", title="Top-up missing after paying", at=NOV
    )
    await _solve(
        other_member, helper, board="network-coverage", title="No 4G at the station", at=NOV
    )
    other_asker = await factories.make_user("carol")
    await _solve(
        other_asker, other_member, board="account-billing", title="Bill is doubled", at=NOV
    )
    question = await factories.make_question(asker, title="Which plan for a tablet?", at=NOV)
    answer = await factories.make_answer(question, other_member, at=NOV + timedelta(hours=1))
    for giver in (asker, helper):
        await do_give_kudos(answer, acting_user=giver, now=NOV + timedelta(hours=3))
    await _solve(asker, staff, board="account-billing", title="Staff answer this", at=NOV)
    october = NOV - timedelta(days=20)
    await _solve(other_member, asker, board="ideas", title="Dark mode for the app", at=october)


def _names(rows: list[dict[str, object]], measure: str) -> list[tuple[object, object]]:
    return [(r["username"], r[measure]) for r in rows]


async def test_the_period_ranks_by_points_and_by_accepted_answers_without_staff(
    app: Starlette, asker: User, helper: User, other_member: User, staff: User
) -> None:
    await _community(asker, helper, other_member, staff)
    async with await factories.api(app) as client:
        november = (await client.get("/api/v1/leaderboard?period=2026-11")).json()
        ever = (await client.get("/api/v1/leaderboard?period=all")).json()
        billing = (
            await client.get("/api/v1/leaderboard?period=2026-11&board=account-billing")
        ).json()
    assert november["period"] == "2026-11" and november["board"] is None
    # Askers earn 5 points an accept: other_member 100 + 20 kudos + 5; asker two accepts.
    assert _names(november["by_points"], "points") == [
        ("helper", 200), ("other_member", 125), ("asker", 10), ("carol", 5),
    ]  # fmt: skip
    assert _names(november["by_accepted"], "accepted_answers") == [
        ("helper", 2), ("other_member", 1),
    ]  # fmt: skip
    assert _names(ever["by_accepted"], "accepted_answers") == [
        ("helper", 2), ("asker", 1), ("other_member", 1),
    ]  # fmt: skip
    assert billing["board"] == "account-billing"
    assert _names(billing["by_accepted"], "accepted_answers") == [
        ("helper", 1), ("other_member", 1),
    ]  # fmt: skip
    # On account-billing: 100 + 20 kudos; the 5 for accepting was on network-coverage.
    assert ("other_member", 120) in _names(billing["by_points"], "points")


async def test_held_forfeited_and_suspended_members_are_left_out(
    app: Starlette, asker: User, helper: User, other_member: User, staff: User
) -> None:
    await _community(asker, helper, other_member, staff)
    batch, _ = await do_close_period(
        parse_period("2026-11", MONTHLY), now=datetime.fromisoformat("2026-12-01T01:00:00+00:00")
    )
    await PayoutLine.filter(batch_id=batch.id, member_id=helper.id).update(state=LineState.HELD)
    await check_suspend_user(other_member, "Selling answers", acting_user=staff)
    async with await factories.api(app) as client:
        november = (await client.get("/api/v1/leaderboard?period=2026-11")).json()
        # December is open: November's batch, the last closed, still decides.
        december = (await client.get("/api/v1/leaderboard?period=2026-12")).json()
    listed = {r["username"] for r in november["by_points"] + november["by_accepted"]}
    assert "helper" not in listed and "other_member" not in listed and "asker" in listed
    assert all(r["username"] != "helper" for r in december["by_points"])


async def test_a_bad_period_or_board_is_named(app: Starlette, asker: User) -> None:
    async with await factories.api(app) as client:
        bad = await client.get("/api/v1/leaderboard?period=November")
        assert bad.status_code == 400 and "period" in bad.json()["error"]["message"]
        missing = await client.get("/api/v1/leaderboard?board=mars")
        assert missing.status_code == 404
    async with factories.browser(app) as visitor:
        page = await visitor.get("/leaderboard?period=November", headers={"Accept-Language": "nl"})
    assert page.status_code == 400 and "Ranglijst" in page.text and "2026-11" in page.text


async def test_the_page_lists_both_in_the_visitors_language(
    app: Starlette, asker: User, helper: User, other_member: User, staff: User
) -> None:
    await _community(asker, helper, other_member, staff)
    async with factories.browser(app) as visitor:
        page = await visitor.get("/leaderboard?period=2026-11", headers={"Accept-Language": "nl"})
    assert page.status_code == 200
    assert "Op verdiende punten" in page.text and "Op geaccepteerde antwoorden" in page.text
    assert 'href="/members/helper"' in page.text and 'href="/members/staff"' not in page.text
