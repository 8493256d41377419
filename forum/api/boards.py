"""API: the list of boards; admins add boards and change them."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.boards import SETTABLE, check_create_board, check_update_board
from forum.api.base import json_body, ok, require_api_user
from forum.models import Board
from forum.queries import get_board, list_boards

_SHOWN = (
    "slug", "name", "description", "name_nl", "description_nl", "sla_hours", "urgent",
    "question_count",
)  # fmt: skip


def board_body(board: dict[str, Any] | Board) -> dict[str, Any]:
    row = board if isinstance(board, dict) else {k: getattr(board, k) for k in _SHOWN}
    return {k: row[k] for k in _SHOWN}


async def boards(request: Request) -> Response:
    return ok({"items": [board_body(row) for row in await list_boards()]})


async def create(request: Request) -> Response:
    user = await require_api_user(request)
    data = await json_body(request)
    fields = {k: data[k] for k in SETTABLE if k in data}
    board = await check_create_board(acting_user=user, slug=data.get("slug"), **fields)
    return ok(board_body(board), status_code=201)


async def update(request: Request) -> Response:
    user = await require_api_user(request)
    board = await get_board(request.path_params["slug"])
    data = await json_body(request)
    fields = {k: data[k] for k in SETTABLE if k in data}
    board = await check_update_board(board, acting_user=user, **fields)
    return ok(board_body(board))


routes = [
    Route("/boards", boards, methods=["GET"]),
    Route("/boards", create, methods=["POST"]),
    Route("/boards/{slug:str}", update, methods=["PATCH"]),
]
