"""Every default of the product in one place, overridable from the environment or a `.env` file.

The names of the operational variables are fixed by API.md (Operations); the product rules carry
a `PEERDESK_` prefix and are documented in the README.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from ipaddress import ip_network
from pathlib import Path
from typing import Any

from limits import parse as parse_rate
from tortoise.backends.base.config_generator import expand_db_url

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / "var"


def _read_dotenv(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


def _env() -> dict[str, str]:
    merged = _read_dotenv(ROOT / ".env")
    merged.update(os.environ)
    return merged


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def _flag(value: str) -> bool:
    word = value.strip().lower()
    if word not in _TRUE | _FALSE:
        raise ValueError("must be 1 or 0 (true/false, yes/no, on/off)")
    return word in _TRUE


def _secret_key(given: str) -> str:
    if given:
        return given
    path = VAR_DIR / "secret_key"
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key)
    return key


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite://var/peerdesk.sqlite3"
    secret_key: str = ""
    demo: bool = True
    scheduler: bool = True
    rate_limits: bool = True
    trusted_proxies: tuple[str, ...] = ()
    # Who may read /metrics: these addresses or networks, or whoever holds the token.
    metrics_allow: tuple[str, ...] = ("127.0.0.1", "::1")
    metrics_token: str = ""
    # "text" or "json" (one JSON object a line) for the application's log.
    log_format: str = "text"
    rate_limit_storage: str = "memory://"
    # Requests larger than this are refused with 413 before they reach a handler.
    max_body_bytes: int = 256 * 1024
    # "default" is argon2's recommended cost; "cheap" exists for the test suite and bulk seeding.
    password_hash_profile: str = "default"
    session_max_age_seconds: int = 14 * 24 * 3600
    staff_accept_after_days: int = 7
    page_size: int = 20
    locales: tuple[str, ...] = ("en", "nl")
    payout_methods: tuple[str, ...] = ("credit", "cash", "charity")
    # Points (PRODUCT.md §2): awards and the daily cap on kudos-derived points (UTC day).
    points_accept_answerer: int = 100
    points_accept_asker: int = 5
    points_kudos: int = 10
    kudos_daily_cap: int = 200
    # Payouts (PRODUCT.md §3): "monthly" or "semiannual" periods, the value of a point, the
    # threshold of each method in points, and the batch amount (cents) that needs two approvers.
    payout_period: str = "monthly"
    currency: str = "EUR"
    point_value: Decimal = Decimal("0.01")
    threshold_cash: int = 1000
    threshold_credit: int = 100
    threshold_charity: int = 100
    two_approver_cents: int = 100_000
    # The report's deflection estimate: what one staff contact would have cost.
    staff_contact_cost: Decimal = Decimal("8.01")
    # Fraud signals: a "very new" account and what it may earn in a period before it is held.
    fraud_new_account_days: int = 30
    fraud_new_account_points: int = 500
    fraud_fast_accept_seconds: int = 60
    # Serial kudos: this share (percent) of a member's kudos points in the period from one giver
    # who gave at least `fraud_serial_kudos_min`; reciprocal accepting: each accepted at least
    # `fraud_reciprocal_min` of the other's answers.
    fraud_serial_kudos_percent: int = 50
    fraud_serial_kudos_min: int = 10
    fraud_reciprocal_min: int = 3
    # Escalations (PRODUCT.md §4): the staff first-response SLA, when a member may ask staff,
    # how old an unanswered question may be to escalate, open claims per staff member, and the
    # words that make a question urgent (matched as whole words, any case).
    first_response_hours: int = 4
    ask_staff_after_hours: int = 24
    unanswered_max_age_days: int = 7
    max_claims: int = 10
    urgent_keywords: tuple[str, ...] = (
        "fraud", "fraude", "stolen", "gestolen", "hacked", "gehackt", "scam", "oplichting",
    )  # fmt: skip
    # Members per transaction of the close and of mark-paid.
    payout_chunk: int = 1000
    # The asker of an answered, unsolved question is reminded to accept after this many days.
    remind_accept_after_days: int = 3
    # Flood control (PRODUCT.md §1; forum.ratelimits): windows in the `limits` notation, all of
    # which must have room.
    rate_posts: tuple[str, ...] = ("5/30 seconds", "50/hour")
    rate_kudos: tuple[str, ...] = ("50/minute",)
    rate_login_failures: tuple[str, ...] = ("10/15 minutes",)
    rate_registrations: tuple[str, ...] = ("3/day",)
    rate_password_resets: tuple[str, ...] = ("5/hour",)
    rate_confirmation_mails: tuple[str, ...] = ("3/hour",)
    # Flags (PRODUCT.md §1): open flags by different members that hide a post, and how many posts
    # a member may flag a UTC day.
    flag_threshold: int = 3
    flags_per_day: int = 5
    # Webhooks (PRODUCT.md §4): the receiver's URL (empty: no events are written) and the secret
    # that signs them; a failed attempt is retried after backoff * 2^(attempt - 1) seconds, up to
    # `webhook_max_attempts` attempts, each given `webhook_timeout_seconds` to answer.
    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_max_attempts: int = 8
    webhook_backoff_seconds: int = 30
    webhook_timeout_seconds: int = 10
    # E-mail: the site's address as links in mails name it, the sender, and the SMTP server
    # (no host: each mail is written to the log instead). `smtp_security` is "starttls", "ssl"
    # or "none". A failed mail is retried like a webhook, up to `mail_max_attempts` attempts.
    base_url: str = "http://127.0.0.1:8000"
    mail_from: str = "Peerdesk <noreply@peerdesk.localhost>"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_security: str = "starttls"
    smtp_timeout_seconds: int = 10
    mail_max_attempts: int = 8
    mail_backoff_seconds: int = 60
    # How long a password reset link works.
    password_reset_minutes: int = 60
    # Ranks above "new", lowest first: (name, lifetime points earned, accepted answers), both
    # needed. PEERDESK_RANKS="helper:50:1,expert:500:10,guru:2000:50".
    ranks: tuple[tuple[str, int, int], ...] = (
        ("helper", 50, 1), ("expert", 500, 10), ("guru", 2000, 50),
    )  # fmt: skip
    extra: dict[str, Any] = field(default_factory=dict)

    def threshold(self, method: str) -> int:
        return int(getattr(self, f"threshold_{method}"))

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


_active: list[Settings] = []


def configure(settings: Settings) -> None:
    """Make `settings` the process's settings (the app factory and the CLI call this)."""
    _active[:] = [settings]


