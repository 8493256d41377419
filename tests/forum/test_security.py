import re

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from forum.app import html_routes
from forum.models import Question, User
from tests import factories

POST_ROUTES = sorted(
    {r.path for r in html_routes() if isinstance(r, Route) and "POST" in (r.methods or set())}
)


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
