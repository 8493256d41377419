"""Search: ranked, in step with creates, edits and hides, safe with any input, in English and
Dutch, with marked snippets, board filter and pages; similar questions while asking."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from forum import search_queries
from forum.actions.moderation import check_moderate_post
from forum.actions.questions import check_edit_question, do_create_question
from forum.models import Board, User
from forum.search_queries import search_questions
from tests.factories import T0, api, browser, form, make_question

HOSTILE = [
    '"', "'", "AND", "OR NOT", "title:roaming", "*", ")(", "NEAR(roaming data", "' OR 1=1 --",
    "roaming\x00data", "%", "\\", "roaming^2", "-roaming", "a:b:c", "🙂", "ünïcödé",
    "(roaming", "roaming)", '"roaming', "{roaming}", "!", "&|", ":*", "x" * 200,
]  # fmt: skip


async def ids(text: str, **options: object) -> list[int]:
    return [r["id"] for r in (await search_questions(text, **options)).items]  # type: ignore[arg-type]


async def test_title_matches_rank_first_and_snippets_are_marked(
    app: Starlette, asker: User
) -> None:
    body_only = await make_question(
        asker,
        title="Data stops working abroad",
        body="Since yesterday my roaming data in Spain stops after an hour of use.",
    )
    in_title = await make_question(
        asker,
        title="Roaming data not working in Spain",
        body="My bundle should cover it but the phone shows no connection at all.",
    )
    await make_question(asker, title="How do I keep my number?", body="Porting from another net.")
    assert await ids("roaming spain") == [in_title.id, body_only.id]
    async with await api(app) as client, browser(app) as page:
        found = (await client.get("/api/v1/search?q=roaming")).json()
        assert [i["id"] for i in found["items"]] == [in_title.id, body_only.id]
        assert "<mark>Roaming</mark>" in found["items"][0]["title_html"]
        assert "<mark>roaming</mark>" in found["items"][1]["snippet_html"]
        shown = await page.get("/search?q=roaming")
        assert shown.status_code == 200 and "<mark>Roaming</mark> data not working" in shown.text


async def test_english_and_dutch_words_find_their_inflections(app: Starlette, asker: User) -> None:
    english = await make_question(
        asker, title="My phones were stolen yesterday", body="Both phones were in my bag."
    )
    dutch = await do_create_question(
        acting_user=asker,
        board=await Board.get(slug="account-billing"),
        title="Hoe zeg ik mijn abonnementen op?",
        body="Ik wil twee abonnementen opzeggen per volgende maand.",
        tags=[],
        language="nl",
    )
    assert await ids("phone") == [english.id]
    assert await ids("stolen phone") == [english.id]
    assert await ids("abonnement") == [dutch.id]


async def test_the_index_follows_edits_and_hides(asker: User, staff: User) -> None:
    question = await make_question(
        asker, title="Voicemail greeting will not save", body="I record it and it is gone."
    )
    assert await ids("voicemail") == [question.id]
    await check_edit_question(
        question, acting_user=asker, title="Answerphone greeting will not save", now=T0
    )
    assert await ids("voicemail") == [] and await ids("answerphone") == [question.id]
    await check_moderate_post(question, "hide", acting_user=staff)
    assert await ids("answerphone") == []
    await check_moderate_post(question, "restore", acting_user=staff)
    assert await ids("answerphone") == [question.id]


@pytest.mark.parametrize("text", HOSTILE)
async def test_any_input_is_searched_without_an_error(
    app: Starlette, asker: User, text: str
) -> None:
    await make_question(asker, title="Roaming data not working in Spain")
    async with await api(app) as client, browser(app) as page:
        answer = await client.get("/api/v1/search", params={"q": text})
        assert answer.status_code == 200, answer.text
        assert (await page.get("/search", params={"q": text})).status_code == 200


async def test_bad_parameters_are_400s_naming_the_field(app: Starlette) -> None:
    async with await api(app) as client, browser(app) as page:
        too_long = await client.get("/api/v1/search", params={"q": "x" * 201})
        assert too_long.status_code == 400 and "q" in too_long.json()["error"]["message"]
        for bad_page in ("0", "51", "two", "-1"):
            answer = await client.get("/api/v1/search", params={"q": "a", "page": bad_page})
            assert answer.status_code == 400 and "page" in answer.text
        board = await client.get("/api/v1/search", params={"q": "a", "board": "nope"})
        assert board.status_code == 404 and "board" in board.text
        shown = await page.get("/search", params={"q": "a", "page": "0"})
        assert shown.status_code == 400 and "page must be" in shown.text


async def test_board_filter_and_pages(app: Starlette, asker: User) -> None:
    for i in range(25):
        board = "network-coverage" if i % 5 == 0 else "account-billing"
        await make_question(asker, title=f"Invoice question number {i}", board=board)
    first = await search_questions("invoice")
    assert len(first.items) == 20 and first.next_page == 2
    second = await search_questions("invoice", page=2)
    assert len(second.items) == 5 and second.next_page is None
    async with await api(app) as client:
        listed = (await client.get("/api/v1/search?q=invoice")).json()
        assert len(listed["items"]) == 20 and listed["next_cursor"] == "2"
        rest = (await client.get("/api/v1/search?q=invoice&cursor=2")).json()
        assert len(rest["items"]) == 5 and rest["next_cursor"] is None
        bad = await client.get("/api/v1/search?q=invoice&cursor=zz")
        assert bad.status_code == 400 and "cursor" in bad.json()["error"]["message"]
    assert {r["id"] for r in first.items}.isdisjoint({r["id"] for r in second.items})
    network = await search_questions("invoice", board="network-coverage")
    assert len(network.items) == 5 and {r["board_slug"] for r in network.items} == {
        "network-coverage"
    }


async def test_post_text_is_escaped_in_results(app: Starlette, asker: User) -> None:
    await make_question(
        asker,
        title="Why does <script>alert(1)</script> show in my bill?",
        body="The line says <img src=x onerror=alert(1)> next to the roaming charge.",
    )
    async with browser(app) as page:
        shown = (await page.get("/search?q=roaming")).text
        assert "<img src=x" not in shown and "&lt;img src=x" in shown
        assert "<script>alert(1)</script>" not in shown


async def test_similar_questions_while_asking(app: Starlette, asker: User) -> None:
    existing = await make_question(asker, title="Roaming data not working in Spain")
    async with browser(app, asker) as page:
        shown = await page.post(
            "/questions/new",
            data=form(page, board="", title="Roaming in France does not work", body="", check="1"),
        )
        assert shown.status_code == 200
        assert f'href="/questions/{existing.id}"' in shown.text
        assert "Similar questions" in shown.text
        nothing = await page.post(
            "/questions/new", data=form(page, title="Completely unrelated words", check="1")
        )
        assert "No similar questions found" in nothing.text


@pytest.mark.parametrize("board", [None, "network-coverage"])
async def test_many_matches_rank_the_newest_candidates(
    asker: User, monkeypatch: pytest.MonkeyPatch, board: str | None
) -> None:
    """With more matches than CANDIDATES, the best of the newest CANDIDATES; found whether the
    matches are dense among the newest questions or only in old ones (PostgreSQL's two plans)."""
    monkeypatch.setattr(search_queries, "CANDIDATES", 3)
    monkeypatch.setattr(search_queries, "FIRST_WINDOW", 4)
    monkeypatch.setattr(search_queries, "BOARD_WINDOW", 4)
    elsewhere = await make_question(
        asker, board="ideas", title="Roaming idea", body="More roaming."
    )
    made = []
    for n in range(12):
        word = "roaming" if n in (0, 1, 7, 9, 10, 11) else "porting"
        # Only question 9 has the word in its title: it ranks first of the newest three.
        title = f"Question {n} about {word}" if n == 9 else f"Question number {n}"
        made.append(
            await make_question(
                asker, board="network-coverage", title=title, body=f"Help with {word} please."
            )
        )

    async def without_roaming(*numbers: int) -> None:
        for n in numbers:
            await check_edit_question(
                made[n], acting_user=asker, title=f"Question {n}", body="Help with porting please."
            )

    options = {"board": board} if board else {}
    assert await ids("roaming", **options) == [made[9].id, made[11].id, made[10].id]
    # One match among the newest four: the second window, estimated from that, finds the rest.
    await without_roaming(10, 11)
    assert await ids("roaming", **options) == [made[9].id, made[7].id, made[1].id]
    # Now the matches are only among the old questions: the first window finds none of them.
    await without_roaming(7, 9)
    found = await ids("roaming", **options)
    expected = [made[0].id, made[1].id] + ([] if board else [elsewhere.id])
    assert sorted(found) == sorted(expected)


async def test_matches_rarer_in_older_questions_are_all_found(
    asker: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With fewer matches than CANDIDATES, every match, however unevenly they are spread: on
    PostgreSQL the window estimated from the newest questions misses the old ones, and the rest
    of the table is searched for them."""
    monkeypatch.setattr(search_queries, "CANDIDATES", 3)
    monkeypatch.setattr(search_queries, "FIRST_WINDOW", 4)
    monkeypatch.setattr(search_queries, "BOARD_WINDOW", 4)
    made = []
    for n in range(30):
        word = "roaming" if n in (0, 1, 29) else "porting"
        made.append(
            await make_question(asker, title=f"Question {n}", body=f"Help with {word} please.")
        )
    assert sorted(await ids("roaming")) == sorted([made[0].id, made[1].id, made[29].id])


async def test_or_is_a_word_not_an_operator(asker: User) -> None:
    both = await make_question(asker, title="Roaming and porting", body="Both at once, please.")
    await make_question(asker, title="Roaming abroad", body="Only roaming, please help.")
    assert await ids("roaming or porting") == [both.id]
