"""API: the webhook deliveries for admins, and their retry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.requests import Request
from typing_extensions import TypedDict

from forum.actions.webhooks import check_retry_delivery
from forum.api.base import ItemPage, page_body, path_id
from forum.api.contract import OutboxQuery, endpoint
from forum.models import User
from forum.permissions import access_delivery, require_webhooks
from forum.queries import get_delivery, list_deliveries


class DeliveryOut(TypedDict):
    id: int
    event_id: str
    event: str
    url: str
    state: str
    attempts: int
    next_attempt_at: datetime
    last_status: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None


def delivery_body(row: dict[str, Any]) -> DeliveryOut:
    return {**row, "state": row["state"].value}  # type: ignore[typeddict-item]


async def index(request: Request, user: User, query: OutboxQuery) -> ItemPage[DeliveryOut]:
    page = await list_deliveries(query.state, cursor=query.cursor, limit=query.limit)
    return page_body(page, delivery_body)


async def retry(request: Request, user: User) -> DeliveryOut:
    delivery = await access_delivery(path_id(request))
    delivery = await check_retry_delivery(delivery, acting_user=user)
    return delivery_body(await get_delivery(delivery))


routes = [
    endpoint(
        "GET",
        "/webhooks/deliveries",
        index,
        "Webhook deliveries, newest first: their state, attempts and last error (admins)",
        requires=require_webhooks,
    ),
    endpoint(
        "POST",
        "/webhooks/deliveries/{id:int}/retry",
        retry,
        "Send a failed delivery again, with the same event id (409 unless failed; admins)",
        requires=require_webhooks,
    ),
]
