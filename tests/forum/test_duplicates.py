"""Closing a question as a duplicate: who may, what it points to, and what it does to the
question's staff items and answers."""

from __future__ import annotations

from datetime import timedelta

from starlette.applications import Starlette

from forum.actions.acceptance import do_accept_answer
from forum.jobs import sweep_escalations
from forum.models import AuditEntry, Escalation, Question, User
from tests import factories
from tests.conftest import make_settings


async def test_staff_close_a_question_as_a_duplicate_and_its_item_resolves(
    app: Starlette, asker: User, other_member: User, staff: User
) -> None:
    original = await factories.make_question(asker, title="How do I activate my eSIM?")
    repeat = await factories.make_question(other_member, title="eSIM activation does not work")
    await sweep_escalations(repeat.created_at + timedelta(days=2))  # unanswered: an open item
    assert await Escalation.filter(question_id=repeat.id, state="open").count() == 1
    async with factories.browser(app, staff) as page:
        shown = (await page.get(f"/questions/{repeat.id}")).text
        assert f'action="/questions/{repeat.id}/duplicate"' in shown
        done = await page.post(
            f"/questions/{repeat.id}/duplicate",
            data=factories.form(page, original=f"https://forum.example/questions/{original.id}#x"),
        )
        assert done.status_code == 303
        closed = (await page.get(f"/questions/{repeat.id}")).text
    assert "This question has been asked before." in closed
    assert f'href="/questions/{original.id}">How do I activate my eSIM?</a>' in closed
    question = await Question.get(id=repeat.id)
    assert question.duplicate_of_id == original.id and question.state.value == "locked"
    item = await Escalation.get(question_id=repeat.id)
    assert item.state.value == "resolved" and item.resolution.value == "duplicate"
    assert await AuditEntry.filter(action="duplicate").count() == 1
    async with await factories.api(app, other_member) as client:
        body = (await client.get(f"/api/v1/questions/{repeat.id}")).json()
        refused = await client.post(
            f"/api/v1/questions/{repeat.id}/answers", json={"body": "x" * 30}
        )
    assert body["duplicate_of"] == original.id and refused.status_code in (403, 409)


async def test_only_staff_and_the_top_rank_may_and_the_original_must_stand(
    app: Starlette, asker: User, helper: User, other_member: User, staff: User
) -> None:
    from forum.settings import configure

    original = await factories.make_question(asker, title="Where is my PUK code printed?")
    repeat = await factories.make_question(asker, title="Lost the PUK code of my SIM")
    async with await factories.api(app, other_member) as member:
        refused = await member.post(
            f"/api/v1/questions/{repeat.id}/duplicate", json={"original": original.id}
        )
    assert refused.status_code == 403
    # helper reaches the top rank of a one-step ladder with one accepted answer.
    configure(make_settings(ranks=(("guru", 100, 1),)))
    solved = await factories.make_question(other_member, title="Voicemail keeps asking my pin")
    answer = await factories.make_answer(solved, helper)
    await do_accept_answer(solved, answer, acting_user=other_member, now=solved.created_at)
    async with await factories.api(app, helper) as guru, await factories.api(app, staff) as team:
        for bad, reason in (
            (repeat.id, "itself"), (999_999, "no question"), ("not a number", "original"),
        ):  # fmt: skip
            failed = await team.post(
                f"/api/v1/questions/{repeat.id}/duplicate", json={"original": bad}
            )
            assert failed.status_code in (400, 404, 409)
            assert reason in failed.json()["error"]["message"]
        ok = await guru.post(
            f"/api/v1/questions/{repeat.id}/duplicate", json={"original": original.id}
        )
        assert ok.status_code == 200 and ok.json()["duplicate_of"] == original.id
        again = await team.post(
            f"/api/v1/questions/{repeat.id}/duplicate", json={"original": original.id}
        )
        assert again.status_code == 409
        third = await factories.make_question(asker, title="PUK code once more, where?")
        chained = await team.post(
            f"/api/v1/questions/{third.id}/duplicate", json={"original": repeat.id}
        )
    assert chained.status_code == 409
    assert f"point to question {original.id}" in chained.json()["error"]["message"]


async def test_a_member_leaves_staffs_questions_to_staff_and_unlocking_reopens(
    app: Starlette, asker: User, helper: User, other_member: User, staff: User
) -> None:
    from forum.actions.moderation import check_lock_question, check_moderate_post
    from forum.models import SlaTimer
    from forum.settings import configure

    configure(make_settings(ranks=(("guru", 100, 1),)))
    solved = await factories.make_question(other_member, title="Voicemail keeps asking my pin")
    answer = await factories.make_answer(solved, helper)
    await do_accept_answer(solved, answer, acting_user=other_member, now=solved.created_at)
    original = await factories.make_question(asker, title="Which APN for mobile data?")
    handled = await factories.make_question(other_member, title="APN for data on my phone??")
    await sweep_escalations(handled.created_at + timedelta(days=2))  # an open staff item
    locked = await factories.make_question(other_member, title="APN settings for Android")
    await check_lock_question(locked, True, acting_user=staff)
    async with await factories.api(app, helper) as guru:
        for question, reason in ((handled, "Staff are handling"), (locked, "Staff locked")):
            refused = await guru.post(
                f"/api/v1/questions/{question.id}/duplicate", json={"original": original.id}
            )
            assert refused.status_code == 409 and reason in refused.json()["error"]["message"]
    assert (await Escalation.get(question_id=handled.id)).state.value == "open"

    free = await factories.make_question(other_member, title="Setting the APN on an iPhone")
    async with await factories.api(app, helper) as guru:
        closed = await guru.post(
            f"/api/v1/questions/{free.id}/duplicate", json={"original": original.id}
        )
        assert closed.status_code == 200
    # The original is removed later: the duplicate no longer names it.
    await check_moderate_post(original, "remove", note="Spam", acting_user=staff)
    async with factories.browser(app) as visitor:
        page = (await visitor.get(f"/questions/{free.id}")).text
    assert "asked before" not in page and "Which APN for mobile data?" not in page
    await check_lock_question(await Question.get(id=free.id), False, acting_user=staff)
    reopened = await Question.get(id=free.id)
    assert reopened.duplicate_of_id is None and reopened.state.value == "unanswered"
    assert await SlaTimer.filter(question_id=free.id).exists()  # it may escalate again
