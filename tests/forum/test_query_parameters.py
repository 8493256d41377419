"""Every query parameter passes one check before a handler reads it: a NUL byte, a control
character or a 10 KB value is a 400 that names the parameter, on pages and in the API, on both
databases; a page number must be ASCII digits ("³" passes str.isdigit() and fails int())."""

from __future__ import annotations

import html

import pytest
from starlette.applications import Starlette

from tests.factories import api, browser

BAD = ["%00", "a%00b", "%1b", "x" * 10_000]
URLS = [
    "/search?q=phone&board={v}",
    "/questions?state={v}",
    "/boards/account-billing?sort={v}",
    "/api/v1/search?q=phone&board={v}",
    "/api/v1/questions?board={v}",
    "/api/v1/questions?state={v}",
    "/api/v1/escalations?state={v}",
]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("value", BAD, ids=["nul", "inner-nul", "escape", "10kb"])
async def test_a_bad_query_value_is_a_400_naming_the_parameter(
    app: Starlette, url: str, value: str
) -> None:
    full = url.format(v=value)
    name = full.rsplit("&", 1)[-1].rsplit("?", 1)[-1].split("=")[0]
    async with browser(app) as page, await api(app) as client:
        got = await (client if full.startswith("/api/") else page).get(full)
    assert got.status_code == 400
    assert f"'{name}'" in html.unescape(got.text)  # a page for people, the API's body for programs
    if full.startswith("/api/"):
        assert got.json()["error"]["code"] == "bad_query_parameter"


async def test_a_page_number_in_other_digits_is_a_400(app: Starlette) -> None:
    async with browser(app) as page, await api(app) as client:
        for got in (
            await client.get("/api/v1/search?q=phone&page=%C2%B3"),
            await page.get("/search?q=phone&page=%C2%B3"),
            await client.get("/api/v1/search?q=phone&page=1234567890123"),
        ):
            assert got.status_code == 400 and "page" in got.text


async def test_the_bad_query_message_speaks_dutch_on_a_dutch_page(app: Starlette) -> None:
    async with browser(app) as page:
        got = await page.get("/questions?state=%00", headers={"Accept-Language": "nl"})
    assert got.status_code == 400 and "De parameter 'state'" in html.unescape(got.text)


async def test_good_values_still_pass(app: Starlette) -> None:
    async with browser(app) as page, await api(app) as client:
        assert (await page.get("/search?q=phone&board=account-billing")).status_code == 200
        assert (await client.get("/api/v1/search?q=phone&page=2")).status_code == 200
        assert (await client.get("/api/v1/questions?state=unanswered")).status_code == 200


async def test_free_search_text_is_cleaned_by_the_search_not_refused(app: Starlette) -> None:
    async with await api(app) as client:
        assert (await client.get("/api/v1/search?q=roaming%00data")).status_code == 200
        assert (await client.get("/api/v1/search?q=" + "x" * 2000)).status_code == 400
