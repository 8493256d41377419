"""API: the list of boards; admins add boards and change them."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from starlette.requests import Request
from typing_extensions import TypedDict

from forum.actions.boards import POSITIONS, SLA_HOURS, check_create_board, check_update_board
from forum.api.base import ItemPage
from forum.api.contract import Body, Slug, Unset, Whole, endpoint, text
from forum.models import Board, User
from forum.permissions import require_boards
from forum.queries import get_board, list_boards

SlaHours = Annotated[int, Field(ge=SLA_HOURS[0], le=SLA_HOURS[1]), Whole]
Position = Annotated[int, Field(ge=POSITIONS[0], le=POSITIONS[1]), Whole]


class BoardOut(TypedDict):
    slug: str
    name: str
    description: str
    name_nl: str
    description_nl: str
    sla_hours: int
    urgent: bool
    question_count: int


class NewBoard(Body):
    slug: Slug
    name: Annotated[str, text(2, 100)]
    description: Annotated[str, text(0, 500)] = ""
    name_nl: Annotated[str, text(0, 100)] = ""
    description_nl: Annotated[str, text(0, 500)] = ""
    sla_hours: SlaHours = 12
    urgent: bool = False
    position: Position = Unset  # last in the list


class BoardChange(Body):
    """Only the fields sent change."""

    name: Annotated[str, text(2, 100)] = Unset
    description: Annotated[str, text(0, 500)] = Unset
    name_nl: Annotated[str, text(0, 100)] = Unset
    description_nl: Annotated[str, text(0, 500)] = Unset
    sla_hours: SlaHours = Unset
    urgent: bool = Unset
    position: Position = Unset


def board_body(board: dict[str, Any] | Board) -> BoardOut:
    row = (
        board
        if isinstance(board, dict)
        else {k: getattr(board, k) for k in BoardOut.__annotations__}
    )
    return {k: row[k] for k in BoardOut.__annotations__}  # type: ignore[return-value]


async def boards(request: Request) -> ItemPage[BoardOut]:
    # Every board on one page (API.md's list shape: no next page).
    return {"items": [board_body(row) for row in await list_boards()], "next_cursor": None}


async def create(request: Request, user: User, body: NewBoard) -> BoardOut:
    fields = body.model_dump(exclude={"slug"}, exclude_unset=True)
    board = await check_create_board(acting_user=user, slug=body.slug, **fields)
    return board_body(board)


async def update(request: Request, user: User, body: BoardChange) -> BoardOut:
    board = await get_board(request.path_params["slug"])
    board = await check_update_board(board, acting_user=user, **body.model_dump(exclude_unset=True))
    return board_body(board)


routes = [
    endpoint("GET", "/boards", boards, "The boards"),
    endpoint(
        "POST",
        "/boards",
        create,
        "Add a board (admins; its slug never changes; 409 when taken)",
        status=201,
        requires=require_boards,
    ),
    endpoint(
        "PATCH",
        "/boards/{slug:str}",
        update,
        "Change a board's name, description, SLA hours (for questions asked from now on), "
        "urgency or position (admins)",
        requires=require_boards,
    ),
]
