"""A member's journey: the account's payout method (a mistyped IBAN refused), asking with similar
questions shown, the new question in the lists at once, another member's answer, kudos and
acceptance, the helper's points and notifications, following a question and unfollowing another
from a notification, flagging a post, asking staff about an older question, and the helper's data
download and erasure."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import LOOKS, PASSWORD, Server
from tests.browser.pages import Tab, open_tab

REFUSED_IBAN = {"en": "valid IBAN", "nl": "geldig IBAN"}
ASKED_STAFF = {"en": "Staff", "nl": "medewerker"}


def ask(tab: Tab, board: str, title: str, body: str, *, similar_first: bool = False) -> int:
    """Ask on the form (checking for similar questions first, if asked to): the new id."""
    page = tab.go("/questions/new", f"ask on {board}")
    page.select_option("select[name=board]", board)
    page.fill("input[name=title]", title)
    page.fill("textarea[name=body]", body)
    if similar_first:
        page.locator("button[name=check]").click()
        tab.check("similar questions")
        assert page.locator(".similar").count() == 1
    page.locator("main form button[type=submit]:not([name=check])").click()
    tab.check(f"asked on {board}")
    return int(re.search(r"/questions/(\d+)", page.url)[1])  # type: ignore[index]


@pytest.mark.parametrize(("lang", "width"), LOOKS)
def test_a_member_asks_is_answered_accepts_and_asks_staff(
    server: Server, browser: Browser, lang: str, width: int
) -> None:
    asker = open_tab(browser, server.url, "member", lang, width)
    helper = open_tab(browser, server.url, "helper", lang, width)
    asker.log_in(server.make_user(f"asker_{lang}_{width}"), PASSWORD)
    helper_name = server.make_user(f"helper_{lang}_{width}")
    helper.log_in(helper_name, PASSWORD)
    ((helper_id,),) = server.query("SELECT id FROM users WHERE username = ?", helper_name)
    page = asker.page

    page.check("input[name=payout_method][value=cash]")
    page.fill("input[name=payout_address]", "NL91 ABNA 0417 1643 01")
    page.locator("main form[action='/account'] button[type=submit]").click()
    asker.check("a mistyped IBAN refused")
    assert REFUSED_IBAN[lang] in page.content()
    page.fill("input[name=payout_address]", "NL91 ABNA 0417 1643 00")
    page.locator("main form[action='/account'] button[type=submit]").click()
    asker.check("payout method saved")

    question_id = ask(
        asker,
        "sim-activation",
        f"My new SIM card is not activated yet ({lang} {width})",
        "I put the SIM in yesterday and it still says no service.",
        similar_first=True,
    )
    question_url = page.url
    # The lists' main part is rendered once for every viewer (forum.pagecache.shared_part): a
    # member sees it in their own language, with their own question in it at once.
    title = f"My new SIM card is not activated yet ({lang} {width})"
    asker.go("/boards/sim-activation", "the board, signed in")
    assert title in page.content()
    asker.go("/questions", "all questions, signed in")
    assert title in page.content()
    asker.go("/", "home, signed in")

    helper.page.goto(question_url)
    helper.page.fill("textarea[name=body]", "Restart the phone, then dial *100# to activate.")
    helper.page.locator("form[action$='/answers'] button[type=submit]").click()
    helper.check("answered")

    page.goto(question_url)
    asker.check("an answer arrived")
    page.locator("form[action$='/kudos'] button[type=submit]").first.click()
    asker.check("kudos given")
    page.locator("form[action$='/accept'] button[type=submit]").first.click()
    asker.check("answer accepted")
    ((state,),) = server.query("SELECT state FROM questions WHERE id = ?", question_id)
    assert state == "solved"
    assert page.locator("a.solution-link").count() == 1
    page.locator(f"a[href='/questions/{question_id}/accept/clear']").click()
    asker.check("clear the accepted answer? (asked first)")
    page.locator("main form a.button-secondary").click()  # "Keep it"
    asker.check("kept")

    helper.go("/points", "points and statements")
    assert "110" in helper.page.content()  # 100 for the accepted answer, 10 for the kudos
    helper.go("/notifications", "notifications")

    ((other_id,),) = server.query(
        "SELECT q.id FROM questions q JOIN users u ON u.id = q.author_id"
        " WHERE u.username = 'anna0' AND q.visibility = 'visible' ORDER BY q.id LIMIT 1"
    )
    asker.go(f"/questions/{other_id}", "someone else's question")
    page.locator("form.follow-form button[type=submit]").click()
    asker.check("question followed")
    assert page.locator(f"form[action='/questions/{other_id}/unfollow']").count() == 1
    asker.go("/following", "questions I follow")
    assert page.locator(f"form[action='/questions/{other_id}/unfollow']").count() == 1
    asker.go("/notifications", "notifications, each with unfollow")
    page.locator(f"form[action='/questions/{question_id}/unfollow'] button").first.click()
    asker.check("unfollowed from a notification")
    assert page.locator(f"form[action='/questions/{question_id}/unfollow']").count() == 0
    asker.go(f"/questions/{other_id}", "someone else's question, followed")
    page.locator("details.flag-post summary").first.click()
    page.locator("details.flag-post form button[type=submit]").first.click()
    asker.check("flagged")

    older = ask(
        asker,
        "network-coverage",
        f"No signal in my street since Monday ({lang} {width})",
        "Calls drop as soon as I step outside my front door.",
    )
    two_days_ago = datetime.now(UTC) - timedelta(days=2)  # stored as Tortoise stores it
    server.query(
        "UPDATE questions SET created_at = ? WHERE id = ?", two_days_ago.isoformat(" "), older
    )
    page.reload()
    page.locator("form.ask-staff button[type=submit]").click()
    asker.check("staff asked")
    assert server.query(
        "SELECT 1 FROM escalations WHERE question_id = ? AND reason = 'requested'", older
    )

    # The helper takes their data and leaves, keeping their answers for others.
    helper.go("/account", "account, with the data section")
    assert helper.page.locator("a[href='/account/export']").count() == 1
    helper.page.locator("a[href='/account/delete']").click()
    helper.check("erase the account?")
    helper.page.check("input[name=posts][value=keep]")
    helper.page.fill("input[name=password]", PASSWORD)
    helper.page.locator("main form button[type=submit]").click()
    helper.check("account erased")
    ((erased,),) = server.query(
        "SELECT COUNT(*) FROM users WHERE username_key = ? AND erased_at IS NOT NULL",
        f"~deleted-{helper_id}",
    )
    assert erased == 1
