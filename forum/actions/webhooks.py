"""Webhooks (PRODUCT.md §4): the outbox, and its delivery to the configured receiver.

Invariants: an event is a `webhook_deliveries` row written in the transaction of the change it
announces, so a change that rolls back sends nothing; a sender first takes the row's lease with a
conditional update and records the attempt only while it still holds that lease, so two
processes never send one delivery at once; every attempt of a delivery carries the same event id
and body, signed with HMAC-SHA256 over "<timestamp>.<body>". A delivery that failed
`webhook_max_attempts` times is FAILED until an admin retries it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from forum.clock import resolve
from forum.db import as_datetime, fetch_dicts, in_list, insert_rows
from forum.errors import Conflict
from forum.i18n import gettext as _
from forum.models import DeliveryState, User, WebhookDelivery
from forum.outbox import retry_failed, settle, take_lease
from forum.permissions import require_webhooks
from forum.settings import get_settings

EVENTS = ("question.escalated", "escalation.claimed", "escalation.resolved", "sla.breached")
SIGNATURE_HEADER = "X-Peerdesk-Signature"
# The columns of an escalation that its events carry, as RETURNING or SELECT names them.
ESCALATION_COLUMNS = (
    "id, question_id, reason, state, opened_at, due_at, first_response_at, breached, "
    "breached_at, claimed_by_id, claimed_at, resolution, resolved_at, resolved_by_id, note"
)
_TIMES = ("opened_at", "due_at", "first_response_at", "breached_at", "claimed_at", "resolved_at")
_COLUMNS = ("event_id", "event", "payload", "url", "state", "attempts", "next_attempt_at",
            "last_error", "created_at")  # fmt: skip


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _iso(value: Any) -> str | None:
    return None if value is None else as_datetime(value).isoformat()


_USERS = "SELECT id, username FROM users WHERE id IN {ids}"
_QUESTIONS = """
SELECT q.id AS id, q.title AS title, b.slug AS board
FROM questions q JOIN boards b ON b.id = q.board_id
WHERE q.id IN {ids}
"""


async def _by_id(sql: str, ids: set[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = await fetch_dicts(sql.format(ids=in_list(len(ids))), sorted(ids))
    return {int(r["id"]): r for r in rows}


async def enqueue_escalation_events(
    event: str, items: Sequence[dict[str, Any]], *, now: datetime
) -> None:
    """One event per escalation row (ESCALATION_COLUMNS), in the caller's transaction; nothing at
    all while no receiver is configured."""
    settings = get_settings()
    if not settings.webhook_url or not items:
        return
    assert event in EVENTS
    staff_ids = {int(i[c]) for i in items for c in ("claimed_by_id", "resolved_by_id") if i[c]}
    users = await _by_id(_USERS, staff_ids)
    questions = await _by_id(_QUESTIONS, {int(i["question_id"]) for i in items})
    created = now.isoformat()
    rows = []
    for item in items:
        escalation = {k: item[k] for k in ("id", "question_id", "reason", "state", "resolution")}
        escalation.update({k: _iso(item[k]) for k in _TIMES})
        escalation["breached"] = bool(item["breached"])
        escalation["note"] = item["note"]
        for role in ("claimed_by", "resolved_by"):
            who = users.get(item[f"{role}_id"] or 0)
            escalation[role] = who["username"] if who else None
        question = questions.get(int(item["question_id"]), {})
        event_id = str(uuid.uuid4())
        payload = {
            "id": event_id,
            "type": event,
            "created_at": created,
            "data": {
                "escalation": escalation,
                "question": {
                    "id": item["question_id"],
                    "title": question.get("title"),
                    "board": question.get("board"),
                    "path": f"/questions/{item['question_id']}",
                },
            },
        }
        body = json.dumps(payload, separators=(",", ":"), sort_keys=True)
        rows.append([event_id, event, body, settings.webhook_url, "pending", 0, now, "", now])
    await insert_rows("webhook_deliveries", _COLUMNS, rows)


@dataclass(frozen=True)
class Attempt:
    delivery_id: int
    event_id: str
    delivered: bool
    state: DeliveryState


_LEASED = "id, event_id, event, payload, url, attempts"


async def _take(now: datetime, token: str) -> dict[str, Any] | None:
    lease = timedelta(seconds=3 * get_settings().webhook_timeout_seconds)
    return await take_lease("webhook_deliveries", _LEASED, token=token, now=now, lease=lease)


async def _post(
    row: dict[str, Any], now: datetime, client: httpx.AsyncClient
) -> tuple[int | None, str]:
    """(status, error) of one attempt; error is empty when the receiver answered 2xx."""
    settings = get_settings()
    body = str(row["payload"]).encode()
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Peerdesk-Webhooks/1",
        "X-Peerdesk-Event": str(row["event"]),
        "X-Peerdesk-Event-Id": str(row["event_id"]),
        "X-Peerdesk-Timestamp": timestamp,
        "X-Peerdesk-Attempt": str(int(row["attempts"]) + 1),
        SIGNATURE_HEADER: sign(settings.webhook_secret, timestamp, body),
    }
    try:
        response = await client.post(
            str(row["url"]), content=body, headers=headers, timeout=settings.webhook_timeout_seconds
        )
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    if 200 <= response.status_code < 300:
        return response.status_code, ""
    return response.status_code, f"HTTP {response.status_code}"


async def try_deliver_one_webhook(
    client: httpx.AsyncClient, now: datetime | None = None
) -> Attempt | None:
    """Send the next due delivery once; None when nothing is due."""
    now = resolve(now)
    token = secrets.token_hex(16)
    row = await _take(now, token)
    if row is None:
        return None
    status, error = await _post(row, now, client)
    settings = get_settings()
    state, changes = settle(
        int(row["attempts"]) + 1,
        error,
        now=now,
        max_attempts=settings.webhook_max_attempts,
        backoff_seconds=settings.webhook_backoff_seconds,
    )
    changes["last_status"] = status
    # Only while the lease is still ours: a sender whose lease ran out records nothing.
    await WebhookDelivery.filter(id=row["id"], lease_token=token).update(state=state, **changes)
    return Attempt(int(row["id"]), str(row["event_id"]), not error, state)


async def check_retry_delivery(
    delivery: WebhookDelivery, *, acting_user: User, now: datetime | None = None
) -> WebhookDelivery:
    """An admin sends a failed delivery again: the same event id, a fresh set of attempts."""
    require_webhooks(acting_user)
    if not await retry_failed("webhook_deliveries", delivery.id, now=resolve(now)):
        raise Conflict(_("Only a failed delivery can be retried."))
    await delivery.refresh_from_db()
    return delivery
