"""Changing the e-mail address: asked for with the password, done by a one-time link mailed to
the new address; then the old address is told and reset links mailed to it stop working."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest
from starlette.applications import Starlette

from forum.actions.accounts import check_change_password
from forum.actions.email_change import check_confirm_email_change, check_request_email_change
from forum.actions.password_reset import check_request_reset
from forum.auth import Auth
from forum.errors import ValidationFailed
from forum.jobs import send_mail
from forum.models import Mail, PasswordReset, User
from tests import factories
from tests.factories import PASSWORD, T0

LINK = re.compile(r"/account/email/confirm/([A-Za-z0-9_-]+)")


async def _token(user: User) -> str:
    mail = (
        await Mail.filter(user_id=user.id, key__startswith="email_change:").order_by("-id").first()
    )
    assert mail is not None
    match = LINK.search(mail.body)
    assert match, mail.body
    return match.group(1)


async def test_the_address_changes_only_by_the_link_sent_to_it(auth: Auth, asker: User) -> None:
    assert await check_request_reset("asker", now=T0) == 1
    with pytest.raises(ValidationFailed) as wrong:
        await check_request_email_change(auth, asker, current="not mine", email="new@example.org")
    assert set(wrong.value.errors) == {"current_password"}
    with pytest.raises(ValidationFailed) as bad:
        await check_request_email_change(auth, asker, current=PASSWORD, email="no address")
    assert set(bad.value.errors) == {"email"}

    assert await check_request_email_change(
        auth, asker, current=PASSWORD, email="new@example.org", now=T0
    )
    link_mail = await Mail.get(key__startswith="email_change:")
    assert (link_mail.to_address, link_mail.redact) == ("new@example.org", True)
    assert link_mail.subject == "Confirm your new Peerdesk e-mail address"
    assert (await User.get(id=asker.id)).email == "asker@example.com"  # not yet

    user = await check_confirm_email_change(
        await _token(asker), acting_user=asker, now=T0 + timedelta(hours=1)
    )
    assert user.email == "new@example.org"
    notice = await Mail.get(key__startswith="email_changed:")
    assert notice.to_address == "asker@example.com" and "new@example.org" in notice.body
    # A reset link mailed to the old address no longer works.
    assert not await PasswordReset.filter(user_id=asker.id, used_at=None).exists()


async def test_a_link_works_once_within_a_day_and_a_new_request_ends_the_old_one(
    auth: Auth, asker: User
) -> None:
    await check_request_email_change(auth, asker, current=PASSWORD, email="a@example.org", now=T0)
    first = await _token(asker)
    await check_request_email_change(auth, asker, current=PASSWORD, email="b@example.org", now=T0)
    second = await _token(asker)
    with pytest.raises(ValidationFailed):
        await check_confirm_email_change(first, acting_user=asker, now=T0)
    with pytest.raises(ValidationFailed):
        await check_confirm_email_change(
            second, acting_user=asker, now=T0 + timedelta(hours=24, seconds=1)
        )
    assert (
        await check_confirm_email_change(second, acting_user=asker, now=T0)
    ).email == "b@example.org"
    with pytest.raises(ValidationFailed):
        await check_confirm_email_change(second, acting_user=asker, now=T0)
    # The same address again sends nothing.
    await asker.refresh_from_db()
    assert not await check_request_email_change(
        auth, asker, current=PASSWORD, email="B@example.org", now=T0
    )


async def test_a_new_password_ends_a_pending_change(auth: Auth, asker: User) -> None:
    # Someone who knew the password asked to move the account's mail to their address; the
    # member changing the password must stop that link.
    await check_request_email_change(auth, asker, current=PASSWORD, email="thief@example.org")
    token = await _token(asker)
    await check_change_password(auth, asker, current=PASSWORD, new="a brand new passphrase")
    with pytest.raises(ValidationFailed):
        await check_confirm_email_change(token, acting_user=asker)
    assert (await User.get(id=asker.id)).email == "asker@example.com"


async def test_two_uses_of_one_link_at_once_change_it_once(auth: Auth, asker: User) -> None:
    await check_request_email_change(auth, asker, current=PASSWORD, email="a@example.org")
    token = await _token(asker)

    async def use() -> str:
        try:
            await check_confirm_email_change(token, acting_user=asker)
        except ValidationFailed:
            return "refused"
        return "used"

    assert sorted(await asyncio.gather(use(), use())) == ["refused", "used"]
    assert await Mail.filter(key__startswith="email_changed:").count() == 1


async def test_a_link_that_expired_while_waiting_is_not_mailed(auth: Auth, asker: User) -> None:
    await check_request_email_change(auth, asker, current=PASSWORD, email="a@example.org", now=T0)
    sent = await send_mail(T0 + timedelta(hours=25))
    assert (sent.sent, sent.failed) == (0, 1)


async def test_in_the_browser(app: Starlette, asker: User, helper: User) -> None:
    async with factories.browser(app, asker) as client:
        account = await client.get("/account")
        assert "Mail goes to asker@example.com." in account.text
        assert 'href="/account/email"' in account.text
        page = await client.get("/account/email")
        assert page.status_code == 200 and 'name="current_password"' in page.text
        no_csrf = await client.post("/account/email", data={"email": "x@example.org"})
        assert no_csrf.status_code == 403
        wrong = await client.post(
            "/account/email",
            data=factories.form(client, email="typed@example.org", current_password="wrong one"),
        )
        assert wrong.status_code == 403
        assert "Current password is wrong." in wrong.text and "typed@example.org" in wrong.text
        asked = await client.post(
            "/account/email",
            data=factories.form(client, email="typed@example.org", current_password=PASSWORD),
        )
        assert asked.status_code == 303 and asked.headers["location"] == "/account"
        assert "We sent a link to typed@example.org" in (await client.get("/account")).text
    token = await _token(asker)
    path = f"/account/email/confirm/{token}"
    async with factories.browser(app) as stranger:
        # Whoever holds the mail must also be the member: a mistyped address's owner gets nowhere.
        anonymous = await stranger.get(path)
        assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
        refused = await stranger.post(path, data=factories.form(stranger))
        assert refused.status_code == 303 and refused.headers["location"].startswith("/login")
    async with factories.browser(app, helper) as someone_else:
        shown = await someone_else.get(path)
        assert shown.status_code == 403 and "log in as its owner" in shown.text
        refused = await someone_else.post(path, data=factories.form(someone_else))
        assert refused.status_code == 403
    assert (await User.get(id=asker.id)).email == "asker@example.com"
    async with factories.browser(app, asker) as other_device:  # the member, on their phone
        shown = await other_device.get(path)
        assert shown.status_code == 200 and "typed@example.org" in shown.text
        done = await other_device.post(path, data=factories.form(other_device))
        assert done.status_code == 303
        again = await other_device.get(path)
        assert again.status_code == 404 and "used, expired or wrong" in again.text
        bogus = await other_device.post(
            "/account/email/confirm/not-a-token", data=factories.form(other_device)
        )
        assert bogus.status_code == 404
    assert (await User.get(id=asker.id)).email == "typed@example.org"


async def test_through_the_api(app: Starlette, asker: User, helper: User) -> None:
    async with await factories.api(app, asker) as client:
        assert (await client.get("/api/v1/me")).json()["email"] == "asker@example.com"
        bad = await client.post("/api/v1/me/email", json={"email": 5, "current_password": PASSWORD})
        assert bad.status_code == 400 and "email" in bad.json()["error"]["message"].lower()
        wrong = await client.post("/api/v1/me/email", json={"email": "a@example.org"})
        assert wrong.status_code == 400
        asked = await client.post(
            "/api/v1/me/email", json={"email": "a@example.org", "current_password": PASSWORD}
        )
        assert asked.status_code == 202
    token = await _token(asker)
    async with await factories.api(app) as anonymous:
        refused = await anonymous.post(
            "/api/v1/me/email", json={"email": "b@example.org", "current_password": PASSWORD}
        )
        assert refused.status_code == 401
        unknown = await anonymous.post("/api/v1/me/email/confirm", json={"token": token})
        assert unknown.status_code == 401
    async with await factories.api(app, helper) as someone_else:
        forbidden = await someone_else.post("/api/v1/me/email/confirm", json={"token": token})
        assert forbidden.status_code == 403
    async with await factories.api(app, asker) as client:
        bad_token = await client.post("/api/v1/me/email/confirm", json={"token": 7})
        assert bad_token.status_code == 400 and "token" in bad_token.json()["error"]["message"]
        done = await client.post("/api/v1/me/email/confirm", json={"token": token})
        assert done.status_code == 200 and done.json()["email"] == "a@example.org"


async def test_a_pending_change_is_shown_and_can_be_cancelled(
    app: Starlette, auth: Auth, asker: User
) -> None:
    await check_request_email_change(auth, asker, current=PASSWORD, email="typo@example.og")
    token = await _token(asker)
    async with factories.browser(app, asker) as client:
        account = await client.get("/account")
        assert "Waiting for confirmation: we sent a link to typo@example.og." in account.text
        no_csrf = await client.post("/account/email/cancel")
        assert no_csrf.status_code == 403
        cancelled = await client.post("/account/email/cancel", data=factories.form(client))
        assert cancelled.status_code == 303
        after = await client.get("/account")
        assert "The change of e-mail address is cancelled" in after.text
        assert "Waiting for confirmation" not in after.text
        again = await client.post("/account/email/cancel", data=factories.form(client))
        assert (
            "There was no change of e-mail address to cancel."
            in (await client.get(again.headers["location"])).text
        )
    with pytest.raises(ValidationFailed):
        await check_confirm_email_change(token, acting_user=asker)
    assert (await User.get(id=asker.id)).email == "asker@example.com"


async def test_the_api_shows_and_cancels_a_pending_change(
    app: Starlette, auth: Auth, asker: User
) -> None:
    async with await factories.api(app, asker) as client:
        nothing = await client.get("/api/v1/me/email")
        assert nothing.json() == {"email": "asker@example.com", "confirmed": True, "pending": None}
        await client.post(
            "/api/v1/me/email", json={"email": "a@example.org", "current_password": PASSWORD}
        )
        token = await _token(asker)
        pending = (await client.get("/api/v1/me/email")).json()["pending"]
        assert pending["email"] == "a@example.org" and pending["expires_at"]
        assert (await client.delete("/api/v1/me/email")).json() == {"cancelled": True}
        assert (await client.delete("/api/v1/me/email")).json() == {"cancelled": False}
        assert (await client.get("/api/v1/me/email")).json()["pending"] is None
    async with await factories.api(app) as anonymous:
        assert (await anonymous.get("/api/v1/me/email")).status_code == 401
        assert (await anonymous.delete("/api/v1/me/email")).status_code == 401
    async with await factories.api(app, asker) as client:
        refused = await client.post("/api/v1/me/email/confirm", json={"token": token})
        assert refused.status_code == 404  # cancelled: the link names nothing now
    assert (await User.get(id=asker.id)).email == "asker@example.com"
