"""Notifications: each event once, in the member's list with an unread count; the accept reminder
once per question after 3 days."""

from __future__ import annotations

from datetime import timedelta

from starlette.applications import Starlette

from forum.actions.acceptance import do_accept_answer, do_clear_acceptance
from forum.actions.kudos import do_give_kudos
from forum.actions.notifications import note, notify
from forum.jobs import remind_to_accept
from forum.models import Notification, NotificationKind, User
from forum.queries import UNREAD_COUNTED, count_unread_shown
from tests.factories import T0, QueryCounter, api, browser, form, make_answer, make_question

DAY = timedelta(days=1)


async def kinds(user: User) -> list[tuple[str, int]]:
    return [
        (n.kind.value, n.points) for n in await Notification.filter(user_id=user.id).order_by("id")
    ]


async def test_answers_accepts_kudos_and_reversals_notify_once(
    asker: User, helper: User, other_member: User, staff: User
) -> None:
    question = await make_question(asker, title="How do I keep my number?", at=T0)
    await make_answer(question, asker, body="Any ideas?")  # the asker's own: no notice
    answer = await make_answer(question, helper, body="Ask for a PAC code.")
    await make_answer(question, staff, body="We can port it for you.")
    await do_give_kudos(answer, acting_user=other_member, now=T0 + DAY)
    await do_accept_answer(question, answer, acting_user=asker, now=T0 + DAY)
    await do_accept_answer(question, answer, acting_user=asker, now=T0 + DAY)  # no-op: no notice
    await do_clear_acceptance(question, acting_user=asker, now=T0 + 2 * DAY)
    assert await kinds(asker) == [("answer", 0), ("staff_reply", 0), ("reversed", 5)]
    assert await kinds(helper) == [
        ("follow_answer", 0),  # staff's answer: the helper follows what they answered
        ("points", 10),
        ("accepted", 100),
        ("reversed", 100),
    ]
    assert await kinds(staff) == [("follow_accepted", 0)]
    assert await kinds(other_member) == []


async def test_the_list_the_unread_count_and_marking_read(
    app: Starlette, asker: User, helper: User
) -> None:
    question = await make_question(asker, title="How do I keep my number?", at=T0)
    answer = await make_answer(question, helper, body="Ask for a PAC code.")
    async with browser(app, asker) as page:
        home = await page.get("/")
        assert "Notifications" in home.text and '<span class="badge badge-count">1' in home.text
        listed = await page.get("/notifications")
        assert "New answer to your question “How do I keep my number?”." in listed.text
        assert f'href="/questions/{question.id}#answer-{answer.id}"' in listed.text
        assert (await page.post("/notifications/read", data=form(page))).status_code == 303
        assert "badge-count" not in (await page.get("/")).text
    async with await api(app, asker) as client, await api(app, helper) as other:
        mine = (await client.get("/api/v1/me/notifications")).json()
        assert mine["unread"] == 0 and [n["kind"] for n in mine["items"]] == ["answer"]
        assert mine["items"][0]["title"] == "How do I keep my number?"
        assert (await other.get("/api/v1/me/notifications")).json()["items"] == []
        assert (await other.post("/api/v1/me/notifications/read")).json() == {"marked": 0}
    async with await api(app) as anonymous:
        assert (await anonymous.get("/api/v1/me/notifications")).status_code == 401


async def test_a_page_counts_unread_up_to_99_and_shows_more_as_99_plus(
    app: Starlette, asker: User, helper: User
) -> None:
    question = await make_question(asker, title="How do I keep my number?", at=T0)
    many = [note(asker.id, NotificationKind.ANSWER, f"answer:{n}") for n in range(150)]
    await notify(many[:99], now=T0)
    async with browser(app, asker) as page:
        assert 'badge-count">99<' in (await page.get("/")).text
        await notify(many, now=T0)
        assert 'badge-count">99+<' in (await page.get("/")).text
        assert await count_unread_shown(asker) == UNREAD_COUNTED == 100  # not all 150
        # After a write the count is read again: a refused answer shows its form with it.
        refused = await page.post(f"/questions/{question.id}/answers", data=form(page, body=" "))
        assert refused.status_code == 400 and 'badge-count">99+<' in refused.text
        # A write that shows no page reads the member without counting anything.
        with QueryCounter() as counter:
            posted = await page.post(
                f"/questions/{question.id}/answers", data=form(page, body="Try a restart.")
            )
        assert posted.status_code == 303
        reads = [s for s in counter.statements if s.lstrip().upper().startswith("SELECT")]
        assert reads and not [s for s in reads if "notifications" in s]
    async with await api(app, asker) as client:  # the API gives the whole count
        assert (await client.get("/api/v1/me/notifications")).json()["unread"] == 150


async def test_the_accept_reminder_comes_once_after_three_days(asker: User, helper: User) -> None:
    answered = await make_question(asker, title="How do I keep my number?", at=T0)
    await make_answer(answered, helper)
    unanswered = await make_question(asker, title="Nobody knows this one yet", at=T0)
    solved = await make_question(asker, title="Solved one about my bill", at=T0)
    await do_accept_answer(solved, await make_answer(solved, helper), acting_user=asker, now=T0)
    assert await remind_to_accept(T0 + 2 * DAY) == 0  # too early
    assert await remind_to_accept(T0 + 3 * DAY) == 1
    assert await remind_to_accept(T0 + 4 * DAY) == 0  # once
    reminders = await Notification.filter(kind="remind_accept")
    assert [(n.user_id, n.question_id) for n in reminders] == [(asker.id, answered.id)]  # type: ignore[attr-defined]
    assert unanswered.id != answered.id


async def test_titles_are_escaped_in_the_list(app: Starlette, asker: User, helper: User) -> None:
    question = await make_question(asker, title="Help <script>alert(1)</script> now", at=T0)
    await make_answer(question, helper, body="Ask for a PAC code.")
    async with browser(app, asker) as page:
        listed = (await page.get("/notifications")).text
    assert "<script>alert(1)" not in listed
    assert "Help &lt;script&gt;alert(1)&lt;/script&gt; now" in listed
