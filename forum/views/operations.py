"""Pages: the admins' operations page (alerts, outboxes, scheduled jobs, the ledger check) and
/metrics for Prometheus, which read the same figures."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from forum.clock import utcnow
from forum.metrics import exposition
from forum.operations_queries import get_operations, readiness
from forum.permissions import can_read_metrics, require_operations
from forum.settings import get_settings
from forum.web import render, require_viewer


async def dashboard(request: Request) -> Response:
    require_operations(await require_viewer(request))
    operations = await get_operations(utcnow())
    return await render(request, "forum/operations_dashboard.html", {"ops": operations})


async def metrics(request: Request) -> Response:
    client = request.client.host if request.client else ""
    if not can_read_metrics(get_settings(), client, request.headers.get("authorization", "")):
        raise HTTPException(404)  # the same answer as an address where nothing is
    body = exposition(await get_operations(utcnow()))
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


async def readyz(request: Request) -> Response:
    """For a load balancer: 503 while the database or Redis cannot be reached, so the host
    gets no traffic until they can (/healthz only says the process runs and has a database)."""
    checks = await readiness(get_settings().rate_limit_storage)
    ready = all(state == "ok" for state in checks.values())
    return JSONResponse({"ok": ready, **checks}, status_code=200 if ready else 503)


routes = [
    Route("/readyz", readyz, methods=["GET"]),
    Route("/admin", dashboard, methods=["GET"]),
    Route("/metrics", metrics, methods=["GET"]),
]
