"""Form posts: accept, change or clear the accepted answer from the question page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.acceptance import check_accept_answer, do_clear_acceptance
from forum.auth import form_text, read_form
from forum.errors import NotFound
from forum.i18n import gettext as _
from forum.permissions import access_question, can_clear_acceptance, require
from forum.web import redirect, render, require_viewer


async def accept(request: Request) -> Response:
    user = await require_viewer(request)
    question = await access_question(request.path_params["id"])
    form = await read_form(request)
    acceptance = await check_accept_answer(
        request.app.state.settings, question, form_text(form, "answer_id"), acting_user=user
    )
    return redirect(
        request,
        f"/questions/{question.id}#answer-{acceptance.answer_id}",  # type: ignore[attr-defined]
        message=_("Marked as the accepted answer."),
    )


async def clear_form(request: Request) -> Response:
    """Clearing takes points back: the question page links here to ask first (no script)."""
    user = await require_viewer(request)
    question = await access_question(request.path_params["id"])
    require(
        can_clear_acceptance(user, question), _("Only the asker can clear the accepted answer.")
    )
    if question.accepted_answer_id is None:
        raise NotFound(_("This question has no accepted answer."))
    return await render(request, "forum/acceptance_clear.html", {"q": question})


async def clear(request: Request) -> Response:
    user = await require_viewer(request)
    question = await access_question(request.path_params["id"])
    await read_form(request)
    await do_clear_acceptance(question, acting_user=user)
    return redirect(request, f"/questions/{question.id}", message=_("Accepted answer cleared."))


routes = [
    Route("/questions/{id:int}/accept", accept, methods=["POST"]),
    Route("/questions/{id:int}/accept/clear", clear_form, methods=["GET"]),
    Route("/questions/{id:int}/accept/clear", clear, methods=["POST"]),
]
