import re

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from forum.app import html_routes
from forum.models import Answer, Question, Revision, User
from tests import factories

POST_ROUTES = sorted(
    {r.path for r in html_routes() if isinstance(r, Route) and "POST" in (r.methods or set())}
)


async def test_https_answers_carry_strict_transport_security_and_http_ones_do_not(
    app: Starlette,
) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://forum.test") as secure:
        for path in ("/", "/api/v1/boards", "/no-such-page"):
            sent = (await secure.get(path)).headers["strict-transport-security"]
            assert sent == "max-age=31536000; includeSubDomains"
    async with httpx.AsyncClient(transport=transport, base_url="http://forum.test") as plain:
        assert "strict-transport-security" not in (await plain.get("/")).headers


@pytest.mark.parametrize("path", ["/", "/api/v1/boards", "/healthz", "/no-such-page"])
async def test_security_headers_on_every_response(client: httpx.AsyncClient, path: str) -> None:
    r = await client.get(path)
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"]


async def test_pages_have_no_inline_script_or_style(app: Starlette, asker: User) -> None:
    q = await factories.make_question(asker)
    async with factories.browser(app, asker) as c:
        for url in ("/", f"/questions/{q.id}", "/questions/new", "/account"):
            html = (await c.get(url)).text
            assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
            assert " style=" not in html and "<style" not in html, url


@pytest.mark.parametrize("path", POST_ROUTES)
async def test_every_html_form_post_needs_the_csrf_token(
    app: Starlette, asker: User, path: str
) -> None:
    q = await factories.make_question(asker)
    answer = await factories.make_answer(q, await factories.make_user("someone"))
    target = answer.id if path.startswith("/answers/") else q.id
    url = re.sub(r"{\w+:int}", str(target), path)
    async with factories.browser(app, asker) as c:
        r = await c.post(url, data={"title": "Changed title by forgery", "body": "x" * 30})
        assert r.status_code == 403, url
        r = await c.post(url, data={"csrf_token": "forged.token", "body": "x" * 30})
        assert r.status_code == 403, url
    assert (await Question.get(id=q.id)).title == q.title


async def test_csrf_cookie_is_issued_httponly_samesite(client: httpx.AsyncClient) -> None:
    r = await client.get("/login")
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("pd_csrf=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    assert f'value="{token}"' in r.text


async def test_body_over_the_limit_is_413_with_error_body(app: Starlette, asker: User) -> None:
    async with await factories.api(app, asker) as c:
        r = await c.post(
            "/api/v1/questions",
            content=b'{"title": "' + b"x" * 300_000 + b'"}',
            headers={"content-type": "application/json"},
        )
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"


async def test_suspended_member_token_and_session_stop_working(
    app: Starlette, asker: User, staff: User
) -> None:
    member_api = await factories.api(app, asker)
    async with member_api, factories.browser(app, asker) as page:
        assert (await member_api.get("/api/v1/me")).status_code == 200
        async with await factories.api(app, staff) as staff_api:
            r = await staff_api.post(
                f"/api/v1/admin/users/{asker.id}/suspend", json={"reason": "spam waves"}
            )
            assert r.status_code == 200
        assert (await member_api.get("/api/v1/me")).status_code == 401
        assert (await page.get("/account")).status_code == 303


DRAFTS = [
    ("/questions/new", {"board": "account-billing", "title": "My roaming stopped in France",
                        "body": "A carefully written question body that must survive."}),
    ("/questions/{q}/edit", {"title": "My roaming stopped in Spain",
                             "body": "A carefully written edit that must survive the expiry."}),
    ("/questions/{q}/answers", {"body": "A carefully written answer that must survive."}),
    ("/answers/{a}/edit", {"body": "A carefully written answer edit that must survive."}),
]  # fmt: skip


@pytest.mark.parametrize(("path", "fields"), DRAFTS)
async def test_an_expired_form_comes_back_with_the_text_and_sends_it_the_second_time(
    app: Starlette, asker: User, path: str, fields: dict[str, str]
) -> None:
    q = await factories.make_question(asker)
    answer = await factories.make_answer(q, asker)
    url = path.format(q=q.id, a=answer.id)

    async def counts() -> tuple[int, ...]:
        return tuple([await m.all().count() for m in (Question, Answer, Revision)])

    before = await counts()
    async with factories.browser(app, asker) as c:
        c.cookies.set("pd_csrf", "expired.signature")  # a cookie from before a key change
        shown = await c.post(url, data={"csrf_token": "expired.signature", **fields})
        assert shown.status_code == 403
        assert "Your form expired, so nothing was sent." in shown.text
        assert fields["body"] in shown.text  # the text is in the form again
        assert await counts() == before  # nothing was sent
        token = re.search(r'name="csrf_token" value="([^"]+)"', shown.text)
        assert token and token[1] != "expired.signature"
        c.cookies.set("pd_csrf", shown.cookies["pd_csrf"])
        sent = await c.post(url, data={"csrf_token": token[1], **fields})
        assert sent.status_code == 303, sent.text
    assert await counts() != before


async def test_a_non_ascii_form_token_is_refused_not_an_error(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/login",
        data={"csrf_token": "é.ö", "username": "someone", "password": "x"},
        headers={"cookie": "pd_csrf=ñ.ü".encode()},
    )
    assert r.status_code == 403


async def test_an_oversized_form_gets_a_page_in_the_members_language(
    app: Starlette, asker: User
) -> None:
    q = await factories.make_question(asker)
    asker.locale = "nl"
    await asker.save()
    async with factories.browser(app, asker) as c:
        r = await c.post(
            f"/questions/{q.id}/answers",
            data=factories.form(c, body="x" * 300_000),
            headers={"Accept-Language": "en"},
        )
    assert r.status_code == 413 and '<html lang="nl">' in r.text
    assert r.headers["content-type"].startswith("text/html")
    assert "een bericht mag tot 20.000 tekens lang zijn" in r.text
    assert await Answer.filter(question_id=q.id).count() == 0


async def test_an_error_page_is_shown_even_when_the_database_fails_it(
    app: Starlette, asker: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object) -> object:
        raise RuntimeError("database is locked")

    async with factories.browser(app, asker) as c:
        # A write's page counts the unread notifications; a read's viewer reads them.
        monkeypatch.setattr("forum.web.count_unread_shown", broken)
        too_large = await c.post("/questions/new", data=factories.form(c, body="x" * 300_000))
        monkeypatch.setattr("forum.auth.fetch_dicts", broken)
        missing = await c.get("/no/such/page")
    assert too_large.status_code == 413 and "up to 20,000 characters" in too_large.text
    assert missing.status_code == 404 and "There is no page at this address." in missing.text


async def test_a_wrong_method_on_a_page_says_which_are_allowed(client: httpx.AsyncClient) -> None:
    r = await client.put("/questions")
    assert r.status_code == 405 and "GET" in r.headers["allow"]
    assert r.headers["content-type"].startswith("text/html")
