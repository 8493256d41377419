"""Pages: register, log in, log out, change password."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.accounts import check_authenticate, check_change_password, check_register
from forum.auth import auth_of, form_text, read_form
from forum.errors import ForumError, ValidationFailed
from forum.i18n import current_locale
from forum.i18n import gettext as _
from forum.net import client_address
from forum.web import redirect, render, require_viewer, safe_next


async def register_form(request: Request) -> Response:
    return await render(request, "forum/accounts_register.html", {"form": {}, "errors": {}})


async def register(request: Request) -> Response:
    form = await read_form(request)
    values: dict[str, Any] = {k: form_text(form, k) for k in ("username", "email", "password")}
    try:
        # The member's language is the one they signed up in (their welcome mail's too).
        user = await check_register(
            auth_of(request), **values, address=client_address(request), locale=current_locale()
        )
    except ValidationFailed as exc:
        return await _form(
            request, "forum/accounts_register.html", values, exc.errors, status_code=exc.status
        )
    except ForumError as exc:
        return await _form(
            request,
            "forum/accounts_register.html",
            values,
            {exc.field or "username": exc.message},
            status_code=exc.status,
        )
    message = _(
        "Welcome to Peerdesk, %(name)s! Open the link we mailed to %(address)s to confirm it."
    ) % {"name": user.username, "address": user.email}
    response = redirect(request, "/", message=message)
    auth_of(request).login(request, response, user)
    return response


async def login_form(request: Request) -> Response:
    form = {"next": safe_next(request.query_params.get("next"))}
    return await render(request, "forum/accounts_login.html", {"form": form, "errors": {}})


async def login(request: Request) -> Response:
    form = await read_form(request)
    values = {"username": form_text(form, "username"), "next": safe_next(form_text(form, "next"))}
    try:
        user = await check_authenticate(
            auth_of(request),
            username=values["username"],
            password=form_text(form, "password"),
            address=client_address(request),
        )
    except ForumError as exc:
        return await _form(
            request,
            "forum/accounts_login.html",
            values,
            {"password": exc.message},
            status_code=exc.status,
        )
    response = redirect(request, values["next"])
    auth_of(request).login(request, response, user)
    return response


async def logout(request: Request) -> Response:
    form = await read_form(request)
    # A page may send the member on, e.g. to log in as someone else.
    then = safe_next(form_text(form, "next"))
    response = redirect(request, then, message=_("You are logged out."))
    auth_of(request).logout(response)
    return response


async def password_form(request: Request) -> Response:
    await require_viewer(request)
    return await render(request, "forum/accounts_password.html", {"errors": {}})


async def change_password(request: Request) -> Response:
    user = await require_viewer(request)
    form = await read_form(request)
    try:
        user = await check_change_password(
            auth_of(request),
            user,
            current=form_text(form, "current_password"),
            new=form_text(form, "new_password"),
            address=client_address(request),
        )
    except ValidationFailed as exc:
        return await render(
            request, "forum/accounts_password.html", {"errors": exc.errors}, status_code=exc.status
        )
    response = redirect(request, "/account", message=_("Your password is changed."))
    auth_of(request).login(request, response, user)
    return response


async def _form(
    request: Request,
    template: str,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 400,
) -> Response:
    return await render(
        request, template, {"form": values, "errors": errors}, status_code=status_code
    )


routes = [
    Route("/register", register_form, methods=["GET"], name="register"),
    Route("/register", register, methods=["POST"]),
    Route("/login", login_form, methods=["GET"], name="login"),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"], name="logout"),
    Route("/account/password", password_form, methods=["GET"]),
    Route("/account/password", change_password, methods=["POST"]),
]
