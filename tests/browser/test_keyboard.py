"""The keyboard alone: the skip link comes first and is seen, every focused control shows its
focus, and a member finds a question, logs in and answers it without a mouse."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import LOOKS, PASSWORD, Server
from tests.browser.pages import open_tab


def focused(page: Page) -> dict[str, str]:
    return page.evaluate(
        """() => { const e = document.activeElement; const r = e.getBoundingClientRect();
        // The focus ring is the element's own, or a card's around it (:focus-within).
        let ring = 'none';
        for (let n = e; n && n !== document.body && ring === 'none'; n = n.parentElement) {
            ring = getComputedStyle(n).outlineStyle;
        }
        return {tag: e.tagName, name: e.getAttribute('name') || '', id: e.id,
                href: e.getAttribute('href') || '', outline: ring,
                visible: String(r.width > 1 && r.height > 1)}; }"""
    )


def follow(page: Page) -> None:
    """Press Enter on what has the focus and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def tab_to(page: Page, match: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches the CSS selector `match`; every stop on the
    way must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["tag"] == "BODY":  # past the last control: Tab wraps round to the top
            continue
        assert now["outline"] != "none" and now["visible"] == "true", now
        if page.evaluate("(m) => document.activeElement.matches(m)", match):
            return
    raise AssertionError(f"{match} is not reached with Tab")


@pytest.mark.parametrize(("lang", "width"), LOOKS[:1] + LOOKS[2:3])
def test_a_member_uses_the_site_with_the_keyboard_alone(
    server: Server, browser: Browser, lang: str, width: int
) -> None:
    name = server.make_user(f"keys_{lang}_{width}")
    tab = open_tab(browser, server.url, "keyboard", lang, width)
    page = tab.go("/", "home")
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["href"] == "#main" and skip["visible"] == "true" and skip["outline"] != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"

    tab_to(page, "a[href='/login']")
    follow(page)
    tab_to(page, "input[name=username]")
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    follow(page)
    page.goto(server.url + "/account")
    tab_to(page, "select[name=locale]")
    page.keyboard.press("n" if lang == "nl" else "e")  # a select takes the first letter
    tab_to(page, "form[action='/account'] button[type=submit]")
    follow(page)
    tab.check("logged in, language chosen")

    tab_to(page, "#site-search-q")
    page.keyboard.type("SIM")
    follow(page)
    tab.check("search by keyboard")
    tab_to(page, "main a[href^='/questions/']")
    follow(page)
    tab.check("a question by keyboard")
    tab_to(page, "textarea[name=body]")
    page.keyboard.type("Typed without a mouse: restart the phone and wait a minute.")
    tab_to(page, "form[action$='/answers'] button[type=submit]")
    follow(page)
    tab.check("answered by keyboard")
    assert "Typed without a mouse" in page.content()
