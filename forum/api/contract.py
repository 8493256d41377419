"""The API's contract, declared once on each handler's signature.

A handler names what it takes and gives by its types: `body: SomeBody` (a JSON object, checked
by pydantic), `query: SomeQuery` (the query string), `user: User` (a bearer token is required)
or `user: User | None` (read when sent), and its return type (a TypedDict, the JSON it answers).
`endpoint()` reads those types once, at import: the caller is authenticated before anything is
validated, the body and query are validated before the handler runs, and the OpenAPI document
(forum.api.openapi) is generated from the same types, so the two cannot disagree.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, get_type_hints

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from typing_extensions import TypedDict

from forum.api.base import api_user, ok, require_api_user
from forum.errors import ValidationFailed
from forum.models import User
from forum.queries import MAX_LIMIT
from forum.settings import get_settings
from forum.validation import MAX_ID, SLUG_RE, USERNAME_RE
from rewards.periods import period_pattern

Handler = Callable[..., Awaitable[Any]]


def _whole(value: Any) -> Any:
    """JSON Schema counts 17.0 as an integer, so the API does too (strict pydantic would not)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Whole = BeforeValidator(_whole)
Id = Annotated[int, Field(ge=1, le=MAX_ID), Whole]
Slug = Annotated[str, Field(pattern=f"^{SLUG_RE.pattern}$")]  # a board's address
Username = Annotated[str, Field(pattern=f"^{USERNAME_RE.pattern}$")]

# What str.strip() takes away, less the control characters forum.validation refuses anyway.
_SPACE = r"\t\n\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_CHAR = f"[^{_CONTROL}]"
_INK = f"[^{_SPACE}{_CONTROL}]"


def text(min_len: int, max_len: int) -> Any:
    """`Annotated[str, text(3, 500)]`: a string as forum.validation.text takes it, without
    control characters and min_len to max_len characters once stripped (and at most max_len
    with its spaces). The pattern says exactly that, so the document and the check agree."""
    if min_len == 0:
        inner = f"(?:{_INK}(?:{_CHAR}{{0,{max_len - 2}}}{_INK})?)?"
    elif min_len == 1:
        inner = f"{_INK}(?:{_CHAR}{{0,{max_len - 2}}}{_INK})?"
    else:
        inner = f"{_INK}{_CHAR}{{{min_len - 2},{max_len - 2}}}{_INK}"
    pattern = f"^[{_SPACE}]*{inner}[{_SPACE}]*$"
    rule = f"Text of {min_len} to {max_len} characters (not counting spaces around it)."
    return Field(pattern=pattern, min_length=min_len, max_length=max_len, description=rule)


class Body(BaseModel):
    """A request body: a JSON object with exactly these fields, each of exactly its type (a "17"
    is no id, a misspelt field is refused rather than ignored)."""

    # python-re: the rust engine refuses a pattern like text(20, 20000)'s as too large.
    model_config = ConfigDict(strict=True, extra="forbid", regex_engine="python-re")


# The default of a field that may be left out but is never null: model_dump(exclude_unset=True)
# leaves it out, and the document shows it optional and not nullable (forum.api.openapi drops
# the null default pydantic writes).
Unset: Any = None


def period_label(*alternatives: str) -> Any:
    """`Annotated[str, period_label()]`: a payout period's label, as this installation's kind
    of period writes it (2026-11, or 2026-H2): the document shows the pattern parse_period
    checks; `alternatives` are other words it takes ("all")."""

    def pattern(schema: dict[str, Any]) -> None:
        label = period_pattern(get_settings().payout_period).strip("^$")
        schema["pattern"] = f"^(?:{'|'.join((*alternatives, label))})$"

    return Field(min_length=1, max_length=20, json_schema_extra=pattern)


class Query(BaseModel):
    """Query parameters: strings converted to their types; unknown parameters are ignored and
    an empty one (?state=) counts as absent (the document says so)."""

    model_config = ConfigDict(extra="ignore")


class Paging(Query):
    """A list's page: the next_cursor of the page before, and how many items."""

    cursor: Annotated[str, Field(max_length=200)] = Unset
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = 20


class OutboxQuery(Paging):
    """Webhook deliveries or mails of one state (or all), newest first."""

    state: Literal["failed", "pending", "delivered"] = Unset
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = 50


class Detail(TypedDict):
    detail: str


@dataclass(frozen=True)
class Link:
    """An OpenAPI link: from this operation's answer to another operation's parameter."""

    name: str
    operation: str  # the target's operation id, e.g. "questions.detail"
    parameters: dict[str, str]  # its parameter -> a runtime expression, e.g. "$response.body#/id"


