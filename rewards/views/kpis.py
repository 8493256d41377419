"""Pages for finance and staff: the per-period figures, with a trend chart drawn on the server
(SVG, no script), and their CSV."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.clock import utcnow
from forum.errors import ValidationFailed
from forum.queries import list_boards
from forum.settings import get_settings
from forum.web import render, require_viewer
from rewards.kpi_queries import PeriodKpis, kpis_csv, list_kpis, parse_kpi_query
from rewards.permissions import require_kpis

# The chart: one line per rate, 0 to 100 %, over the periods.
CHART_WIDTH, CHART_HEIGHT, LEFT, RIGHT, BOTTOM = 640, 240, 64, 36, 40
RATES = ("community_solved_rate", "answered_within_24h_share", "escalation_rate")


def trend(rows: list[PeriodKpis]) -> dict[str, Any]:
    """Each rate's polyline points and dots (periods without questions leave a gap)."""
    inner_w, inner_h = CHART_WIDTH - LEFT - RIGHT, CHART_HEIGHT - BOTTOM - 12
    step = inner_w / max(len(rows) - 1, 1)
    xs = [round(LEFT + i * step, 1) for i in range(len(rows))]
    lines: dict[str, list[dict[str, Any]]] = {}
    for name in RATES:
        dots = []
        for x, row in zip(xs, rows, strict=True):
            value = getattr(row, name)
            if value is not None:
                y = round(12 + inner_h * (1 - value), 1)
                dots.append({"x": x, "y": y, "percent": round(value * 100, 1)})
        lines[name] = dots
    ticks = [
        {"y": round(12 + inner_h * (1 - p / 100), 1), "label": p} for p in (0, 25, 50, 75, 100)
    ]
    labels = [{"x": x, "period": row.period} for x, row in zip(xs, rows, strict=True)]
    return {
        "width": CHART_WIDTH, "height": CHART_HEIGHT, "left": LEFT, "right": RIGHT,
        "lines": lines, "ticks": ticks, "labels": labels, "axis_y": CHART_HEIGHT - BOTTOM,
    }  # fmt: skip


async def index(request: Request) -> Response:
    require_kpis(await require_viewer(request))
    params = request.query_params
    context: dict[str, Any] = {"boards": await list_boards(), "errors": {}}
    context["currency"] = get_settings().currency
    context["form"] = {"periods": params.get("periods", ""), "board": params.get("board", "")}
    try:
        count, board = await parse_kpi_query(params)
    except ValidationFailed as exc:
        context.update(errors=exc.errors, rows=[], chart=None)
        return await render(request, "rewards/kpis_list.html", context, status_code=400)
    rows = await list_kpis(now=utcnow(), periods=count, board=board)
    context.update(rows=rows, chart=trend(rows), board=board, count=count)
    return await render(request, "rewards/kpis_list.html", context)


async def csv(request: Request) -> Response:
    require_kpis(await require_viewer(request))
    count, board = await parse_kpi_query(request.query_params)
    rows = await list_kpis(now=utcnow(), periods=count, board=board)
    name = f"peerdesk-kpis{'-' + board if board else ''}.csv"
    return Response(
        kpis_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


routes = [
    Route("/reports/kpis", index, methods=["GET"]),
    Route("/reports/kpis.csv", csv, methods=["GET"]),
]
