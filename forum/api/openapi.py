"""The OpenAPI document of /api/v1, generated from the contract each handler declares
(forum.api.contract): its body, query, caller and answer types. Nothing here is written by hand
but the words."""

from __future__ import annotations

import re
from functools import cache
from typing import Any, NotRequired

from pydantic import TypeAdapter
from starlette.requests import Request
from typing_extensions import TypedDict

from forum.api.contract import ApiRoute, Contract, endpoint
from forum.settings import get_settings
from forum.validation import MAX_ID

REF = "#/components/schemas/{model}"


class ErrorDetail(TypedDict):
    code: str
    message: str
    fields: NotRequired[dict[str, str]]  # each offending field and what is wrong with it


class ErrorBody(TypedDict):
    error: ErrorDetail


def _path_parameters(contract: Contract) -> list[dict[str, Any]]:
    parameters = []
    for name, kind in re.findall(r"{(\w+)(?::(\w+))?}", contract.path):
        described = contract.path_schemas.get(name)
        schema: dict[str, Any] = described() if described else {"type": "string", "minLength": 1}
        if kind == "int":
            schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return parameters


def _query_parameters(contract: Contract, defs: dict[str, Any]) -> list[dict[str, Any]]:
    """The query model's fields as parameters (its enums go to `defs`); an optional one may be
    sent empty, which counts as absent (forum.api.contract.Query)."""
    if contract.query is None:
        return []
    schema = contract.query.model_json_schema(ref_template=REF)
    _drop_null_defaults(schema)
    defs.update(schema.get("$defs", {}))
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema["properties"].items():
        value = {k: v for k, v in prop.items() if k not in ("title", "description")}
        if name not in required:
            value = {
                "anyOf": [value, {"const": ""}],
                **({"default": value.pop("default")} if "default" in value else {}),
            }
        parameters.append(
            {
                "name": name,
                "in": "query",
                "required": name in required,
                "schema": value,
                **({"description": prop["description"]} if "description" in prop else {}),
            }
        )
    return parameters


def _drop_null_defaults(schema: Any) -> None:
    """A field that may be left out but not sent null (contract.Unset) has no default to show:
    a tool that sent it as a value would be refused."""
    if isinstance(schema, dict):
        for prop in schema.get("properties", {}).values():
            nullable = "anyOf" in prop or prop.get("type") == "null"
            if "default" in prop and prop["default"] is None and not nullable:
                del prop["default"]
        for value in schema.values():
            _drop_null_defaults(value)
    elif isinstance(schema, list):
        for value in schema:
            _drop_null_defaults(value)


def build_document(routes: list[Any]) -> dict[str, Any]:
    contracts = [r.contract for r in routes if isinstance(r, ApiRoute)]
    inputs: list[tuple[Any, Any, TypeAdapter[Any]]] = [
        ("error", "serialization", TypeAdapter(ErrorBody))
    ]
    for c in contracts:
        if c.body is not None:
            inputs.append(((c.operation_id, "body"), "validation", TypeAdapter(c.body)))
        if c.response is not None:
            inputs.append(((c.operation_id, "answer"), "serialization", TypeAdapter(c.response)))
    refs, defs = TypeAdapter.json_schemas(inputs, ref_template=REF)
    _drop_null_defaults(defs)
    error = {"application/json": {"schema": refs[("error", "serialization")]}}
    schemas: dict[str, Any] = defs.get("$defs", {})
    paths: dict[str, dict[str, Any]] = {}
    for c in contracts:
        template = re.sub(r"\{(\w+):\w+\}", r"{\1}", c.path)
        if c.response is not None:
            content = {
                "application/json": {"schema": refs[((c.operation_id, "answer"), "serialization")]}
            }
        else:
            content = {c.media_type: {"schema": {"type": "string"}}}
        success: dict[str, Any] = {"description": "Success", "content": content}
        links = {
            link.name: {"operationId": link.operation, "parameters": link.parameters}
            for link in c.links
        }
        if links:
            success["links"] = links
        responses = {str(s): success for s in (c.status, *c.also)}
        responses["default"] = {"description": "An error", "content": error}
        op: dict[str, Any] = {
            "operationId": c.operation_id,
            "summary": c.summary,
            "responses": responses,
        }
        if c.reads_user:  # required, or read when sent
            op["security"] = [{"bearer": []}] if c.auth else [{}, {"bearer": []}]
        parameters = _path_parameters(c) + _query_parameters(c, schemas)
        if parameters:
            op["parameters"] = parameters
        if c.body is not None:
            op["requestBody"] = {
                # A body with no required field may be left out (it is an empty object).
                "required": any(f.is_required() for f in c.body.model_fields.values()),
                "content": {
                    "application/json": {"schema": refs[((c.operation_id, "body"), "validation")]}
                },
            }
        paths.setdefault(template, {})[c.method] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "Peerdesk API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "paths": paths,
    }


def document() -> dict[str, Any]:
    return _document(get_settings().payout_period)


@cache
def _document(payout_period: str) -> dict[str, Any]:
    """Built once per kind of payout period (the periods' pattern depends on it)."""
    from forum.app import api_routes  # the routes include this one

    return build_document(api_routes())


async def openapi(request: Request) -> dict[str, Any]:
    return document()


routes = [endpoint("GET", "/openapi.json", openapi, "This document")]
