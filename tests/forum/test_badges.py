"""Badges: awarded by a job, once per member and badge however often (or in how many processes)
it runs, notified, and shown on the profile."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from starlette.applications import Starlette

from forum.actions.acceptance import do_accept_answer
from forum.actions.moderation import check_moderate_post
from forum.actions.users import check_suspend_user
from forum.jobs import award_badges, send_mail
from forum.models import Answer, Kudos, Mail, MemberBadge, Notification, User
from tests import factories


async def _kudos(answer: Answer, n: int, *, at: datetime) -> None:
    """`n` kudos from as many members, as rows (what the badge's moment is read from)."""
    await User.bulk_create(
        [User(username=f"fan{i}", username_key=f"fan{i}", email=f"fan{i}@example.com",
              password_hash="-", created_at=at) for i in range(n)]
    )  # fmt: skip
    fans = await User.filter(username__startswith="fan").values_list("id", flat=True)
    await Kudos.bulk_create([Kudos(answer_id=answer.id, giver_id=f, created_at=at) for f in fans])
    await Answer.filter(id=answer.id).update(kudos_count=n)


async def _badges(user: User) -> set[str]:
    return set(await MemberBadge.filter(user_id=user.id).values_list("badge", flat=True))


async def test_the_job_awards_what_was_reached_once_even_run_twice_at_once(
    asker: User, helper: User, staff: User
) -> None:
    question = await factories.make_question(asker, title="Roaming does not work in Belgium")
    quick = await factories.make_answer(
        question, helper, at=question.created_at + timedelta(minutes=8)
    )
    await do_accept_answer(question, quick, acting_user=asker, now=question.created_at)
    await _kudos(quick, 50, at=question.created_at + timedelta(hours=1))
    await factories.make_answer(question, staff, body="Staff: roaming is on for you now.")
    soon = factories.T0 + timedelta(hours=2)
    await asyncio.gather(award_badges(soon), award_badges(soon))
    assert await _badges(helper) == {
        "first_answer", "first_accepted", "quick_answer", "kudos_50",
    }  # fmt: skip
    assert await _badges(staff) == set() and await _badges(asker) == set()
    assert await Notification.filter(user_id=helper.id, kind="badge").count() == 4
    assert await award_badges(soon) == 0  # nothing new: nothing awarded, nothing notified
    assert await Notification.filter(user_id=helper.id, kind="badge").count() == 4


async def test_an_own_answer_is_not_quick_and_a_hidden_one_does_not_count(
    asker: User, helper: User, staff: User
) -> None:
    own = await factories.make_question(asker, title="Answering my own question quickly")
    await factories.make_answer(own, asker, at=own.created_at + timedelta(minutes=1))
    other = await factories.make_question(asker, title="A question helper answers badly")
    hidden = await factories.make_answer(other, helper, at=other.created_at + timedelta(minutes=1))
    await check_moderate_post(hidden, "hide", note="Spam", acting_user=staff)
    await award_badges()
    assert await _badges(asker) == {"first_answer"}
    assert await _badges(helper) == set()


async def test_a_suspended_member_earns_nothing_new(asker: User, helper: User, staff: User) -> None:
    question = await factories.make_question(asker)
    await factories.make_answer(question, helper)
    await check_suspend_user(helper, "Selling accounts", acting_user=staff)
    await award_badges()
    assert await _badges(helper) == set()


async def test_thirty_days_in_a_row_make_a_streak_and_a_gap_breaks_it(
    asker: User, helper: User, other_member: User
) -> None:
    question = await factories.make_question(asker)
    start = question.created_at + timedelta(hours=1)
    for day in range(30):
        await factories.make_answer(question, helper, at=start + timedelta(days=day))
    for day in [*range(15), *range(16, 31)]:  # 30 days of answers, but not in a row
        await factories.make_answer(question, other_member, at=start + timedelta(days=day))
    await award_badges(start + timedelta(days=31))
    assert "streak_30" in await _badges(helper)
    assert "streak_30" not in await _badges(other_member)
    told = Notification.filter(user_id=helper.id, kind="badge", badge="streak_30")
    assert await told.count() == 1  # reached the day before: news


async def test_badges_reached_long_before_the_job_ran_are_awarded_without_a_notification(
    asker: User, helper: User
) -> None:
    """The first run after an upgrade awards years of history: that is not news. What is
    reached from then on is."""
    question = await factories.make_question(asker, title="Roaming does not work in Belgium")
    answer = await factories.make_answer(question, helper)
    upgrade = factories.T0 + timedelta(days=30)
    await do_accept_answer(
        question, answer, acting_user=asker, now=factories.T0 + timedelta(days=2)
    )
    await award_badges(upgrade)
    assert await _badges(helper) == {"first_answer", "first_accepted"}
    assert await Notification.filter(kind="badge").count() == 0
    later = await factories.make_question(asker, title="My eSIM QR code will not scan", at=upgrade)
    await factories.make_answer(later, helper, at=upgrade + timedelta(minutes=5))
    await award_badges(upgrade + timedelta(minutes=10))
    assert await _badges(helper) == {"first_answer", "first_accepted", "quick_answer"}
    told = await Notification.filter(kind="badge").values_list("user_id", "badge")
    assert told == [(helper.id, "quick_answer")]


async def test_a_badge_is_told_and_shown_in_the_members_language(
    app: Starlette, asker: User, helper: User
) -> None:
    helper.locale = "nl"
    await helper.save()
    question = await factories.make_question(asker)
    await factories.make_answer(question, helper)
    await award_badges(factories.T0 + timedelta(hours=2))
    async with factories.browser(app, helper) as page:
        listed = (await page.get("/notifications")).text
        profile = (await page.get("/members/helper")).text
    assert "Je hebt de badge “Eerste antwoord” verdiend." in listed
    assert 'href="/members/helper"' in listed and "Eerste antwoord" in profile
    await send_mail()
    mail = await Mail.filter(to_address=helper.email).order_by("-id").first()
    assert mail is not None and "Eerste antwoord" in mail.subject + mail.body
    async with await factories.api(app) as client:
        body = (await client.get("/api/v1/users/helper")).json()
    assert [b["badge"] for b in body["badges"]] == ["first_answer"]
