"""Hidden and removed posts never leak: every page and API read that takes a post id, tried as
an anonymous visitor, another member, the author and staff, for a visible, a hidden and a
removed question and answer. Only staff (and, while it is hidden, the author) read the text; a
hidden or removed post's history is for staff alone."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from forum.actions.acceptance import do_accept_answer
from forum.actions.answers import check_edit_answer
from forum.actions.kudos import do_give_kudos
from forum.actions.moderation import check_moderate_post
from forum.actions.questions import check_edit_question
from forum.errors import Conflict, Unavailable
from forum.models import Answer, Question, User
from tests.factories import T0, api, browser, form, make_answer, make_question, make_user

OLD, NOW = "marker-old-text", "marker-current-text"
VIEWERS = ("anonymous", "other", "author", "staff")
ENDPOINTS = ("page", "edit", "revisions", "api")


def may_read(endpoint: str, state: str, who: str) -> bool:
    if who == "staff":
        return True
    if endpoint == "revisions":
        return state == "visible"
    if endpoint == "edit":
        return who == "author" and state != "removed"
    return state == "visible" or (state == "hidden" and who == "author")


async def posts(asker: User, helper: User, target: str) -> tuple[Question, Answer]:
    """A question and an answer whose text (the target's) was edited once: OLD in the
    revision, NOW in the post."""
    q_body, a_body = ("Question about my SIM card", "Restart the phone first.")
    if target == "question":
        q_body = f"{OLD} about my SIM card"
    else:
        a_body = f"{OLD}: restart the phone."
    question = await make_question(asker, body=q_body, at=T0)
    answer = await make_answer(question, helper, body=a_body)
    if target == "question":
        await check_edit_question(question, acting_user=asker, body=f"{NOW} about my SIM card")
    else:
        await check_edit_answer(answer, acting_user=helper, body=f"{NOW}: restart the phone.")
    return question, answer


@pytest.mark.parametrize("target", ["question", "answer"])
@pytest.mark.parametrize("state", ["visible", "hidden", "removed"])
async def test_only_staff_and_the_author_of_a_hidden_post_read_its_text(
    app: Starlette,
    asker: User,
    helper: User,
    other_member: User,
    staff: User,
    target: str,
    state: str,
) -> None:
    question, answer = await posts(asker, helper, target)
    post: Question | Answer = question if target == "question" else answer
    if state != "visible":
        await check_moderate_post(
            post, "hide" if state == "hidden" else "remove", acting_user=staff
        )
    author = asker if target == "question" else helper
    users = {"anonymous": None, "other": other_member, "author": author, "staff": staff}
    urls = {
        "page": f"/questions/{question.id}",
        "edit": f"/questions/{question.id}/edit"
        if target == "question"
        else f"/answers/{answer.id}/edit",
        "revisions": f"/questions/{question.id}/revisions",
        "api": f"/api/v1/questions/{question.id}",
    }
    seen = {}
    for who, user in users.items():
        async with browser(app, user) as page, await api(app, user) as client:
            for endpoint, url in urls.items():
                got = await (client if endpoint == "api" else page).get(url)
                assert got.status_code < 500
                marker = OLD if endpoint == "revisions" else NOW
                seen[(endpoint, who)] = marker in got.text
    expected = {(e, w): may_read(e, state, w) for e in ENDPOINTS for w in VIEWERS}
    assert seen == expected


async def test_the_history_of_a_hidden_question_is_a_404_but_for_staff(
    app: Starlette, asker: User, helper: User, staff: User
) -> None:
    question, _ = await posts(asker, helper, "question")
    await check_moderate_post(question, "hide", acting_user=staff)
    for user in (None, asker, helper):
        async with browser(app, user) as page:
            assert (await page.get(f"/questions/{question.id}/revisions")).status_code == 404
    async with browser(app, staff) as page:
        assert (await page.get(f"/questions/{question.id}/revisions")).status_code == 200


async def test_edit_pages_answer_only_the_author_or_staff(
    app: Starlette, asker: User, helper: User, other_member: User, staff: User
) -> None:
    question, answer = await posts(asker, helper, "answer")
    async with browser(app, other_member) as page:
        assert (await page.get(f"/questions/{question.id}/edit")).status_code == 403
        assert (await page.get(f"/answers/{answer.id}/edit")).status_code == 403
    await check_moderate_post(answer, "hide", acting_user=staff)
    async with browser(app, other_member) as page:
        assert (await page.get(f"/answers/{answer.id}/edit")).status_code == 404
    async with await api(app, other_member) as client:
        patched = await client.patch(f"/api/v1/answers/{answer.id}", json={"body": "Mine now"})
        assert patched.status_code == 404


async def test_a_hidden_answer_takes_no_kudos_and_cannot_be_accepted(
    app: Starlette, asker: User, helper: User, staff: User
) -> None:
    question, answer = await posts(asker, helper, "answer")
    await check_moderate_post(answer, "hide", acting_user=staff)
    giver = await make_user("giver")
    async with await api(app, giver) as client, await api(app, asker) as owner:
        assert (await client.post(f"/api/v1/answers/{answer.id}/kudos")).status_code == 404
        accept = await owner.put(
            f"/api/v1/questions/{question.id}/accepted-answer", json={"answer_id": answer.id}
        )
        assert accept.status_code == 409  # the question is there; its answers hold no such one
    with pytest.raises(Conflict):
        await do_give_kudos(await Answer.get(id=answer.id), acting_user=giver)


async def test_a_failed_answer_to_a_removed_question_does_not_show_its_title(
    app: Starlette, asker: User, helper: User, other_member: User, staff: User
) -> None:
    question, _ = await posts(asker, helper, "question")
    await check_moderate_post(question, "remove", acting_user=staff)
    async with browser(app, other_member) as page:
        got = await page.post(f"/questions/{question.id}/answers", data=form(page, body=""))
    assert got.status_code == 404 and NOW not in got.text and "SIM card" not in got.text


async def test_an_answer_hidden_a_moment_ago_is_neither_accepted_nor_given_kudos(
    asker: User, helper: User, staff: User
) -> None:
    question, answer = await posts(asker, helper, "answer")
    seen = await Answer.get(id=answer.id)  # read while it was visible
    await check_moderate_post(answer, "hide", acting_user=staff)
    with pytest.raises(Unavailable):
        await do_accept_answer(question, seen, acting_user=asker)
    with pytest.raises(Conflict):
        await do_give_kudos(seen, acting_user=await make_user("late_giver"))
    await question.refresh_from_db()
    assert question.accepted_answer_id is None
    assert (await Answer.get(id=answer.id)).kudos_count == 0
