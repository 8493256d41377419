"""Following a question: askers and answerers follow it, anyone may follow or unfollow it, and
its followers hear of its new answers and of its acceptance, once each."""

from __future__ import annotations

from datetime import timedelta

from starlette.applications import Starlette

from forum.actions.acceptance import do_accept_answer
from forum.actions.follows import check_set_following
from forum.actions.moderation import check_moderate_post
from forum.actions.users import check_suspend_user
from forum.errors import Forbidden
from forum.jobs import send_mail
from forum.models import Mail, Notification, QuestionFollow, User
from tests.factories import T0, api, browser, form, make_answer, make_question, make_user

HOUR = timedelta(hours=1)


async def told(user: User) -> list[tuple[str, str]]:
    """(kind, key) of the member's notifications, oldest first."""
    rows = await Notification.filter(user_id=user.id).order_by("id").values_list("kind", "key")
    return [(kind.value, key) for kind, key in rows]


async def followers(question_id: int) -> set[int]:
    rows = QuestionFollow.filter(question_id=question_id, following=True)
    return {int(u) for u in await rows.values_list("user_id", flat=True)}  # type: ignore[call-overload]


async def test_askers_and_answerers_follow_and_hear_of_answers_and_the_acceptance(
    asker: User, helper: User, other_member: User, staff: User
) -> None:
    question = await make_question(asker, title="Why is my data so slow abroad?")
    assert await followers(question.id) == {asker.id}
    await make_answer(question, helper, at=T0 + HOUR)
    second = await make_answer(question, other_member, at=T0 + 2 * HOUR)
    await make_answer(question, helper, body="And check the APN too.", at=T0 + 3 * HOUR)
    assert await followers(question.id) == {asker.id, helper.id, other_member.id}
    await do_accept_answer(question, second, acting_user=asker, now=T0 + 4 * HOUR)
    await do_accept_answer(question, second, acting_user=asker, now=T0 + 5 * HOUR)  # no-op
    assert [kind for kind, _ in await told(asker)] == ["answer", "answer", "answer"]
    # The helper hears of the other's answer and of the acceptance, not of their own answers.
    assert await told(helper) == [
        ("follow_answer", f"follow_answer:{second.id}:{helper.id}"),
        ("follow_accepted", f"follow_accepted:{second.id}:{helper.id}"),
    ]
    # The other member hears of the helper's later answer; of the acceptance as its author.
    assert [kind for kind, _ in await told(other_member)] == ["follow_answer", "accepted"]
    assert await told(staff) == []


async def test_an_unfollow_sticks_when_the_member_answers_again(asker: User, helper: User) -> None:
    question = await make_question(asker)
    first = await make_answer(question, helper)
    await check_set_following(question, acting_user=helper, following=False)
    await check_set_following(question, acting_user=asker, following=False)
    await make_answer(question, helper, body="One more idea: restart the phone.")
    await make_answer(question, asker, body="Still broken, sorry.")
    assert await followers(question.id) == set()
    assert await told(helper) == [] and await told(asker) == [("answer", f"answer:{first.id}")]
    await check_set_following(question, acting_user=helper, following=True)
    await make_answer(question, asker, body="It works now!")
    assert [kind for kind, _ in await told(helper)] == ["follow_answer"]


async def test_a_suspended_member_may_unfollow_but_not_follow(
    asker: User, helper: User, staff: User
) -> None:
    question = await make_question(asker)
    other = await make_question(asker, title="Can I keep my number when I move?")
    await make_answer(question, helper)
    await check_suspend_user(helper, "Selling accounts", acting_user=staff)
    helper = await User.get(id=helper.id)
    try:
        await check_set_following(other, acting_user=helper, following=True)
        raise AssertionError("a suspended member followed a question")
    except Forbidden:
        pass
    await check_set_following(question, acting_user=helper, following=False)
    assert await followers(question.id) == {asker.id}
    assert await followers(other.id) == {asker.id}


async def test_follow_and_unfollow_on_the_question_page_and_from_a_notification(
    app: Starlette, asker: User, helper: User, other_member: User
) -> None:
    question = await make_question(asker, title="Where do I find my PUK code?")
    async with browser(app, other_member) as page:
        shown = await page.get(f"/questions/{question.id}")
        assert f'action="/questions/{question.id}/follow"' in shown.text
        followed = await page.post(f"/questions/{question.id}/follow", data=form(page))
        assert followed.status_code == 303
        assert followed.headers["location"] == f"/questions/{question.id}#follow"
        shown = await page.get(f"/questions/{question.id}")
        assert "You follow this question." in shown.text
        assert f'action="/questions/{question.id}/unfollow"' in shown.text
        listed = await page.get("/following")
        assert "Where do I find my PUK code?" in listed.text
        await make_answer(question, helper, body="It is on the card your SIM came on.")
        notes = await page.get("/notifications")
        assert "New answer to “Where do I find my PUK code?”, a question you follow." in notes.text
        assert f'action="/questions/{question.id}/unfollow"' in notes.text
        left = await page.post(
            f"/questions/{question.id}/unfollow", data=form(page, next="/notifications")
        )
        assert left.headers["location"] == "/notifications"
        notes = await page.get("/notifications")
        assert "You no longer follow “Where do I find my PUK code?”." in notes.text
        assert f'action="/questions/{question.id}/unfollow"' not in notes.text
        assert "You follow no questions." in (await page.get("/following")).text
        # Somewhere else than this site is not a place to go back to.
        away = await page.post(
            f"/questions/{question.id}/follow", data=form(page, next="//evil.example/")
        )
        assert away.headers["location"] == f"/questions/{question.id}#follow"
    async with browser(app) as visitor:
        shown = await visitor.get(f"/questions/{question.id}")
        assert "/follow" not in shown.text
        refused = await visitor.post(f"/questions/{question.id}/follow", data=form(visitor))
        assert refused.status_code == 303 and refused.headers["location"].startswith("/login")


