"""Pages: the search results, from the search box on every page."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.errors import ValidationFailed
from forum.queries import list_boards
from forum.search_queries import parse_page, search_questions
from forum.web import render


async def search(request: Request) -> Response:
    params = request.query_params
    text, board = params.get("q", ""), params.get("board") or ""
    context: dict[str, Any] = {"q": text, "board": board, "boards": await list_boards()}
    context["found"] = None
    try:
        if text.strip():
            context["found"] = await search_questions(
                text, board=board or None, page=parse_page(params.get("page"))
            )
    except ValidationFailed as exc:
        context["errors"] = exc.errors
        return await render(request, "forum/search_results.html", context, status_code=400)
    return await render(request, "forum/search_results.html", context)


routes = [Route("/search", search, methods=["GET"])]
