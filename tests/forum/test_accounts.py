import pytest
from starlette.applications import Starlette

from forum.actions.accounts import check_authenticate, check_change_password, check_register
from forum.auth import SESSION_COOKIE, Auth, hash_api_token
from forum.errors import Conflict, NotAuthenticated, ValidationFailed
from forum.models import ApiToken, User
from tests import factories
from tests.factories import PASSWORD


async def test_register_stores_an_argon2_hash_not_the_password(auth: Auth) -> None:
    user = await check_register(
        auth, username="Anna", email="anna@example.com", password="a long password"
    )
    assert user.username == "Anna" and user.username_key == "anna"
    assert user.password_hash.startswith("$argon2") and "a long password" not in user.password_hash
    assert user.role.value == "member" and user.payout_method.value == "credit"


async def test_register_same_name_other_case_is_conflict(auth: Auth) -> None:
    await check_register(auth, username="Anna", email="a@example.com", password="a long password")
    with pytest.raises(Conflict):
        await check_register(
            auth, username="anna", email="b@example.com", password="a long password"
        )
    assert await User.all().count() == 1


async def test_register_names_every_bad_field(auth: Auth) -> None:
    with pytest.raises(ValidationFailed) as exc:
        await check_register(auth, username="a b", email="nope", password="short")
    assert set(exc.value.errors) == {"username", "email", "password"}


async def test_wrong_password_and_missing_user_fail_the_same(auth: Auth, asker: User) -> None:
    with pytest.raises(NotAuthenticated) as wrong:
        await check_authenticate(auth, username="asker", password="not the password")
    with pytest.raises(NotAuthenticated) as missing:
        await check_authenticate(auth, username="nobody", password="not the password")
    assert wrong.value.message == missing.value.message


async def test_change_password_logs_out_other_sessions(auth: Auth, asker: User) -> None:
    before = asker.session_version
    await check_change_password(auth, asker, current=PASSWORD, new="a brand new password")
    assert asker.session_version == before + 1
    assert await check_authenticate(auth, username="asker", password="a brand new password")


async def test_change_password_with_wrong_current_changes_nothing(auth: Auth, asker: User) -> None:
    with pytest.raises(ValidationFailed) as exc:
        await check_change_password(auth, asker, current="wrong one!", new="a brand new password")
    assert "current_password" in exc.value.errors
    assert await check_authenticate(auth, username="asker", password=PASSWORD)


async def test_api_register_and_token_and_me(app: Starlette) -> None:
    async with await factories.api(app) as c:
        r = await c.post(
            "/api/v1/auth/register",
            json={"username": "newbie", "email": "n@example.com", "password": "a long password"},
        )
        assert r.status_code == 201 and r.json()["username"] == "newbie"
        r = await c.post(
            "/api/v1/auth/token", json={"username": "NEWBIE", "password": "a long password"}
        )
        assert r.status_code == 200
        token = r.json()["token"]
        assert r.json()["user"]["role"] == "member"
        assert await ApiToken.filter(token_hash=hash_api_token(token)).exists()
        assert not await ApiToken.filter(token_hash=token).exists()
        r = await c.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert r.json() == {
            **r.json(),
            "username": "newbie",
            "locale": "en",
            "payout_method": "credit",
        }


async def test_api_register_duplicate_is_409(app: Starlette, asker: User) -> None:
    async with await factories.api(app) as c:
        r = await c.post(
            "/api/v1/auth/register",
            json={"username": "ASKER", "email": "x@example.com", "password": "a long password"},
        )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "conflict"


