"""API: the webhook deliveries for admins, and their retry."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.webhooks import check_retry_delivery
from forum.api.base import ok, outbox_query, path_id, require_api_user
from forum.permissions import access_delivery, require_webhooks
from forum.queries import get_delivery, list_deliveries


def delivery_body(row: dict[str, Any]) -> dict[str, Any]:
    body = dict(row)
    body["state"] = row["state"].value
    return body


async def index(request: Request) -> Response:
    require_webhooks(await require_api_user(request))
    page = await list_deliveries(**outbox_query(request))
    return ok({"items": [delivery_body(r) for r in page.items], "next_cursor": page.next_cursor})


async def retry(request: Request) -> Response:
    user = require_webhooks(await require_api_user(request))
    delivery = await access_delivery(path_id(request))
    delivery = await check_retry_delivery(delivery, acting_user=user)
    return ok(delivery_body(await get_delivery(delivery)))


routes = [
    Route("/webhooks/deliveries", index, methods=["GET"]),
    Route("/webhooks/deliveries/{id:int}/retry", retry, methods=["POST"]),
]
