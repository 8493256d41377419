import asyncio
from time import monotonic

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Router
from starlette.types import Receive, Scope, Send

from forum import pagecache
from forum.auth import SESSION_COOKIE
from forum.models import Answer, User, Visibility
from tests import factories
from tests.factories import QueryCounter


async def test_visitors_get_the_cached_page_without_queries(app: Starlette, asker: User) -> None:
    await factories.make_question(asker, board="ideas", title="A cached question title")
    async with factories.browser(app) as visitor:
        first = await visitor.get("/boards/ideas")
        with QueryCounter() as counter:
            second = await visitor.get("/boards/ideas")
    assert second.text == first.text and "A cached question title" in second.text
    assert counter.statements == []


async def test_a_write_through_the_site_clears_the_cache_at_once(
    app: Starlette, asker: User
) -> None:
    async with factories.browser(app) as visitor, factories.browser(app, asker) as author:
        assert "Brand new question" not in (await visitor.get("/boards/ideas")).text
        await _ask(author, "Brand new question here")
        assert "Brand new question here" in (await visitor.get("/boards/ideas")).text


async def test_cached_pages_hold_nothing_personal(app: Starlette, asker: User) -> None:
    q = await factories.make_question(asker)
    async with factories.browser(app) as visitor:
        for url in ("/", "/boards/account-billing", "/questions", f"/questions/{q.id}"):
            html = (await visitor.get(url)).text
            assert visitor.cookies["pd_csrf"] not in html and "csrf_token" not in html, url


async def test_logged_in_members_are_never_served_from_the_cache(
    app: Starlette, asker: User, helper: User
) -> None:
    q = await factories.make_question(asker)
    await factories.make_answer(q, helper)
    async with factories.browser(app) as visitor, factories.browser(app, asker) as member:
        await visitor.get(f"/questions/{q.id}")
        page = await member.get(f"/questions/{q.id}")
    assert "Give kudos" in page.text and "Accept this answer" in page.text


async def test_languages_are_cached_apart(app: Starlette) -> None:
    async with factories.browser(app) as visitor:
        english = await visitor.get("/", headers={"accept-language": "en"})
        dutch = await visitor.get("/", headers={"accept-language": "nl"})
    assert '<html lang="en">' in english.text and '<html lang="nl">' in dutch.text


def test_clear_empties_the_cache() -> None:
    pagecache._entries[("/", b"", "en")] = (0.0, b"x", None)
    pagecache.clear()
    assert not pagecache._entries


