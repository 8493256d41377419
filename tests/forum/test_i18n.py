"""Translations: every UI message has a Dutch translation, and Dutch reaches the right people.

The locale of an HTML request is the member's own choice, else the browser's Accept-Language;
the JSON API always speaks English, also to a member who chose Dutch.
"""

from __future__ import annotations

import asyncio
import contextvars
from datetime import UTC, datetime, timedelta

import httpx
import jinja2
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from starlette.applications import Starlette

from forum import i18n
from forum.models import User
from forum.settings import ROOT
from forum.web import _ago, _when, templates
from tests import factories

PO_FILE = ROOT / "forum" / "locale" / "nl" / "LC_MESSAGES" / "messages.po"
DUTCH = {"Accept-Language": "nl-NL,nl;q=0.9"}


def _extracted_msgids() -> set[str | tuple[str, ...]]:
    """The messages `pybabel extract -F babel.cfg` finds, through the same mapping file."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    return {
        message
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map
        )
    }


def test_every_message_has_a_dutch_translation() -> None:
    with PO_FILE.open("rb") as fh:
        catalog = read_po(fh, locale="nl")
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"
    msgids = _extracted_msgids()
    assert len(msgids) > 100, "the extraction found (almost) nothing: check babel.cfg"
    untranslated = []
    for msgid in sorted(msgids, key=str):
        key = msgid if isinstance(msgid, str) else msgid[0]
        entry = catalog.get(key)
        strings = () if entry is None else entry.string
        strings = (strings,) if isinstance(strings, str) else strings
        if entry is None or entry.fuzzy or not strings or not all(strings):
            untranslated.append(msgid)
    assert not untranslated, (
        "Untranslated messages; run `pybabel extract -F babel.cfg -o /tmp/messages.pot "
        "--no-location --omit-header .` and `pybabel update -i /tmp/messages.pot -d forum/locale "
        f"-l nl --no-fuzzy-matching --omit-header`, then translate: {untranslated}"
    )


def test_dutch_catalogue_has_each_message_once() -> None:
    lines = PO_FILE.read_text(encoding="utf-8").splitlines()
    msgids = [line for line in lines if line.startswith("msgid ") and line != 'msgid ""']
    assert sorted({m for m in msgids if msgids.count(m) > 1}) == []


def test_dutch_catalogue_keeps_the_placeholders() -> None:
    with PO_FILE.open("rb") as fh:
        catalog = read_po(fh, locale="nl")
    assert [(m.id, errors) for m, errors in catalog.check()] == []
    assert not any(m.locations for m in catalog), "keep the .po free of #: location lines"


def test_date_filters_speak_the_current_locale() -> None:
    at = datetime(2026, 11, 27, 14, 3, tzinfo=UTC)

    def render() -> tuple[str, ...]:
        return (
            _when(at),
            _ago(at, at + timedelta(hours=3)),
            _ago(at, at + timedelta(days=1, hours=2)),
            _ago(at, at + timedelta(minutes=1)),
            _ago(at, at + timedelta(seconds=59)),
            _when(None),
        )

    assert render() == (
        "27 Nov 2026, 14:03 UTC",
        "3 hours ago",
        "1 day ago",
        "1 minute ago",
        "just now",
        "",
    )

    def dutch() -> tuple[str, ...]:
        i18n.use_locale("nl")
        return render()

    # A context of its own, so the Dutch locale cannot leak into other tests.
    assert contextvars.copy_context().run(dutch) == (
        "27 nov 2026, 14:03 UTC",
        "3 uur geleden",
        "1 dag geleden",
        "1 minuut geleden",
        "zojuist",
        "",
    )


def test_templates_translate_as_jinjas_own_gettext_in_each_language() -> None:
    """forum.web keeps a message without variables per language; it gives what Jinja's
    newstyle gettext gives, escaped and %-formatted, in whichever language is current."""
    source = (
        '{{ _("Notifications") }}|{{ _("Hello %(name)s,", name="<Ann>") }}|{{ _("100%% <sure>") }}'
    )
    stock = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    stock.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]

    def both(locale: str) -> tuple[str, str]:
        i18n.use_locale(locale)
        ours = templates.env.from_string(source).render()
        return ours, stock.from_string(source).render()

    for locale in ("en", "nl", "en"):  # the kept English must not answer in Dutch
        ours, theirs = contextvars.copy_context().run(both, locale)
        assert ours == theirs
    dutch, _ = contextvars.copy_context().run(both, "nl")
    assert dutch.startswith("Meldingen|") and "&lt;Ann&gt;" in dutch and "100% <sure>" in dutch


async def _as_dutch_member(user: User) -> None:
    user.locale = "nl"
    await user.save()


async def test_a_dutch_member_sees_dutch_pages(app: Starlette, asker: User) -> None:
    await _as_dutch_member(asker)
    question = await factories.make_question(asker)
    async with factories.browser(app, asker) as c:
        home = await c.get("/")
        assert home.status_code == 200
        assert '<html lang="nl">' in home.text
        assert "Stel een vraag" in home.text and "Nieuwste vragen" in home.text
        assert (
            "Uitloggen" in home.text
            and 'gevraagd door <a class="member-link" href="/members/asker">' in home.text
        )
        assert "Ask a question" not in home.text

        page = await c.get(f"/questions/{question.id}")
        assert page.status_code == 200 and '<html lang="nl">' in page.text
        assert "0 antwoorden" in page.text and "Nog geen antwoorden." in page.text
        assert "Onbeantwoord" in page.text and "Beantwoord deze vraag" in page.text

        form = await c.get("/questions/new")
        assert form.status_code == 200 and '<html lang="nl">' in form.text
        assert "Kies een forum" in form.text and "Plaats je vraag" in form.text


async def test_an_anonymous_visitor_gets_the_browser_language(client: httpx.AsyncClient) -> None:
    dutch = await client.get("/", headers=DUTCH)
    assert '<html lang="nl">' in dutch.text
    assert "Stel een vraag" in dutch.text and "Inloggen" in dutch.text
    assert "Registreren" in dutch.text

    english = await client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert '<html lang="en">' in english.text
    assert "Ask a question" in english.text and "Log in" in english.text
    assert "Stel een vraag" not in english.text

    no_header = await client.get("/questions")
    assert '<html lang="en">' in no_header.text and "All questions" in no_header.text


async def test_dutch_form_errors_but_an_english_api(app: Starlette, asker: User) -> None:
    await _as_dutch_member(asker)
    fields = {"board": "account-billing", "title": "Short", "body": "Long enough body text here."}

    async def post_form() -> httpx.Response:
        async with factories.browser(app, asker) as c:
            return await c.post("/questions/new", data=factories.form(c, **fields))

    async def post_api() -> httpx.Response:
        async with await factories.api(app, asker) as c:
            return await c.post("/api/v1/questions", json=fields)

    # A server runs every request in a task (and so a context) of its own; httpx' ASGI transport
    # runs the app in the caller's task, where the locale of one request would outlive it.
    html = await asyncio.create_task(post_form())
    assert html.status_code == 400
    assert "Titel moet minstens 10 tekens lang zijn." in html.text
    assert "Er is een probleem" in html.text

    api = await asyncio.create_task(post_api())
    assert api.status_code == 400
    assert api.json()["error"]["fields"] == {
        "title": "Text of 10 to 200 characters (not counting spaces around it)."
    }


async def test_shared_labels_follow_each_request_not_the_first_viewer(
    app: Starlette, finance: User, finance2: User
) -> None:
    """Label templates are imported with the request's context: an import without it is
    cached, and kept the language of whoever saw the page first after a start."""
    from rewards.actions.payouts import check_close_period

    await check_close_period("2026-10", now=datetime(2026, 11, 2, tzinfo=UTC))
    finance2.locale = "nl"
    await finance2.save()
    async with (
        factories.browser(app, finance) as english,
        factories.browser(app, finance2) as dutch,
    ):
        assert "In review" in (await english.get("/finance/payouts")).text
        shown = (await dutch.get("/finance/payouts")).text
        assert "In controle" in shown and "In review" not in shown
        assert "In review" in (await english.get("/finance/payouts")).text


async def test_choosing_dutch_says_so_in_dutch(app: Starlette, asker: User) -> None:
    async with factories.browser(app, asker) as page:
        form = factories.form(
            page, locale="nl", payout_method="credit", payout_address="", display_name=""
        )
        saved = await page.post("/account", data=form)
        assert saved.status_code == 303
        shown = await page.get(saved.headers["location"])
    assert "Je profiel is opgeslagen." in shown.text and "Your profile is saved" not in shown.text


async def test_a_visitor_chooses_dutch_with_the_footer_and_keeps_it(
    client: httpx.AsyncClient,
) -> None:
    english = {"Accept-Language": "en-GB"}
    page = await client.get("/questions", headers=english)
    assert (
        'action="/language"' in page.text
        and 'name="csrf_token"' not in page.text.split('action="/language"')[1].split("</form>")[0]
    )  # a visitor's cached page holds no token of anyone's
    chosen = await client.post(
        "/language", data={"locale": "nl", "next": "/questions?state=unanswered"}, headers=english
    )
    assert chosen.status_code == 303
    assert chosen.headers["location"] == "/questions?state=unanswered"
    shown = await client.get("/questions", headers=english)  # the cookie outranks the browser
    assert '<html lang="nl">' in shown.text and "Alle vragen" in shown.text

    refused = await client.post("/language", data={"locale": "fr", "next": "//evil.example"})
    assert refused.status_code == 303 and refused.headers["location"] == "/"
    assert '<html lang="nl">' in (await client.get("/", headers=english)).text


async def test_a_member_who_chooses_a_language_keeps_it_in_the_account(
    app: Starlette, asker: User
) -> None:
    async with factories.browser(app, asker) as page:
        forged = await page.post("/language", data={"locale": "nl", "next": "/"})
        assert forged.status_code == 403  # a member's form carries the CSRF token
        await asker.refresh_from_db()
        assert asker.locale == "en"
        chosen = await page.post("/language", data=factories.form(page, locale="nl", next="/"))
        assert chosen.status_code == 303
    await asker.refresh_from_db()
    assert asker.locale == "nl"
    async with factories.browser(app, asker) as elsewhere:  # another device, no cookie
        assert '<html lang="nl">' in (await elsewhere.get("/")).text


async def test_boards_have_dutch_names_and_admins_give_them(app: Starlette, admin: User) -> None:
    from forum.models import Board

    await factories.make_question(admin)
    async with factories.browser(app) as visitor:
        dutch = (await visitor.get("/", headers=DUTCH)).text
        assert "Netwerk &amp; bereik" in dutch and "Signaal, data, bellen en roaming." in dutch
        assert "Network &amp; coverage" not in dutch
        english = (await visitor.get("/", headers={"Accept-Language": "en"})).text
        assert "Network &amp; coverage" in english and "Netwerk" not in english
        listed = (await visitor.get("/questions", headers=DUTCH)).text
        assert "Account &amp; facturen" in listed

    async with factories.browser(app, admin) as page:
        made = await page.post(
            "/admin/boards",
            data=factories.form(
                page, slug="roaming", name="Roaming abroad", description="Calls abroad.",
                name_nl="Roaming in het buitenland", description_nl="", sla_hours="12",
                position="",
            ),
        )  # fmt: skip
        assert made.status_code == 303
        too_long = await page.post(
            "/admin/boards/roaming",
            data=factories.form(
                page, name="Roaming abroad", description="", name_nl="x" * 101,
                description_nl="", sla_hours="12", position="",
            ),
        )  # fmt: skip
        assert too_long.status_code == 400 and "f-name_nl-error" in too_long.text
    board = await Board.get(slug="roaming")
    assert board.name_nl == "Roaming in het buitenland" and board.description_nl == ""
    async with factories.browser(app) as visitor:
        dutch = (await visitor.get("/", headers=DUTCH)).text
        # No Dutch description given: the English one stands in.
        assert "Roaming in het buitenland" in dutch and "Calls abroad." in dutch


def test_figures_are_written_as_the_locale_writes_them() -> None:
    from forum.web import _decimal

    assert (_decimal(1.25, 1), _decimal(1234.0), _decimal(33.4)) == ("1.2", "1,234", "33")

    def dutch() -> tuple[str, ...]:
        i18n.use_locale("nl")
        return (_decimal(1.25, 1), _decimal(1234.0), _decimal(33.4))

    assert contextvars.copy_context().run(dutch) == ("1,2", "1.234", "33")


def test_days_and_times_without_the_zone_follow_the_locale() -> None:
    from forum.web import _day

    at = datetime(2026, 10, 1, 9, 5, tzinfo=UTC)
    assert (_day(at), _when(at, zone=False)) == ("1 Oct 2026", "1 Oct 2026, 09:05")

    def dutch() -> tuple[str, str]:
        i18n.use_locale("nl")
        return _day(at), _when(at, zone=False)

    assert contextvars.copy_context().run(dutch) == ("1 okt 2026", "1 okt 2026, 09:05")


async def test_choosing_a_language_keeps_the_visitors_page_cache(
    client: httpx.AsyncClient,
) -> None:
    from forum import pagecache

    await client.get("/questions")
    cached = dict(pagecache._entries)
    assert cached
    chosen = await client.post("/language", data={"locale": "nl", "next": "/"})
    assert chosen.status_code == 303
    assert pagecache._entries == cached  # no write: anyone may choose, no one may flush
