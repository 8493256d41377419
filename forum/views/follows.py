"""Pages: follow and unfollow a question (from its page or a notification), and the questions
a member follows."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.follows import check_set_following
from forum.auth import form_text, read_form
from forum.i18n import gettext as _
from forum.permissions import follow_target
from forum.queries import list_questions
from forum.web import redirect, render, require_viewer, safe_next


async def follow(request: Request) -> Response:
    return await _set(request, following=True)


async def unfollow(request: Request) -> Response:
    return await _set(request, following=False)


async def _set(request: Request, *, following: bool) -> Response:
    user = await require_viewer(request)
    question = await follow_target(request.path_params["id"], user, following=following)
    form = await read_form(request)
    await check_set_following(question, acting_user=user, following=following)
    message = (
        _("You follow this question: you will hear of new answers and of the solution.")
        if following
        else _("You no longer follow “%(title)s”.") % {"title": question.title}
    )
    back = safe_next(form_text(form, "next"), f"/questions/{question.id}#follow")
    return redirect(request, back, message=message)


async def following(request: Request) -> Response:
    user = await require_viewer(request)
    page = await list_questions(
        followed_by=user, sort="active", cursor=request.query_params.get("cursor") or None
    )
    return await render(request, "forum/follows_list.html", {"page": page})


routes = [
    Route("/questions/{id:int}/follow", follow, methods=["POST"]),
    Route("/questions/{id:int}/unfollow", unfollow, methods=["POST"]),
    Route("/following", following, methods=["GET"]),
]
