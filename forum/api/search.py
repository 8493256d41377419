"""API: ranked full-text search over the questions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field
from starlette.requests import Request
from typing_extensions import TypedDict

from forum.api.contract import Query, Slug, Unset, endpoint
from forum.models import QuestionState
from forum.search_queries import MAX_PAGE, MAX_QUERY, search_questions

PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE)]


class SearchQuery(Query):
    q: Annotated[str, Field(max_length=MAX_QUERY)] = ""
    board: Slug = Unset
    # The cursor of a ranked search is the next page's number; ?page= is still read.
    cursor: PageNumber = Unset
    page: PageNumber = Unset


class Hit(TypedDict):
    id: int
    title: str
    board: str
    state: QuestionState
    answer_count: int
    created_at: datetime
    url: str
    title_html: str
    snippet_html: str


class Found(TypedDict):
    query: str
    items: list[Hit]
    next_cursor: str | None


async def search(request: Request, query: SearchQuery) -> Found:
    found = await search_questions(query.q, board=query.board, page=query.cursor or query.page or 1)
    items: list[Hit] = [
        {
            "id": r["id"],
            "title": r["title"],
            "board": r["board_slug"],
            "state": r["state"],
            "answer_count": r["answer_count"],
            "created_at": r["created_at"],
            "url": f"/questions/{r['id']}",
            "title_html": str(r["title_marked"]),
            "snippet_html": str(r["snippet"]),
        }
        for r in found.items
    ]
    following = str(found.next_page) if found.next_page else None
    return {"query": found.query, "items": items, "next_cursor": following}


routes = [
    endpoint(
        "GET",
        "/search",
        search,
        "Ranked full-text search over the questions, with marked titles and snippets",
    )
]