@dataclass(frozen=True)
class Contract:
    method: str
    path: str
    summary: str
    status: int
    operation_id: str
    auth: bool  # a bearer token is required
    reads_user: bool  # a bearer token is read when sent (and required when auth)
    body: type[Body] | None
    query: type[Query] | None
    response: Any  # the success answer's type; None for an answer that is not JSON
    media_type: str = "application/json"
    also: tuple[int, ...] = ()  # other success statuses it answers with the same type
    links: tuple[Link, ...] = field(default_factory=tuple)
    path_schemas: dict[str, Callable[[], dict[str, Any]]] = field(default_factory=dict)


class ApiRoute(Route):
    contract: Contract


def endpoint(
    method: str,
    path: str,
    handler: Handler,
    summary: str,
    *,
    status: int = 200,
    also: tuple[int, ...] = (),
    media_type: str = "application/json",
    links: tuple[Link, ...] = (),
    answer: Any = None,
    requires: Callable[[User], object] | None = None,
    path_schemas: dict[str, Callable[[], dict[str, Any]]] | None = None,
) -> ApiRoute:
    """The route of `handler`. A handler that returns a Response (a status that depends on what
    happened, a CSV) names the JSON type it sends as `answer`. `requires` (a permission's
    require_… function) refuses a caller of the wrong role before their input is read;
    `path_schemas` documents a text path parameter's values (a function: they may depend on
    the settings)."""
    hints = get_type_hints(handler, include_extras=True)
    params = inspect.signature(handler).parameters
    body: type[Body] | None = hints.get("body")
    query: type[Query] | None = hints.get("query")
    takes_user = "user" in params
    auth = takes_user and hints["user"] is User
    response = answer or hints.get("return")
    if response is Response or media_type != "application/json":
        response = None

    async def run(request: Request) -> Response:
        kwargs: dict[str, Any] = {}
        if takes_user:
            kwargs["user"] = await (require_api_user(request) if auth else api_user(request))
            if requires is not None:
                requires(kwargs["user"])
        if body is not None:
            kwargs["body"] = await _read_body(request, body)
        if query is not None:
            kwargs["query"] = _read_query(request, query)
        result = await handler(request, **kwargs)
        return result if isinstance(result, Response) else ok(result, status_code=status)

    module = handler.__module__.rsplit(".", 1)[-1]
    route = ApiRoute(path, run, methods=[method])
    route.contract = Contract(
        method=method.lower(),
        path=path,
        summary=summary,
        status=status,
        operation_id=f"{module}.{handler.__name__.strip('_')}",
        auth=auth,
        reads_user=takes_user,
        body=body,
        query=query,
        response=response,
        media_type=media_type,
        also=also,
        links=links,
        path_schemas=path_schemas or {},
    )
    return route


async def _read_body(request: Request, model: type[Body]) -> Body:
    """The body as `model`; no body at all is an empty object (a model whose fields are all
    optional takes it, any other names each field it misses)."""
    raw = (await request.body()).strip() or b"{}"
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise ValidationFailed(_surrogates(raw) or _fields(exc, model, whole="body")) from exc
    except RecursionError as exc:  # a body nested thousands deep
        raise ValidationFailed({"body": "The request body is nested too deeply."}) from exc


def _surrogates(raw: bytes) -> dict[str, str]:
    """The fields of a JSON object that hold a lone surrogate ("\\ud800": JSON allows it, no
    database stores it), each named, rather than calling the whole body invalid."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        name: "Contains characters that are not allowed (a lone surrogate)."
        for name, value in data.items()
        if _SURROGATE.search(json.dumps(value, ensure_ascii=False)) or _SURROGATE.search(name)
    }


_SURROGATE = re.compile("[\ud800-\udfff]")


def _rule(model: type[BaseModel], loc: tuple[int | str, ...]) -> str | None:
    found = model.model_fields.get(str(loc[0])) if len(loc) == 1 else None
    return found.description if found else None


def _read_query(request: Request, model: type[Query]) -> Query:
    given = {name: value for name, value in request.query_params.items() if value != ""}
    try:
        return model.model_validate(given)
    except ValidationError as exc:
        raise ValidationFailed(_fields(exc, model, whole="query")) from exc


def _fields(exc: ValidationError, model: type[BaseModel], whole: str) -> dict[str, str]:
    """Each offending field (a dotted path: "tags.2") with what is wrong with it: a text
    field's rule as its description says it, rather than the pattern that checks it."""
    fields: dict[str, str] = {}
    for error in exc.errors(include_url=False, include_input=False):
        name = ".".join(str(part) for part in error["loc"]) or whole
        if error["type"] == "json_invalid":
            message = "The request body is not valid JSON."
        elif error["type"] == "model_type":
            message = "The request body must be a JSON object."
        elif error["type"] == "missing":
            message = "This field is required."
        elif error["type"] == "extra_forbidden":
            message = "There is no such field."
        elif error["type"].startswith("string_") and (rule := _rule(model, error["loc"])):
            message = rule
        elif error["type"] == "string_pattern_mismatch":
            message = "Not in the form /api/v1/openapi.json gives for it."
        else:
            message = error["msg"].removeprefix("Value error, ")
        fields.setdefault(name, message)
    return fields
