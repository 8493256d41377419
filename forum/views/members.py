"""Pages: a member's public profile, and the avatar drawn from a username."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.avatars import avatar_svg
from forum.member_queries import get_member_profile
from forum.validation import USERNAME_RE
from forum.web import render, viewer

# A username's picture never changes: a year in any cache.
_FOREVER = "public, max-age=31536000, immutable"


async def profile(request: Request) -> Response:
    shown = await get_member_profile(request.path_params["username"], await viewer(request))
    return await render(request, "forum/members_detail.html", {"member": shown})


async def avatar(request: Request) -> Response:
    username = request.path_params["username"]
    if not USERNAME_RE.fullmatch(username):
        return Response(status_code=404)
    return Response(
        avatar_svg(username), media_type="image/svg+xml", headers={"cache-control": _FOREVER}
    )


routes = [
    Route("/members/{username}", profile, name="member"),
    Route("/avatars/{username}.svg", avatar, name="avatar"),
]
