from datetime import timedelta

from starlette.applications import Starlette

from forum import pagecache
from forum.models import Board, User
from forum.queries import list_questions
from tests import factories
from tests.factories import T0, QueryCounter


async def _questions(author: User, n: int, board: str = "ideas") -> list[int]:
    ids = []
    for i in range(n):
        q = await factories.make_question(
            author, board=board, title=f"Question number {i:03d}", at=T0 + timedelta(minutes=i)
        )
        ids.append(q.id)
    return ids


async def test_cursor_pagination_walks_every_question_once_newest_first(asker: User) -> None:
    ids = await _questions(asker, 25)
    seen: list[int] = []
    cursor = None
    while True:
        page = await list_questions(limit=10, cursor=cursor)
        seen += [row["id"] for row in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == list(reversed(ids))


async def test_pagination_is_stable_when_times_tie(asker: User) -> None:
    ids = [
        (await factories.make_question(asker, title=f"Same moment {i:02d} q", at=T0)).id
        for i in range(7)
    ]
    first = await list_questions(limit=4)
    second = await list_questions(limit=4, cursor=first.next_cursor)
    assert [r["id"] for r in first.items + second.items] == sorted(ids, reverse=True)


async def test_filter_by_board_and_state_and_sort_by_activity(asker: User, helper: User) -> None:
    ideas = await _questions(asker, 3, board="ideas")
    await _questions(asker, 2, board="sim-activation")
    old = await factories.make_question(
        asker, board="ideas", title="Oldest but answered now", at=T0 - timedelta(days=3)
    )
    await factories.make_answer(old, helper, at=T0 + timedelta(days=1))
    board = await Board.get(slug="ideas")
    assert {r["id"] for r in (await list_questions(board=board)).items} == {*ideas, old.id}
    answered = await list_questions(state="answered")
    assert [r["id"] for r in answered.items] == [old.id]
    active = await list_questions(board=board, sort="active")
    assert active.items[0]["id"] == old.id
    unanswered = await list_questions(board=board, state="unanswered")
    assert {r["id"] for r in unanswered.items} == set(ideas)


async def test_api_list_with_cursor_and_filters(app: Starlette, asker: User) -> None:
    ids = await _questions(asker, 5)
    async with await factories.api(app) as c:
        r = await c.get("/api/v1/questions", params={"limit": 3, "board": "ideas"})
        body = r.json()
        assert [q["id"] for q in body["items"]] == ids[::-1][:3] and body["next_cursor"]
        r = await c.get(
            "/api/v1/questions",
            params={"limit": 3, "board": "ideas", "cursor": body["next_cursor"]},
        )
        assert [q["id"] for q in r.json()["items"]] == ids[::-1][3:]
        assert r.json()["next_cursor"] is None
        item = r.json()["items"][0]
        assert set(item) >= {
            "id",
            "title",
            "board",
            "state",
            "author",
            "answer_count",
            "created_at",
            "last_activity_at",
        }
        r = await c.get("/api/v1/questions", params={"state": "weird"})
    assert r.status_code == 400 and "state" in r.json()["error"]["message"]


async def _count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    """The statements of rendering `url` afresh (nothing of it cached)."""
    pagecache.clear()
    with QueryCounter() as counter:
        r = await client.get(url)
    assert r.status_code == 200, r.text
    return len(counter.statements)


async def test_question_page_runs_fixed_number_of_queries(
    app: Starlette, asker: User, helper: User, other_member: User
) -> None:
    small = await factories.make_question(asker, title="Question with one answer")
    await factories.make_answer(small, helper)
    big = await factories.make_question(asker, title="Question with many answers")
    for i in range(12):
        await factories.make_answer(big, helper if i % 2 else other_member, body=f"Answer {i}")
    async with factories.browser(app, asker) as c:
        assert await _count(c, f"/questions/{small.id}") == await _count(c, f"/questions/{big.id}")
        assert await _count(c, f"/api/v1/questions/{small.id}") == await _count(
            c, f"/api/v1/questions/{big.id}"
        )
        # Besides the page's own: the authors' ranks and the related questions (a search, two
        # statements on PostgreSQL).
        assert await _count(c, f"/questions/{big.id}") <= 9


async def test_list_pages_run_fixed_number_of_queries(app: Starlette, asker: User) -> None:
    await _questions(asker, 2)
    async with factories.browser(app, asker) as c:
        few = [
            await _count(c, url)
            for url in ("/", "/boards/ideas", "/questions", "/api/v1/questions")
        ]
        await _questions(asker, 30)
        many = [
            await _count(c, url)
            for url in ("/", "/boards/ideas", "/questions", "/api/v1/questions")
        ]
    assert few == many
