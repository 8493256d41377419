"""What every page of a journey must be, checked on each visit (see conftest.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from axe_playwright_python.sync_playwright import Axe
from babel.messages.pofile import read_po
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Response

from forum.i18n import LOCALE_DIR
from tests.browser.conftest import SHOTS

_axe = Axe()
SERIOUS = ("serious", "critical")
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
# The words of a Dutch page's text and of every element's own whole text, read in one go.
_TEXTS = """() => {
  const seen = new Set();
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('script, style, .post-body, pre, code, [data-user-text]')) continue;
    const own = (el.innerText || '').trim();
    if (own && own.length < 80) seen.add(own.replace(/\\s+/g, ' '));
  }
  const body = document.body.cloneNode(true);
  body.querySelectorAll('script, style, .post-body, pre, code, [data-user-text]')
    .forEach(el => el.remove());
  return [body.innerText.replace(/\\s+/g, ' '), [...seen]];
}"""


@cache
def english_phrases() -> tuple[tuple[str, ...], frozenset[str]]:
    """What of the English catalogue would betray a page left untranslated: longer phrases (three
    words or more, between placeholders) anywhere in its text, and short messages as an
    element's whole text (a button, a badge, a heading). Messages Dutch writes the same way
    (Status, E-mail) are left out."""
    with (LOCALE_DIR / "nl" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale="nl")
    phrases: set[str] = set()
    words: set[str] = set()
    dutch_texts = {
        " ".join(str(m.string if isinstance(m.string, str) else m.string[0]).split())
        for m in catalog
    }
    for message in catalog:
        if not message.id:
            continue
        english = message.id if isinstance(message.id, str) else message.id[0]
        dutch = message.string if isinstance(message.string, str) else message.string[0]
        if english == dutch:
            continue
        for fragment in _PLACEHOLDER.split(english):
            fragment = " ".join(fragment.split()).strip(" .,:;()")
            if len(fragment.split()) >= 3:
                phrases.add(fragment)
            elif fragment == english.strip(" .:") and re.search("[A-Za-z]{3}", fragment):
                words.add(fragment)
    # "Details" is English for one message and Dutch for another.
    return tuple(sorted(phrases - dutch_texts)), frozenset(words - dutch_texts)


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

    def open_menu(self, *, account: bool = False) -> None:
        """Show the header's links as a person would: a phone's "Menu" first, then, for `account`,
        the member's own menu."""
        if self.page.locator("label.menu-button").is_visible():
            if not self.page.locator("#menu-toggle").is_checked():
                self.page.locator("label.menu-button").click()
        if account and self.page.locator("details.user-menu[open]").count() == 0:
            self.page.locator("details.user-menu summary").click()

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
        if self.lang != "en":
            text, elements = self.page.evaluate(_TEXTS)
            phrases, words = english_phrases()
            left = [p for p in phrases if p in text]
            left += sorted(w for w in words if w in {e.strip(" .:") for e in elements})
            assert not left, (where, "English left on the page", left)
        if self.width >= 1000:
            high = self.page.evaluate("document.querySelector('.site-header').offsetHeight")
            assert high <= 72, (where, f"the header wraps: {high}px high")
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
