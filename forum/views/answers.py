"""Pages: post an answer from the question page, edit an answer."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.answers import check_create_answer, check_edit_answer
from forum.auth import check_draft_token, form_text, read_draft
from forum.errors import ValidationFailed
from forum.i18n import gettext as _
from forum.permissions import (
    access_visible_answer,
    access_visible_question,
    can_edit_post,
    require,
)
from forum.web import redirect, render, require_viewer


async def create(request: Request) -> Response:
    user = await require_viewer(request)
    form = await read_draft(request)
    body = form_text(form, "body")
    question_id = request.path_params["id"]
    try:
        check_draft_token(request, form)
        answer = await check_create_answer(question_id, acting_user=user, body=body)
    except ValidationFailed as exc:
        question = await access_visible_question(question_id, user)
        return await render(
            request,
            "forum/answers_edit.html",
            {"q": question, "answer": None, "form": {"body": body}, "errors": exc.errors},
            status_code=exc.status,
        )
    return redirect(
        request, f"/questions/{question_id}#answer-{answer.id}", message=_("Thanks for answering!")
    )


async def edit_form(request: Request) -> Response:
    user = await require_viewer(request)
    answer = await access_visible_answer(request.path_params["id"], user)
    require(
        can_edit_post(user, answer.author_id),  # type: ignore[attr-defined]
        _("You can only edit your own answers."),
    )
    return await render(
        request,
        "forum/answers_edit.html",
        {"q": answer.question, "answer": answer, "form": {"body": answer.body}, "errors": {}},
    )


async def edit(request: Request) -> Response:
    user = await require_viewer(request)
    answer = await access_visible_answer(request.path_params["id"], user)
    form = await read_draft(request)
    body = form_text(form, "body")
    try:
        check_draft_token(request, form)
        await check_edit_answer(answer, acting_user=user, body=body)
    except ValidationFailed as exc:
        return await render(
            request,
            "forum/answers_edit.html",
            {"q": answer.question, "answer": answer, "form": {"body": body}, "errors": exc.errors},
            status_code=exc.status,
        )
    return redirect(
        request,
        f"/questions/{answer.question.id}#answer-{answer.id}",
        message=_("Your edit is saved."),
    )


routes = [
    Route("/questions/{id:int}/answers", create, methods=["POST"]),
    Route("/answers/{id:int}/edit", edit_form, methods=["GET"]),
    Route("/answers/{id:int}/edit", edit, methods=["POST"]),
]
