import re

import httpx
from starlette.applications import Starlette
from starlette.routing import Route

from forum.app import api_routes
from forum.models import Question, User
from tests import factories


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


async def test_the_document_says_what_the_handlers_check(client: httpx.AsyncClient) -> None:
    """Generated from the handlers' types: required fields, enums, id bounds, lengths, who."""
    document = (await client.get("/api/v1/openapi.json")).json()
    schemas = document["components"]["schemas"]

    def resolve(schema: dict[str, object]) -> dict[str, object]:
        ref = str(schema.get("$ref", ""))
        return schemas[ref.rsplit("/", 1)[1]] if ref else schema

    ask = document["paths"]["/questions"]["post"]
    asked = resolve(ask["requestBody"]["content"]["application/json"]["schema"])
    assert set(asked["required"]) == {"board", "title", "body"}  # type: ignore[arg-type]
    assert asked["additionalProperties"] is False
    assert ask["security"] == [{"bearer": []}] and "201" in ask["responses"]
    title = asked["properties"]["title"]  # type: ignore[index]
    assert "10 to 200 characters" in title["description"]
    flag = document["paths"]["/answers/{id}/flags"]["post"]
    reason = resolve(flag["requestBody"]["content"]["application/json"]["schema"])
    assert resolve(reason["properties"]["reason"])["enum"] == ["spam", "offensive", "off_topic"]  # type: ignore[index]
    (path_id,) = [p for p in flag["parameters"] if p["in"] == "path"]
    assert path_id["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    listed = document["paths"]["/questions"]["get"]
    assert "security" not in listed
    limit = next(p for p in listed["parameters"] if p["name"] == "limit")
    # Sent empty (?limit=) it counts as absent: the default.
    assert limit["schema"]["anyOf"] == [
        {"type": "integer", "minimum": 1, "maximum": 100},
        {"const": ""},
    ]
    assert limit["schema"]["default"] == 20
    assert {"$ref": "#/components/schemas/QuestionState"} in next(
        p for p in listed["parameters"] if p["name"] == "state"
    )["schema"]["anyOf"]
    assert "QuestionState" in schemas
    assert document["paths"]["/questions/{id}"]["get"]["security"] == [{}, {"bearer": []}]
    # A change whose fields are all optional may leave its body out; its fields are never null.
    change = document["paths"]["/me"]["patch"]["requestBody"]
    assert change["required"] is False
    me = resolve(change["content"]["application/json"]["schema"])
    assert "anyOf" not in me["properties"]["locale"]  # type: ignore[index]
    created = ask["responses"]["201"]
    assert created["links"]["GetQuestion"]["operationId"] == "questions.detail"


async def test_each_field_the_document_refuses_the_server_refuses_by_name(
    app: Starlette, asker: User
) -> None:
    """A missing field, a wrong type, an unknown field and a bad value: one 400, each named."""
    async with await factories.api(app, asker) as api:
        r = await api.post(
            "/api/v1/questions",
            json={"board": "Not A Slug", "title": 7, "tags": ["ok", "NOT OK"], "colour": "red"},
        )
    assert r.status_code == 400
    fields = r.json()["error"]["fields"]
    assert set(fields) == {"board", "title", "body", "tags.1", "colour"}
    assert fields["body"] == "This field is required."
    assert fields["colour"] == "There is no such field."
    assert await Question.all().count() == 0


async def test_every_list_is_items_and_next_cursor(client: httpx.AsyncClient) -> None:
    """API.md: a list answers {items, next_cursor}, both always there."""
    document = (await client.get("/api/v1/openapi.json")).json()
    schemas = document["components"]["schemas"]
    lists = []
    for path, operations in document["paths"].items():
        answer = operations.get("get", {}).get("responses", {}).get("200", {})
        schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
        resolved = schemas.get(str(schema.get("$ref", "")).rsplit("/", 1)[-1], schema)
        if "items" in resolved.get("properties", {}):
            lists.append(path)
            assert {"items", "next_cursor"} <= set(resolved["required"]), path
    assert {"/boards", "/questions", "/me/statements", "/payouts", "/mail", "/search"} <= set(lists)
