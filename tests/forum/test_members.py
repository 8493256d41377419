"""Public profiles, ranks and avatars: who helps, and how much, as others see it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from starlette.applications import Starlette

from forum.actions.acceptance import do_accept_answer
from forum.actions.kudos import do_give_kudos
from forum.actions.moderation import check_moderate_post
from forum.actions.users import check_suspend_user
from forum.avatars import avatar_svg, initials
from forum.models import User
from forum.ranks import rank_of
from forum.settings import _ranks, configure
from tests import factories
from tests.conftest import make_settings


async def _helped(asker: User, helper: User, other_member: User) -> None:
    """helper: three answers on two boards, one accepted (100 points) with two kudos (20
    points), one with a kudos (10 points) hidden by staff: left out of the answers, while its
    points stand until staff remove it."""
    first = await factories.make_question(asker, title="My top-up does not arrive")
    accepted = await factories.make_answer(first, helper, body="Wait ten minutes, then restart.")
    await do_accept_answer(
        first, accepted, acting_user=asker, now=first.created_at + timedelta(hours=2)
    )
    for giver in (asker, other_member):
        await do_give_kudos(accepted, acting_user=giver, now=first.created_at + timedelta(hours=3))
    second = await factories.make_question(
        other_member, board="network-coverage", title="No signal in the train to Utrecht"
    )
    await factories.make_answer(second, helper, body="Turn on wifi calling in the settings.")
    hidden = await factories.make_answer(second, helper, body="Buy another phone, it is broken.")
    await do_give_kudos(hidden, acting_user=asker, now=second.created_at + timedelta(hours=3))
    staff = await factories.make_user("moderator", role="staff")
    await check_moderate_post(hidden, "hide", note="Unhelpful", acting_user=staff)


async def test_a_profile_shows_what_others_may_see_of_a_members_help(
    app: Starlette, asker: User, helper: User, other_member: User
) -> None:
    await _helped(asker, helper, other_member)
    async with factories.browser(app) as visitor, await factories.api(app) as client:
        page = await visitor.get("/members/HELPER")  # any case
        api = await client.get("/api/v1/users/helper")
    assert page.status_code == 200 and api.status_code == 200
    body = api.json()
    assert (body["answers"], body["accepted_answers"], body["kudos_received"]) == (2, 1, 2)
    assert body["points_earned"] == 130 and body["rank"] == "helper"
    assert body["staff"] is False and "role" not in body  # which accounts are finance: not said
    assert [b["slug"] for b in body["top_boards"]] == ["account-billing", "network-coverage"]
    titles = [a["question_title"] for a in body["recent_answers"]]
    assert titles == ["No signal in the train to Utrecht", "My top-up does not arrive"]
    assert [a["accepted"] for a in body["recent_answers"]] == [False, True]
    assert "Buy another phone" not in page.text and "Helper</span>" in page.text
    assert "Account &amp; billing" in page.text and "/avatars/helper.svg" in page.text


async def test_points_taken_back_leave_the_record_and_the_rank(
    app: Starlette, asker: User, helper: User, other_member: User
) -> None:
    await _helped(asker, helper, other_member)
    staff = await User.get(username="moderator")
    from forum.models import Answer

    accepted = await Answer.get(body="Wait ten minutes, then restart.")
    await check_moderate_post(accepted, "remove", note="Copied", acting_user=staff)
    async with await factories.api(app) as client:
        body = (await client.get("/api/v1/users/helper")).json()
    # The removed answer's 120 points are reversed; the hidden one's 10 stand.
    assert (body["answers"], body["accepted_answers"], body["points_earned"]) == (1, 0, 10)
    assert body["rank"] == "new"


async def test_a_suspended_members_profile_is_for_staff_only(
    app: Starlette, asker: User, helper: User, staff: User
) -> None:
    await check_suspend_user(helper, "Spam in every board", acting_user=staff)
    async with factories.browser(app, asker) as member, factories.browser(app, staff) as team:
        assert (await member.get("/members/helper")).status_code == 404
        shown = await team.get("/members/helper")
    assert shown.status_code == 200 and "only staff see this page" in shown.text
    async with await factories.api(app) as client:
        missing = await client.get("/api/v1/users/helper")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
        assert (await client.get("/api/v1/users/nobody")).status_code == 404
        assert (await client.get("/api/v1/users/%20x%00")).status_code in (400, 404)


async def test_posts_carry_their_authors_link_and_rank(
    app: Starlette, asker: User, helper: User, other_member: User, staff: User
) -> None:
    await _helped(asker, helper, other_member)
    question = await factories.make_question(asker, title="Which APN do I set on Android?")
    await factories.make_answer(question, helper, body="Set the APN to internet.")
    await factories.make_answer(question, staff, body="Staff here: internet is right.")
    async with factories.browser(app) as visitor:
        page = (await visitor.get(f"/questions/{question.id}")).text
        listing = (await visitor.get("/questions")).text
    assert 'href="/members/helper"' in page and "rank-helper" in page
    assert 'href="/members/asker"' in page and "rank-new" in page
    assert 'href="/members/staff"' in page and page.count("badge rank ") == 2  # staff: no rank
    assert 'href="/members/asker"' in listing


def test_the_ladder_needs_both_points_and_accepted_answers() -> None:
    configure(make_settings(ranks=(("helper", 50, 1), ("expert", 500, 10), ("guru", 2000, 50))))
    assert rank_of("member", 0, 0) == "new"
    assert rank_of("member", 49, 5) == "new"
    assert rank_of("member", 50, 1) == "helper"
    assert rank_of("member", 5000, 9) == "helper"
    assert rank_of("member", 2000, 50) == "guru"
    assert rank_of("staff", 5000, 100) is None and rank_of("finance", 0, 0) is None
    assert _ranks("helper:10:0,guru:20:1") == (("helper", 10, 0), ("guru", 20, 1))
    for bad in ("helper:10", "king:1:1", "guru:1:1,helper:0:0", "helper:-1:0"):
        with pytest.raises(ValueError, match=r"must .*lowest first|must be like"):
            _ranks(bad)


async def test_an_avatar_is_the_usernames_initials_kept_a_year(app: Starlette) -> None:
    assert (initials("anna_de_vries"), initials("bob"), initials("x.y-z")) == ("AD", "B", "XY")
    assert avatar_svg("Anna") == avatar_svg("anna".title())
    async with factories.browser(app) as visitor:
        shown = await visitor.get("/avatars/anna_de_vries.svg")
        assert (await visitor.get("/avatars/%3Cscript%3E.svg")).status_code == 404
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/svg+xml"
    assert "immutable" in shown.headers["cache-control"] and ">AD</text>" in shown.text


async def test_accepting_ones_own_answer_is_no_accepted_answer(app: Starlette, asker: User) -> None:
    from forum.jobs import award_badges
    from forum.models import MemberBadge

    question = await factories.make_question(asker, title="Answering my own question here")
    own = await factories.make_answer(question, asker, body="Found it myself: restart.")
    await do_accept_answer(question, own, acting_user=asker, now=question.created_at)
    await award_badges()
    async with await factories.api(app) as client:
        body = (await client.get("/api/v1/users/asker")).json()
    assert (body["answers"], body["accepted_answers"]) == (1, 0)
    assert not await MemberBadge.filter(user_id=asker.id, badge="first_accepted").exists()
