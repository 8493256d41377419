"""Pages: the home page (boards and the latest questions) and one board's question list."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum import pagecache
from forum.queries import get_board, list_boards, list_questions
from forum.views.questions import list_context
from forum.web import render


@pagecache.for_visitors
async def home(request: Request) -> Response:
    boards = await list_boards()
    latest = await list_questions(limit=10)
    return await render(request, "forum/boards_home.html", {"boards": boards, "latest": latest})


@pagecache.for_visitors
async def board(request: Request) -> Response:
    board = await get_board(request.path_params["slug"])
    context = await list_context(request, board=board)
    return await render(request, "forum/questions_list.html", {"board": board, **context})


routes = [Route("/", home, name="home"), Route("/boards/{slug:str}", board, name="board")]
