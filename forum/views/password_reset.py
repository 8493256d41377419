"""Pages: ask for a password reset link, and choose a new password with it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.password_reset import (
    check_request_reset,
    check_reset_password,
    find_usable_reset,
)
from forum.auth import auth_of, form_text, read_form
from forum.errors import ValidationFailed
from forum.i18n import gettext as _
from forum.net import client_address
from forum.web import redirect, render


async def forgot_form(request: Request) -> Response:
    return await render(request, "forum/password_forgot.html", {"form": {}, "errors": {}})


async def forgot(request: Request) -> Response:
    form = await read_form(request)
    values = {"login": form_text(form, "login")}
    try:
        await check_request_reset(values["login"], address=client_address(request))
    except ValidationFailed as exc:
        return await render(
            request,
            "forum/password_forgot.html",
            {"form": values, "errors": exc.errors},
            status_code=exc.status,
        )
    # The same answer whether or not an account matched.
    minutes = request.app.state.settings.password_reset_minutes
    context = {"form": values, "errors": {}, "sent": True, "reset_minutes": minutes}
    return await render(request, "forum/password_forgot.html", context)


async def reset_form(request: Request) -> Response:
    token = request.path_params["token"]
    try:
        await find_usable_reset(token)
    except ValidationFailed as exc:
        return await render(
            request, "forum/password_reset.html", {"errors": exc.errors}, status_code=exc.status
        )
    return await render(request, "forum/password_reset.html", {"token": token, "errors": {}})


async def reset(request: Request) -> Response:
    token = request.path_params["token"]
    form = await read_form(request)
    password = form_text(form, "password")
    errors = {}
    if password != form_text(form, "password_again"):
        errors["password_again"] = _("The two passwords are not the same.")
    try:
        if errors:
            raise ValidationFailed(errors)
        await check_reset_password(auth_of(request), token=token, password=password)
    except ValidationFailed as exc:
        context = {"token": token, "errors": exc.errors}
        # 404 for a link that names nothing (used, expired, wrong), 400 for a bad password.
        return await render(request, "forum/password_reset.html", context, status_code=exc.status)
    return redirect(
        request, "/login", message=_("Your password is changed. Log in with the new one.")
    )


routes = [
    Route("/password/forgot", forgot_form, methods=["GET"]),
    Route("/password/forgot", forgot, methods=["POST"]),
    Route("/password/reset/{token}", reset_form, methods=["GET"]),
    Route("/password/reset/{token}", reset, methods=["POST"]),
]