async def test_api_token_with_wrong_password_is_401(app: Starlette, asker: User) -> None:
    async with await factories.api(app) as c:
        r = await c.post("/api/v1/auth/token", json={"username": "asker", "password": "nope"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "not_authenticated"


async def test_api_me_without_token_is_401(client) -> None:  # type: ignore[no-untyped-def]
    r = await client.get("/api/v1/me", headers={"Authorization": "Bearer pd_bogus"})
    assert r.status_code == 401


async def test_api_patch_me_changes_locale_and_payout(app: Starlette, asker: User) -> None:
    async with await factories.api(app, asker) as c:
        r = await c.patch(
            "/api/v1/me",
            json={"locale": "nl", "payout_method": "cash", "payout_address": "NL91ABNA0417164300"},
        )
        assert r.status_code == 200
        assert (r.json()["locale"], r.json()["payout_method"]) == ("nl", "cash")
        r = await c.patch("/api/v1/me", json={"payout_method": "gold", "locale": "nl"})
    assert r.status_code == 400 and "payout_method" in r.json()["error"]["message"]
    await asker.refresh_from_db()
    assert asker.payout_method.value == "cash"


async def test_html_register_logs_in_with_safe_cookie(app: Starlette) -> None:
    async with factories.browser(app) as c:
        r = await c.post(
            "/register",
            data=factories.form(
                c, username="webby", email="w@example.com", password="a long password"
            ),
        )
        assert r.status_code == 303
        cookie = r.headers["set-cookie"]
        assert SESSION_COOKIE in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert "webby" in (await c.get("/account")).text


async def test_html_login_wrong_password_shows_form_again(app: Starlette, asker: User) -> None:
    async with factories.browser(app) as c:
        r = await c.post(
            "/login", data=factories.form(c, username="asker", password="nope", next="/")
        )
    assert r.status_code == 401
    assert "Wrong username or password" in r.text and 'value="asker"' in r.text


async def test_html_login_then_logout(app: Starlette, asker: User) -> None:
    async with factories.browser(app) as c:
        r = await c.post(
            "/login", data=factories.form(c, username="asker", password=PASSWORD, next="/account")
        )
        assert r.status_code == 303 and r.headers["location"] == "/account"
        assert (await c.get("/account")).status_code == 200
        r = await c.post("/logout", data=factories.form(c))
        assert r.status_code == 303
        r = await c.get("/account")
        assert r.status_code == 303 and r.headers["location"].startswith("/login")


async def test_html_login_never_redirects_off_site(app: Starlette, asker: User) -> None:
    async with factories.browser(app) as c:
        r = await c.post(
            "/login",
            data=factories.form(c, username="asker", password=PASSWORD, next="//evil.example/"),
        )
    assert r.headers["location"] == "/"


async def test_old_session_stops_working_after_password_change(app: Starlette, asker: User) -> None:
    async with factories.browser(app, asker) as old, factories.browser(app, asker) as current:
        r = await current.post(
            "/account/password",
            data=factories.form(
                current, current_password=PASSWORD, new_password="another long password"
            ),
        )
        assert r.status_code == 303
        assert (await current.get("/account")).status_code == 200
        assert (await old.get("/account")).status_code == 303


async def test_html_profile_update_and_bad_method(app: Starlette, asker: User) -> None:
    async with factories.browser(app, asker) as c:
        r = await c.post(
            "/account",
            data=factories.form(
                c,
                display_name="Ask Er",
                locale="nl",
                payout_method="charity",
                payout_address="Red Cross",
            ),
        )
        assert r.status_code == 303
        r = await c.post(
            "/account",
            data=factories.form(
                c, display_name="X", locale="fr", payout_method="charity", payout_address=""
            ),
        )
        # The member now reads Dutch: the error is tied to the locale field, in any language.
        assert r.status_code == 400 and "f-locale-error" in r.text
    await asker.refresh_from_db()
    assert (asker.display_name, asker.locale, asker.payout_method.value) == (
        "Ask Er",
        "nl",
        "charity",
    )


async def test_html_api_token_is_shown_once(app: Starlette, asker: User) -> None:
    async with factories.browser(app, asker) as c:
        r = await c.post("/account/tokens", data=factories.form(c))
    assert r.status_code == 200 and "pd_" in r.text
    assert await ApiToken.filter(user_id=asker.id).count() == 1


async def test_password_change_revokes_every_api_token(
    app: Starlette, auth: Auth, asker: User
) -> None:
    async with await factories.api(app, asker) as c:
        assert (await c.get("/api/v1/me")).status_code == 200
        await check_change_password(auth, asker, current=PASSWORD, new="a brand new password")
        assert (await c.get("/api/v1/me")).status_code == 401
    assert await ApiToken.filter(user_id=asker.id).count() == 0


async def test_cash_payouts_need_a_valid_iban(app: Starlette, asker: User) -> None:
    async with await factories.api(app, asker) as c:
        typo = await c.patch(
            "/api/v1/me", json={"payout_method": "cash", "payout_address": "NL91ABNA0417164301"}
        )
        # It does not suit the payout method (a checksum no document can state): 409.
        assert typo.status_code == 409 and "payout_address" in typo.json()["error"]["message"]
        for junk in ("NL91 ABNA", "ÉÉ91ABNA0417164300", "Red Cross"):
            bad = await c.patch(
                "/api/v1/me", json={"payout_method": "cash", "payout_address": junk}
            )
            assert bad.status_code == 409, junk
        good = await c.patch(
            "/api/v1/me", json={"payout_method": "cash", "payout_address": "nl91abna0417164300"}
        )
        assert good.status_code == 200
    await asker.refresh_from_db()
    assert (asker.payout_method.value, asker.payout_address) == ("cash", "NL91 ABNA 0417 1643 00")
    async with factories.browser(app, asker) as page:
        shown = await page.post(
            "/account",
            data=factories.form(
                page, locale="nl", payout_method="cash", payout_address="DE00 1234", display_name=""
            ),
        )
        assert shown.status_code == 400 and "valid IBAN" in shown.text  # nothing saved
    await asker.refresh_from_db()
    assert asker.payout_address == "NL91 ABNA 0417 1643 00" and asker.locale == "en"
