import re

import httpx
from starlette.routing import Route

from forum.app import api_routes


def _template(path: str) -> str:
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", path)


async def test_openapi_describes_every_api_route_and_nothing_else(
    client: httpx.AsyncClient,
) -> None:
    r = await client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    document = r.json()
    assert document["openapi"].startswith("3.")
    described = {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}
    served = {
        (m, _template(route.path))
        for route in api_routes()
        if isinstance(route, Route)
        for m in (route.methods or set())
        if m != "HEAD"
    }
    assert described == served
