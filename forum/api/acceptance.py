"""API: accept, change or clear the accepted answer."""

from __future__ import annotations

from starlette.requests import Request
from typing_extensions import TypedDict

from forum.actions.acceptance import check_accept_answer, do_clear_acceptance
from forum.api.base import path_id
from forum.api.contract import Body, Id, endpoint
from forum.auth import auth_of
from forum.models import QuestionState, User
from forum.permissions import access_question


class AcceptBody(Body):
    answer_id: Id


class Accepted(TypedDict):
    question_id: int
    accepted_answer_id: int
    acceptance_id: int
    state: QuestionState


class Cleared(TypedDict):
    question_id: int
    accepted_answer_id: None
    state: QuestionState


async def accept(request: Request, user: User, body: AcceptBody) -> Accepted:
    question = await access_question(path_id(request))
    acceptance = await check_accept_answer(
        auth_of(request).settings, question, body.answer_id, acting_user=user
    )
    return {
        "question_id": question.id,
        "accepted_answer_id": acceptance.answer_id,  # type: ignore[attr-defined]
        "acceptance_id": acceptance.id,
        "state": QuestionState.SOLVED,
    }


async def clear(request: Request, user: User) -> Cleared:
    question = await access_question(path_id(request))
    await do_clear_acceptance(question, acting_user=user)
    await question.refresh_from_db()
    return {"question_id": question.id, "accepted_answer_id": None, "state": question.state}


routes = [
    endpoint(
        "PUT",
        "/questions/{id:int}/accepted-answer",
        accept,
        "Accept or change the accepted answer (the asker; staff after 7 days)",
    ),
    endpoint(
        "DELETE",
        "/questions/{id:int}/accepted-answer",
        clear,
        "Clear the accepted answer (the asker or staff)",
    ),
]
