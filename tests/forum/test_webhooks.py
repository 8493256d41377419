"""Webhooks: the outbox is written with the change, delivered signed by the job, retried with
back-off, marked failed for admins, and never sent by two senders at once."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from tortoise.transactions import in_transaction

from forum.actions.acceptance import do_accept_answer
from forum.actions.escalations import check_claim, check_resolve, open_escalation
from forum.actions.webhooks import _take
from forum.jobs import deliver_webhooks, sweep_escalations
from forum.models import DeliveryState, Escalation, EscalationReason, User, WebhookDelivery
from forum.settings import Settings, configure, load_settings
from tests.conftest import IS_POSTGRES, make_settings
from tests.factories import T0, api, browser, form, make_answer, make_question

SECRET = "receiver-secret"
ROOT = Path(__file__).resolve().parents[2]


class Receiver:
    """A real HTTP server on 127.0.0.1: answers 500 to the next `failures` requests, then 200."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.failures = 0
        self.delay = 0.0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(receiver.delay)
                with receiver.lock:
                    receiver.requests.append((dict(self.headers), body))
                    fail = receiver.failures > 0
                    receiver.failures -= int(fail)
                self.send_response(500 if fail else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.requests]

    def event_ids(self) -> list[str]:
        return [headers["X-Peerdesk-Event-Id"] for headers, _ in self.requests]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    thread = threading.Thread(target=r.server.serve_forever, daemon=True)
    thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()
    thread.join()


@pytest.fixture
def settings(receiver: Receiver) -> Settings:
    return make_settings(webhook_url=receiver.url, webhook_secret=SECRET)


