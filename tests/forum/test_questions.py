from datetime import timedelta

import pytest
from starlette.applications import Starlette

from forum.actions.questions import check_create_question, check_edit_question
from forum.errors import Conflict, Forbidden, ValidationFailed
from forum.models import Question, Revision, User
from tests import factories
from tests.factories import T0

GOOD = {
    "board": "network-coverage",
    "title": "No signal in my flat since Monday",
    "body": "Outside I have full bars, inside nothing at all. Anyone else?",
}


async def test_ask_creates_unanswered_question_with_rendered_body(asker: User) -> None:
    q = await check_create_question(acting_user=asker, **GOOD, tags="coverage, Indoor", now=T0)
    assert q.state.value == "unanswered" and q.answer_count == 0
    assert q.tags == ["coverage", "indoor"]
    assert q.body_html.startswith("<p>Outside") and q.created_at == T0


async def test_ask_names_each_bad_field_and_writes_nothing(asker: User) -> None:
    with pytest.raises(ValidationFailed) as exc:
        await check_create_question(
            acting_user=asker, board="nope", title="short", body="tiny", tags="a,b,c,d,e,f"
        )
    assert set(exc.value.errors) == {"board", "title", "body", "tags"}
    assert await Question.all().count() == 0


async def test_title_and_body_bounds_are_inclusive(asker: User) -> None:
    q = await check_create_question(acting_user=asker, board="ideas", title="x" * 10, body="y" * 20)
    assert q.id
    with pytest.raises(ValidationFailed):
        await check_create_question(
            acting_user=asker, board="ideas", title="x" * 201, body="y" * 20
        )
    with pytest.raises(ValidationFailed):
        await check_create_question(
            acting_user=asker, board="ideas", title="x" * 10, body="y" * 20_001
        )


async def test_edit_keeps_a_revision_with_who_when_what(asker: User) -> None:
    q = await factories.make_question(asker)
    old_title, old_body = q.title, q.body
    await check_edit_question(
        q, acting_user=asker, title="A clearer title for this", now=T0 + timedelta(hours=1)
    )
    rev = await Revision.get(question_id=q.id)
    assert (rev.old_title, rev.old_body, rev.editor_id) == (old_title, old_body, asker.id)  # type: ignore[attr-defined]
    assert rev.created_at == T0 + timedelta(hours=1)
    assert q.title == "A clearer title for this"


async def test_edit_that_changes_nothing_keeps_no_revision(asker: User) -> None:
    q = await factories.make_question(asker)
    await check_edit_question(q, acting_user=asker, title=q.title)
    assert await Revision.all().count() == 0


async def test_edit_by_another_member_is_forbidden(asker: User, other_member: User) -> None:
    q = await factories.make_question(asker)
    with pytest.raises(Forbidden):
        await check_edit_question(q, acting_user=other_member, title="Hijacked the title here")


async def test_staff_may_edit_any_question(asker: User, staff: User) -> None:
    q = await factories.make_question(asker)
    await check_edit_question(q, acting_user=staff, body="Moderated body text that is long enough")
    assert (await Revision.get(question_id=q.id)).editor_id == staff.id  # type: ignore[attr-defined]


async def test_api_ask_then_read(app: Starlette, asker: User) -> None:
    async with await factories.api(app, asker) as c:
        r = await c.post("/api/v1/questions", json={**GOOD, "tags": ["coverage"]})
        assert r.status_code == 201
        body = r.json()
        assert body["state"] == "unanswered" and body["board"] == "network-coverage"
        r = await c.get(f"/api/v1/questions/{body['id']}")
    got = r.json()
    assert got["url"] == f"/questions/{body['id']}" and got["answers"] == []
    assert got["accepted_answer_id"] is None and got["tags"] == ["coverage"]
    assert got["author"]["username"] == "asker"


async def test_api_ask_without_token_is_401(client) -> None:  # type: ignore[no-untyped-def]
    r = await client.post("/api/v1/questions", json=GOOD)
    assert r.status_code == 401 and r.json()["error"]["code"] == "not_authenticated"


async def test_api_ask_bad_title_is_400_naming_field(app: Starlette, asker: User) -> None:
    async with await factories.api(app, asker) as c:
        r = await c.post("/api/v1/questions", json={**GOOD, "title": "short"})
    assert r.status_code == 400 and "title" in r.json()["error"]["message"]


async def test_api_edit_by_other_is_403_and_by_author_is_200(
    app: Starlette, asker: User, other_member: User
) -> None:
    q = await factories.make_question(asker)
    async with await factories.api(app, other_member) as c:
        r = await c.patch(f"/api/v1/questions/{q.id}", json={"title": "Not my question at all"})
        assert r.status_code == 403
    async with await factories.api(app, asker) as c:
        r = await c.patch(f"/api/v1/questions/{q.id}", json={"title": "My better title here"})
    assert r.status_code == 200 and r.json()["title"] == "My better title here"


async def test_api_missing_question_is_404(client) -> None:  # type: ignore[no-untyped-def]
    r = await client.get("/api/v1/questions/999999")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


async def test_html_ask_redirects_to_the_question(app: Starlette, asker: User) -> None:
    async with factories.browser(app, asker) as c:
        r = await c.post("/questions/new", data=factories.form(c, **GOOD, tags=""))
        assert r.status_code == 303
        page = await c.get(r.headers["location"])
    assert page.status_code == 200 and GOOD["title"] in page.text


async def test_html_ask_with_errors_shows_form_with_typed_text(app: Starlette, asker: User) -> None:
    async with factories.browser(app, asker) as c:
        r = await c.post(
            "/questions/new",
            data=factories.form(
                c,
                board="ideas",
                title="Too short",
                body="My typed body that is long enough",
                tags="",
            ),
        )
    assert r.status_code == 400
    assert "Title must be at least 10 characters" in r.text
    assert "My typed body that is long enough" in r.text and 'value="Too short"' in r.text
    assert await Question.all().count() == 0


async def test_html_ask_page_needs_login(client) -> None:  # type: ignore[no-untyped-def]
    r = await client.get("/questions/new")
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


async def test_html_edit_and_history_page(app: Starlette, asker: User) -> None:
    q = await factories.make_question(asker)
    async with factories.browser(app, asker) as c:
        r = await c.post(
            f"/questions/{q.id}/edit",
            data=factories.form(c, title="Edited title for the question", body=q.body),
        )
        assert r.status_code == 303
        history = await c.get(f"/questions/{q.id}/revisions")
    assert history.status_code == 200 and "How do I top up my SIM?" in history.text


async def test_an_edit_based_on_stale_text_is_refused_and_history_kept(
    asker: User, staff: User
) -> None:
    q = await factories.make_question(asker)
    stale = await Question.get(id=q.id)
    await check_edit_question(q, acting_user=asker, title="The author's new title")
    with pytest.raises(Conflict):
        await check_edit_question(stale, acting_user=staff, title="The moderator's new title")
    assert (await Question.get(id=q.id)).title == "The author's new title"
    assert await Revision.filter(question_id=q.id).count() == 1


async def test_api_search_parameter_is_refused_until_search_exists(client) -> None:  # type: ignore[no-untyped-def]
    r = await client.get("/api/v1/questions", params={"q": "roaming"})
    assert r.status_code == 400 and "q" in r.json()["error"]["message"]
