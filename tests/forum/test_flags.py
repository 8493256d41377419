"""Flags: three members hide a post and open a `flagged` queue item; once per post per member,
five posts a day, never your own; hidden posts leave the lists and pages of other members."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from starlette.applications import Starlette

from forum.actions.flags import check_flag
from forum.actions.users import check_suspend_user
from forum.clock import utcnow
from forum.errors import Conflict, Forbidden, ValidationFailed
from forum.models import Answer, Escalation, Flag, Question, User, Visibility
from forum.ratelimits import RateLimited
from tests.factories import T0, api, browser, form, make_answer, make_question, make_user

NOW = T0 + timedelta(hours=2)


async def flaggers(n: int) -> list[User]:
    return [await make_user(f"flagger{i}") for i in range(n)]


async def test_three_flags_hide_an_answer_and_open_one_queue_item(
    app: Starlette, asker: User, helper: User, staff: User
) -> None:
    question = await make_question(asker, title="How do I keep my number?", at=T0)
    spam = await make_answer(question, helper, body="Buy cheap phones at example.com!!!")
    members = await flaggers(3)
    for member in members[:2]:
        await check_flag(spam, "spam", acting_user=member, now=NOW)
    await spam.refresh_from_db()
    assert spam.visibility == Visibility.VISIBLE  # two flags: not yet
    await check_flag(spam, "offensive", acting_user=members[2], now=NOW)
    await spam.refresh_from_db()
    assert spam.visibility == Visibility.HIDDEN
    item = await Escalation.get(question_id=question.id)
    assert (item.reason.value, item.state.value) == ("flagged", "open")
    async with browser(app) as visitor, browser(app, helper) as author:
        async with browser(app, staff) as team, await api(app) as client:
            assert "example.com" not in (await visitor.get(f"/questions/{question.id}")).text
            own = (await author.get(f"/questions/{question.id}")).text
            assert "example.com" in own and "Hidden from members until staff review it." in own
            seen = (await team.get(f"/questions/{question.id}")).text
            assert "example.com" in seen and "Spam × 2" in seen and "Offensive × 1" in seen
            queued = (await team.get(f"/staff/escalations/{item.id}")).text
            assert "Review the hidden posts" in queued and "Spam × 2" in queued
            detail = (await client.get(f"/api/v1/questions/{question.id}")).json()
            assert [a["id"] for a in detail["answers"]] == []


async def test_a_flagged_question_leaves_the_lists(
    app: Starlette, asker: User, helper: User
) -> None:
    question = await make_question(asker, title="Cheap phones at example.com, click", at=T0)
    for member in await flaggers(3):
        await check_flag(question, "spam", acting_user=member, now=NOW)
    async with browser(app, helper) as page, await api(app) as client:
        assert "Cheap phones" not in (await page.get("/questions")).text
        assert (await page.get(f"/questions/{question.id}")).status_code == 404
        listed = (await client.get("/api/v1/questions")).json()["items"]
        assert question.id not in [q["id"] for q in listed]
        assert (await client.get(f"/api/v1/questions/{question.id}")).status_code == 404
    await Question.filter(id=question.id).update(visibility=Visibility.VISIBLE)
    async with await api(app) as client:
        assert (await client.get(f"/api/v1/questions/{question.id}")).status_code == 200


async def test_flags_through_the_api_once_per_post_never_your_own(
    app: Starlette, asker: User, helper: User, other_member: User, staff: User
) -> None:
    question = await make_question(asker, title="How do I keep my number?", at=T0)
    answer = await make_answer(question, helper)
    url = f"/api/v1/answers/{answer.id}/flags"
    async with await api(app, other_member) as member, await api(app, helper) as author:
        made = await member.post(url, json={"reason": "off_topic"})
        assert made.status_code == 201 and made.json()["post"] == f"answer:{answer.id}"
        again = await member.post(url, json={"reason": "spam"})
        assert again.status_code == 409 and "already" in again.text
        bad = await member.post(f"/api/v1/questions/{question.id}/flags", json={"reason": "meh"})
        assert bad.status_code == 400 and "reason" in bad.text
        assert (await author.post(url, json={"reason": "spam"})).status_code == 403
    await check_suspend_user(other_member, "Spamming", acting_user=staff, now=T0)
    suspended = await User.get(id=other_member.id)
    with pytest.raises(Forbidden):
        await check_flag(question, "spam", acting_user=suspended)
    assert await Flag.all().count() == 1


async def test_five_flags_a_day_then_429_until_tomorrow(
    app: Starlette, asker: User, helper: User, other_member: User
) -> None:
    question = await make_question(asker, title="How do I keep my number?", at=T0)
    answers = [await make_answer(question, helper, body=f"Answer {i}") for i in range(7)]
    for answer in answers[:5]:
        await check_flag(answer, "spam", acting_user=other_member)  # today, by the clock
    async with browser(app, other_member) as page:
        shown = await page.post(f"/answers/{answers[5].id}/flags", data=form(page, reason="spam"))
        assert shown.status_code == 429 and "5 posts a day" in shown.text
    with pytest.raises(RateLimited) as refused:
        await check_flag(answers[6], "spam", acting_user=other_member)
    assert "tomorrow" in refused.value.message and refused.value.retry_after <= 24 * 3600
    await check_flag(answers[6], "spam", acting_user=other_member, now=utcnow() + timedelta(days=1))
    assert await Flag.filter(flagger_id=other_member.id).count() == 6


async def test_a_flag_on_a_hidden_post_or_with_a_bad_reason_changes_nothing(
    asker: User, helper: User
) -> None:
    question = await make_question(asker, title="How do I keep my number?", at=T0)
    answer = await make_answer(question, helper)
    members = await flaggers(4)
    with pytest.raises(ValidationFailed):
        await check_flag(answer, "<script>", acting_user=members[0], now=NOW)
    for member in members[:3]:
        await check_flag(answer, "spam", acting_user=member, now=NOW)
    with pytest.raises(Conflict):
        await check_flag(answer, "spam", acting_user=members[3], now=NOW)
    assert await Flag.all().count() == 3


async def test_members_flagging_at_once_hide_the_post_once(asker: User, helper: User) -> None:
    question = await make_question(asker, title="How do I keep my number?", at=T0)
    answer = await make_answer(question, helper)
    members = await flaggers(6)

    async def flag(member: User) -> str:
        try:
            await check_flag(answer, "spam", acting_user=member, now=NOW)
        except Conflict:
            return "late"
        return "flagged"

    outcomes = await asyncio.gather(*(flag(m) for m in members))
    assert outcomes.count("flagged") == 3 and outcomes.count("late") == 3
    assert (await Answer.get(id=answer.id)).visibility == Visibility.HIDDEN
    assert await Escalation.filter(question_id=question.id, reason="flagged").count() == 1


async def test_the_flag_that_hides_a_question_takes_its_flagger_back_to_the_board(
    app: Starlette, asker: User
) -> None:
    question = await make_question(asker, title="Cheap phones, click this link now", at=T0)
    first, second, third = await flaggers(3)
    await check_flag(question, "spam", acting_user=first, now=T0)
    await check_flag(question, "spam", acting_user=second, now=T0)
    async with browser(app, third) as page:
        done = await page.post(f"/questions/{question.id}/flags", data=form(page, reason="spam"))
        assert done.status_code == 303 and done.headers["location"] == "/boards/account-billing"
        board = await page.get(done.headers["location"])
        assert "the question is hidden until staff have looked at it" in board.text
    async with browser(app, first) as page:  # an answer's flag still goes back to the question
        other = await make_question(asker, title="A question with a spam answer", at=T0)
        spam = await make_answer(other, third, body="Buy followers here")
        done = await page.post(f"/answers/{spam.id}/flags", data=form(page, reason="spam"))
        assert done.headers["location"] == f"/questions/{other.id}#answer-{spam.id}"