def get_settings() -> Settings:
    """The active settings: those of the running app, else the environment's."""
    if not _active:
        _active.append(load_settings())
    return _active[0]


class SettingError(ValueError):
    """A setting Peerdesk cannot use: the message names the variable. Start-up stops on it."""


@dataclass(frozen=True)
class Variable:
    """One environment variable: the Settings field it sets, how its text is read (a ValueError
    says what is wrong), and what it means (the README's settings table is made from these)."""

    name: str
    field: str
    read: Callable[[str], Any]
    meaning: str
    shown_default: str = ""  # when the field's default does not say it (a generated key)


# No rule needs more, and a timedelta of it (in days) still fits: a typo is not 3,000 years.
_MOST = 1_000_000_000
_MOST_DAYS = 36_500
_MOST_HOURS = 24 * _MOST_DAYS


def _whole(low: int = 0, high: int = _MOST) -> Callable[[str], int]:
    def read(text: str) -> int:
        try:
            number = int(text.strip())
        except ValueError:
            raise ValueError("must be a whole number") from None
        if number < low:
            raise ValueError(f"must be at least {low}")
        if number > high:
            raise ValueError(f"must be from {low} to {high}")
        return number

    return read


def _positive_decimal(text: str) -> Decimal:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError("must be a decimal number") from None
    if not number.is_finite() or number <= 0:
        raise ValueError("must be positive")
    return number


def _one_of(*choices: str) -> Callable[[str], str]:
    def read(text: str) -> str:
        if text.strip() not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}")
        return text.strip()

    return read


def _text(text: str) -> str:
    return text.strip()


def _url(text: str) -> str:
    text = text.strip().rstrip("/")
    if text and not text.startswith(("http://", "https://")):
        raise ValueError("must be an http:// or https:// URL")
    return text


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split(",") if w.strip())


def _networks(text: str) -> tuple[str, ...]:
    networks = _words(text)
    for network in networks:
        try:
            ip_network(network, strict=False)
        except ValueError:
            raise ValueError(f"must list addresses or networks: {network!r} is neither") from None
    return networks


