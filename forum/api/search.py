"""API: ranked full-text search over the questions."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.api.base import ok
from forum.search_queries import parse_page, search_questions


async def search(request: Request) -> Response:
    params = request.query_params
    # The cursor of a ranked search is the next page's number; ?page= is still read.
    cursor = params.get("cursor")
    page = parse_page(cursor, "cursor") if cursor else parse_page(params.get("page"))
    found = await search_questions(
        params.get("q", ""), board=params.get("board") or None, page=page
    )
    items = [
        {
            "id": r["id"],
            "title": r["title"],
            "board": r["board_slug"],
            "state": str(r["state"]),
            "answer_count": r["answer_count"],
            "created_at": r["created_at"],
            "url": f"/questions/{r['id']}",
            "title_html": str(r["title_marked"]),
            "snippet_html": str(r["snippet"]),
        }
        for r in found.items
    ]
    following = str(found.next_page) if found.next_page else None
    return ok({"query": found.query, "items": items, "next_cursor": following})


routes = [Route("/search", search, methods=["GET"])]
