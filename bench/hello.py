"""A bare Starlette "hello world": the baseline that bench/pages.py measures the pages against.

Run: uvicorn --app-dir bench hello:app --workers 1 --no-access-log --log-level warning
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def hello(request: Request) -> PlainTextResponse:
    return PlainTextResponse("Hello, world!")


app = Starlette(routes=[Route("/", hello)])
