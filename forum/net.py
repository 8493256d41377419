"""The client's address, believing X-Forwarded-For only from PEERDESK_TRUSTED_PROXIES."""

from __future__ import annotations

from starlette.requests import Request


def client_address(request: Request) -> str:
    direct = request.client.host if request.client else ""
    trusted: tuple[str, ...] = request.app.state.settings.trusted_proxies
    forwarded = request.headers.get("x-forwarded-for")
    if forwarded and direct in trusted:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        # The right-most hop that is not one of our proxies is the client.
        for hop in reversed(hops):
            if hop not in trusted:
                return hop[:45]
    return direct[:45]
