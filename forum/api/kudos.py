"""API: give and withdraw kudos."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.kudos import check_give_kudos, do_withdraw_kudos
from forum.api.base import ok, path_id, require_api_user
from forum.models import Answer
from forum.permissions import access_answer, access_visible_answer


async def give(request: Request) -> Response:
    user = await require_api_user(request)
    answer = await access_visible_answer(path_id(request), user)
    await check_give_kudos(answer, acting_user=user)
    return ok(await _state(answer.id), status_code=201)


async def withdraw(request: Request) -> Response:
    user = await require_api_user(request)
    answer = await access_answer(path_id(request))
    await do_withdraw_kudos(answer, acting_user=user)
    return ok(await _state(answer.id))


async def _state(answer_id: int) -> dict[str, int]:
    answer = await Answer.get(id=answer_id).only("id", "kudos_count")
    return {"answer_id": answer_id, "kudos": answer.kudos_count}


routes = [
    Route("/answers/{id:int}/kudos", give, methods=["POST"]),
    Route("/answers/{id:int}/kudos", withdraw, methods=["DELETE"]),
]
