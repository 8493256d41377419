"""E-mail (PRODUCT.md §1): the outbox, the notifications it turns into mails, and delivery over
SMTP, or into the log when no SMTP server is configured.

Invariants: a mail is a `mails` row under a UNIQUE key naming what it is for, written in the
transaction that decides it (a reset with its token; a batch of notifications with their
`mailed_at`), so a job that runs twice, or in two processes, writes it once. Delivery holds the
row's lease (forum/outbox.py) and is at least once: a sender that dies after the SMTP server took
a message sends it again when its lease runs out, with the same Message-ID, so that the copy can
be recognised. A body holding a secret is blanked once sent (or given up); a reset link that can no
longer be used is not sent at all.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from tortoise.transactions import in_transaction

from forum.actions.badges import badge_name
from forum.clock import resolve
from forum.db import fetch_dicts, in_list, insert_rows, is_postgres
from forum.errors import Conflict
from forum.i18n import gettext, ngettext, speaking
from forum.models import DeliveryState, EmailChange, Mail, PasswordReset, User
from forum.outbox import retry_failed, settle, take_lease
from forum.permissions import require_mail
from forum.settings import ROOT, Settings, get_settings

log = logging.getLogger(__name__)

# Plain text: nothing is HTML-escaped. Mails are rendered in their recipient's language.
_env = Environment(
    loader=FileSystemLoader(str(ROOT / "templates")),
    autoescape=False,  # noqa: S701 (plain-text mail, not HTML)
    undefined=StrictUndefined,
    extensions=["jinja2.ext.i18n"],
    auto_reload=False,
)
_env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
_env.globals["badge_name"] = badge_name

_COLUMNS = ("key", "user_id", "to_address", "subject", "body", "redact", "state", "attempts",
            "next_attempt_at", "sent_via", "last_error", "created_at")  # fmt: skip


@dataclass(frozen=True)
class Letter:
    """A mail to write: for `user_id` at `to_address`, under `key`."""

    key: str
    user_id: int
    to_address: str
    subject: str
    body: str
    redact: bool = False


def render(template: str, locale: str, **context: Any) -> tuple[str, str]:
    """(subject, body) of templates/mail/<template>.txt in `locale`: its first line is the
    subject, the rest (after a blank line) the body."""
    with speaking(locale):
        text = _env.get_template(f"mail/{template}.txt").render(
            base_url=get_settings().base_url, **context
        )
    subject, _, body = text.strip().partition("\n")
    return " ".join(subject.split())[:200], body.strip() + "\n"


async def enqueue(letters: Sequence[Letter], *, now: datetime) -> None:
    """Write these mails in the caller's transaction; a key already written stays as it is."""
    rows = [
        (
            m.key,
            m.user_id,
            m.to_address,
            m.subject,
            m.body,
            m.redact,
            "pending",
            0,
            now,
            "",
            "",
            now,
        )
        for m in letters
    ]
    await insert_rows("mails", _COLUMNS, rows, skip_existing="key")


# The next notifications not yet looked at by this job, with what their mail needs.
_UNMAILED = """
SELECT n.id AS id, n.kind AS kind, n.question_id AS question_id, n.answer_id AS answer_id,
       n.points AS points, n.period AS period, n.badge AS badge, n.user_id AS user_id,
       u.email AS email,
       u.locale AS locale, u.username AS username, u.display_name AS display_name,
       u.email_notifications AS wanted, u.email_confirmed_at AS confirmed, q.title AS title
FROM notifications n
JOIN users u ON u.id = n.user_id
LEFT JOIN questions q ON q.id = n.question_id
WHERE n.mailed_at IS NULL
ORDER BY n.id LIMIT ? {lock}
"""
_MARK_MAILED = "UPDATE notifications SET mailed_at = ? WHERE mailed_at IS NULL AND id IN {ids}"
MAIL_BATCH = 200


async def try_mail_one_batch(now: datetime | None = None) -> int:
    """Turn the next batch of notifications into mails (for members who want them and have a
    confirmed address): how many notifications were looked at."""
    now = resolve(now)
    async with in_transaction() as conn:
        lock = "FOR UPDATE OF n SKIP LOCKED" if is_postgres(conn) else ""
        rows = await fetch_dicts(_UNMAILED.format(lock=lock), [MAIL_BATCH])
        if not rows:
            return 0
        letters = []
        for row in rows:
            if not row["wanted"] or not row["email"] or row["confirmed"] is None:
                continue
            subject, body = render(
                "notification",
                str(row["locale"]),
                n=row,
                name=row["display_name"] or row["username"],
            )
            letters.append(
                Letter(
                    f"notification:{row['id']}", int(row["user_id"]), row["email"], subject, body
                )
            )
        await enqueue(letters, now=now)
        ids = [int(r["id"]) for r in rows]
        await fetch_dicts(_MARK_MAILED.format(ids=in_list(len(ids))), [now, *ids])
    return len(rows)


