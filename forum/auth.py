"""Who is asking: password hashing, the signed session cookie, API bearer tokens and CSRF.

Sessions are signed cookies (any process can serve any request); API tokens are random, shown
once and stored as sha256; CSRF uses a signed double-submit cookie checked in `read_form`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

import argon2
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from forum.db import fetch_dicts, fetch_model
from forum.errors import CsrfFailed
from forum.i18n import gettext as _
from forum.models import User
from forum.queries import UNREAD_UP_TO
from forum.settings import Settings

SESSION_COOKIE = "pd_session"
CSRF_COOKIE = "pd_csrf"
CSRF_FIELD = "csrf_token"
LOCALE_COOKIE = "pd_lang"
TOKEN_PREFIX = "pd_"

# Every logged-in request runs one of these: written in SQL, they skip the ORM's query building.
# A page's viewer comes with their unread notifications, which every page shows: one statement.
# A write reads the member alone: its page, if it renders one, counts them after the write.
_USER_BY_ID = "SELECT * FROM users WHERE id = $1"
_VIEWER_BY_ID = (
    f"SELECT u.*, {UNREAD_UP_TO} AS unread_notifications"  # noqa: S608 - constants
    " FROM users u WHERE u.id = $1"
)
_USER_BY_TOKEN = (
    "SELECT u.* FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1"
)


class Auth:
    """Holds the secrets of one app instance; reached as `request.app.state.auth`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        cheap = settings.password_hash_profile == "cheap"
        self.hasher = self.cheap_hasher() if cheap else argon2.PasswordHasher()
        self.sessions = URLSafeTimedSerializer(settings.secret_key, salt="peerdesk.session")
        self.flashes = URLSafeSerializer(settings.secret_key, salt="peerdesk.flash")
        self._csrf_key = hashlib.sha256(f"csrf:{settings.secret_key}".encode()).digest()
        self._dummy_hash = self.hasher.hash(secrets.token_hex(8))

    @staticmethod
    def cheap_hasher() -> argon2.PasswordHasher:
        """For tests and bulk seeding only: argon2 at its lowest cost."""
        return argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST)

    async def hash_password(self, password: str) -> str:
        return await run_in_threadpool(self.hasher.hash, password)

    async def verify_password(self, password_hash: str | None, password: str) -> bool:
        """Constant work whether or not the account exists (no user enumeration by timing)."""
        try:
            return await run_in_threadpool(
                self.hasher.verify, password_hash or self._dummy_hash, password
            )
        except (
            argon2.exceptions.VerificationError,
            argon2.exceptions.InvalidHashError,
            UnicodeEncodeError,
        ):
            return False

    # -- sessions -------------------------------------------------------------------------

    def login(self, request: Request, response: Response, user: User) -> None:
        value = self.sessions.dumps({"u": user.id, "v": user.session_version})
        response.set_cookie(
            SESSION_COOKIE,
            value,
            max_age=self.settings.session_max_age_seconds,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )

    def logout(self, response: Response) -> None:
        response.delete_cookie(SESSION_COOKIE)

    async def session_user(self, request: Request) -> tuple[User, int | None] | None:
        """The session's member, with how many notifications they have unread for a GET or HEAD
        (None for a write, which may change them); None without a valid session."""
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            data: Any = self.sessions.loads(raw, max_age=self.settings.session_max_age_seconds)
            user_id, version = int(data["u"]), int(data["v"])
        except (BadSignature, KeyError, TypeError, ValueError):
            return None
        reads = request.method in ("GET", "HEAD")
        rows = await fetch_dicts(_VIEWER_BY_ID if reads else _USER_BY_ID, [user_id])
        if not rows:
            return None
        unread = int(rows[0].pop("unread_notifications")) if reads else None
        user = User._init_from_db(**rows[0])
        if user.session_version != version or user.suspended_at is not None:
            return None
        return user, unread

    # -- CSRF -----------------------------------------------------------------------------

    def new_csrf_token(self) -> str:
        nonce = secrets.token_urlsafe(18)
        return f"{nonce}.{self._csrf_sign(nonce)}"

    def csrf_token_valid(self, token: str | None) -> bool:
        if not token or "." not in token:
            return False
        nonce, _, signature = token.partition(".")
        # Bytes: compare_digest refuses a str with non-ASCII in it, which a cookie may hold.
        return hmac.compare_digest(_raw(signature), _raw(self._csrf_sign(nonce)))

    def _csrf_sign(self, nonce: str) -> str:
        return hmac.new(self._csrf_key, _raw(nonce), hashlib.sha256).hexdigest()[:32]


def new_api_token() -> tuple[str, str]:
    """Return (token shown once, hash stored)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, hash_api_token(token)


def _raw(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def hash_api_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


async def token_user(request: Request) -> User | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    user = await fetch_model(User, _USER_BY_TOKEN, [hash_api_token(token.strip())])
    if user is None or user.suspended_at is not None:
        return None
    return user


def auth_of(request: Request) -> Auth:
    auth: Auth = request.app.state.auth
    return auth


async def read_form(request: Request) -> FormData:
    """The body of an HTML form post, refused unless its CSRF token matches the cookie."""
    form = await read_draft(request)
    if not _token_matches(request, form):
        raise CsrfFailed(_("Your form expired. Please reload the page and try again."))
    return form


async def read_draft(request: Request) -> FormData:
    """A form with typed text, read before its token is checked (`check_draft_token`) so that
    a refusal can show the form again with the text in it."""
    # Malformed bodies raise Starlette's HTTPException (400/413), answered by the app's handler.
    return await request.form(max_files=0, max_fields=50, max_part_size=64 * 1024)


def check_draft_token(request: Request, form: FormData) -> None:
    if not _token_matches(request, form):
        raise CsrfFailed(
            _("Your form expired, so nothing was sent. Your text is kept: send it again.")
        )


def _token_matches(request: Request, form: FormData) -> bool:
    submitted = form.get(CSRF_FIELD)
    cookie = request.cookies.get(CSRF_COOKIE)
    return (
        isinstance(submitted, str)
        and bool(cookie)
        and hmac.compare_digest(_raw(submitted), _raw(cookie or ""))
        and auth_of(request).csrf_token_valid(cookie)
    )


def form_text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""