def signed(headers: dict[str, str], body: bytes) -> bool:
    expected = hmac.new(
        SECRET.encode(), headers["X-Peerdesk-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(headers["X-Peerdesk-Signature"], f"sha256={expected}")


async def test_a_receiver_that_fails_first_gets_the_same_signed_event_again(
    asker: User, receiver: Receiver
) -> None:
    question = await make_question(asker, title="Someone hacked my account", at=T0)
    receiver.failures = 1
    first = await deliver_webhooks(T0)
    assert (first.delivered, first.retrying, first.failed) == (0, 1, 0)
    assert (await deliver_webhooks(T0 + timedelta(seconds=29))).retrying == 0  # backing off
    second = await deliver_webhooks(T0 + timedelta(seconds=30))
    assert second.delivered == 1
    assert len(receiver.requests) == 2
    (h1, b1), (h2, b2) = receiver.requests
    assert h1["X-Peerdesk-Event-Id"] == h2["X-Peerdesk-Event-Id"] == json.loads(b1)["id"]
    assert b1 == b2 and signed(h1, b1) and signed(h2, b2)
    assert (h1["X-Peerdesk-Attempt"], h2["X-Peerdesk-Attempt"]) == ("1", "2")
    event = json.loads(b1)
    assert event["type"] == h1["X-Peerdesk-Event"] == "question.escalated"
    assert event["data"]["question"] == {
        "id": question.id,
        "title": "Someone hacked my account",
        "board": "account-billing",
        "path": f"/questions/{question.id}",
    }
    assert event["data"]["escalation"]["reason"] == "urgent"
    delivery = await WebhookDelivery.get(event_id=event["id"])
    assert (delivery.state, delivery.attempts, delivery.last_status) == (
        DeliveryState.DELIVERED,
        2,
        200,
    )
    assert (await deliver_webhooks(T0 + timedelta(hours=1))).delivered == 0
    assert len(receiver.requests) == 2


async def test_the_four_events_carry_who_and_what(
    asker: User, helper: User, staff: User, receiver: Receiver
) -> None:
    urgent = await make_question(asker, title="My bank card was stolen", at=T0)
    item = await Escalation.get(question_id=urgent.id)
    await check_claim(item, acting_user=staff, now=T0 + timedelta(minutes=5))
    await sweep_escalations(T0 + timedelta(hours=5))  # past the 4-hour first-response SLA
    await check_resolve(
        item,
        resolution="no_action",
        note="Card blocked by phone",
        acting_user=staff,
        now=T0 + timedelta(hours=6),
    )
    other = await make_question(asker, title="Thieves stole my phone, fraud?", at=T0)
    answer = await make_answer(other, helper, at=T0 + timedelta(hours=1))
    await do_accept_answer(other, answer, acting_user=asker, now=T0 + timedelta(hours=5))
    await deliver_webhooks(T0 + timedelta(hours=7))
    events = [(e["type"], e["data"]["escalation"]) for e in receiver.events()]
    assert [kind for kind, e in events if e["question_id"] == urgent.id] == [
        "question.escalated",
        "escalation.claimed",
        "sla.breached",
        "escalation.resolved",
    ]
    assert [kind for kind, e in events if e["question_id"] == other.id] == [
        "question.escalated",
        "sla.breached",  # accepted after its due time: a late breach, counted once
        "escalation.resolved",
    ]
    by_kind = {(kind, e["question_id"]): e for kind, e in events}
    claimed = by_kind["escalation.claimed", urgent.id]
    breached = by_kind["sla.breached", urgent.id]
    resolved = by_kind["escalation.resolved", urgent.id]
    community = by_kind["escalation.resolved", other.id]
    assert (claimed["state"], claimed["claimed_by"]) == ("claimed", staff.username)
    assert breached["breached"] and breached["breached_at"] == (T0 + timedelta(hours=5)).isoformat()
    assert (resolved["resolution"], resolved["resolved_by"], resolved["note"]) == (
        "no_action",
        staff.username,
        "Card blocked by phone",
    )
    assert (community["resolution"], community["resolved_by"]) == ("answered_by_community", None)
    assert len(set(receiver.event_ids())) == 7
    assert all(signed(h, b) for h, b in receiver.requests)


async def test_a_change_that_rolls_back_sends_nothing(asker: User, receiver: Receiver) -> None:
    question = await make_question(asker, title="A calm question about bundles", at=T0)
    with pytest.raises(RuntimeError):
        async with in_transaction():
            assert await open_escalation(question.id, EscalationReason.REQUESTED, now=T0)
            raise RuntimeError("the action failed after opening the item")
    assert await Escalation.filter(question_id=question.id).count() == 0
    assert await WebhookDelivery.all().count() == 0
    await deliver_webhooks(T0 + timedelta(hours=1))
    assert receiver.requests == []


async def test_no_receiver_configured_writes_no_events(asker: User) -> None:
    configure(make_settings())  # the app started with a receiver: take it away
    await make_question(asker, title="Someone hacked my account", at=T0)
    assert await Escalation.all().count() == 1
    assert await WebhookDelivery.all().count() == 0


async def test_after_the_last_attempt_a_delivery_fails_and_an_admin_retries_it(
    app: Starlette, asker: User, admin: User, staff: User, receiver: Receiver
) -> None:
    await make_question(asker, title="Someone hacked my account", at=T0)
    receiver.failures = 100
    now = T0
    for _ in range(7):
        assert (await deliver_webhooks(now)).retrying == 1
        now += timedelta(hours=6)
    assert (await deliver_webhooks(now)).failed == 1
    assert len(receiver.requests) == 8
    delivery = await WebhookDelivery.get()
    assert (delivery.state, delivery.attempts, delivery.last_error) == (
        DeliveryState.FAILED,
        8,
        "HTTP 500",
    )
    assert (await deliver_webhooks(now + timedelta(days=1))).failed == 0  # no more attempts
    async with browser(app, admin) as page, browser(app, staff) as other:
        queue = await page.get("/staff/escalations")
        assert (
            "1 failed delivery" in queue.text
            and "failed delivery" not in (await other.get("/staff/escalations")).text
        )
        listing = await page.get("/staff/webhooks")
        assert listing.status_code == 200
        assert delivery.event_id in listing.text and "HTTP 500" in listing.text
        assert (await other.get("/staff/webhooks")).status_code == 403
        url = f"/staff/webhooks/{delivery.id}/retry"
        assert (await other.post(url, data=form(other))).status_code == 403
        assert (await page.post(url, data=form(page))).status_code == 303
        again = await page.post(url, data=form(page))
        assert again.status_code == 409  # pending now, not failed
    receiver.failures = 0
    assert (await deliver_webhooks()).delivered == 1  # the retry is due at once, by the clock
    assert receiver.event_ids()[-1] == delivery.event_id


async def test_admins_list_and_retry_deliveries_through_the_api(
    app: Starlette, asker: User, admin: User, receiver: Receiver
) -> None:
    await make_question(asker, title="Someone hacked my account", at=T0)
    receiver.failures = 100
    delivery = await WebhookDelivery.get()
    await WebhookDelivery.filter(id=delivery.id).update(state=DeliveryState.FAILED, attempts=8)
    async with await api(app, admin) as client, await api(app, asker) as member:
        listed = (await client.get("/api/v1/webhooks/deliveries?state=failed")).json()
        assert [d["event_id"] for d in listed["items"]] == [delivery.event_id]
        assert listed["items"][0]["event"] == "question.escalated"
        assert listed["next_cursor"] is None  # pages as the mail outbox does
        bad_cursor = await client.get("/api/v1/webhooks/deliveries?cursor=x")
        assert bad_cursor.status_code == 400 and "cursor" in bad_cursor.text
        bad = await client.get("/api/v1/webhooks/deliveries?state=nonsense")
        assert bad.status_code == 400 and "state" in bad.text
        assert (await member.get("/api/v1/webhooks/deliveries")).status_code == 403
        retried = await client.post(f"/api/v1/webhooks/deliveries/{delivery.id}/retry")
        assert retried.status_code == 200 and retried.json()["state"] == "pending"
        missing = await client.post("/api/v1/webhooks/deliveries/999999/retry")
        assert missing.status_code == 404


async def test_two_senders_at_once_send_each_delivery_once(asker: User, receiver: Receiver) -> None:
    for i in range(6):
        await make_question(asker, title=f"Fraud on my account, case {i}", at=T0)
    receiver.delay = 0.2
    runs = await asyncio.gather(deliver_webhooks(T0), deliver_webhooks(T0))
    assert sum(r.delivered for r in runs) == 6
    assert sorted(receiver.event_ids()) == sorted([d.event_id for d in await WebhookDelivery.all()])


@pytest.mark.skipif(not IS_POSTGRES, reason="PostgreSQL only: SQLite serves one process")
async def test_two_processes_delivering_at_once_send_each_delivery_once(
    app: Starlette, asker: User, receiver: Receiver
) -> None:
    for i in range(12):
        await make_question(asker, title=f"Fraud on my account, case {i}", at=T0)
    receiver.delay = 0.1

    async def deliver() -> None:
        child = await asyncio.create_subprocess_exec(
            sys.executable, "run.py", "deliver-webhooks", "--now", "2026-11-01T12:00:00+00:00",
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": app.state.settings.database_url,
                 "PEERDESK_SECRET_KEY": "x", "PEERDESK_WEBHOOK_URL": receiver.url,
                 "PEERDESK_WEBHOOK_SECRET": SECRET},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        out, _ = await asyncio.wait_for(child.communicate(), timeout=120)
        assert child.returncode == 0, out

    await asyncio.gather(deliver(), deliver())
    ids = receiver.event_ids()
    assert len(ids) == 12 and len(set(ids)) == 12
    assert await WebhookDelivery.filter(state=DeliveryState.DELIVERED).count() == 12


async def test_a_sender_whose_lease_ran_out_records_nothing(
    asker: User, receiver: Receiver
) -> None:
    await make_question(asker, title="Someone hacked my account", at=T0)
    stale = await _take(T0, "stale-sender")
    assert stale is not None
    assert (await deliver_webhooks(T0)).delivered == 0  # leased: nobody else sends it
    later = T0 + timedelta(minutes=5)  # the lease (3 x the 10 s timeout) ran out
    assert (await deliver_webhooks(later)).delivered == 1
    assert await WebhookDelivery.filter(lease_token="stale-sender").count() == 0


def test_a_receiver_url_needs_a_secret_and_a_scheme() -> None:
    with pytest.raises(ValueError, match="SECRET"):
        load_settings(webhook_url="https://crm.example/hooks", secret_key="k")
    with pytest.raises(ValueError, match="http"):
        load_settings(webhook_url="crm.example/hooks", webhook_secret="s", secret_key="k")


async def test_the_deliveries_page_through_every_one_newest_first(
    app: Starlette, admin: User
) -> None:
    await WebhookDelivery.bulk_create(
        WebhookDelivery(
            event_id=f"00000000-0000-0000-0000-{i:012d}", event="question.escalated",
            payload="{}", url="https://hooks.example/in", state=DeliveryState.FAILED,
            attempts=8, next_attempt_at=T0, created_at=T0 + timedelta(minutes=i),
        )
        for i in range(55)
    )  # fmt: skip
    async with await api(app, admin) as client:
        first = (await client.get("/api/v1/webhooks/deliveries?state=failed")).json()
        assert len(first["items"]) == 50 and first["next_cursor"]
        cursor = first["next_cursor"]
        rest = (await client.get(f"/api/v1/webhooks/deliveries?cursor={cursor}")).json()
        ids = [d["event_id"][-2:] for d in first["items"] + rest["items"]]
        assert ids == [f"{i:02d}" for i in range(54, -1, -1)] and rest["next_cursor"] is None
    async with browser(app, admin) as page:
        listed = await page.get("/staff/webhooks")
        assert (
            "Older entries" in listed.text
            and "/staff/webhooks?state=failed&amp;cursor=" in listed.text
        )
