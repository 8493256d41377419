"""API: accept, change or clear the accepted answer."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.acceptance import check_accept_answer, do_clear_acceptance
from forum.api.base import json_body, ok, path_id, require_api_user
from forum.auth import auth_of
from forum.permissions import access_question


async def accept(request: Request) -> Response:
    user = await require_api_user(request)
    question = await access_question(path_id(request))
    data = await json_body(request)
    acceptance = await check_accept_answer(
        auth_of(request).settings, question, data.get("answer_id"), acting_user=user
    )
    return ok(
        {
            "question_id": question.id,
            "accepted_answer_id": acceptance.answer_id,  # type: ignore[attr-defined]
            "acceptance_id": acceptance.id,
            "state": "solved",
        }
    )


async def clear(request: Request) -> Response:
    user = await require_api_user(request)
    question = await access_question(path_id(request))
    await do_clear_acceptance(question, acting_user=user)
    await question.refresh_from_db()
    return ok(
        {"question_id": question.id, "accepted_answer_id": None, "state": question.state.value}
    )


routes = [
    Route("/questions/{id:int}/accepted-answer", accept, methods=["PUT"]),
    Route("/questions/{id:int}/accepted-answer", clear, methods=["DELETE"]),
]
