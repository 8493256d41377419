from dataclasses import replace
from datetime import timedelta

import pytest

from forum.actions.acceptance import check_accept_answer, do_clear_acceptance
from forum.actions.kudos import do_give_kudos, do_withdraw_kudos
from forum.models import Acceptance, Answer, Question, User
from forum.settings import Settings, configure
from rewards.actions.awards import acceptance_awards, award_acceptance
from rewards.models import Transfer
from tests import factories
from tests.factories import T0
from tests.rewards.helpers import assert_reconciles, balance, kinds


async def _qa(asker: User, helper: User) -> tuple[Question, Answer]:
    q = await factories.make_question(asker)
    return q, await factories.make_answer(q, helper)


async def test_accept_awards_answerer_and_asker(
    settings: Settings, asker: User, helper: User
) -> None:
    q, a = await _qa(asker, helper)
    await check_accept_answer(settings, q, a.id, acting_user=asker, now=T0)
    assert (await balance(helper), await balance(asker)) == (100, 5)
    assert await kinds(helper) == [("accept_answerer", 100)]
    await assert_reconciles()


async def test_accepting_your_own_answer_earns_nothing(settings: Settings, asker: User) -> None:
    q, a = await _qa(asker, asker)
    await check_accept_answer(settings, q, a.id, acting_user=asker)
    assert await Transfer.all().count() == 0


async def test_staff_answers_earn_nothing_but_the_asker_still_does(
    settings: Settings, asker: User, staff: User
) -> None:
    q, a = await _qa(asker, staff)
    await check_accept_answer(settings, q, a.id, acting_user=asker)
    assert (await balance(staff), await balance(asker)) == (0, 5)


async def test_staff_accepting_for_the_asker_awards_only_the_answerer(
    settings: Settings, asker: User, helper: User, staff: User
) -> None:
    q, a = await _qa(asker, helper)
    await check_accept_answer(settings, q, a.id, acting_user=staff, now=T0 + timedelta(days=8))
    assert (await balance(helper), await balance(asker), await balance(staff)) == (100, 0, 0)


async def test_change_accept_reverses_old_and_awards_new(
    settings: Settings, asker: User, helper: User, other_member: User
) -> None:
    q, a1 = await _qa(asker, helper)
    a2 = await factories.make_answer(q, other_member)
    await check_accept_answer(settings, q, a1.id, acting_user=asker)
    await check_accept_answer(settings, q, a2.id, acting_user=asker)
    assert await kinds(helper) == [("accept_answerer", 100), ("reversal", -100)]
    assert await balance(other_member) == 100
    assert await kinds(asker) == [("accept_asker", 5), ("reversal", -5), ("accept_asker", 5)]
    await assert_reconciles()


async def test_accept_clear_accept_awards_again(
    settings: Settings, asker: User, helper: User
) -> None:
    q, a = await _qa(asker, helper)
    await check_accept_answer(settings, q, a.id, acting_user=asker)
    await do_clear_acceptance(q, acting_user=asker)
    assert await balance(helper) == 0
    reversal = await Transfer.get(kind="reversal", member_id=helper.id)
    assert reversal.reason == "Accepted answer cleared" and reversal.actor_id == asker.id  # type: ignore[attr-defined]
    await check_accept_answer(settings, q, a.id, acting_user=asker)
    assert await balance(helper) == 100 and await Transfer.all().count() == 6
    await assert_reconciles()


async def test_replaying_one_acceptance_awards_once(
    settings: Settings, asker: User, helper: User
) -> None:
    q, a = await _qa(asker, helper)
    acceptance = await check_accept_answer(settings, q, a.id, acting_user=asker)
    replay = await award_acceptance(acceptance, await acceptance_awards(acceptance, q, a), now=T0)
    assert await Transfer.all().count() == 2 and len(replay) == 2
    assert await balance(helper) == 100


