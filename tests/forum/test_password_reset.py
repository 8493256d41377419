"""Password reset: a one-time link by e-mail that expires; using it ends every session, API token
and other link; asking tells nobody whether an account exists; flood control per address."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest
from starlette.applications import Starlette

from forum.actions.accounts import check_change_password
from forum.actions.password_reset import check_request_reset, check_reset_password
from forum.auth import Auth
from forum.errors import ValidationFailed
from forum.jobs import send_mail
from forum.models import Mail, PasswordReset, User
from forum.settings import Settings, configure
from tests.conftest import make_settings
from tests.factories import PASSWORD, T0, api, browser, form
from tests.mailbox import Mailbox, box, mailbox, smtp_settings, text_of

__all__ = ["box", "mailbox"]  # the fixtures

NEW_PASSWORD = "a brand new passphrase"
LINK = re.compile(r"https://forum\.example/password/reset/([A-Za-z0-9_-]+)")


@pytest.fixture
def settings(mailbox: tuple[Mailbox, int]) -> Settings:
    return smtp_settings(mailbox)


async def _token_in_outbox(user: User) -> str:
    mail = (
        await Mail.filter(user_id=user.id, key__startswith="password_reset:")
        .order_by("-id")
        .first()
    )
    assert mail is not None
    match = LINK.search(mail.body)
    assert match, mail.body
    return match.group(1)


async def test_the_whole_journey_in_the_browser(app: Starlette, box: Mailbox, asker: User) -> None:
    async with browser(app, asker) as old_session, await api(app, asker) as old_token:
        assert (await old_session.get("/account")).status_code == 200
        async with browser(app) as page:
            login = await page.get("/login")
            assert 'href="/password/forgot"' in login.text
            assert (await page.get("/password/forgot")).status_code == 200
            asked = await page.post("/password/forgot", data=form(page, login="ASKER@example.com"))
            assert (
                asked.status_code == 200
                and "If an account with a confirmed e-mail address matches" in asked.text
            )
            await send_mail()
            [message] = box.to("asker@example.com")
            assert message["Subject"] == "Reset your Peerdesk password"
            assert "works once, for 60 minutes" in text_of(message)
            match = LINK.search(text_of(message))
            assert match
            path = f"/password/reset/{match.group(1)}"
            # The outbox keeps no copy of the secret once it is sent.
            assert (await Mail.get(user_id=asker.id)).body == ""

            assert 'name="password_again"' in (await page.get(path)).text
            differ = await page.post(
                path, data=form(page, password=NEW_PASSWORD, password_again="something else")
            )
            assert differ.status_code == 400 and "not the same" in differ.text
            short = await page.post(path, data=form(page, password="short", password_again="short"))
            assert short.status_code == 400 and "10–1000 characters" in short.text
            done = await page.post(
                path, data=form(page, password=NEW_PASSWORD, password_again=NEW_PASSWORD)
            )
            assert done.status_code == 303 and done.headers["location"] == "/login"
            # The link worked once.
            again = await page.get(path)
            assert again.status_code == 404 and "used, expired or wrong" in again.text
            reused = await page.post(
                path, data=form(page, password=NEW_PASSWORD, password_again=NEW_PASSWORD)
            )
            assert reused.status_code == 404
            # The new password logs in, the old one does not.
            ok = await page.post(
                "/login", data=form(page, username="asker", password=NEW_PASSWORD, next="/")
            )
            assert ok.status_code == 303
        # Every other way in has ended.
        assert (await old_session.get("/account")).status_code in (302, 303)
        assert (await old_token.get("/api/v1/me")).status_code == 401
    async with await api(app) as client:
        old = await client.post(
            "/api/v1/auth/token", json={"username": "asker", "password": PASSWORD}
        )
        assert old.status_code == 401


async def test_the_api_and_an_unknown_account(app: Starlette, box: Mailbox, asker: User) -> None:
    async with await api(app) as client:
        unknown = await client.post("/api/v1/auth/password-reset", json={"login": "nobody"})
        known = await client.post("/api/v1/auth/password-reset", json={"login": "asker"})
        # The same answer: nobody learns who has an account.
        assert unknown.status_code == known.status_code == 202
        assert unknown.json() == known.json()
        assert await PasswordReset.all().count() == 1
        wrong_type = await client.post("/api/v1/auth/password-reset", json={"login": 42})
        assert wrong_type.status_code == 400 and "login" in wrong_type.text
        token = await _token_in_outbox(asker)
        bad = await client.post(
            "/api/v1/auth/password-reset/confirm",
            json={"token": "x" * 43, "password": NEW_PASSWORD},
        )
        assert bad.status_code == 404 and "token" in bad.text
        weak = await client.post(
            "/api/v1/auth/password-reset/confirm", json={"token": token, "password": "short"}
        )
        assert weak.status_code == 400 and "password" in weak.text
        done = await client.post(
            "/api/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
        )
        assert done.json() == {"id": asker.id, "username": "asker"}
        twice = await client.post(
            "/api/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
        )
        assert twice.status_code == 404  # the link is spent: it names nothing now
        logged_in = await client.post(
            "/api/v1/auth/token", json={"username": "asker", "password": NEW_PASSWORD}
        )
        assert logged_in.status_code == 200


async def test_a_link_expires(auth: Auth, asker: User) -> None:
    await check_request_reset("asker", now=T0)
    token = await _token_in_outbox(asker)
    with pytest.raises(ValidationFailed) as expired:
        await check_reset_password(
            auth, token=token, password=NEW_PASSWORD, now=T0 + timedelta(minutes=61)
        )
    assert "token" in expired.value.errors
    user = await check_reset_password(
        auth, token=token, password=NEW_PASSWORD, now=T0 + timedelta(minutes=59)
    )
    assert await auth.verify_password(user.password_hash, NEW_PASSWORD)


async def test_two_uses_at_once_one_wins(auth: Auth, asker: User) -> None:
    await check_request_reset("asker", now=T0)
    token = await _token_in_outbox(asker)
    results = await asyncio.gather(
        check_reset_password(auth, token=token, password=NEW_PASSWORD, now=T0),
        check_reset_password(auth, token=token, password="another passphrase", now=T0),
        return_exceptions=True,
    )
    assert sorted(type(r).__name__ for r in results) == ["NamesNothing", "User"]


async def test_a_new_password_or_a_used_link_spends_the_other_links(
    auth: Auth, asker: User
) -> None:
    await check_request_reset("asker", now=T0)
    first = await _token_in_outbox(asker)
    await check_request_reset("asker@example.com", now=T0)
    second = await _token_in_outbox(asker)
    await check_reset_password(auth, token=second, password=NEW_PASSWORD, now=T0)
    with pytest.raises(ValidationFailed):
        await check_reset_password(auth, token=first, password=NEW_PASSWORD, now=T0)
    await check_request_reset("asker", now=T0)
    third = await _token_in_outbox(asker)
    await asker.refresh_from_db()
    await check_change_password(auth, asker, current=NEW_PASSWORD, new="yet another passphrase")
    with pytest.raises(ValidationFailed):
        await check_reset_password(auth, token=third, password=NEW_PASSWORD, now=T0)


async def test_a_member_gets_three_links_an_hour(asker: User) -> None:
    written = [await check_request_reset("asker", now=T0) for _ in range(4)]
    assert written == [1, 1, 1, 0]
    assert await check_request_reset("asker", now=T0 + timedelta(minutes=61)) == 1


async def test_six_requests_at_once_still_send_three_links(asker: User) -> None:
    written = await asyncio.gather(*(check_request_reset("asker", now=T0) for _ in range(6)))
    assert sorted(written) == [0, 0, 0, 1, 1, 1]
    assert await PasswordReset.filter(user_id=asker.id).count() == 3


async def test_an_address_may_ask_five_times_an_hour(app: Starlette, asker: User) -> None:
    configure(make_settings(rate_limits=True))
    async with await api(app) as client:
        codes = [
            (await client.post("/api/v1/auth/password-reset", json={"login": f"x{n}@e.com"}))
            for n in range(6)
        ]
    assert [c.status_code for c in codes] == [202] * 5 + [429]
    assert int(codes[-1].headers["Retry-After"]) > 0
    async with browser(app) as page:
        refused = await page.post("/password/forgot", data=form(page, login="asker"))
        assert refused.status_code == 429 and "Too many" in refused.text


async def test_a_link_that_expired_or_was_used_while_waiting_is_not_sent(
    auth: Auth, box: Mailbox, asker: User
) -> None:
    await check_request_reset("asker", now=T0)
    # Mail was down for over an hour: the link is dead by the time it could go out.
    assert (await send_mail(T0 + timedelta(minutes=61))).failed == 1
    assert box.messages == []
    expired = await Mail.get(user_id=asker.id)
    assert "expired" in expired.last_error and expired.body == ""
    await check_request_reset("asker", now=T0 + timedelta(minutes=62))
    token = await _token_in_outbox(asker)
    # Used (from the outbox's copy) before its mail went out: not sent either.
    await check_reset_password(
        auth, token=token, password=NEW_PASSWORD, now=T0 + timedelta(minutes=62)
    )
    assert (await send_mail(T0 + timedelta(minutes=63))).failed == 1
    assert box.messages == []


async def test_a_login_as_long_as_an_address_may_be_is_answered_like_any_other(
    app: Starlette, box: Mailbox
) -> None:
    """254 characters (found by schemathesis: longer than a username column, it made a 400)."""
    async with await api(app) as client:
        long = await client.post("/api/v1/auth/password-reset", json={"login": "0" * 254})
    assert long.status_code == 202
