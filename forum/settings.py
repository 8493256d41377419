"""Every default of the product in one place, overridable from the environment or a `.env` file.

The names of the operational variables are fixed by API.md (Operations); the product rules carry
a `PEERDESK_` prefix and are documented in the README.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

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


def _flag(value: str) -> bool:
    return value.strip().lower() not in {"0", "false", "no", "off", ""}


def _decimal(value: str, name: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{name} must be a decimal number, got {value!r}") from None
    if not number.is_finite() or number <= 0:
        raise ValueError(f"{name} must be positive, got {value!r}")
    return number


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


def _check_webhooks(values: dict[str, Any]) -> None:
    url = values.get("webhook_url", "")
    if url and not url.startswith(("http://", "https://")):
        raise ValueError("PEERDESK_WEBHOOK_URL must be an http:// or https:// URL")
    if url and not values.get("webhook_secret"):
        raise ValueError("PEERDESK_WEBHOOK_SECRET must be set with PEERDESK_WEBHOOK_URL")
    if values.get("webhook_max_attempts", 1) < 1 or values.get("webhook_timeout_seconds", 1) < 1:
        raise ValueError("PEERDESK_WEBHOOK_MAX_ATTEMPTS and _TIMEOUT_SECONDS must be at least 1")


def _check_mail(values: dict[str, Any]) -> None:
    if values.get("smtp_security", "starttls") not in ("starttls", "ssl", "none"):
        raise ValueError("PEERDESK_SMTP_SECURITY must be starttls, ssl or none")
    if not str(values.get("base_url", "http://")).startswith(("http://", "https://")):
        raise ValueError("PEERDESK_BASE_URL must be an http:// or https:// URL")
    if values.get("mail_max_attempts", 1) < 1 or values.get("password_reset_minutes", 1) < 1:
        raise ValueError("PEERDESK_MAIL_MAX_ATTEMPTS and _PASSWORD_RESET_MINUTES must be >= 1")


def load_settings(**overrides: Any) -> Settings:
    env = _env()
    values: dict[str, Any] = {
        "database_url": env.get("DATABASE_URL", Settings.database_url),
        "secret_key": env.get("PEERDESK_SECRET_KEY", ""),
        "demo": _flag(env.get("PEERDESK_DEMO", "1")),
        "scheduler": _flag(env.get("PEERDESK_SCHEDULER", "1")),
        "rate_limits": _flag(env.get("PEERDESK_RATE_LIMITS", "1")),
        "trusted_proxies": tuple(
            p.strip() for p in env.get("PEERDESK_TRUSTED_PROXIES", "").split(",") if p.strip()
        ),
        "rate_limit_storage": env.get("PEERDESK_RATE_LIMIT_STORAGE", "memory://"),
        "max_body_bytes": int(env.get("PEERDESK_MAX_BODY_BYTES", str(Settings.max_body_bytes))),
        "password_hash_profile": env.get("PEERDESK_PASSWORD_HASH", "default"),
        "points_accept_answerer": int(env.get("PEERDESK_POINTS_ACCEPT_ANSWERER", "100")),
        "points_accept_asker": int(env.get("PEERDESK_POINTS_ACCEPT_ASKER", "5")),
        "points_kudos": int(env.get("PEERDESK_POINTS_KUDOS", "10")),
        "kudos_daily_cap": int(env.get("PEERDESK_KUDOS_DAILY_CAP", "200")),
        "payout_period": env.get("PEERDESK_PAYOUT_PERIOD", "monthly"),
        "currency": env.get("PEERDESK_CURRENCY", "EUR"),
        "point_value": _decimal(env.get("PEERDESK_POINT_VALUE", "0.01"), "PEERDESK_POINT_VALUE"),
        "threshold_cash": int(env.get("PEERDESK_THRESHOLD_CASH", "1000")),
        "threshold_credit": int(env.get("PEERDESK_THRESHOLD_CREDIT", "100")),
        "threshold_charity": int(env.get("PEERDESK_THRESHOLD_CHARITY", "100")),
        "two_approver_cents": int(env.get("PEERDESK_TWO_APPROVER_CENTS", "100000")),
        # At most 3,000: mark-paid writes 10 parameters a line, under the 32,766 of one statement.
        "payout_chunk": min(3000, max(1, int(env.get("PEERDESK_PAYOUT_CHUNK", "1000")))),
        "staff_contact_cost": _decimal(
            env.get("PEERDESK_STAFF_CONTACT_COST", "8.01"), "PEERDESK_STAFF_CONTACT_COST"
        ),
    }
    values["flag_threshold"] = max(1, int(env.get("PEERDESK_FLAG_THRESHOLD", "3")))
    values["flags_per_day"] = max(1, int(env.get("PEERDESK_FLAGS_PER_DAY", "5")))
    webhooks = {
        "webhook_url": env.get("PEERDESK_WEBHOOK_URL", ""),
        "webhook_secret": env.get("PEERDESK_WEBHOOK_SECRET", ""),
        "webhook_max_attempts": int(env.get("PEERDESK_WEBHOOK_MAX_ATTEMPTS", "8")),
        "webhook_backoff_seconds": int(env.get("PEERDESK_WEBHOOK_BACKOFF_SECONDS", "30")),
        "webhook_timeout_seconds": int(env.get("PEERDESK_WEBHOOK_TIMEOUT_SECONDS", "10")),
    }
    values.update(webhooks)
    mail = {
        "base_url": env.get("PEERDESK_BASE_URL", Settings.base_url).rstrip("/"),
        "mail_from": env.get("PEERDESK_MAIL_FROM", Settings.mail_from),
        "smtp_host": env.get("PEERDESK_SMTP_HOST", ""),
        "smtp_port": int(env.get("PEERDESK_SMTP_PORT", "587")),
        "smtp_username": env.get("PEERDESK_SMTP_USERNAME", ""),
        "smtp_password": env.get("PEERDESK_SMTP_PASSWORD", ""),
        "smtp_security": env.get("PEERDESK_SMTP_SECURITY", "starttls"),
        "smtp_timeout_seconds": int(env.get("PEERDESK_SMTP_TIMEOUT_SECONDS", "10")),
        "mail_max_attempts": int(env.get("PEERDESK_MAIL_MAX_ATTEMPTS", "8")),
        "mail_backoff_seconds": int(env.get("PEERDESK_MAIL_BACKOFF_SECONDS", "60")),
        "password_reset_minutes": int(env.get("PEERDESK_PASSWORD_RESET_MINUTES", "60")),
    }
    values.update(mail)
    if "PEERDESK_RANKS" in env:
        values["ranks"] = _ranks(env["PEERDESK_RANKS"])
    if values.get("payout_period", "monthly") not in ("monthly", "semiannual"):
        raise ValueError("PEERDESK_PAYOUT_PERIOD must be monthly or semiannual")
    values.update(overrides)
    _check_webhooks(values)
    _check_mail(values)
    if not values["secret_key"]:
        values["secret_key"] = _secret_key("")
    return Settings(**values)


RANK_NAMES = ("helper", "expert", "guru")


def _ranks(value: str) -> tuple[tuple[str, int, int], ...]:
    """ "helper:50:1,expert:500:10,guru:2000:50": each rank's points and accepted answers."""
    ranks = []
    for part in value.split(","):
        name, _, rest = part.strip().partition(":")
        points, _, accepted = rest.partition(":")
        if name not in RANK_NAMES or not points.isdecimal() or not accepted.isdecimal():
            raise ValueError(
                "PEERDESK_RANKS must be like helper:50:1,expert:500:10,guru:2000:50 "
                f"(names from {', '.join(RANK_NAMES)}); got {part.strip()!r}"
            )
        ranks.append((name, int(points), int(accepted)))
    if [r[0] for r in ranks] != [n for n in RANK_NAMES if n in {r[0] for r in ranks}]:
        raise ValueError("PEERDESK_RANKS must list its ranks lowest first: helper, expert, guru")
    return tuple(ranks)


def _with_param(url: str, name: str, value: object) -> str:
    """`url` with the query parameter `name=value`, unless it already sets `name`."""
    if f"{name}=" in url:
        return url
    return f"{url}{'&' if '?' in url else '?'}{name}={value}"


# How long a SQLite write waits for another process's write lock before it gives up.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def tortoise_config(database_url: str) -> dict[str, Any]:
    """Relative SQLite paths are anchored at the project folder, whatever the working folder.
    SQLite runs on forum.sqlite_client (transactions begin IMMEDIATE) with a busy timeout."""
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
        connection = database_url
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
    if not isinstance(connection, dict):
        return None
    path = str(connection["credentials"]["file_path"])
    return None if path == ":memory:" else path
