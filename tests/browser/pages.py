"""What every page of a journey must be, checked on each visit (see conftest.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Response

from tests.browser.conftest import SHOTS

_axe = Axe()
SERIOUS = ("serious", "critical")


@dataclass
class Tab:
    """One browser tab of a journey, in one language at one width."""

    page: Page
    journey: str
    lang: str
    width: int
    base: str
    errors: list[str] = field(default_factory=list)
    step: int = 0

    def go(self, path: str, name: str) -> Page:
        self.page.goto(self.base + path)
        return self.check(name)

    def log_in(self, username: str, password: str) -> None:
        """Log in and choose this tab's language on the account page (a member's own choice
        outranks the browser's)."""
        self.page.goto(self.base + "/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.locator("main form button[type=submit]").click()
        self.page.wait_for_load_state("load")
        self.page.goto(self.base + "/account")
        self.page.select_option("select[name=locale]", self.lang)
        self.page.locator("main form[action='/account'] button[type=submit]").click()
        self.check("language chosen")

    def check(self, name: str) -> Page:
        """Screenshot, axe, console and width checks of the page as it is now."""
        self.page.wait_for_load_state("load")
        self.step += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = SHOTS / f"{self.journey}-{self.lang}-{self.width}-{self.step:02d}-{slug}.png"
        self.page.screenshot(path=str(shot), full_page=True)
        where = f"{self.journey} {self.lang} {self.width}px, {name} ({self.page.url})"
        assert self.page.evaluate("document.documentElement.lang") == self.lang, where
        result = _axe.run(self.page, options={"runOnly": ["wcag2a", "wcag2aa", "best-practice"]})
        bad = [v for v in result.response["violations"] if v["impact"] in SERIOUS]
        assert not bad, (
            where,
            [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]]) for v in bad],
        )
        assert not self.errors, (where, self.errors)
        if self.width < 600:
            wide = self.page.evaluate("document.documentElement.scrollWidth")
            assert wide <= self.width, (where, f"the page is {wide}px wide")
        return self.page


def open_tab(browser: Browser, base: str, journey: str, lang: str, width: int) -> Tab:
    context: BrowserContext = browser.new_context(
        viewport={"width": width, "height": 900},
        locale="nl-NL" if lang == "nl" else "en-GB",
        extra_http_headers={"Accept-Language": lang},
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    tab = Tab(page=page, journey=journey, lang=lang, width=width, base=base)

    def console(message: ConsoleMessage) -> None:
        # Chromium logs every response of 400 or more, the page's own too: a form shown again
        # with its 400 is by design, so failed loads are judged by `response` below instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            tab.errors.append(message.text)

    def response(answer: Response) -> None:
        if answer.status >= 400 and answer.request.resource_type != "document":
            tab.errors.append(f"{answer.status} for {answer.url}")

    page.on("console", console)
    page.on("response", response)
    page.on("pageerror", lambda error: tab.errors.append(str(error)))
    return tab
