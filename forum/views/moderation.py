"""Pages and form posts for staff: hide, restore or remove a post and lock a question from the
question page; a member's page to suspend or unsuspend them; the audit log for admins."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.data_rights import check_erase_account
from forum.actions.flags import Post, question_id_of
from forum.actions.moderation import check_lock_question, check_moderate_post
from forum.actions.users import (
    check_set_email,
    check_set_role,
    check_suspend_user,
    check_unsuspend_user,
)
from forum.auth import auth_of, form_text, read_form
from forum.errors import ValidationFailed
from forum.i18n import gettext as _
from forum.models import Role
from forum.permissions import (
    access_answer,
    access_question,
    access_user,
    can_erase_account,
    can_set_address,
    can_set_roles,
    require_audit,
    require_moderator,
)
from forum.queries import AUDIT_ACTIONS, find_members, list_audit
from forum.web import redirect, render, require_viewer


def _done(action: str) -> str:
    messages = {
        "hide": _("The post is hidden."),
        "restore": _("The post is visible again."),
        "remove": _("The post is removed."),
    }
    return messages.get(action, _("Done."))


async def _moderate(request: Request, post: Post, anchor: str) -> Response:
    user = await require_viewer(request)
    form = await read_form(request)
    action = form_text(form, "do")
    await check_moderate_post(post, action, note=form_text(form, "note"), acting_user=user)
    return redirect(request, f"/questions/{question_id_of(post)}{anchor}", message=_done(action))


async def moderate_question(request: Request) -> Response:
    return await _moderate(request, await access_question(request.path_params["id"]), "")


async def moderate_answer(request: Request) -> Response:
    answer = await access_answer(request.path_params["id"])
    return await _moderate(request, answer, f"#answer-{answer.id}")


async def lock(request: Request) -> Response:
    user = await require_viewer(request)
    form = await read_form(request)
    question = await access_question(request.path_params["id"])
    locked = form_text(form, "do") != "unlock"
    await check_lock_question(question, locked, note=form_text(form, "note"), acting_user=user)
    message = _("The question is locked.") if locked else _("The question is open again.")
    return redirect(request, f"/questions/{question.id}", message=message)


async def members(request: Request) -> Response:
    require_moderator(await require_viewer(request))
    text = (request.query_params.get("q") or "").strip()
    context = {"q": text, "matches": await find_members(text)}
    return await render(request, "forum/moderation_members.html", context)


async def member(request: Request) -> Response:
    return await _render_member(request, {}, {})


async def member_act(request: Request) -> Response:
    user = require_moderator(await require_viewer(request))
    form = await read_form(request)
    target = await access_user(request.path_params["id"])
    values = {"reason": form_text(form, "reason")}
    try:
        if form_text(form, "do") == "unsuspend":
            await check_unsuspend_user(target, acting_user=user)
            message = _("The suspension is lifted.")
        elif form_text(form, "do") == "role":
            await check_set_role(target, form_text(form, "role"), acting_user=user)
            message = _("The role is changed.")
        elif form_text(form, "do") == "erase":
            values["posts"] = form_text(form, "posts")
            await check_erase_account(
                auth_of(request), target, posts=values["posts"], acting_user=user
            )
            message = _("The account is erased.")
        elif form_text(form, "do") == "email":
            values["email"] = form_text(form, "email")
            await check_set_email(target, values["email"], acting_user=user)
            message = _("The e-mail address is set and confirmed.")
        else:
            await check_suspend_user(target, values["reason"], acting_user=user)
            message = _("The member is suspended.")
    except ValidationFailed as exc:
        return await _render_member(request, values, exc.errors, status_code=exc.status)
    return redirect(request, f"/staff/members/{target.id}", message=message)


async def _render_member(
    request: Request, values: dict[str, str], errors: dict[str, str], status_code: int = 200
) -> Response:
    viewer = require_moderator(await require_viewer(request))
    target = await access_user(request.path_params["id"])
    context = {
        "member": target,
        "values": values,
        "errors": errors,
        "roles": [r.value for r in Role] if can_set_roles(viewer) else [],
        "can_set_address": can_set_address(viewer, target),
        "can_erase": can_erase_account(viewer, target) and viewer.id != target.id,
    }
    return await render(request, "forum/moderation_member.html", context, status_code=status_code)


async def audit_log(request: Request) -> Response:
    require_audit(await require_viewer(request))
    params = request.query_params
    action, actor = params.get("action") or "", params.get("actor") or ""
    page = await list_audit(action=action, actor=actor, cursor=params.get("cursor"))
    context = {"page": page, "action": action, "actor": actor, "actions": AUDIT_ACTIONS}
    return await render(request, "forum/moderation_audit.html", context)


routes = [
    Route("/questions/{id:int}/moderation", moderate_question, methods=["POST"]),
    Route("/answers/{id:int}/moderation", moderate_answer, methods=["POST"]),
    Route("/questions/{id:int}/lock", lock, methods=["POST"]),
    Route("/staff/members", members, methods=["GET"]),
    Route("/staff/members/{id:int}", member, methods=["GET"]),
    Route("/staff/members/{id:int}", member_act, methods=["POST"]),
    Route("/admin/audit", audit_log, methods=["GET"]),
]