def _message(row: dict[str, Any], settings: Settings, now: datetime) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = str(row["to_address"])
    message["Subject"] = str(row["subject"])
    message["Date"] = formatdate(now.timestamp(), usegmt=True)
    # The same on every attempt: a copy sent after a crash is recognisable as one.
    host = urlsplit(settings.base_url).hostname or "peerdesk.localhost"
    message["Message-ID"] = f"<mail.{row['id']}@{host}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(str(row["body"]))
    return message


def _smtp_send(message: EmailMessage, settings: Settings) -> None:
    """Hand one message to the SMTP server (blocking: runs in a worker thread)."""
    timeout = settings.smtp_timeout_seconds
    client: smtplib.SMTP
    if settings.smtp_security == "ssl":
        client = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=timeout,
            context=ssl.create_default_context(),
        )  # fmt: skip
    else:
        client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    with client:
        if settings.smtp_security == "starttls":
            client.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            client.login(settings.smtp_username, settings.smtp_password)
        client.send_message(message)


async def _send(row: dict[str, Any], now: datetime) -> tuple[str, str, bool]:
    """(via, error, final) of one attempt; error is empty when the mail went out, and `final`
    when no retry can help (the server refused every recipient for good)."""
    settings = get_settings()
    message = _message(row, settings, now)
    if not settings.smtp_host:
        log.info(
            "mail (no SMTP server configured)\nTo: %s\nSubject: %s\n\n%s",
            row["to_address"], row["subject"], row["body"],
        )  # fmt: skip
        return "log", "", False
    try:
        await asyncio.to_thread(_smtp_send, message, settings)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        return "smtp", f"recipient refused: {exc.recipients}", all(c >= 500 for c in codes)
    except (smtplib.SMTPException, OSError) as exc:
        return "smtp", f"{type(exc).__name__}: {exc}", False
    except Exception as exc:  # anything else must count as an attempt, or the row blocks the rest
        log.exception("mail %s could not be sent", row["id"])
        return "smtp", f"{type(exc).__name__}: {exc}", False
    return "smtp", "", False


@dataclass(frozen=True)
class Sent:
    mail_id: int
    delivered: bool
    state: DeliveryState


_LEASED = "id, key, to_address, subject, body, redact, attempts"


# The mails of one-time links, by the prefix of their key.
_LINKS: dict[str, type[PasswordReset] | type[EmailChange]] = {
    "password_reset": PasswordReset,
    "email_change": EmailChange,
    "email_confirm": EmailChange,
}


async def _spent_link(key: str, now: datetime) -> bool:
    """Whether `key` is the mail of a one-time link (a password reset, a change or confirmation
    of address) that can no longer be used."""
    kind, _, link_id = key.partition(":")
    model = _LINKS.get(kind)
    if model is None or not link_id.isdigit():
        return False
    usable = model.filter(id=int(link_id), used_at=None, expires_at__gt=now)
    return not await usable.exists()


async def try_send_one_mail(now: datetime | None = None) -> Sent | None:
    """Send the next due mail once; None when nothing is due."""
    now = resolve(now)
    settings = get_settings()
    token = secrets.token_hex(16)
    # Each of an exchange's steps (connect, EHLO, STARTTLS, login, MAIL, RCPT, DATA, QUIT) may
    # take the whole timeout.
    lease = timedelta(seconds=10 * settings.smtp_timeout_seconds)
    row = await take_lease("mails", _LEASED, token=token, now=now, lease=lease)
    if row is None:
        return None
    if await _spent_link(str(row["key"]), now):
        # A one-time link that expired (or was used, or replaced) while its mail waited, say
        # for an SMTP outage: sending it now would only send a dead link.
        via, error, final = "", "the link expired before it could be sent", True
    else:
        via, error, final = await _send(row, now)
    state, changes = settle(
        int(row["attempts"]) + 1,
        error,
        now=now,
        max_attempts=settings.mail_max_attempts,
        backoff_seconds=settings.mail_backoff_seconds,
        final=final,
    )
    changes["sent_via"] = via
    if state is not DeliveryState.PENDING and row["redact"]:
        changes["body"] = ""
    # Only while the lease is still ours: a sender whose lease ran out records nothing.
    await Mail.filter(id=row["id"], lease_token=token).update(state=state, **changes)
    return Sent(int(row["id"]), not error, state)


async def check_retry_mail(mail: Mail, *, acting_user: User, now: datetime | None = None) -> Mail:
    """An admin sends a failed mail again (say, after mending the SMTP settings), to the
    member's present address: the same Message-ID, a fresh set of attempts. Not a password
    reset mail: its link is not kept."""
    require_mail(acting_user)
    if mail.redact:
        # Its body (the link) is not kept once the mail failed, and a link is better new.
        raise Conflict(
            gettext("A mail with a one-time link is not sent again: the member can ask anew.")
        )
    async with in_transaction():
        if not await retry_failed("mails", mail.id, now=resolve(now)):
            raise Conflict(gettext("Only a failed mail can be retried."))
        # To the member's address as it is now: they may have mended a wrong one.
        member = await User.get(id=mail.user_id)  # type: ignore[attr-defined]
        if member.email:
            await Mail.filter(id=mail.id).update(to_address=member.email)
    await mail.refresh_from_db()
    return mail