def _some_words(text: str) -> tuple[str, ...]:
    words = _words(text)
    if not words:
        raise ValueError("must name at least one word")
    return tuple(w.lower() for w in words)


def _rates(text: str) -> tuple[str, ...]:
    """Flood-control windows in the `limits` notation: "5/30 seconds,50/hour"."""
    windows = _words(text)
    if not windows:
        raise ValueError('must give at least one window, like "5/30 seconds,50/hour"')
    for window in windows:
        try:
            parse_rate(window)
        except ValueError:
            raise ValueError(
                f'must hold windows like "5/30 seconds": {window!r} is not one'
            ) from None
    return windows


def _ranks(value: str) -> tuple[tuple[str, int, int], ...]:
    """ "helper:50:1,expert:500:10,guru:2000:50": each rank's points and accepted answers."""
    ranks = []
    for part in value.split(","):
        name, _, rest = part.strip().partition(":")
        points, _, accepted = rest.partition(":")
        if name not in RANK_NAMES or not points.isdecimal() or not accepted.isdecimal():
            raise ValueError(
                "must be like helper:50:1,expert:500:10,guru:2000:50 "
                f"(names from {', '.join(RANK_NAMES)}); got {part.strip()!r}"
            )
        ranks.append((name, int(points), int(accepted)))
    if [r[0] for r in ranks] != [n for n in RANK_NAMES if n in {r[0] for r in ranks}]:
        raise ValueError("must list its ranks lowest first: helper, expert, guru")
    return tuple(ranks)


