"""API: give and withdraw kudos."""

from __future__ import annotations

from starlette.requests import Request
from typing_extensions import TypedDict

from forum.actions.kudos import check_give_kudos, do_withdraw_kudos
from forum.api.base import path_id
from forum.api.contract import endpoint
from forum.models import Answer, User
from forum.permissions import access_answer, access_visible_answer


class KudosOut(TypedDict):
    answer_id: int
    kudos: int


async def give(request: Request, user: User) -> KudosOut:
    answer = await access_visible_answer(path_id(request), user)
    await check_give_kudos(answer, acting_user=user)
    return await _state(answer.id)


async def withdraw(request: Request, user: User) -> KudosOut:
    answer = await access_answer(path_id(request))
    await do_withdraw_kudos(answer, acting_user=user)
    return await _state(answer.id)


async def _state(answer_id: int) -> KudosOut:
    answer = await Answer.get(id=answer_id).only("id", "kudos_count")
    return {"answer_id": answer_id, "kudos": answer.kudos_count}


routes = [
    endpoint("POST", "/answers/{id:int}/kudos", give, "Give kudos", status=201),
    endpoint("DELETE", "/answers/{id:int}/kudos", withdraw, "Withdraw kudos"),
]
