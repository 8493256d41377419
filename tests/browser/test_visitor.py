"""A visitor's journey: home, a board, a question, a search, then signing up and confirming the
address with the link from the mail outbox."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import LOOKS, PASSWORD, Server
from tests.browser.pages import open_tab

SEARCH = {"en": "SIM", "nl": "simkaart"}
WELCOME = {"en": "Welcome", "nl": "Welkom"}
CONFIRMED = {"en": "Your e-mail address is confirmed.", "nl": "Je e-mailadres is bevestigd."}


@pytest.mark.parametrize(("lang", "width"), LOOKS)
def test_a_visitor_reads_searches_and_signs_up(
    server: Server, browser: Browser, lang: str, width: int
) -> None:
    tab = open_tab(browser, server.url, "visitor", lang, width)
    page = tab.go("/", "home")
    other = "nl" if lang == "en" else "en"
    page.locator(f"footer button[name=locale][value={other}]").click()  # kept in a cookie
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.lang") == other
    page.locator(f"footer button[name=locale][value={lang}]").click()
    tab.check("home, the language chosen in the footer")
    page.locator("main a[href^='/boards/']").first.click()
    tab.check("board")
    page.locator("main .question-title a").first.click()
    tab.check("question")
    assert page.locator("main h1").count() == 1
    page.locator("main a.member-link").first.click()  # the asker
    tab.check("a member's profile")
    assert page.locator("main .stat-row .stat").count() == 4
    tab.open_menu()
    page.locator("header a[href='/leaderboard']").click()
    tab.check("leaderboard")
    assert page.locator("main a.member-link").count() > 0
    tab.go("/questions", "all questions")
    page.locator("main a.tag").first.click()
    tab.check("a tag's questions")
    assert page.locator("main .question-row").count() > 0
    tab.open_menu()
    search = page.locator("#site-search-q")
    search.fill(SEARCH[lang])
    search.press("Enter")
    tab.check("search")
    assert page.locator("main a[href^='/questions/']").count() > 0

    username = f"visitor_{lang}_{width}"
    tab.go("/register", "register")
    page.fill("input[name=username]", username)
    page.fill("input[name=email]", f"{username}@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    tab.check("registered")
    (body,) = server.query(
        "SELECT body FROM mails WHERE to_address = ? ORDER BY id DESC LIMIT 1",
        f"{username}@example.com",
    )[0]
    assert WELCOME[lang] in str(body)
    link = re.search(r"https?://\S+(/account/email/confirm/\S+)", str(body))
    assert link, body
    tab.go(link[1], "confirm address")
    page.locator("main form button[type=submit]").click()
    tab.check("address confirmed")
    assert CONFIRMED[lang] in page.content()
