"""A hidden or removed answer counts as if it had never been written: the question's state,
counts, lists, its unanswered timer and its acceptance follow the visible answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from starlette.applications import Starlette

from forum.actions.acceptance import do_accept_answer
from forum.actions.flags import check_flag
from forum.actions.moderation import check_moderate_post
from forum.errors import Conflict
from forum.jobs import sweep_escalations
from forum.models import Acceptance, Answer, Escalation, Question, User
from rewards.models import Transfer
from tests.factories import T0, api, make_answer, make_question, make_user
from tests.rewards.helpers import assert_reconciles, balance

HOUR = timedelta(hours=1)


async def items(question: Question) -> list[tuple[str, str]]:
    return [
        (e.reason.value, e.state.value)
        for e in await Escalation.filter(question_id=question.id).order_by("id")
    ]


async def listed_ids(app: Starlette, state: str) -> list[int]:
    async with await api(app) as client:
        page = await client.get(f"/api/v1/questions?state={state}")
        return [q["id"] for q in page.json()["items"]]


async def test_removing_the_only_answer_makes_the_question_unanswered_and_escalates_at_once(
    app: Starlette, asker: User, helper: User, staff: User
) -> None:
    question = await make_question(asker, at=T0)  # account-billing: 12 h SLA
    answer = await make_answer(question, helper, at=T0 + HOUR)
    await sweep_escalations(T0 + 12 * HOUR)  # the timer is spent: answered in time
    assert await items(question) == []
    await check_moderate_post(answer, "remove", acting_user=staff, now=T0 + 20 * HOUR)
    await question.refresh_from_db()
    assert (question.state.value, question.answer_count, question.other_answer_count) == (
        "unanswered",
        0,
        0,
    )
    assert question.id in await listed_ids(app, "unanswered")
    assert question.id not in await listed_ids(app, "answered")
    swept = await sweep_escalations(T0 + 20 * HOUR)  # the SLA since asking is behind us
    assert swept.opened == 1 and await items(question) == [("unanswered", "open")]


async def test_a_hidden_answer_restarts_the_timer_at_the_sla_since_asking(
    asker: User, helper: User, staff: User
) -> None:
    question = await make_question(asker, at=T0)
    answer = await make_answer(question, helper, at=T0 + HOUR)
    await check_moderate_post(answer, "hide", acting_user=staff, now=T0 + 2 * HOUR)
    assert (await sweep_escalations(T0 + 11 * HOUR)).opened == 0
    assert (await sweep_escalations(T0 + 12 * HOUR)).opened == 1
    assert await items(question) == [("unanswered", "open")]


async def test_restoring_an_answer_counts_it_again_and_the_sweep_leaves_the_question(
    app: Starlette, asker: User, helper: User, staff: User
) -> None:
    question = await make_question(asker, at=T0)
    answer = await make_answer(question, helper, at=T0 + HOUR)
    own = await make_answer(question, asker, body="Any news?", at=T0 + 2 * HOUR)
    await check_moderate_post(answer, "hide", acting_user=staff, now=T0 + 3 * HOUR)
    await question.refresh_from_db()
    assert (question.state.value, question.answer_count) == ("unanswered", 1)  # the asker's own
    await check_moderate_post(answer, "restore", acting_user=staff, now=T0 + 4 * HOUR)
    await question.refresh_from_db()
    assert (question.state.value, question.answer_count, question.other_answer_count) == (
        "answered",
        2,
        1,
    )
    assert question.id in await listed_ids(app, "answered")
    assert (await sweep_escalations(T0 + 13 * HOUR)).opened == 0
    assert own.id != answer.id and await items(question) == []


async def test_removing_the_accepted_answer_clears_the_acceptance_like_the_asker_would(
    app: Starlette, asker: User, helper: User, other_member: User, staff: User
) -> None:
    question = await make_question(asker, at=T0)
    await sweep_escalations(T0 + 12 * HOUR)  # nobody answered in time: staff get an item
    accepted = await make_answer(question, helper, at=T0 + 13 * HOUR)
    await make_answer(question, other_member, body="Try the website.", at=T0 + 14 * HOUR)
    await do_accept_answer(question, accepted, acting_user=asker, now=T0 + 15 * HOUR)
    assert await items(question) == [("unanswered", "resolved")]
    assert (await balance(helper), await balance(asker)) == (100, 5)
    await check_moderate_post(accepted, "remove", acting_user=staff, now=T0 + 16 * HOUR)
    await question.refresh_from_db()
    assert (question.state.value, question.accepted_answer_id, question.answer_count) == (
        "answered",
        None,
        1,
    )
    assert (await balance(helper), await balance(asker)) == (0, 0)
    reasons = {t.reason for t in await Transfer.filter(kind="reversal")}
    assert reasons == {"Accepted answer hidden or removed"}
    acceptance = await Acceptance.get(question_id=question.id)
    assert acceptance.active_question_id is None and acceptance.cleared_by_id == staff.id  # type: ignore[attr-defined]
    assert await items(question) == [("unanswered", "open")]  # back in the queue
    async with await api(app) as client:
        shown = (await client.get(f"/api/v1/questions/{question.id}")).json()
        assert shown["state"] == "answered" and shown["accepted_answer_id"] is None
        assert [a["accepted"] for a in shown["answers"]] == [False]
    assert question.id not in await listed_ids(app, "solved")
    with pytest.raises(Conflict):  # removed stays removed
        await check_moderate_post(accepted, "restore", acting_user=staff, now=T0 + 17 * HOUR)
    await assert_reconciles()


async def test_flags_that_hide_the_accepted_answer_end_the_acceptance_and_restore_keeps_it_ended(
    asker: User, helper: User, staff: User
) -> None:
    question = await make_question(asker, at=T0)
    accepted = await make_answer(question, helper, at=T0 + HOUR)
    await do_accept_answer(question, accepted, acting_user=asker, now=T0 + 2 * HOUR)
    for i in range(3):
        flagger = await make_user(f"flagger{i}")
        await check_flag(accepted, "spam", acting_user=flagger, now=T0 + 3 * HOUR)
    await question.refresh_from_db()
    assert (question.state.value, question.accepted_answer_id) == ("unanswered", None)
    acceptance = await Acceptance.get(question_id=question.id)
    assert acceptance.active_question_id is None and acceptance.cleared_by_id is None  # type: ignore[attr-defined]
    assert (await balance(helper), await balance(asker)) == (0, 0)
    await check_moderate_post(accepted, "restore", acting_user=staff, now=T0 + 4 * HOUR)
    await question.refresh_from_db()
    assert (question.state.value, question.accepted_answer_id) == ("answered", None)
    assert (await balance(helper), await balance(asker)) == (0, 0)
    await do_accept_answer(question, accepted, acting_user=asker, now=T0 + 5 * HOUR)
    assert (await balance(helper), await balance(asker)) == (100, 5)  # a new acceptance earns
    await assert_reconciles()


async def test_hiding_another_answer_leaves_the_acceptance_alone(
    asker: User, helper: User, other_member: User, staff: User
) -> None:
    question = await make_question(asker, at=T0)
    accepted = await make_answer(question, helper, at=T0 + HOUR)
    other: Answer = await make_answer(question, other_member, body="Spam link", at=T0 + HOUR)
    await do_accept_answer(question, accepted, acting_user=asker, now=T0 + 2 * HOUR)
    await check_moderate_post(other, "remove", acting_user=staff, now=T0 + 3 * HOUR)
    await question.refresh_from_db()
    assert (question.state.value, question.accepted_answer_id, question.answer_count) == (
        "solved",
        accepted.id,
        1,
    )
    assert await balance(helper) == 100


async def test_a_lost_or_stolen_question_opens_one_urgent_item(asker: User) -> None:
    question = await make_question(
        asker, board="lost-stolen", title="My phone was taken on the train", at=T0
    )
    assert await items(question) == [("urgent", "open")]
    swept = await sweep_escalations(T0 + HOUR)  # its board's SLA is 0 h
    assert swept.opened == 0 and await items(question) == [("urgent", "open")]