RANK_NAMES = ("helper", "expert", "guru")
_P = "PEERDESK_"
# Every variable Peerdesk reads, in the README's order.
VARIABLES: tuple[Variable, ...] = (
    Variable("DATABASE_URL", "database_url", _text,
             "any Tortoise URL; `postgres://user:pass@host:5432/db` for PostgreSQL"),
    Variable(_P + "SECRET_KEY", "secret_key", _text,
             "signs sessions and CSRF tokens; every host of a deployment needs the same",
             shown_default="generated once and kept in `var/secret_key`"),
    Variable(_P + "DEMO", "demo", _flag,
             "`1`: on first start, fill an empty database with the demo community; `0`: only "
             "the default boards"),
    Variable(_P + "SCHEDULER", "scheduler", _flag, "`0`: this process runs no scheduled jobs"),
    Variable(_P + "RATE_LIMITS", "rate_limits", _flag,
             "`0`: flood control off (load tests, imports)"),
    Variable(_P + "TRUSTED_PROXIES", "trusted_proxies", _words,
             "comma-separated addresses whose `X-Forwarded-For` (and `X-Forwarded-Proto`) are "
             "believed"),
    Variable(_P + "METRICS_ALLOW", "metrics_allow", _networks,
             "comma-separated addresses or networks (`10.0.0.0/8`) that may read `/metrics`; "
             "anyone else gets 404"),
    Variable(_P + "METRICS_TOKEN", "metrics_token", _text,
             "a bearer token that may read `/metrics` from anywhere (`Authorization: Bearer …`); "
             "empty: none"),
    Variable(_P + "LOG_FORMAT", "log_format", _one_of("text", "json"),
             "`json`: the log as one JSON object a line (each request's line with its request "
             "id)"),
    Variable(_P + "RATE_LIMIT_STORAGE", "rate_limit_storage", _text,
             "where flood-control counts live; `redis://host:6379/0` to share them across "
             "processes"),
    Variable(_P + "MAX_BODY_BYTES", "max_body_bytes", _whole(1024),
             "larger request bodies are refused with 413"),
    Variable(_P + "PASSWORD_HASH", "password_hash_profile", _one_of("default", "cheap"),
             "`cheap` lowers argon2's cost: for tests and load tests only"),
    Variable(_P + "SESSION_MAX_AGE_SECONDS", "session_max_age_seconds", _whole(60),
             "how long a login lasts"),
    Variable(_P + "PASSWORD_RESET_MINUTES", "password_reset_minutes", _whole(1, 60 * _MOST_HOURS),
             "how long a password reset link works"),
    # Questions and answers
    Variable(_P + "STAFF_ACCEPT_AFTER_DAYS", "staff_accept_after_days", _whole(0, _MOST_DAYS),
             "staff may accept an answer on a question older than this"),
    Variable(_P + "REMIND_ACCEPT_AFTER_DAYS", "remind_accept_after_days", _whole(1, 29),
             "the asker of an answered, unsolved question is reminded to accept after this"),
    Variable(_P + "FLAG_THRESHOLD", "flag_threshold", _whole(1),
             "flags by different members that hide a post for review"),
    Variable(_P + "FLAGS_PER_DAY", "flags_per_day", _whole(1),
             "posts a member may flag per UTC day"),
    Variable(_P + "RANKS", "ranks", _ranks,
             "the ranks above New member, lowest first: each needs its lifetime points earned "
             "and accepted answers"),
    # Flood control
    Variable(_P + "RATE_POSTS", "rate_posts", _rates,
             "how often a member may post (questions and answers): every window must have room"),
    Variable(_P + "RATE_KUDOS", "rate_kudos", _rates, "how often a member may give kudos"),
    Variable(_P + "RATE_LOGIN_FAILURES", "rate_login_failures", _rates,
             "failed logins of one account from one address before that address is refused "
             "for it"),
    Variable(_P + "RATE_REGISTRATIONS", "rate_registrations", _rates,
             "sign-ups from one address"),
    Variable(_P + "RATE_PASSWORD_RESETS", "rate_password_resets", _rates,
             "password reset links asked for from one address"),
    Variable(_P + "RATE_CONFIRMATION_MAILS", "rate_confirmation_mails", _rates,
             "address confirmation mails a member may ask for again"),
    # Escalations
    Variable(_P + "FIRST_RESPONSE_HOURS", "first_response_hours", _whole(1, _MOST_HOURS),
             "staff's first-response SLA: an item is breached this long after it opened"),
    Variable(_P + "ASK_STAFF_AFTER_HOURS", "ask_staff_after_hours", _whole(0, _MOST_HOURS),
             "the asker may press \"Ask staff\" on an unsolved question this old"),
    Variable(_P + "UNANSWERED_MAX_AGE_DAYS", "unanswered_max_age_days", _whole(1, _MOST_DAYS),
             "an unanswered question older than this no longer escalates"),
    Variable(_P + "MAX_CLAIMS", "max_claims", _whole(1),
             "open claims a staff member may hold at once"),
    Variable(_P + "URGENT_KEYWORDS", "urgent_keywords", _some_words,
             "comma-separated words that make a question urgent (whole words, any case)"),
    # Points
    Variable(_P + "POINTS_ACCEPT_ANSWERER", "points_accept_answerer", _whole(0),
             "points for the author of an accepted answer"),
    Variable(_P + "POINTS_ACCEPT_ASKER", "points_accept_asker", _whole(0),
             "points for the asker who accepts an answer (closing the loop)"),
    Variable(_P + "POINTS_KUDOS", "points_kudos", _whole(0), "points per kudos received"),
    Variable(_P + "KUDOS_DAILY_CAP", "kudos_daily_cap", _whole(0),
             "most kudos points a member earns per UTC day (accept awards are exempt)"),
    # Payouts
    Variable(_P + "PAYOUT_PERIOD", "payout_period", _one_of("monthly", "semiannual"),
             "`semiannual`: giffgaff's periods, 1 Dec to 31 May (`2027-H1`) and 1 Jun to 30 Nov "
             "(`2026-H2`)"),
    Variable(_P + "POINT_VALUE", "point_value", _positive_decimal,
             "the value of one point in the currency (any decimal, e.g. `0.0037`)"),
    Variable(_P + "CURRENCY", "currency", _text, "the currency of payouts"),
    Variable(_P + "THRESHOLD_CASH", "threshold_cash", _whole(1),
             "the balance (points) a member needs at the cut-off to be paid in cash"),
    Variable(_P + "THRESHOLD_CREDIT", "threshold_credit", _whole(1),
             "the same for airtime credit"),
    Variable(_P + "THRESHOLD_CHARITY", "threshold_charity", _whole(1), "the same for charity"),
    Variable(_P + "TWO_APPROVER_CENTS", "two_approver_cents", _whole(0),
             "a batch paying more than this (in cents) needs two different approvers"),
    Variable(_P + "STAFF_CONTACT_COST", "staff_contact_cost", _positive_decimal,
             "what one staff contact costs: the report's deflection estimate"),
    # At most 3,000: mark-paid writes 10 parameters a line, under the 32,766 of one statement.
    Variable(_P + "PAYOUT_CHUNK", "payout_chunk", _whole(1, 3000),
             "members per transaction when closing a period or marking a batch paid"),
    # Fraud signals
    Variable(_P + "FRAUD_NEW_ACCOUNT_DAYS", "fraud_new_account_days", _whole(0, _MOST_DAYS),
             "an account younger than this at the cut-off is very new"),
    Variable(_P + "FRAUD_NEW_ACCOUNT_POINTS", "fraud_new_account_points", _whole(0),
             "a very new account that earned more than this in the period is held"),
    Variable(_P + "FRAUD_FAST_ACCEPT_SECONDS", "fraud_fast_accept_seconds", _whole(0),
             "an answer accepted within this of being posted holds its author's line"),
    Variable(_P + "FRAUD_SERIAL_KUDOS_PERCENT", "fraud_serial_kudos_percent", _whole(1, 100),
             "a member who got this share of their kudos points in the period from one giver "
             "is held (serial kudos)"),
    Variable(_P + "FRAUD_SERIAL_KUDOS_MIN", "fraud_serial_kudos_min", _whole(1),
             "…when that giver gave at least this many kudos"),
    Variable(_P + "FRAUD_RECIPROCAL_MIN", "fraud_reciprocal_min", _whole(1),
             "two members who each accepted at least this many of the other's answers in the "
             "period are held (reciprocal accepting)"),
    # Webhooks
    Variable(_P + "WEBHOOK_URL", "webhook_url", _url,
             "the webhook receiver (`http://` or `https://`); empty: no events are written"),
    Variable(_P + "WEBHOOK_SECRET", "webhook_secret", _text,
             "signs webhook bodies; required with a URL"),
    Variable(_P + "WEBHOOK_MAX_ATTEMPTS", "webhook_max_attempts", _whole(1),
             "attempts before a delivery is marked failed"),
    Variable(_P + "WEBHOOK_BACKOFF_SECONDS", "webhook_backoff_seconds", _whole(1, 86_400),
             "the wait after the first failed attempt; it doubles after each"),
    Variable(_P + "WEBHOOK_TIMEOUT_SECONDS", "webhook_timeout_seconds", _whole(1),
             "how long the receiver has to answer an attempt"),
    # Mail
    Variable(_P + "BASE_URL", "base_url", _url,
             "the site's address, as links in e-mails name it"),
    Variable(_P + "MAIL_FROM", "mail_from", _text, "the sender of e-mails"),
    Variable(_P + "SMTP_HOST", "smtp_host", _text,
             "the SMTP server; empty: every mail is written to the log (logger "
             "`forum.actions.mail`) instead"),
    Variable(_P + "SMTP_PORT", "smtp_port", _whole(1, 65535), "its port"),
    Variable(_P + "SMTP_SECURITY", "smtp_security", _one_of("starttls", "ssl", "none"),
             "`starttls`, `ssl` (implicit TLS, usually port 465) or `none`"),
    Variable(_P + "SMTP_USERNAME", "smtp_username", _text,
             "log in to the server when a username is given"),
    Variable(_P + "SMTP_PASSWORD", "smtp_password", _text, "the password for that"),
    Variable(_P + "SMTP_TIMEOUT_SECONDS", "smtp_timeout_seconds", _whole(1),
             "how long the server has to answer"),
    Variable(_P + "MAIL_MAX_ATTEMPTS", "mail_max_attempts", _whole(1),
             "attempts before a mail is marked failed"),
    Variable(_P + "MAIL_BACKOFF_SECONDS", "mail_backoff_seconds", _whole(1, 86_400),
             "the wait after the first failed attempt; it doubles after each (at most 6 hours)"),
)  # fmt: skip


