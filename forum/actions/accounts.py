"""Accounts: register, authenticate, change password, issue API tokens.

Usernames are unique case-insensitively (a UNIQUE key on the lower-cased name); a password
change bumps the session version so every other session is logged out.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum import validation as v
from forum.actions.email_confirmation import do_welcome
from forum.auth import Auth, new_api_token
from forum.clock import resolve
from forum.errors import Conflict, Forbidden, NotAuthenticated, WrongPassword
from forum.i18n import gettext as _
from forum.models import ApiToken, EmailChange, PasswordReset, Role, User
from forum.names import ERASED_PREFIX, impersonates, impersonation_refused
from forum.ratelimits import check_login_failures, count_login_failure, limit_registration

MIN_PASSWORD = 10
MAX_PASSWORD = 1000


def password_value(errors: v.Errors, field: str, value: object) -> str:
    if not isinstance(value, str) or not MIN_PASSWORD <= len(value) <= MAX_PASSWORD:
        errors.add(
            field,
            _("Password must be %(min)d–%(max)d characters.")
            % {"min": MIN_PASSWORD, "max": MAX_PASSWORD},
        )
        return ""
    if not v.is_clean(value):
        errors.add(field, _("Password contains characters that are not allowed."))
    return value


def email_value(errors: v.Errors, field: str, value: object) -> str:
    text = v.text(errors, field, value, min_len=3, max_len=254, label=_("Email"))
    if text and not v.EMAIL_RE.match(text):
        errors.add(field, _("Email must be an address like name@example.com."))
    return text


async def check_register(
    auth: Auth,
    *,
    username: object,
    email: object,
    password: object,
    role: Role = Role.MEMBER,
    address: str = "",
    locale: str = "en",
    confirmed: bool = False,
    now: datetime | None = None,
) -> User:
    """A new account. Unless an operator vouches for the address (`confirmed`), a link to
    confirm it is mailed there."""
    errors = v.Errors()
    kept: dict[str, str] = {}  # a well-formed name kept for others: refused as a taken one is
    if not isinstance(username, str) or not v.USERNAME_RE.fullmatch(username):
        errors.add("username", _("Username must be 3–30 letters, digits, '_', '.' or '-'."))
    elif username.lower().startswith(ERASED_PREFIX):
        kept["username"] = _("Names beginning with “deleted-” are kept for erased accounts.")
    elif role == Role.MEMBER and await impersonates(username):
        kept["username"] = impersonation_refused()
    email_text = email_value(errors, "email", email)
    password_text = password_value(errors, "password", password)
    v.raise_kept(errors, kept)
    assert isinstance(username, str)
    await limit_registration(address)
    now = resolve(now)
    hashed = await auth.hash_password(password_text)  # off the transaction: it takes a while
    async with in_transaction():  # the account and its link commit together
        user = await do_create_user(
            auth,
            username=username,
            email=email_text,
            password=password_text,
            role=role,
            address=address,
            locale=locale,
            password_hash=hashed,
            confirmed=confirmed,
            now=now,
        )
        if not confirmed:
            await do_welcome(user, now=now)
    return user


async def do_create_user(
    auth: Auth,
    *,
    username: str,
    email: str,
    password: str,
    role: Role,
    address: str = "",
    locale: str = "en",
    password_hash: str | None = None,
    confirmed: bool = False,
    now: datetime | None = None,
) -> User:
    now = resolve(now)
    hashed = password_hash or await auth.hash_password(password)
    try:
        async with in_transaction():
            return await User.create(
                username=username,
                username_key=username.lower(),
                email=email,
                password_hash=hashed,
                role=role,
                locale=locale,
                signup_address=address[:45],
                email_confirmed_at=now if confirmed else None,
                created_at=now,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("The username %(name)s is taken.") % {"name": repr(username)}, field="username"
        ) from exc


async def check_authenticate(
    auth: Auth, *, username: object, password: object, address: str = ""
) -> User:
    """The same answer whether the account is missing or the password wrong; after too many
    failures for this account from this address, no answer at all for a while."""
    user = None
    key = ""
    if isinstance(username, str) and v.USERNAME_RE.fullmatch(username):
        key = username.lower()
        await check_login_failures(key, address)
        user = await User.get_or_none(username_key=key)
    given = ""
    if isinstance(password, str) and len(password) <= MAX_PASSWORD and v.is_clean(password):
        given = password
    ok = await auth.verify_password(user.password_hash if user else None, given)
    if not ok or user is None:
        await count_login_failure(key, address)
        raise NotAuthenticated(_("Wrong username or password."))
    if user.suspended_at is not None:
        raise Forbidden(_("This account is suspended."))
    return user


async def check_change_password(
    auth: Auth, user: User, *, current: object, new: object, address: str = ""
) -> User:
    errors = v.Errors()
    new_text = password_value(errors, "new_password", new)
    errors.raise_if_any()
    await confirm_current_password(auth, user, current, address)
    hashed = await auth.hash_password(new_text)
    async with in_transaction():
        await do_set_password(user.id, hashed, now=resolve(None))
    await user.refresh_from_db()
    return user


async def confirm_current_password(
    auth: Auth, user: User, current: object, address: str, field: str = "current_password"
) -> None:
    """Wrong guesses count with failed logins (per account and address): a stolen session or
    API token must not become a way to guess the password."""
    await check_login_failures(user.username_key, address, "current_password")
    if not await auth.verify_password(
        user.password_hash, current if isinstance(current, str) else ""
    ):
        await count_login_failure(user.username_key, address)
        raise WrongPassword({field: _("Current password is wrong.")})


async def do_set_password(user_id: int, password_hash: str, *, now: datetime) -> None:
    """In the caller's transaction. A new password ends every other way in: other sessions,
    every API token, and any password reset or e-mail change link not used yet."""
    await User.filter(id=user_id).update(
        password_hash=password_hash, session_version=F("session_version") + 1
    )
    await ApiToken.filter(user_id=user_id).delete()
    await PasswordReset.filter(user_id=user_id, used_at=None).update(used_at=now)
    await EmailChange.filter(user_id=user_id, used_at=None).update(used_at=now)


async def do_create_api_token(user: User, *, now: datetime | None = None) -> str:
    """Returns the token; only its hash is kept."""
    token, token_hash = new_api_token()
    async with in_transaction():
        await ApiToken.create(user=user, token_hash=token_hash, created_at=resolve(now))
    return token
