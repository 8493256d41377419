"""Each fraud signal of PRODUCT.md §3: a case that holds the line, and a near miss that doesn't."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from forum.actions.acceptance import do_accept_answer
from forum.actions.kudos import do_give_kudos
from forum.actions.users import check_suspend_user
from forum.models import Answer, PayoutMethod, User
from forum.settings import configure
from rewards.actions.payout_lines import do_decide_line
from rewards.actions.payouts import do_close_period
from rewards.models import PayoutBatch, PayoutLine, PayoutSignal
from rewards.periods import MONTHLY, parse_period
from tests.conftest import make_settings
from tests.factories import make_answer, make_question, make_user
from tests.rewards.helpers import assert_reconciles, grant

OCT = parse_period("2026-10", MONTHLY)
NOV = parse_period("2026-11", MONTHLY)
DAY = datetime(2026, 10, 3, 9, tzinfo=UTC)
AFTER = datetime(2026, 11, 1, 1, tzinfo=UTC)


async def signals_of(member: User) -> dict[str, str]:
    line = await PayoutLine.get(member_id=member.id)
    found = await PayoutSignal.filter(line_id=line.id).values_list("code", "detail")
    codes = {str(code): str(detail) for code, detail in found}
    assert (line.state.value == "held") == bool(codes), (line.state, codes)
    return codes


async def answers_by(
    author: User, count: int, *, asker: User, start: datetime = DAY
) -> list[Answer]:
    answers = []
    for i in range(count):
        at = start + timedelta(days=i, hours=1)
        question = await make_question(asker, title=f"Question number {i} here", at=at)
        answers.append(await make_answer(question, author, at=at + timedelta(minutes=30)))
    return answers


async def accept(answer: Answer, by: User, after: timedelta = timedelta(hours=2)) -> None:
    question = await answer.question
    await do_accept_answer(question, answer, acting_user=by, now=answer.created_at + after)


async def kudos_from(giver: User, answers: list[Answer]) -> None:
    for answer in answers:
        await do_give_kudos(answer, acting_user=giver, now=answer.created_at + timedelta(hours=1))


async def test_serial_kudos_holds_at_ten_kudos_and_half_the_points(
    asker: User, helper: User, other_member: User
) -> None:
    fan = await make_user("fan")
    answers = await answers_by(helper, 20, asker=asker)
    await kudos_from(fan, answers[:10])  # 100 of helper's 190 kudos points: 53 %
    await kudos_from(other_member, answers[10:19])
    await do_close_period(OCT, now=AFTER)
    codes = await signals_of(helper)
    assert set(codes) == {"serial_kudos"}
    assert "fan gave 10 kudos worth 100 of the member's 190 kudos points" in codes["serial_kudos"]


async def test_serial_kudos_near_misses_do_not_hold(
    asker: User, helper: User, other_member: User, finance: User
) -> None:
    fan, fan2, third = await make_user("fan"), await make_user("fan2"), await make_user("third")
    helper_answers = await answers_by(helper, 21, asker=asker)
    await kudos_from(fan, helper_answers[:10])  # 100 of 210 points: 48 %
    await kudos_from(other_member, helper_answers[10:16])
    await kudos_from(await make_user("fourth"), helper_answers[16:21])
    third_answers = await answers_by(third, 9, asker=asker, start=DAY + timedelta(hours=3))
    await kudos_from(fan2, third_answers)  # 100 % of the points, but only 9 kudos
    await grant(third, 50, finance, DAY)
    await do_close_period(OCT, now=AFTER)
    assert await signals_of(helper) == {}
    assert await signals_of(third) == {}


async def test_reciprocal_accepts_hold_both_at_three_each(asker: User, helper: User) -> None:
    for answer in await answers_by(helper, 3, asker=asker):
        await accept(answer, asker)
    for answer in await answers_by(asker, 3, asker=helper, start=DAY + timedelta(hours=5)):
        await accept(answer, helper)
    await do_close_period(OCT, now=AFTER)
    assert "reciprocal_accepts" in await signals_of(helper)
    assert (
        "asker accepted 3 of the member's answers"
        in (await signals_of(helper))["reciprocal_accepts"]
    )
    assert "reciprocal_accepts" in await signals_of(asker)


async def test_reciprocal_accepts_near_miss_at_two(asker: User, helper: User) -> None:
    for answer in await answers_by(helper, 3, asker=asker):
        await accept(answer, asker)
    for answer in await answers_by(asker, 2, asker=helper, start=DAY + timedelta(hours=5)):
        await accept(answer, helper)
    await do_close_period(OCT, now=AFTER)
    assert await signals_of(helper) == {}


async def test_the_reciprocal_threshold_is_a_setting(asker: User, helper: User) -> None:
    configure(make_settings(fraud_reciprocal_min=2))
    for answer in await answers_by(helper, 2, asker=asker):
        await accept(answer, asker)
    for answer in await answers_by(asker, 2, asker=helper, start=DAY + timedelta(hours=5)):
        await accept(answer, helper)
    await do_close_period(OCT, now=AFTER)
    assert "reciprocal_accepts" in await signals_of(helper)


async def test_the_serial_kudos_share_is_a_setting(
    asker: User, helper: User, other_member: User
) -> None:
    configure(make_settings(fraud_serial_kudos_percent=40))
    fan = await make_user("fan")
    answers = await answers_by(helper, 21, asker=asker)
    await kudos_from(fan, answers[:10])  # 100 of helper's 210 kudos points: 48 %
    await kudos_from(other_member, answers[10:21])
    await do_close_period(OCT, now=AFTER)
    assert set(await signals_of(helper)) == {"serial_kudos"}


async def test_shared_signup_address_with_the_accepting_asker(asker: User, helper: User) -> None:
    for user in (asker, helper):
        user.signup_address = "203.0.113.7"
        await user.save()
    [answer] = await answers_by(helper, 1, asker=asker)
    await accept(answer, asker)
    await do_close_period(OCT, now=AFTER)
    codes = await signals_of(helper)
    assert set(codes) == {"shared_signup_address"}
    assert "203.0.113.7, like asker" in codes["shared_signup_address"]


async def test_different_signup_addresses_do_not_hold(asker: User, helper: User) -> None:
    asker.signup_address, helper.signup_address = "203.0.113.7", "203.0.113.8"
    await asker.save()
    await helper.save()
    [answer] = await answers_by(helper, 1, asker=asker)
    await accept(answer, asker)
    await do_close_period(OCT, now=AFTER)
    assert await signals_of(helper) == {}


async def test_new_account_earning_over_the_limit_is_held(asker: User) -> None:
    newbie = await make_user("newbie", created_at=OCT.cutoff - timedelta(days=29))
    old = await make_user("old", created_at=OCT.cutoff - timedelta(days=31))
    start = OCT.cutoff - timedelta(days=28)
    for member in (newbie, old):
        for answer in await answers_by(member, 6, asker=asker, start=start):  # 600 > 500
            await accept(answer, asker)
        start += timedelta(hours=3)
    await do_close_period(OCT, now=AFTER)
    codes = await signals_of(newbie)
    assert set(codes) == {"new_account"}
    assert "earned 600 points" in codes["new_account"]
    assert await signals_of(old) == {}  # a day past 30: a near miss


async def test_new_account_at_the_limit_is_not_held(asker: User) -> None:
    newbie = await make_user("newbie", created_at=OCT.cutoff - timedelta(days=5))
    for answer in await answers_by(newbie, 5, asker=asker, start=OCT.cutoff - timedelta(days=5)):
        await accept(answer, asker)  # 500: not over the limit
    await do_close_period(OCT, now=AFTER)
    assert await signals_of(newbie) == {}


async def test_accept_within_sixty_seconds_is_held_and_after_is_not(
    asker: User, helper: User, other_member: User
) -> None:
    [fast] = await answers_by(helper, 1, asker=asker)
    await accept(fast, asker, after=timedelta(seconds=59))
    [slow] = await answers_by(other_member, 1, asker=asker, start=DAY + timedelta(hours=4))
    await accept(slow, asker, after=timedelta(seconds=61))
    await do_close_period(OCT, now=AFTER)
    codes = await signals_of(helper)
    assert set(codes) == {"fast_accept"}
    assert f"answer {fast.id}" in codes["fast_accept"] and "after 59 s" in codes["fast_accept"]
    assert await signals_of(other_member) == {}


async def test_suspended_member_is_held(
    asker: User, helper: User, staff: User, finance: User
) -> None:
    await grant(helper, 300, finance, DAY)
    await grant(asker, 300, finance, DAY)
    await check_suspend_user(helper, "Spam ring", acting_user=staff, now=DAY)
    await do_close_period(OCT, now=AFTER)
    assert set(await signals_of(helper)) == {"suspended"}
    assert await signals_of(asker) == {}


async def test_deferred_line_is_held_in_the_next_period(
    asker: User, helper: User, finance: User
) -> None:
    await grant(helper, 300, finance, DAY)
    await grant(asker, 300, finance, DAY)
    october, _ = await do_close_period(OCT, now=AFTER)
    line = await PayoutLine.get(member_id=helper.id)
    await do_decide_line(october, line, "defer", reason="Check next month", acting_user=finance)
    await grant(asker, 200, finance, DAY + timedelta(days=40))
    await do_close_period(NOV, now=NOV.cutoff + timedelta(hours=1))
    november = await PayoutBatch.get(period="2026-11")
    held = await PayoutLine.get(batch_id=november.id, member_id=helper.id)
    codes = dict(await PayoutSignal.filter(line_id=held.id).values_list("code", "detail"))
    assert held.state.value == "held" and set(codes) == {"deferred"}
    assert "2026-10: Check next month" in codes["deferred"]
    other = await PayoutLine.get(batch_id=november.id, member_id=asker.id)
    assert other.state.value == "pending"
    await assert_reconciles()


async def test_cash_without_an_address_is_held(helper: User, finance: User) -> None:
    helper.payout_method = PayoutMethod.CASH
    await helper.save()
    await grant(helper, 1000, finance, DAY)
    await do_close_period(OCT, now=AFTER)
    assert set(await signals_of(helper)) == {"missing_address"}


async def test_a_line_deferred_after_the_next_close_holds_the_one_after(
    asker: User, helper: User, finance: User, finance2: User
) -> None:
    await grant(helper, 300, finance, DAY)
    await grant(asker, 300, finance, DAY)
    october, _ = await do_close_period(OCT, now=AFTER)
    line = await PayoutLine.get(batch_id=october.id, member_id=helper.id)
    await do_decide_line(october, line, "hold", reason="Checking", acting_user=finance)
    await grant(helper, 150, finance, DAY + timedelta(days=40))
    november, _ = await do_close_period(NOV, now=NOV.cutoff + timedelta(hours=1))
    assert (await PayoutLine.get(batch_id=november.id, member_id=helper.id)).state.value == (
        "pending"
    )
    # December: October's held line is deferred, after November's close.
    await do_decide_line(
        october, line, "defer", reason="Wait for the audit", acting_user=finance2,
        now=NOV.cutoff + timedelta(days=9),
    )  # fmt: skip
    december = parse_period("2026-12", MONTHLY)
    batch, _ = await do_close_period(december, now=december.cutoff + timedelta(hours=1))
    held = await PayoutLine.get(batch_id=batch.id, member_id=helper.id)
    codes = dict(await PayoutSignal.filter(line_id=held.id).values_list("code", "detail"))
    assert held.state.value == "held" and "Wait for the audit" in codes["deferred"]
    assert held.points == 300  # the deferred points came back and are held with the line
    await assert_reconciles()
