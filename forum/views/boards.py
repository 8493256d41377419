"""Pages: the home page (boards and the latest questions), one board's question list, and the
admins' board settings."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum import pagecache
from forum.actions.boards import check_create_board, check_update_board
from forum.auth import form_text, read_form
from forum.errors import ValidationFailed
from forum.i18n import gettext as _
from forum.permissions import require_boards
from forum.queries import get_board, list_boards, list_questions
from forum.views.questions import render_list
from forum.web import redirect, render, require_viewer

_FIELDS = ("name", "description", "name_nl", "description_nl", "sla_hours", "position")


@pagecache.for_visitors
async def home(request: Request) -> Response:
    async def context() -> dict[str, Any]:
        return {"boards": await list_boards(), "latest": await list_questions(limit=10)}

    content = await pagecache.shared_part(request, "forum/_boards_home.html", context)
    return await render(request, "forum/boards_home.html", {"content": content})


@pagecache.for_visitors
async def board(request: Request) -> Response:
    slug = request.path_params["slug"]
    return await render_list(
        request, board=await pagecache.shared(request, ("board", slug), lambda: get_board(slug))
    )


async def admin_list(request: Request) -> Response:
    require_boards(await require_viewer(request))
    return await _admin_list(request, {"sla_hours": "12"}, {}, status_code=200)


async def admin_create(request: Request) -> Response:
    user = require_boards(await require_viewer(request))
    values = _values(await read_form(request), ("slug", *_FIELDS))
    try:
        made = await check_create_board(acting_user=user, **values)
    except ValidationFailed as exc:
        return await _admin_list(request, values, exc.errors)
    return redirect(
        request, "/admin/boards", message=_("Board %(name)s added.") % {"name": made.name}
    )


async def admin_edit(request: Request) -> Response:
    require_boards(await require_viewer(request))
    found = await get_board(request.path_params["slug"])
    values = {k: str(getattr(found, k)) for k in _FIELDS} | {"urgent": found.urgent}
    return await _edit_page(request, found, values, {}, status_code=200)


async def admin_update(request: Request) -> Response:
    user = require_boards(await require_viewer(request))
    found = await get_board(request.path_params["slug"])
    values = _values(await read_form(request), _FIELDS)
    try:
        await check_update_board(found, acting_user=user, **values)
    except ValidationFailed as exc:
        return await _edit_page(request, found, values, exc.errors)
    return redirect(
        request, "/admin/boards", message=_("Board %(name)s saved.") % {"name": found.name}
    )


def _values(form: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {k: form_text(form, k) for k in fields}
    values["urgent"] = form_text(form, "urgent") == "1"  # an unticked box sends nothing
    if not values["position"]:
        del values["position"]  # a new board comes last; an edited one keeps its place
    return values


async def _admin_list(
    request: Request, values: dict[str, Any], errors: dict[str, str], status_code: int = 400
) -> Response:
    context = {"boards": await list_boards(), "form": values, "errors": errors}
    return await render(request, "forum/boards_admin.html", context, status_code=status_code)


async def _edit_page(
    request: Request,
    found: Any,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 400,
) -> Response:
    context = {"board": found, "form": values, "errors": errors}
    return await render(request, "forum/boards_edit.html", context, status_code=status_code)


routes = [
    Route("/", home, name="home"),
    Route("/boards/{slug:str}", board, name="board"),
    Route("/admin/boards", admin_list, methods=["GET"]),
    Route("/admin/boards", admin_create, methods=["POST"]),
    Route("/admin/boards/{slug:str}", admin_edit, methods=["GET"]),
    Route("/admin/boards/{slug:str}", admin_update, methods=["POST"]),
]
