from html.parser import HTMLParser

from starlette.applications import Starlette

from forum.markdown import render_markdown
from forum.models import User
from tests import factories

EVIL = (
    "Hello <script>alert(1)</script> and [click](javascript:alert(2)) and "
    '<img src=x onerror="alert(3)"> and <a href="https://ok.example" onclick="x()">ok</a>'
)


class Elements(HTMLParser):
    """Every real element and attribute of a page, as a browser would build them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(k, v or "") for k, v in attrs]


def assert_inert(html: str) -> None:
    parsed = Elements(html)
    scripts = [t for t in parsed.tags if t == "script"]
    # The page's own stylesheet and no script at all: the CSP forbids inline script anyway.
    assert scripts == []
    assert not [k for k, _ in parsed.attrs if k.startswith("on")]
    assert not [
        v
        for k, v in parsed.attrs
        if k in ("href", "src") and v.strip().lower().startswith("javascript:")
    ]


def test_markdown_escapes_raw_html_and_drops_javascript_links() -> None:
    html = render_markdown(EVIL)
    assert_inert(html)
    assert "&lt;script&gt;" in html and "<img" not in html


def test_markdown_keeps_ordinary_formatting() -> None:
    html = render_markdown("**bold** `code`\n\n- item\n\n[site](https://example.com)")
    assert "<strong>bold</strong>" in html and "<code>code</code>" in html
    assert "<li>item</li>" in html and 'href="https://example.com"' in html
    assert 'rel="noopener noreferrer nofollow ugc"' in html


async def test_question_page_shows_script_as_text(app: Starlette, asker: User) -> None:
    q = await factories.make_question(asker, body=EVIL, title="<script>alert('t')</script>!!")
    async with factories.browser(app) as c:
        page = (await c.get(f"/questions/{q.id}")).text
        api = (await c.get(f"/api/v1/questions/{q.id}")).json()
    assert_inert(page)
    assert "&lt;script&gt;alert" in page
    assert api["body"] == EVIL
    assert_inert(api["body_html"])
