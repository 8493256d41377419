"""Pages: your profile (display name, locale, payout choice, e-mail) and your API tokens."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.accounts import do_create_api_token
from forum.actions.email_change import pending_email_change
from forum.actions.profile import check_update_profile
from forum.auth import LOCALE_COOKIE, form_text, read_form
from forum.errors import ValidationFailed
from forum.i18n import gettext as _
from forum.i18n import speaking
from forum.models import User
from forum.web import redirect, render, require_viewer, safe_next, viewer

FIELDS = ("display_name", "locale", "payout_method", "payout_address")


async def profile(request: Request) -> Response:
    user = await require_viewer(request)
    return await _render(request, user, _current(user), {})


async def update(request: Request) -> Response:
    user = await require_viewer(request)
    form = await read_form(request)
    values: dict[str, Any] = {k: form_text(form, k) for k in FIELDS}
    # An unticked box sends nothing.
    values["email_notifications"] = form_text(form, "email_notifications") == "1"
    try:
        await check_update_profile(request.app.state.settings, user, **values)
    except ValidationFailed as exc:
        return await _render(request, user, values, exc.errors, status_code=400)
    with speaking(user.locale):  # in the language just chosen, as the next page is
        message = _("Your profile is saved.")
    return redirect(request, "/account", message=message)


async def choose_language(request: Request) -> Response:
    """The footer's language buttons: kept in a cookie for everyone, and in the account of a
    member (whose form carries a CSRF token; a visitor's cached page cannot)."""
    user = await viewer(request)
    if user is not None:
        form = await read_form(request)
    else:
        form = await request.form(max_files=0, max_fields=10, max_part_size=4096)
    locale = form_text(form, "locale")
    settings = request.app.state.settings
    back = safe_next(form_text(form, "next"))
    if locale not in settings.locales:
        return redirect(
            request, back, message=_("Choose one of the languages offered."), kind="error"
        )
    if user is not None:
        await check_update_profile(settings, user, locale=locale)
    # A visitor's cached pages are per language: choosing one leaves them valid.
    request.state.visitors_see_no_change = True
    response = redirect(request, back)
    secure = request.url.scheme == "https"
    response.set_cookie(
        LOCALE_COOKIE, locale, max_age=365 * 86400, httponly=True, samesite="lax", secure=secure
    )
    return response


async def create_token(request: Request) -> Response:
    user = await require_viewer(request)
    await read_form(request)
    token = await do_create_api_token(user)
    return await _render(request, user, _current(user), {}, new_token=token)


def _current(user: User) -> dict[str, Any]:
    return {
        "email_notifications": user.email_notifications,
        "display_name": user.display_name,
        "locale": user.locale,
        "payout_method": user.payout_method.value,
        "payout_address": user.payout_address,
    }


async def _render(
    request: Request,
    user: User,
    form: dict[str, Any],
    errors: dict[str, str],
    *,
    new_token: str | None = None,
    status_code: int = 200,
) -> Response:
    settings = request.app.state.settings
    return await render(
        request,
        "forum/profile_edit.html",
        {
            "form": form,
            "errors": errors,
            "locales": settings.locales,
            "payout_methods": settings.payout_methods,
            "new_token": new_token,
            "pending_email": await pending_email_change(user),
        },
        status_code=status_code,
    )


routes = [
    Route("/account", profile, methods=["GET"], name="account"),
    Route("/account", update, methods=["POST"]),
    Route("/account/tokens", create_token, methods=["POST"]),
    Route("/language", choose_language, methods=["POST"], name="language"),
]
