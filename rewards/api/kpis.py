"""API: the per-period figures for finance and staff."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.api.base import ok, require_api_user
from forum.clock import utcnow
from rewards.kpi_queries import list_kpis, parse_kpi_query
from rewards.permissions import require_kpis


async def index(request: Request) -> Response:
    require_kpis(await require_api_user(request))
    count, board = await parse_kpi_query(request.query_params)
    rows = await list_kpis(now=utcnow(), periods=count, board=board)
    return ok({"board": board, "periods": [row.as_dict() for row in rows]})


routes = [Route("/reports/kpis", index, methods=["GET"])]
