"""Form posts: flag a question or an answer from the question page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.flags import Post, check_flag, question_id_of
from forum.auth import form_text, read_form
from forum.i18n import gettext as _
from forum.permissions import access_answer, access_question, can_see_post
from forum.queries import board_slug
from forum.web import redirect, require_viewer


async def _flag(request: Request, post: Post, anchor: str) -> Response:
    user = await require_viewer(request)
    form = await read_form(request)
    await check_flag(post, form_text(form, "reason"), acting_user=user)
    question = await access_question(question_id_of(post))
    if not can_see_post(user, question.author_id, question.visibility):  # type: ignore[attr-defined]
        # This flag hid the question: its page is gone for the flagger, its board is not.
        message = _("Thank you: the question is hidden until staff have looked at it.")
        return redirect(request, f"/boards/{await board_slug(question)}", message=message)
    message = _("Thank you: staff will look at it.")
    return redirect(request, f"/questions/{question.id}{anchor}", message=message)


async def flag_question(request: Request) -> Response:
    return await _flag(request, await access_question(request.path_params["id"]), "")


async def flag_answer(request: Request) -> Response:
    answer = await access_answer(request.path_params["id"])
    return await _flag(request, answer, f"#answer-{answer.id}")


routes = [
    Route("/questions/{id:int}/flags", flag_question, methods=["POST"]),
    Route("/answers/{id:int}/flags", flag_answer, methods=["POST"]),
]