async def test_rolled_back_accept_leaves_no_points(
    settings: Settings, asker: User, helper: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    q, a = await _qa(asker, helper)

    async def crash(*args: object, **kwargs: object) -> None:
        await award_acceptance(*args, **kwargs)  # type: ignore[arg-type]
        assert await Transfer.all().count() == 2
        raise RuntimeError("crash after the award, before commit")

    monkeypatch.setattr("forum.actions.acceptance.award_acceptance", crash)
    with pytest.raises(RuntimeError):
        await check_accept_answer(settings, q, a.id, acting_user=asker)
    assert await Transfer.all().count() == 0 and await Acceptance.all().count() == 0
    assert await balance(helper) == 0
    await q.refresh_from_db()
    assert (q.accepted_answer_id, q.state.value) == (None, "answered")
    monkeypatch.undo()
    await check_accept_answer(settings, q, a.id, acting_user=asker)
    assert await balance(helper) == 100


async def test_amounts_are_settings(settings: Settings, asker: User, helper: User) -> None:
    configure(replace(settings, points_accept_answerer=250, points_accept_asker=0))
    q, a = await _qa(asker, helper)
    await check_accept_answer(settings, q, a.id, acting_user=asker)
    assert (await balance(helper), await balance(asker)) == (250, 0)


async def test_kudos_awards_and_withdraw_reverses(
    asker: User, helper: User, other_member: User
) -> None:
    _, a = await _qa(asker, helper)
    await do_give_kudos(a, acting_user=other_member, now=T0)
    assert await balance(helper) == 10
    await do_withdraw_kudos(a, acting_user=other_member, now=T0)
    assert await kinds(helper) == [("kudos", 10), ("reversal", -10)]
    await assert_reconciles()


async def _givers(n: int) -> list[User]:
    return [await factories.make_user(f"giver{i}") for i in range(n)]


async def test_kudos_cap_is_200_a_utc_day(asker: User, helper: User) -> None:
    _, a = await _qa(asker, helper)
    givers = await _givers(22)
    for giver in givers[:21]:
        await do_give_kudos(a, acting_user=giver, now=T0)
    assert await balance(helper) == 200
    tomorrow = T0.replace(hour=0) + timedelta(days=1)
    await do_give_kudos(a, acting_user=givers[21], now=tomorrow)
    assert await balance(helper) == 210


async def test_kudos_cap_gives_partial_points_at_the_edge(
    settings: Settings, asker: User, helper: User
) -> None:
    configure(replace(settings, points_kudos=15))
    _, a = await _qa(asker, helper)
    for giver in await _givers(14):
        await do_give_kudos(a, acting_user=giver, now=T0)
    assert await balance(helper) == 200
    assert [p for _, p in await kinds(helper)][-2:] == [15, 5]


async def test_withdrawn_kudos_inside_the_cap_frees_room(asker: User, helper: User) -> None:
    _, a = await _qa(asker, helper)
    givers = await _givers(21)
    for giver in givers[:20]:
        await do_give_kudos(a, acting_user=giver, now=T0)
    await do_withdraw_kudos(a, acting_user=givers[0], now=T0)
    assert await balance(helper) == 190
    await do_give_kudos(a, acting_user=givers[20], now=T0)
    assert await balance(helper) == 200
    await assert_reconciles()


async def test_accept_awards_are_exempt_from_the_kudos_cap(
    settings: Settings, asker: User, helper: User
) -> None:
    q, a = await _qa(asker, helper)
    for giver in await _givers(20):
        await do_give_kudos(a, acting_user=giver, now=T0)
    await check_accept_answer(settings, q, a.id, acting_user=asker, now=T0)
    assert await balance(helper) == 300


async def test_kudos_for_staff_answer_earns_nothing(asker: User, staff: User) -> None:
    _, a = await _qa(asker, staff)
    await do_give_kudos(a, acting_user=asker)
    assert await Transfer.all().count() == 0
