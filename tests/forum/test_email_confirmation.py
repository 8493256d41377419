"""A new member's address is confirmed by a link mailed to it; until then Peerdesk mails it
nothing else (no notifications, no reset links), so that a typo cannot reach a stranger."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from starlette.applications import Starlette

from forum.actions.accounts import check_register
from forum.actions.email_change import (
    check_confirm_email_change,
    check_request_email_change,
    pending_email_change,
)
from forum.actions.email_confirmation import check_resend_confirmation
from forum.actions.password_reset import check_request_reset
from forum.auth import Auth
from forum.errors import Forbidden, ValidationFailed
from forum.jobs import send_mail
from forum.models import DeliveryState, Mail, User
from forum.settings import configure
from tests import factories
from tests.conftest import make_settings
from tests.factories import T0

LINK = re.compile(r"/account/email/confirm/([A-Za-z0-9_-]+)")
SECRET = "a long password"


async def _link(user_id: int) -> str:
    mail = await Mail.filter(user_id=user_id, key__startswith="email_confirm:").order_by("-id")
    assert mail, "no confirmation mail"
    match = LINK.search(mail[0].body)
    assert match, mail[0].body
    return match.group(1)


async def test_a_new_member_gets_only_the_link_until_they_open_it(auth: Auth, helper: User) -> None:
    newbie = await check_register(
        auth, username="newbie", email="newbie@example.org", password=SECRET, now=T0
    )
    assert newbie.email_confirmed_at is None
    link = await _link(newbie.id)  # read before the mail is sent: then its body is blanked
    welcome = await Mail.get(user_id=newbie.id)
    assert welcome.key.startswith("email_confirm:") and welcome.redact
    assert (welcome.to_address, welcome.subject) == (
        "newbie@example.org",
        "Confirm your e-mail address for Peerdesk",
    )
    # Nothing else reaches the address yet: neither a notification nor a reset link.
    question = await factories.make_question(newbie, at=T0)
    await factories.make_answer(question, helper)
    assert await check_request_reset("newbie", now=T0) == 0
    mailing = await send_mail(T0 + timedelta(hours=2))
    assert (mailing.notifications, mailing.sent) == (1, 1)  # the welcome only
    assert await Mail.filter(user_id=newbie.id).count() == 1

    assert (await Mail.get(id=welcome.id)).body == ""
    # The link is the member's: whoever reads the mail must also be logged in as them.
    with pytest.raises(Forbidden):
        await check_confirm_email_change(link, acting_user=helper, now=T0)
    user = await check_confirm_email_change(link, acting_user=newbie, now=T0 + timedelta(hours=3))
    assert (user.email, user.email_confirmed_at) == ("newbie@example.org", T0 + timedelta(hours=3))
    # The address stayed the same: no "your address changed" notice.
    assert not await Mail.filter(key__startswith="email_changed:").exists()
    assert await check_request_reset("newbie", now=T0 + timedelta(hours=3)) == 1
    await factories.make_answer(question, helper, at=T0 + timedelta(hours=4))
    await send_mail(T0 + timedelta(hours=5))
    keys = [m.key.split(":")[0] for m in await Mail.filter(user_id=newbie.id).order_by("id")]
    assert keys == ["email_confirm", "password_reset", "notification"]


async def test_an_operator_vouches_for_the_address(auth: Auth) -> None:
    made = await check_register(
        auth, username="boss", email="boss@example.org", password=SECRET, confirmed=True, now=T0
    )
    assert made.email_confirmed_at == T0
    assert not await Mail.exists()


async def test_in_the_browser(app: Starlette) -> None:
    configure(make_settings(rate_limits=True))
    async with factories.browser(app) as page:
        registered = await page.post(
            "/register",
            data=factories.form(page, username="webby", email="w@example.org", password=SECRET),
        )
        assert registered.status_code == 303
        account = await page.get("/account")
        assert "Open the link we mailed to w@example.org to confirm it." in account.text
        assert "Your address is not confirmed yet" in account.text
        assert "Waiting for confirmation" not in account.text  # not shown as a change
        button = re.search(
            r'action="/account/email/confirmation">\s*<input type="hidden" name="csrf_token" '
            r'value="([^"]*)"',
            account.text,
        )
        assert button and button.group(1) == factories.form(page)["csrf_token"]
        user = await User.get(username="webby")
        first = await _link(user.id)

        resent = await page.post("/account/email/confirmation", data=factories.form(page))
        assert resent.status_code == 303
        assert "We sent a new link to w@example.org" in (await page.get("/account")).text
        second = await _link(user.id)
        assert second != first
        gone = await page.get(f"/account/email/confirm/{first}")
        assert gone.status_code == 404 and "used, expired or wrong" in gone.text
        # Three links an hour: the fourth request is refused with a message.
        for _ in range(2):
            await page.post("/account/email/confirmation", data=factories.form(page))
        too_many = await page.post("/account/email/confirmation", data=factories.form(page))
        assert "Too many" in (await page.get(too_many.headers["location"])).text
        assert await Mail.filter(user_id=user.id).count() == 4

        latest = await _link(user.id)
        shown = await page.get(f"/account/email/confirm/{latest}")
        assert shown.status_code == 200
        assert "Confirm your e-mail address" in shown.text and "Confirm this address" in shown.text
        done = await page.post(f"/account/email/confirm/{latest}", data=factories.form(page))
        assert done.status_code == 303 and done.headers["location"] == "/"
        assert "Your e-mail address is confirmed. Welcome!" in (await page.get("/")).text
        assert "not confirmed" not in (await page.get("/account")).text
        again = await page.post("/account/email/confirmation", data=factories.form(page))
        assert (
            "Your e-mail address is confirmed." in (await page.get(again.headers["location"])).text
        )
    assert (await User.get(id=user.id)).email_confirmed_at is not None


async def test_through_the_api(app: Starlette) -> None:
    async with await factories.api(app) as anonymous:
        made = await anonymous.post(
            "/api/v1/auth/register",
            json={"username": "apinew", "email": "api@example.org", "password": SECRET},
        )
        assert made.status_code == 201
    user = await User.get(username="apinew")
    async with await factories.api(app, user) as client:
        me = (await client.get("/api/v1/me")).json()
        assert me["email_confirmed"] is False
        shown = (await client.get("/api/v1/me/email")).json()
        assert shown == {"email": "api@example.org", "confirmed": False, "pending": None}
        resent = await client.post("/api/v1/me/email/confirmation")
        assert resent.status_code == 202
        done = await client.post("/api/v1/me/email/confirm", json={"token": await _link(user.id)})
        assert done.status_code == 200 and done.json()["email_confirmed"] is True
        already = await client.post("/api/v1/me/email/confirmation")
        assert (
            already.status_code == 200 and already.json()["detail"] == "Your address is confirmed."
        )
    async with await factories.api(app) as anonymous:
        assert (await anonymous.post("/api/v1/me/email/confirmation")).status_code == 401


async def test_changing_the_address_confirms_the_new_one(auth: Auth) -> None:
    newbie = await check_register(auth, username="mover", email="typo@example.og", password=SECRET)
    await check_request_email_change(auth, newbie, current=SECRET, email="right@example.org")
    change = await Mail.get(key__startswith="email_change:")
    match = LINK.search(change.body)
    assert match
    # The welcome link for the mistyped address ended with the new request.
    assert await Mail.filter(key__startswith="email_confirm:").count() == 1
    # The welcome mail for the mistyped address is not sent: its link is spent.
    sent = await send_mail()
    assert (sent.sent, sent.failed) == (1, 1)
    assert (await Mail.get(key__startswith="email_confirm:")).state == DeliveryState.FAILED
    user = await check_confirm_email_change(match.group(1), acting_user=newbie)
    assert (user.email, user.email_confirmed_at is not None) == ("right@example.org", True)
    # The mistyped address was never the member's: it hears nothing of the change.
    assert not await Mail.filter(key__startswith="email_changed:").exists()


async def test_cancelling_a_change_keeps_the_link_for_the_present_address(app: Starlette) -> None:
    async with await factories.api(app) as anonymous:
        made = await anonymous.post(
            "/api/v1/auth/register",
            json={"username": "dutchie", "email": "nl@example.org", "password": SECRET},
            headers={"Accept-Language": "nl"},
        )
        assert made.status_code == 201
    user = await User.get(username="dutchie")
    welcome = await Mail.get(user_id=user.id)
    assert (user.locale, welcome.subject) == ("nl", "Bevestig je e-mailadres voor Peerdesk")
    async with await factories.api(app, user) as client:
        assert (await client.delete("/api/v1/me/email")).json() == {"cancelled": False}
        done = await client.post("/api/v1/me/email/confirm", json={"token": await _link(user.id)})
        assert done.status_code == 200 and done.json()["email_confirmed"] is True


async def test_an_admin_lets_a_member_back_in_behind_a_mistyped_address(
    app: Starlette, auth: Auth, admin: User, staff: User
) -> None:
    lost = await check_register(auth, username="lost", email="lost@exmaple.com", password=SECRET)
    assert await check_request_reset("lost") == 0  # unconfirmed: no way back by mail
    page_path = f"/staff/members/{lost.id}"
    async with factories.browser(app, staff) as page:
        shown = await page.get(page_path)
        assert shown.status_code == 200 and "Set and confirm the address" not in shown.text
        refused = await page.post(
            page_path, data=factories.form(page, do="email", email="lost@example.com")
        )
        assert refused.status_code == 403
    async with factories.browser(app, admin) as page:
        shown = await page.get(page_path)
        assert "lost@exmaple.com, not confirmed" in shown.text
        bad = await page.post(page_path, data=factories.form(page, do="email", email="nope"))
        assert bad.status_code == 400 and "Email must be an address" in bad.text
        assert 'value="nope"' in bad.text  # the form again, with what was typed
        done = await page.post(
            page_path, data=factories.form(page, do="email", email="lost@example.com")
        )
        assert done.status_code == 303
        assert "lost@example.com, confirmed." in (await page.get(page_path)).text
        audit = await page.get("/admin/audit?action=set_email")
        assert "lost@exmaple.com -&gt; lost@example.com" in audit.text
    user = await User.get(id=lost.id)
    assert (user.email, user.email_confirmed_at is not None) == ("lost@example.com", True)
    with pytest.raises(ValidationFailed):  # the welcome link to the typo is spent
        await check_confirm_email_change(await _link(lost.id), acting_user=user)
    assert await check_request_reset("lost") == 1

    async with await factories.api(app, staff) as client:
        url = f"/api/v1/admin/users/{lost.id}/email"
        assert (await client.post(url, json={"email": "x@example.org"})).status_code == 403
    async with await factories.api(app, admin) as client:
        bad = await client.post(url, json={"email": 5})
        assert bad.status_code == 400 and "email" in bad.json()["error"]["message"].lower()
        nobody = await client.post("/api/v1/admin/users/999999/email", json={"email": "n@x.org"})
        assert nobody.status_code == 404
        moved = await client.post(url, json={"email": "lost@example.org"})
        assert moved.json() == {
            "id": lost.id,
            "username": "lost",
            "email": "lost@example.org",
            "email_confirmed": True,
        }
        own = await client.post(f"/api/v1/admin/users/{admin.id}/email", json={"email": "a@b.org"})
        assert own.status_code == 403 and "account page" in own.json()["error"]["message"]
    # The mistyped address never heard of it; the confirmed one it replaced did.
    told = await Mail.filter(key__startswith="email_set:").values_list("to_address", flat=True)
    assert told == ["lost@example.com"]


async def test_a_welcome_link_and_a_change_live_side_by_side_until_one_is_used(
    auth: Auth,
) -> None:
    member = await check_register(auth, username="both", email="typo@example.og", password=SECRET)
    await check_request_email_change(auth, member, current=SECRET, email="right@example.org")
    # A new welcome link for the present address keeps the change, and the change stays shown.
    assert await check_resend_confirmation(member)
    welcome = await _link(member.id)
    change = await pending_email_change(member)
    assert change is not None and change.new_email == "right@example.org"
    token = LINK.search((await Mail.get(key__startswith="email_change:")).body)
    assert token
    await check_confirm_email_change(token.group(1), acting_user=member)
    # The address moved: the link for the mistyped one is dead and nothing is pending.
    with pytest.raises(ValidationFailed):
        await check_confirm_email_change(welcome, acting_user=member)
    moved = await User.get(id=member.id)
    assert moved.email == "right@example.org" and await pending_email_change(moved) is None


async def test_the_wrong_account_can_log_out_and_come_back_to_the_link(
    app: Starlette, auth: Auth, helper: User
) -> None:
    member = await check_register(auth, username="owner", email="o@example.org", password=SECRET)
    path = f"/account/email/confirm/{await _link(member.id)}"
    async with factories.browser(app, helper) as page:
        refused = await page.get(path)
        assert refused.status_code == 403
        back = f"/login?next={path}"
        assert f'name="next" value="{back}"' in refused.text
        out = await page.post("/logout", data=factories.form(page, next=back))
        assert out.status_code == 303 and out.headers["location"] == back
        away = await page.post("/logout", data=factories.form(page, next="https://evil.example"))
        assert away.headers["location"] == "/"
