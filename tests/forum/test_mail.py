"""E-mail: notifications become mails in their member's language, sent over SMTP by the job
(or written to the log without an SMTP server), retried when the server is busy, failed when it
refuses the address, never sent twice, and not at all for members who turned them off."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import timedelta

import pytest
from starlette.applications import Starlette

from forum.actions import mail as mail_actions
from forum.actions.password_reset import check_request_reset
from forum.jobs import send_mail
from forum.models import DeliveryState, Mail, Notification, User
from forum.settings import Settings, configure
from tests.conftest import make_settings
from tests.factories import T0, api, browser, form, make_answer, make_question
from tests.mailbox import Mailbox, box, mailbox, smtp_settings, text_of

__all__ = ["box", "mailbox"]  # the fixtures

MINUTE = timedelta(minutes=1)


@pytest.fixture
def settings(mailbox: tuple[Mailbox, int]) -> Settings:
    return smtp_settings(mailbox, mail_backoff_seconds=60)


async def test_a_notification_is_mailed_once_in_the_members_language(
    box: Mailbox, asker: User, helper: User
) -> None:
    await User.filter(id=asker.id).update(locale="nl", display_name="Anna")
    question = await make_question(asker, title="Nummer <b>meenemen</b> & bellen?", at=T0)
    answer = await make_answer(question, helper, body="Vraag een PAC-code aan.")
    mailing = await send_mail(T0 + 2 * MINUTE)
    assert (mailing.notifications, mailing.sent, mailing.failed) == (1, 1, 0)
    [message] = box.to("asker@example.com")
    # Plain text: the title as typed, not HTML-escaped.
    assert message["Subject"] == "Nieuw antwoord op je vraag “Nummer <b>meenemen</b> & bellen?”."
    assert message["From"] == "Peerdesk <noreply@peerdesk.localhost>"
    body = text_of(message)
    assert body.startswith("Hallo Anna,")
    assert f"https://forum.example/questions/{question.id}#answer-{answer.id}" in body
    assert "Zet ze uit in je profiel: https://forum.example/account" in body
    mail = await Mail.get(user_id=asker.id)
    assert (mail.state, mail.sent_via, mail.attempts) == (DeliveryState.DELIVERED, "smtp", 1)
    assert message["Message-ID"] == f"<mail.{mail.id}@forum.example>"
    assert (await Notification.get(user_id=asker.id)).mailed_at is not None
    # Running again sends nothing more.
    again = await send_mail(T0 + 3 * MINUTE)
    assert (again.notifications, again.sent) == (0, 0)
    assert len(box.messages) == 1


async def test_members_who_turned_mail_off_get_none(
    app: Starlette, box: Mailbox, asker: User, helper: User
) -> None:
    async with browser(app, asker) as page:
        account = await page.get("/account")
        assert 'name="email_notifications" value="1" checked' in account.text
        # The box unticked: the form sends no value for it.
        saved = await page.post("/account", data=form(page, locale="en", payout_method="credit"))
        assert saved.status_code == 303
        assert 'name="email_notifications" value="1" aria' in (await page.get("/account")).text
    await make_answer(await make_question(asker, at=T0), helper)
    assert (await send_mail(T0 + MINUTE)).notifications == 1
    assert box.messages == [] and await Mail.all().count() == 0
    # Back on through the API; the next notification is mailed.
    async with await api(app, asker) as client:
        wrong = await client.patch("/api/v1/me", json={"email_notifications": "yes"})
        assert wrong.status_code == 400
        assert "email_notifications" in wrong.json()["error"]["message"]
        on = await client.patch("/api/v1/me", json={"email_notifications": True})
        assert on.json()["email_notifications"] is True
    await make_answer(await make_question(asker, title="Roaming in France?", at=T0), helper)
    await send_mail(T0 + 2 * MINUTE)
    assert [m["Subject"] for m in box.messages] == [
        "New answer to your question “Roaming in France?”."
    ]


async def test_a_busy_server_is_tried_again_later(box: Mailbox, asker: User, helper: User) -> None:
    box.busy = 1
    await make_answer(await make_question(asker, at=T0), helper)
    first = await send_mail(T0 + MINUTE)
    assert (first.sent, first.retrying) == (0, 1)
    mail = await Mail.get(user_id=asker.id)
    assert mail.state == DeliveryState.PENDING and "451" in mail.last_error
    assert mail.next_attempt_at == T0 + 2 * MINUTE  # 60 s back-off
    assert (await send_mail(T0 + MINUTE + timedelta(seconds=30))).sent == 0  # not due yet
    assert (await send_mail(T0 + 2 * MINUTE)).sent == 1
    await mail.refresh_from_db()
    assert (mail.state, mail.attempts, mail.last_error) == (DeliveryState.DELIVERED, 2, "")
    assert len(box.messages) == 1


async def test_a_refused_address_fails_at_once(box: Mailbox, asker: User, helper: User) -> None:
    box.refuse.add("asker@example.com")
    await make_answer(await make_question(asker, at=T0), helper)
    assert (await send_mail(T0 + MINUTE)).failed == 1
    mail = await Mail.get(user_id=asker.id)
    assert mail.state == DeliveryState.FAILED and "550" in mail.last_error
    assert box.messages == []


async def test_an_unreachable_server_is_retried(asker: User, helper: User) -> None:
    configure(make_settings(smtp_host="127.0.0.1", smtp_port=1, smtp_security="none"))
    await make_answer(await make_question(asker, at=T0), helper)
    assert (await send_mail(T0 + MINUTE)).retrying == 1
    mail = await Mail.get(user_id=asker.id)
    assert mail.state == DeliveryState.PENDING and "ConnectionRefusedError" in mail.last_error


async def test_two_senders_at_once_send_each_mail_once(
    box: Mailbox, asker: User, helper: User, other_member: User
) -> None:
    for n in range(6):
        question = await make_question(asker, title=f"Question number {n}", at=T0)
        await make_answer(question, helper)
        await make_answer(question, other_member)
    await asyncio.gather(send_mail(T0 + MINUTE), send_mail(T0 + MINUTE))
    subjects = sorted(m["Subject"] for m in box.messages)
    # The asker hears of both answers; the helper, who follows what they answered, of the other.
    assert len(subjects) == 18 and await Mail.filter(state="delivered").count() == 18
    assert len(set(subjects)) == 12


async def test_without_smtp_the_mail_is_written_to_the_log(
    asker: User, helper: User, caplog: pytest.LogCaptureFixture
) -> None:
    configure(make_settings(base_url="https://forum.example"))
    question = await make_question(asker, title="Where is my PUK?", at=T0)
    await make_answer(question, helper)
    with caplog.at_level(logging.INFO, logger="forum.actions.mail"):
        assert (await send_mail(T0 + MINUTE)).sent == 1
    assert "New answer to your question “Where is my PUK?”." in caplog.text
    assert f"https://forum.example/questions/{question.id}" in caplog.text
    mail = await Mail.get(user_id=asker.id)
    assert (mail.state, mail.sent_via) == (DeliveryState.DELIVERED, "log")


async def test_an_unexpected_error_counts_as_a_failed_attempt(
    box: Mailbox, asker: User, helper: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise ValueError("a header the server cannot take")

    monkeypatch.setattr(mail_actions, "_smtp_send", broken)
    await make_answer(await make_question(asker, at=T0), helper)
    assert (await send_mail(T0 + MINUTE)).retrying == 1
    mail = await Mail.get(user_id=asker.id)
    assert (mail.state, mail.attempts, mail.lease_token) == (DeliveryState.PENDING, 1, None)
    assert "ValueError" in mail.last_error


async def test_an_admin_sees_a_failed_mail_and_sends_it_again(
    app: Starlette, box: Mailbox, asker: User, helper: User, admin: User, staff: User
) -> None:
    box.refuse.add("asker@example.com")
    await make_answer(await make_question(asker, at=T0), helper)
    assert (await send_mail(T0 + MINUTE)).failed == 1
    mail = await Mail.get(user_id=asker.id)
    async with browser(app, staff) as staff_page:
        assert (await staff_page.get("/staff/mail")).status_code == 403
        assert 'href="/staff/mail"' not in (await staff_page.get("/staff/escalations")).text
    async with browser(app, admin) as page:
        queue = await page.get("/staff/escalations")
        assert 'href="/staff/mail"' in queue.text and "1 failed mail" in queue.text
        listed = await page.get("/staff/mail")
        assert listed.status_code == 200
        assert "asker@example.com" in listed.text and "550" in listed.text
        assert mail.body not in listed.text  # never the body: it may hold a reset link
        assert (await page.get("/staff/mail?state=bogus")).status_code == 400
        box.refuse.clear()  # the cause is mended
        retried = await page.post(f"/staff/mail/{mail.id}/retry", data=form(page))
        assert retried.status_code == 303
        again = await page.post(f"/staff/mail/{mail.id}/retry", data=form(page))
        assert again.status_code == 409
    await mail.refresh_from_db()
    assert (mail.state, mail.attempts, mail.last_error) == (DeliveryState.PENDING, 0, "")
    assert (await send_mail()).sent == 1  # due at once (the retry's own clock)
    assert [m["To"] for m in box.messages] == ["asker@example.com"]


async def test_the_mail_outbox_through_the_api(
    app: Starlette, box: Mailbox, asker: User, helper: User, admin: User
) -> None:
    box.refuse.add("asker@example.com")
    await make_answer(await make_question(asker, at=T0), helper)
    await send_mail(T0 + MINUTE)
    async with await api(app, asker) as member:
        assert (await member.get("/api/v1/mail")).status_code == 403
    async with await api(app, admin) as client:
        listed = (await client.get("/api/v1/mail?state=failed")).json()["items"]
        assert [(m["to_address"], m["state"]) for m in listed] == [("asker@example.com", "failed")]
        assert "body" not in listed[0]
        retried = await client.post(f"/api/v1/mail/{listed[0]['id']}/retry")
        assert retried.status_code == 200 and retried.json()["state"] == "pending"
        assert (await client.post(f"/api/v1/mail/{listed[0]['id']}/retry")).status_code == 409
        assert (await client.post("/api/v1/mail/999999/retry")).status_code == 404


async def test_a_retry_goes_to_the_members_present_address_but_never_resends_a_reset_link(
    app: Starlette, box: Mailbox, asker: User, helper: User, admin: User
) -> None:
    box.refuse.add("asker@example.com")
    await make_answer(await make_question(asker, at=T0), helper)
    assert await check_request_reset("asker", now=T0) == 1
    assert (await send_mail(T0 + MINUTE)).failed == 2
    reset = await Mail.get(key__startswith="password_reset:")
    notice = await Mail.get(key__startswith="notification:")
    assert reset.body == ""  # the link is not kept
    await User.filter(id=asker.id).update(email="asker@example.org")  # the member mends it
    async with browser(app, admin) as page:
        listed = await page.get("/staff/mail")
        assert f"/staff/mail/{notice.id}/retry" in listed.text
        assert f"/staff/mail/{reset.id}/retry" not in listed.text
        refused = await page.post(f"/staff/mail/{reset.id}/retry", data=form(page))
        assert refused.status_code == 409
        assert (
            await page.post(f"/staff/mail/{notice.id}/retry", data=form(page))
        ).status_code == 303
    await reset.refresh_from_db()
    assert reset.state == DeliveryState.FAILED
    assert (await send_mail()).sent == 1
    assert [m["To"] for m in box.messages] == ["asker@example.org"]


async def test_the_outbox_pages_through_every_mail_newest_first(
    app: Starlette, asker: User, admin: User
) -> None:
    # 60 failed mails, two of them at the same moment (the cursor breaks the tie by id).
    moments = [T0 + i * MINUTE for i in range(59)] + [T0 + 58 * MINUTE]
    await Mail.bulk_create(
        Mail(
            key=f"test:{i}", user_id=asker.id, to_address=f"m{i}@example.org", subject=f"S{i}",
            body="", state=DeliveryState.FAILED, next_attempt_at=at, created_at=at,
        )
        for i, at in enumerate(moments)
    )  # fmt: skip
    await Mail.create(
        key="test:sent", user_id=asker.id, to_address="sent@example.org", subject="sent", body="",
        state=DeliveryState.DELIVERED, next_attempt_at=T0, created_at=T0 + 99 * MINUTE,
    )  # fmt: skip
    newest_first = [f"m{i}@example.org" for i in (59, 58, *range(57, -1, -1))]
    async with await api(app, admin) as client:
        seen: list[str] = []
        cursor = ""
        for _ in range(4):
            page = (await client.get(f"/api/v1/mail?state=failed&limit=25{cursor}")).json()
            seen += [m["to_address"] for m in page["items"]]
            if page["next_cursor"] is None:
                break
            cursor = f"&cursor={page['next_cursor']}"
        assert seen == newest_first
        everything = (await client.get("/api/v1/mail?limit=2")).json()["items"]
        assert [m["to_address"] for m in everything] == ["sent@example.org", "m59@example.org"]
        bad = await client.get("/api/v1/mail?cursor=nonsense")
        assert bad.status_code == 400 and "cursor" in bad.json()["error"]["message"]
        assert (await client.get("/api/v1/mail?limit=0")).status_code == 400
    async with browser(app, admin) as page:
        first = await page.get("/staff/mail")
        # 50 a page: m59 down to m10.
        assert "m59@example.org" in first.text and "m10@example.org" in first.text
        assert "m9@example.org" not in first.text and "sent@example.org" not in first.text
        older = re.search(r'href="(/staff/mail\?state=failed&amp;cursor=[^"]+)"', first.text)
        assert older, "no link to older mails"
        second = await page.get(older.group(1).replace("&amp;", "&"))
        assert "m9@example.org" in second.text and "m0@example.org" in second.text
        assert "m10@example.org" not in second.text and "Older entries" not in second.text
        assert (await page.get("/staff/mail?cursor=nonsense")).status_code == 400
