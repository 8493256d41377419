"""Pages: ask to change your e-mail address, and confirm it with the link mailed to the new one."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.email_change import (
    check_cancel_email_change,
    check_confirm_email_change,
    check_request_email_change,
    find_link_for,
)
from forum.actions.email_confirmation import LINK_HOURS, check_resend_confirmation
from forum.auth import auth_of, form_text, read_form
from forum.errors import Forbidden, ValidationFailed
from forum.i18n import gettext as _
from forum.net import client_address
from forum.web import redirect, render, require_viewer


async def email_form(request: Request) -> Response:
    user = await require_viewer(request)
    return await _email_page(request, {"email": ""}, {}, user.email, status_code=200)


async def request_change(request: Request) -> Response:
    user = await require_viewer(request)
    form = await read_form(request)
    email = form_text(form, "email")
    try:
        sent = await check_request_email_change(
            auth_of(request),
            user,
            current=form_text(form, "current_password"),
            email=email,
            address=client_address(request),
        )
    except ValidationFailed as exc:
        return await _email_page(
            request, {"email": email}, exc.errors, user.email, status_code=exc.status
        )
    if not sent:
        return redirect(request, "/account", message=_("That is your address already."))
    message = _(
        "We sent a link to %(address)s. Your address changes when you open it (within "
        "%(hours)d hours)."
    ) % {"address": email.strip(), "hours": LINK_HOURS}
    return redirect(request, "/account", message=message)


async def resend_confirmation(request: Request) -> Response:
    user = await require_viewer(request)
    await read_form(request)
    try:
        sent = await check_resend_confirmation(user)
    except ValidationFailed as exc:
        message = next(iter(exc.errors.values()))
        return redirect(request, "/account", message=message, kind="error")
    if not sent:
        return redirect(request, "/account", message=_("Your e-mail address is confirmed."))
    message = _("We sent a new link to %(address)s (valid for %(hours)d hours).") % {
        "address": user.email,
        "hours": LINK_HOURS,
    }
    return redirect(request, "/account", message=message)


async def cancel_change(request: Request) -> Response:
    user = await require_viewer(request)
    await read_form(request)
    if await check_cancel_email_change(user):
        message = _("The change of e-mail address is cancelled: its link no longer works.")
    else:
        message = _("There was no change of e-mail address to cancel.")
    return redirect(request, "/account", message=message)


async def confirm_form(request: Request) -> Response:
    user = await require_viewer(request)  # the link is used logged in, as its member
    token = request.path_params["token"]
    try:
        change, new = await find_link_for(token, user)
    except ValidationFailed as exc:
        return await _confirm_page(request, None, exc.errors, status_code=exc.status)
    except Forbidden as exc:  # another member's link: offer to log out
        errors = {"token": exc.message}
        return await _confirm_page(request, None, errors, status_code=exc.status, token=token)
    return await _confirm_page(request, change.new_email, {}, token=token, new=new)


async def confirm(request: Request) -> Response:
    user = await require_viewer(request)
    await read_form(request)
    try:
        confirmed = await check_confirm_email_change(request.path_params["token"], acting_user=user)
    except ValidationFailed as exc:
        return await _confirm_page(request, None, exc.errors, status_code=exc.status)
    if confirmed.email.lower() != user.email.lower():
        return redirect(request, "/account", message=_("Your e-mail address is changed."))
    return redirect(request, "/", message=_("Your e-mail address is confirmed. Welcome!"))


async def _email_page(
    request: Request,
    values: dict[str, str],
    errors: dict[str, str],
    current: str,
    status_code: int = 400,
) -> Response:
    context = {"form": values, "errors": errors, "current": current, "hours": LINK_HOURS}
    return await render(request, "forum/accounts_email.html", context, status_code=status_code)


async def _confirm_page(
    request: Request,
    new_email: str | None,
    errors: dict[str, str],
    *,
    token: str = "",
    new: bool = False,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {"new_email": new_email, "errors": errors, "token": token, "new": new}
    return await render(request, "forum/email_confirm.html", context, status_code=status_code)


routes = [
    Route("/account/email", email_form, methods=["GET"]),
    Route("/account/email", request_change, methods=["POST"]),
    Route("/account/email/cancel", cancel_change, methods=["POST"]),
    Route("/account/email/confirmation", resend_confirmation, methods=["POST"]),
    Route("/account/email/confirm/{token:str}", confirm_form, methods=["GET"]),
    Route("/account/email/confirm/{token:str}", confirm, methods=["POST"]),
]