async def test_the_api_follows_unfollows_and_lists(
    app: Starlette, asker: User, helper: User, staff: User
) -> None:
    question = await make_question(asker, title="Why was I charged twice this month?")
    older = await make_question(asker, title="Is there a roaming bundle for Turkey?")
    hidden = await make_question(asker, title="Buy cheap followers here today")
    await check_moderate_post(hidden, "remove", acting_user=staff)
    async with await api(app, helper) as client:
        url = f"/api/v1/questions/{question.id}/follow"
        assert (await client.get(f"/api/v1/questions/{question.id}")).json()["following"] is False
        put = await client.put(url)
        assert put.status_code == 200 and put.json() == {
            "question_id": question.id,
            "following": True,
        }
        assert (await client.put(url)).json()["following"] is True  # again: still following
        await client.put(f"/api/v1/questions/{older.id}/follow")
        assert (await client.get(f"/api/v1/questions/{question.id}")).json()["following"] is True
        await make_answer(older, staff, at=T0 + 2 * HOUR)  # the older one is active last
        listed = (await client.get("/api/v1/me/following")).json()
        assert [q["id"] for q in listed["items"]] == [older.id, question.id]
        paged = (await client.get("/api/v1/me/following?limit=1")).json()
        assert [q["id"] for q in paged["items"]] == [older.id] and paged["next_cursor"]
        gone = await client.delete(url)
        assert gone.json() == {"question_id": question.id, "following": False}
        assert (await client.delete(url)).status_code == 200  # again: nothing to undo
        listed = (await client.get("/api/v1/me/following")).json()
        assert [q["id"] for q in listed["items"]] == [older.id]
        assert (await client.put(f"/api/v1/questions/{hidden.id}/follow")).status_code == 404
        assert (await client.put("/api/v1/questions/99999/follow")).status_code == 404
    async with await api(app) as anonymous:
        assert (await anonymous.get(f"/api/v1/questions/{question.id}")).json()["following"] is None
        assert (await anonymous.put(f"/api/v1/questions/{question.id}/follow")).status_code == 401
        assert (await anonymous.get("/api/v1/me/following")).status_code == 401


async def test_a_follower_mail_says_how_to_stop(app: Starlette, asker: User, helper: User) -> None:
    follower = await make_user("follower")
    question = await make_question(asker, title="How do I block premium SMS?")
    await check_set_following(question, acting_user=follower, following=True)
    await make_answer(question, helper)
    await send_mail(T0 + 2 * HOUR)
    mail = await Mail.get(user_id=follower.id)
    assert mail.subject == "New answer to “How do I block premium SMS?”, a question you follow."
    assert "choose Unfollow on its page" in mail.body
    assert f"/questions/{question.id}#answer-" in mail.body


async def test_accepting_the_same_answer_again_is_no_news_to_followers(
    asker: User, helper: User, other_member: User
) -> None:
    question = await make_question(asker)
    first = await make_answer(question, helper, at=T0 + HOUR)
    second = await make_answer(question, other_member, at=T0 + 2 * HOUR)
    follower = await make_user("follower")
    await check_set_following(question, acting_user=follower, following=True)
    for n, answer in enumerate([first, second, first, second]):
        await do_accept_answer(question, answer, acting_user=asker, now=T0 + (3 + n) * HOUR)
    accepted = [key for kind, key in await told(follower) if kind == "follow_accepted"]
    assert accepted == [
        f"follow_accepted:{first.id}:{follower.id}",
        f"follow_accepted:{second.id}:{follower.id}",
    ]


async def test_a_removed_question_takes_no_member_answers_and_is_no_followers_news(
    app: Starlette, asker: User, helper: User, other_member: User, staff: User
) -> None:
    question = await make_question(asker, title="Cheap followers for sale, ask me")
    first = await make_answer(question, helper)
    await check_set_following(question, acting_user=other_member, following=True)
    await check_moderate_post(question, "remove", acting_user=staff)
    async with await api(app, other_member) as client:
        posted = await client.post(
            f"/api/v1/questions/{question.id}/answers", json={"body": "Me too!"}
        )
        assert posted.status_code == 404
        # Unfollowing a question that has gone is still possible; following it is not.
        assert (await client.put(f"/api/v1/questions/{question.id}/follow")).status_code == 404
        left = await client.delete(f"/api/v1/questions/{question.id}/follow")
        assert left.json() == {"question_id": question.id, "following": False}
    await check_set_following(question, acting_user=other_member, following=True)
    staff_answer = await make_answer(question, staff, body="Removed: this is spam.")
    assert [kind for kind, _ in await told(helper)] == []  # the follower hears nothing of it
    assert [kind for kind, _ in await told(other_member)] == []
    assert await told(asker) == [
        ("answer", f"answer:{first.id}"),
        ("staff_reply", f"answer:{staff_answer.id}"),  # the asker still hears of staff's
    ]