async def test_a_kept_page_is_answered_before_routing_with_every_header(
    app: Starlette, asker: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    await factories.make_question(asker, board="ideas", title="A page kept for visitors")
    async with factories.browser(app) as visitor:
        first = await visitor.get("/boards/ideas")

        routed: list[str] = []

        async def routing(self: Router, scope: Scope, receive: Receive, send: Send) -> None:
            routed.append(f"{scope['method']} {scope['query_string'].decode()}")
            await Response(status_code=204)(scope, receive, send)

        monkeypatch.setattr(Router, "__call__", routing)
        kept = await visitor.get("/boards/ideas")
        assert kept.status_code == 200 and kept.text == first.text and routed == []
        for name in ("content-security-policy", "x-frame-options", "x-request-id"):
            assert kept.headers[name], name
        assert kept.headers["content-type"] == "text/html; charset=utf-8"
        assert int(kept.headers["content-length"]) == len(kept.content)
        # Only a plain GET of a kept address: a HEAD, a GET with a body, another address, or a
        # member's GET goes through the router as before.
        await visitor.head("/boards/ideas")
        await visitor.request("GET", "/boards/ideas", content=b"x")
        await visitor.get("/boards/ideas?page=2")
        visitor.cookies.set(SESSION_COOKIE, "whatever")
        await visitor.get("/boards/ideas")
    assert routed == ["HEAD ", "GET ", "GET page=2", "GET "]


async def test_a_kept_page_sets_no_csrf_cookie_and_the_next_form_does(app: Starlette) -> None:
    async with factories.browser(app) as first:
        await first.get("/questions")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as newcomer:
        kept = await newcomer.get("/questions")
        assert "set-cookie" not in kept.headers  # it holds no form
        login = await newcomer.get("/login")
        token = newcomer.cookies["pd_csrf"]
        assert f'value="{token}"' in login.text


async def test_an_expired_page_is_rendered_once_while_others_get_the_old_copy(
    app: Starlette, asker: User
) -> None:
    await factories.make_question(asker, board="ideas", title="The first question here")
    async with factories.browser(app) as visitor:
        await visitor.get("/boards/ideas")
        for key, (_, body, route) in list(pagecache._entries.items()):
            pagecache._entries[key] = (0.0, body, route)  # expired
        key = next(iter(pagecache._entries))
        pagecache._rendering.add(key)  # another request is rendering it right now
        with QueryCounter() as counter:
            stale = await visitor.get("/boards/ideas")
        assert "The first question here" in stale.text and counter.statements == []
        pagecache._rendering.discard(key)
        pagecache._shared.clear()  # the parts the page is made of expire too
        with QueryCounter() as counter:
            await visitor.get("/boards/ideas")
        assert counter.statements


async def test_members_get_the_lists_main_part_rendered_for_everyone(
    app: Starlette, asker: User, helper: User
) -> None:
    await factories.make_question(asker, board="ideas", title="A question everyone sees")
    async with factories.browser(app, helper) as member, factories.browser(app) as visitor:
        first = await member.get("/boards/ideas")
        with QueryCounter() as counter:
            again = await member.get("/boards/ideas")
        seen = (await visitor.get("/boards/ideas")).text
    main = first.text.split("<main", 1)[1].split("</main>", 1)[0]
    assert "A question everyone sees" in main and main in again.text and main in seen
    # Only the member's own: the session's member with their unread count; not the list again.
    assert len(counter.statements) == 1, counter.statements
    # The part a member's request rendered holds nothing of that member's.
    assert "helper" not in seen and member.cookies["pd_csrf"] not in seen
    assert "helper" in first.text  # the member's own menu, around it


async def test_a_question_page_reads_only_the_members_own_marks_again(
    app: Starlette, asker: User, helper: User, other_member: User
) -> None:
    q = await factories.make_question(asker, title="A question with two answers")
    mine = await factories.make_answer(q, helper, body="The helper's answer to the question.")
    hidden = await factories.make_answer(q, other_member, body="An answer that staff hid.")
    await Answer.filter(id=hidden.id).update(visibility=Visibility.HIDDEN)
    async with factories.browser(app, helper) as member, factories.browser(app) as visitor:
        first = await member.get(f"/questions/{q.id}")
        with QueryCounter() as counter:
            again = await member.get(f"/questions/{q.id}")
        seen = (await visitor.get(f"/questions/{q.id}")).text
    # The session's member with their unread count, and their own kudos and follow: the
    # question, its answers, their authors' ranks and the related questions are kept.
    assert len(counter.statements) == 2, counter.statements
    assert again.text.count(mine.body) == first.text.count(mine.body) == 1
    # The kept answers are filtered for each viewer: a hidden one for staff and its author only.
    assert "staff hid" not in again.text and "staff hid" not in seen
    async with factories.browser(app, other_member) as author:
        assert "staff hid" in (await author.get(f"/questions/{q.id}")).text


async def test_the_unread_count_comes_with_the_viewer_in_one_statement(
    app: Starlette, asker: User, helper: User
) -> None:
    q = await factories.make_question(asker, title="A question that gets an answer")
    async with factories.browser(app, asker) as member, factories.browser(app, helper) as other:
        assert "badge-count" not in (await member.get("/questions")).text
        answered = await other.post(
            f"/questions/{q.id}/answers",
            data=factories.form(other, body="An answer that notifies the asker."),
        )
        assert answered.status_code == 303
        await member.get("/questions")  # the list again, after the write
        with QueryCounter() as counter:
            page = await member.get("/questions")
        assert len(counter.statements) == 1 and 'badge-count">1<' in page.text
        # A form shown again after a write counts them afresh, and shows the same.
        refused = await member.post(
            f"/questions/{q.id}/answers", data=factories.form(member, body="")
        )
        assert refused.status_code == 400 and 'badge-count">1<' in refused.text
        read = await member.post("/notifications/read", data=factories.form(member))
        assert read.status_code == 303
        assert "badge-count" not in (await member.get("/questions")).text


async def test_answer_heads_are_rendered_once_per_language_and_kept_with_the_data(
    app: Starlette, asker: User, helper: User, other_member: User
) -> None:
    q = await factories.make_question(asker, title="A question with a kept answer head")
    answer = await factories.make_answer(q, helper, body="The helper's answer, head kept.")
    other_member.locale = "nl"
    await other_member.save()
    async with (
        factories.browser(app, asker) as english,
        factories.browser(app, other_member) as dutch,
    ):
        first = (await english.get(f"/questions/{q.id}")).text
        kept = pagecache._shared[("question", q.id)][1]
        heads = kept.fragments[("heads", "en")]
        assert list(heads) == [answer.id] and str(heads[answer.id]) in first
        assert "Answer by" in heads[answer.id] and "helper" in heads[answer.id]
        dutch_page = (await dutch.get(f"/questions/{q.id}")).text
        assert "Antwoord van" in kept.fragments[("heads", "nl")][answer.id]
        assert str(kept.fragments[("heads", "nl")][answer.id]) in dutch_page
        # The head holds nothing of a viewer's: the asker's accept button stays theirs.
        assert "Accept this answer" in first and "accept" not in str(heads[answer.id])


async def test_a_hidden_answers_kept_head_shows_its_authors_rank(
    app: Starlette, asker: User, other_member: User
) -> None:
    q = await factories.make_question(asker, title="A question with a hidden answer only")
    hidden = await factories.make_answer(q, other_member, body="An answer that staff hid.")
    await Answer.filter(id=hidden.id).update(visibility=Visibility.HIDDEN)
    async with factories.browser(app) as visitor:  # the heads are rendered for a visitor first
        assert "staff hid" not in (await visitor.get(f"/questions/{q.id}")).text
    async with factories.browser(app, other_member) as author:
        page = (await author.get(f"/questions/{q.id}")).text
    head = page.split(f'id="answer-{hidden.id}"', 1)[1].split("</header>", 1)[0]
    assert 'class="badge rank rank-new"' in head


async def test_a_question_kept_as_missing_that_now_exists_shows_its_answers(
    app: Starlette, asker: User, helper: User
) -> None:
    q = await factories.make_question(asker, title="A question asked in another process")
    await factories.make_answer(q, helper, body="An answer from another process too.")
    pagecache._shared[("question", q.id)] = (monotonic() + 60, None)  # seen missing a moment ago
    async with factories.browser(app, asker) as member:
        page = await member.get(f"/questions/{q.id}")
    assert page.status_code == 200 and "An answer from another process too." in page.text
    assert 'id="answer-' in page.text and "Answer by" in page.text


async def test_a_members_write_shows_in_the_lists_at_once(app: Starlette, asker: User) -> None:
    async with factories.browser(app, asker) as member:
        for url in ("/", "/boards/ideas", "/questions"):
            assert "Just asked by me" not in (await member.get(url)).text
        await _ask(member, "Just asked by me here")
        for url in ("/", "/boards/ideas", "/questions"):
            assert "Just asked by me here" in (await member.get(url)).text, url


async def _ask(client: httpx.AsyncClient, title: str) -> None:
    form = factories.form(
        client, board="ideas", title=title, body="A body that is long enough to post.", tags=""
    )
    assert (await client.post("/questions/new", data=form)).status_code == 303


async def test_a_writer_reads_their_write_whichever_process_serves_them(
    app: Starlette, asker: User
) -> None:
    """Another process's copy of a list may predate a member's write: for a moment after it,
    the member's requests render the shared parts afresh, as do a visitor's after a write."""
    async with factories.browser(app, asker) as member, factories.browser(app) as visitor:
        r = await member.post("/notifications/read", data=factories.form(member))
        assert r.status_code == 303
        assert f"{pagecache.WROTE_COOKIE}=1; Max-Age=3" in r.headers["set-cookie"]
        member.cookies.delete(pagecache.WROTE_COOKIE)
        for client in (member, visitor):
            assert "Written elsewhere" not in (await client.get("/boards/ideas")).text
        # A write this process did not handle (another worker's): its copies stay as they were.
        await factories.make_question(asker, board="ideas", title="Written elsewhere meanwhile")
        for client in (member, visitor):
            assert "Written elsewhere" not in (await client.get("/boards/ideas")).text
        for client in (member, visitor):  # as if each had just written
            client.cookies.set(pagecache.WROTE_COOKIE, "1")
            assert "Written elsewhere meanwhile" in (await client.get("/boards/ideas")).text


async def test_a_visitors_page_is_kept_no_longer_than_the_parts_it_embeds(
    app: Starlette, asker: User, helper: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [100.0]
    monkeypatch.setattr(pagecache, "monotonic", lambda: clock[0])
    async with factories.browser(app, helper) as member, factories.browser(app) as visitor:
        await member.get("/boards/ideas")  # the list's part, kept until 102
        clock[0] = 101.9
        await visitor.get("/boards/ideas")  # a page around that part: kept until 102 too
        await factories.make_question(asker, board="ideas", title="Asked in another process")
        clock[0] = 102.1
        assert "Asked in another process" in (await visitor.get("/boards/ideas")).text


async def test_what_was_computed_before_a_write_finished_is_not_kept(app: Starlette) -> None:
    request = Request({"type": "http", "method": "GET", "path": "/", "headers": []})

    async def compute_during_a_write() -> str:
        pagecache.clear()  # a write ends while this value is being computed
        return "from before the write"

    assert (
        await pagecache.shared(request, ("k",), compute_during_a_write) == "from before the write"
    )
    assert ("k",) not in pagecache._shared


async def test_requests_that_miss_a_kept_value_at_once_share_one_computation(
    app: Starlette,
) -> None:
    request = Request({"type": "http", "method": "GET", "path": "/", "headers": []})
    calls: list[int] = []
    gate = asyncio.Event()

    async def compute() -> str:
        calls.append(1)
        await gate.wait()
        return "value"

    waiting = [asyncio.create_task(pagecache.shared(request, ("once",), compute)) for _ in range(5)]
    await asyncio.sleep(0)
    gate.set()
    assert await asyncio.gather(*waiting) == ["value"] * 5
    assert len(calls) == 1


async def test_a_shared_computation_outlives_the_request_that_started_it(app: Starlette) -> None:
    request = Request({"type": "http", "method": "GET", "path": "/", "headers": []})
    gate = asyncio.Event()

    async def compute() -> str:
        await gate.wait()
        return "value"

    first = asyncio.create_task(pagecache.shared(request, ("outlives",), compute))
    await asyncio.sleep(0)
    second = asyncio.create_task(pagecache.shared(request, ("outlives",), compute))
    await asyncio.sleep(0)
    first.cancel()  # its client hung up
    gate.set()
    assert await second == "value"
    with pytest.raises(asyncio.CancelledError):
        await first
    assert pagecache._shared[("outlives",)][1] == "value"  # kept, though its starter went away


async def test_a_failed_shared_computation_fails_every_waiter_and_is_not_kept(
    app: Starlette,
) -> None:
    request = Request({"type": "http", "method": "GET", "path": "/", "headers": []})
    gate = asyncio.Event()

    async def compute() -> str:
        await gate.wait()
        raise RuntimeError("database gone")

    waiting = [
        asyncio.create_task(pagecache.shared(request, ("fails",), compute)) for _ in range(3)
    ]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*waiting, return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    assert ("fails",) not in pagecache._shared and ("fails",) not in pagecache._computing

    async def works() -> str:
        return "again"

    assert await pagecache.shared(request, ("fails",), works) == "again"
