from starlette.applications import Starlette

from forum.actions.acceptance import check_accept_answer, do_clear_acceptance
from forum.models import User
from forum.settings import Settings
from tests import factories
from tests.factories import T0


async def _accept_then_clear(settings: Settings, asker: User, helper: User) -> int:
    q = await factories.make_question(asker)
    a = await factories.make_answer(q, helper)
    await check_accept_answer(settings, q, a.id, acting_user=asker, now=T0)
    await do_clear_acceptance(q, acting_user=asker, now=T0)
    return q.id


async def test_api_my_points_lists_entries_newest_first_with_links(
    app: Starlette, settings: Settings, asker: User, helper: User
) -> None:
    qid = await _accept_then_clear(settings, asker, helper)
    async with await factories.api(app, helper) as c:
        body = (await c.get("/api/v1/me/points")).json()
    assert (body["balance"], body["reserved"], body["paid"]) == (0, 0, 0)
    reversal, award = body["entries"]
    assert (award["kind"], award["points"], award["reverses"]) == ("accept_answerer", 100, None)
    assert award["reference"]["url"].startswith(f"/questions/{qid}#answer-")
    assert (reversal["kind"], reversal["points"], reversal["reverses"]) == (
        "reversal",
        -100,
        award["id"],
    )
    assert reversal["reverses_kind"] == "accept_answerer"
    assert reversal["reason"] == "Accepted answer cleared" and reversal["actor"] == "asker"


async def test_api_points_paginate(app: Starlette, asker: User, finance: User) -> None:
    from rewards.actions.adjustments import check_post_adjustment

    for i in range(5):
        await check_post_adjustment(asker, points=i + 1, reason="Step by step", acting_user=finance)
    async with await factories.api(app, asker) as c:
        first = (await c.get("/api/v1/me/points", params={"limit": 3})).json()
        second = (
            await c.get("/api/v1/me/points", params={"limit": 3, "cursor": first["next_cursor"]})
        ).json()
    assert [e["points"] for e in first["entries"] + second["entries"]] == [5, 4, 3, 2, 1]
    assert second["next_cursor"] is None and first["balance"] == 15


async def test_api_points_of_another_member_are_not_visible(
    app: Starlette, asker: User, helper: User, finance: User
) -> None:
    async with await factories.api(app, asker) as c:
        r = await c.get(f"/api/v1/ledger/members/{helper.id}/points")
        assert r.status_code == 403
    async with await factories.api(app, finance) as c:
        r = await c.get(f"/api/v1/ledger/members/{helper.id}/points")
        assert r.status_code == 200 and r.json()["member"]["username"] == "helper"


async def test_api_points_unauthenticated_is_401(client) -> None:  # type: ignore[no-untyped-def]
    assert (await client.get("/api/v1/me/points")).status_code == 401


async def test_html_my_points_page(
    app: Starlette, settings: Settings, asker: User, helper: User
) -> None:
    await _accept_then_clear(settings, asker, helper)
    async with factories.browser(app, helper) as c:
        page = await c.get("/points")
    assert page.status_code == 200
    assert "Your answer was accepted" in page.text and "+100" in page.text and "-100" in page.text
    assert "Reverses entry #" in page.text and "Accepted answer cleared" in page.text


async def test_html_my_points_needs_login(client) -> None:  # type: ignore[no-untyped-def]
    r = await client.get("/points")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


async def test_html_finance_ledger_page_adjusts_and_shows_member(
    app: Starlette, finance: User, asker: User
) -> None:
    async with factories.browser(app, finance) as c:
        page = await c.get("/finance/ledger")
        assert page.status_code == 200 and "The ledger reconciles" in page.text
        r = await c.post(
            "/finance/ledger/adjustments",
            data=factories.form(c, member="asker", points="42", reason="Welcome bonus"),
        )
        assert r.status_code == 303
        page = await c.get(r.headers["location"])
        assert "+42" in page.text and "Welcome bonus" in page.text
        r = await c.post(
            "/finance/ledger/adjustments",
            data=factories.form(c, member="asker", points="0", reason="Nothing"),
        )
        assert r.status_code == 400 and "Points must be a non-zero whole number" in r.text


async def test_html_finance_ledger_is_forbidden_to_members(app: Starlette, asker: User) -> None:
    async with factories.browser(app, asker) as c:
        r = await c.get("/finance/ledger")
    assert r.status_code == 403