def load_settings(**overrides: Any) -> Settings:
    """The settings of the environment (and `.env`), with `overrides` for tests. A variable
    Peerdesk cannot use raises SettingError naming it."""
    env = _env()
    values: dict[str, Any] = {}
    for variable in VARIABLES:
        # A text override is read as the variable's text would be (a test's webhook URL).
        given = overrides.get(variable.field, env.get(variable.name))
        if isinstance(given, str):
            try:
                values[variable.field] = variable.read(given)
            except ValueError as exc:
                raise SettingError(f"{variable.name} {exc} (it is {given!r}).") from None
    values.update({k: v for k, v in overrides.items() if not isinstance(v, str)})
    if values.get("webhook_url") and not values.get("webhook_secret"):
        raise SettingError(f"{_P}WEBHOOK_SECRET must be set with {_P}WEBHOOK_URL.")
    if not values.get("secret_key"):
        values["secret_key"] = _secret_key("")
    return Settings(**values)


def default_text(variable: Variable) -> str:
    """The default as one would write it in the environment."""
    if variable.shown_default:
        return variable.shown_default
    value = getattr(Settings, variable.field)  # every variable's field has a plain default
    if isinstance(value, bool):
        return "`1`" if value else "`0`"
    if isinstance(value, tuple):
        value = ",".join(":".join(map(str, v)) if isinstance(v, tuple) else v for v in value)
    return f"`{value}`" if str(value) else "empty"


