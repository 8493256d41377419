"""A staff member's journey: the queue, claiming an item, answering as staff, resolving it,
moderating an answer that members' flags hid, and the dashboard."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import LOOKS, PASSWORD, Server
from tests.browser.pages import open_tab


@contextmanager
def member_api(server: Server, name: str) -> Iterator[httpx.Client]:
    """An API client of a new member."""
    server.make_user(name)
    with httpx.Client(base_url=server.url + "/api/v1", timeout=30) as api:
        token = api.post("/auth/token", json={"username": name, "password": PASSWORD})
        api.headers["Authorization"] = f"Bearer {token.json()['token']}"
        yield api


def ask(server: Server, member: str, board: str, title: str, body: str) -> int:
    """A question a new member asks through the API: its id."""
    with member_api(server, member) as api:
        asked = api.post("/questions", json={"board": board, "title": title, "body": body})
        assert asked.status_code == 201, asked.text
    return int(asked.json()["id"])


def urgent_item(server: Server, tag: str) -> int:
    """A new question on the urgent board, which opens its staff item at once: the item's id."""
    question = ask(
        server, f"stolen_{tag}", "lost-stolen", f"My phone was stolen on the tram ({tag})",
        "Someone took my phone on the tram an hour ago. Please block my SIM.",
    )  # fmt: skip
    ((item_id,),) = server.query("SELECT id FROM escalations WHERE question_id = ?", question)
    return int(item_id)  # type: ignore[call-overload]


def asked_twice(server: Server, tag: str) -> tuple[int, int]:
    """The same question asked by two members: (the first, the repeat)."""
    first, again = (
        ask(
            server, f"{who}_{tag}", "sim-activation", f"How do I activate my eSIM? ({who} {tag})",
            "I scanned the QR code but the phone says the eSIM cannot be added.",
        )
        for who in ("first", "again")
    )  # fmt: skip
    return first, again


def hidden_by_flags(server: Server, tag: str, offset: int) -> tuple[int, int]:
    """A visible member's answer, flagged by three new members through the API: (question id,
    answer id)."""
    ((question_id, answer_id),) = server.query(
        "SELECT a.question_id, a.id FROM answers a JOIN users u ON u.id = a.author_id"
        " WHERE a.visibility = 'visible' AND u.role = 'member' ORDER BY a.id LIMIT 1 OFFSET ?",
        offset,
    )
    for i in range(3):
        with member_api(server, f"flagger{i}_{tag}") as api:
            flagged = api.post(f"/answers/{answer_id}/flags", json={"reason": "spam"})
            assert flagged.status_code == 201, flagged.text
    return int(question_id), int(answer_id)  # type: ignore[call-overload]


@pytest.mark.parametrize(("lang", "width"), LOOKS)
def test_staff_work_the_queue_and_moderate(
    server: Server, browser: Browser, lang: str, width: int
) -> None:
    staff = open_tab(browser, server.url, "staff", lang, width)
    staff.log_in(server.make_user(f"staff_{lang}_{width}", role="staff"), PASSWORD)
    page = staff.page

    item = urgent_item(server, f"{lang}_{width}")
    staff.go("/staff/escalations", "queue")
    page.locator(f"main table a[href='/staff/escalations/{item}']").click()
    staff.check("an item")
    item_url = page.url
    page.locator("form:has(input[value=claim]) button[type=submit]").click()
    staff.check("claimed")
    page.fill("textarea[name=body]", "We reset your line from our side: try again in an hour.")
    page.locator("form:has(input[value=answer]) button[type=submit]").click()
    staff.check("answered as staff")
    page.goto(item_url)
    page.select_option("select[name=resolution]", "answered_by_staff")
    page.locator("form:has(input[value=resolve]) button[type=submit]").click()
    staff.check("resolved")
    item_id = int(item_url.rsplit("/", 1)[1])
    ((state,),) = server.query("SELECT state FROM escalations WHERE id = ?", item_id)
    assert state == "resolved"

    offset = LOOKS.index((lang, width))
    question_id, answer_id = hidden_by_flags(server, f"{lang}_{width}", offset)
    staff.go(f"/questions/{question_id}", "a hidden answer to review")
    page.locator(f"#answer-{answer_id} details.moderate-post summary").click()
    page.locator(f"#answer-{answer_id} details.moderate-post button[value=remove]").click()
    staff.check("removed")
    ((visibility,),) = server.query("SELECT visibility FROM answers WHERE id = ?", answer_id)
    assert visibility == "removed"

    original, repeat = asked_twice(server, f"{lang}_{width}")
    staff.go(f"/questions/{repeat}", "a question asked before")
    page.locator("details.duplicate-form summary").click()
    page.fill("input[name=original]", f"/questions/{original}")
    page.locator("details.duplicate-form button[type=submit]").click()
    staff.check("closed as a duplicate")
    assert page.locator(f".notice-duplicate a[href='/questions/{original}']").count() == 1

    staff.go("/staff/dashboard", "dashboard")
