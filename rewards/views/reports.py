"""Page for finance: a period's report, with its charts drawn on the server (SVG, no script)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.web import render, require_viewer
from rewards.permissions import require_payouts
from rewards.report_queries import get_period_report

BAR_WIDTH = 400  # the longest bar, in SVG units


def bars(values: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """Each value with its bar length, the largest one BAR_WIDTH long."""
    top = max((value for _, value in values), default=0) or 1
    return [
        {"key": key, "value": value, "width": round(BAR_WIDTH * value / top)}
        for key, value in values
    ]


async def show(request: Request) -> Response:
    require_payouts(await require_viewer(request))
    report = await get_period_report(request.path_params["period"])
    flows = bars(
        [
            ("issued", report.issued),
            ("reversed", report.reversed),
            ("paid", report.paid),
            ("pending", report.pending),
            ("held", report.held),
            ("forfeited", report.forfeited),
        ]
    )
    methods = bars([(m["method"], int(m["cents"])) for m in report.by_method])
    context = {"report": report, "flows": flows, "method_bars": methods, "bar_width": BAR_WIDTH}
    return await render(request, "rewards/reports_detail.html", context)


routes = [Route("/finance/reports/{period}", show, methods=["GET"])]
