"""Form posts: give and withdraw kudos from the question page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.kudos import check_give_kudos, do_withdraw_kudos
from forum.auth import read_form
from forum.i18n import gettext as _
from forum.permissions import access_answer, access_visible_answer
from forum.web import redirect, require_viewer


async def give(request: Request) -> Response:
    user = await require_viewer(request)
    answer = await access_visible_answer(request.path_params["id"], user)
    await read_form(request)
    await check_give_kudos(answer, acting_user=user)
    return redirect(
        request, f"/questions/{answer.question.id}#answer-{answer.id}", message=_("Kudos given.")
    )


async def withdraw(request: Request) -> Response:
    user = await require_viewer(request)
    answer = await access_answer(request.path_params["id"])
    await read_form(request)
    await do_withdraw_kudos(answer, acting_user=user)
    return redirect(
        request,
        f"/questions/{answer.question.id}#answer-{answer.id}",
        message=_("Kudos withdrawn."),
    )


routes = [
    Route("/answers/{id:int}/kudos", give, methods=["POST"]),
    Route("/answers/{id:int}/kudos/withdraw", withdraw, methods=["POST"]),
]