def settings_table() -> str:
    """The README's table of every variable (tests/test_readme.py keeps them the same)."""
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for variable in VARIABLES:
        rows.append(f"| `{variable.name}` | {default_text(variable)} | {variable.meaning} |")
    return "\n".join(rows) + "\n"


def _with_param(url: str, name: str, value: object) -> str:
    """`url` with the query parameter `name=value`, unless it already sets `name`."""
    if f"{name}=" in url:
        return url
    return f"{url}{'&' if '?' in url else '?'}{name}={value}"


# How long a SQLite write waits for another process's write lock before it gives up.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def tortoise_config(database_url: str) -> dict[str, Any]:
    """Relative SQLite paths are anchored at the project folder, whatever the working folder.
    SQLite runs on forum.sqlite_client (transactions begin IMMEDIATE) with a busy timeout;
    PostgreSQL on forum.postgres_client (connections released without a reset script)."""
    connection: str | dict[str, Any] = database_url
    if database_url.startswith("sqlite://") and not database_url.startswith("sqlite://:memory:"):
        path = database_url.removeprefix("sqlite://")
        if not path.startswith("/"):
            database_url = f"sqlite://{ROOT / path}"
        # WAL with synchronous=NORMAL: a commit survives any crash of the app and stays atomic;
        # only a power cut can lose the last commits (never half of one). It saves an fsync per
        # write, which is most of a write's time on SQLite.
        database_url = _with_param(database_url, "synchronous", "NORMAL")
        # Keep the WAL file between checkpoints (it grows to about 4 MB, SQLite's default of
        # 1000 pages) instead of Tortoise's 16 KB, which truncates it after every checkpoint
        # only for the next writes to grow it again. Durability is unchanged.
        database_url = _with_param(database_url, "journal_size_limit", 8 * 1024 * 1024)
    if database_url.startswith("sqlite://"):
        database_url = _with_param(database_url, "busy_timeout", SQLITE_BUSY_TIMEOUT_MS)
        connection = {**expand_db_url(database_url), "engine": "forum.sqlite_client"}
    if database_url.startswith(("postgres://", "postgresql://", "asyncpg://")):
        if "maxsize=" not in database_url:
            # asyncpg's default of 5 connections queues a worker's concurrent writes.
            joiner = "&" if "?" in database_url else "?"
            database_url = f"{database_url}{joiner}minsize=1&maxsize=10"
        connection = {**expand_db_url(database_url), "engine": "forum.postgres_client"}
    return {
        "connections": {"default": connection},
        "apps": {
            "forum": {
                "models": ["forum.models"],
                "default_connection": "default",
                "migrations": "forum.migrations",
            },
            "rewards": {
                "models": ["rewards.models"],
                "default_connection": "default",
                "migrations": "rewards.migrations",
            },
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# Read by the `tortoise` command line (makemigrations, sqlmigrate) through pyproject.toml.
TORTOISE_ORM = tortoise_config(os.environ.get("DATABASE_URL", Settings.database_url))


def ensure_database_dir(config: dict[str, Any]) -> None:
    """SQLite creates the file but not its folder (by default `var/`)."""
    path = sqlite_path(config)
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def sqlite_path(config: dict[str, Any]) -> str | None:
    """The file of a SQLite database (None for PostgreSQL or an in-memory one)."""
    connection = config["connections"]["default"]
    if not isinstance(connection, dict) or "file_path" not in connection["credentials"]:
        return None
    path = str(connection["credentials"]["file_path"])
    return None if path == ":memory:" else path
