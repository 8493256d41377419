"""The OpenAPI document of /api/v1, built from one table so that it cannot forget an endpoint.

`tests/forum/test_openapi.py` checks that every API route is in this table and vice versa.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.api.base import ok

STR = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
TIME = {"type": "string", "format": "date-time"}
NULLABLE_STR = {"type": ["string", "null"]}

_USER_REF = {"type": "object", "properties": {"username": STR, "display_name": STR}}
_ANSWER = {
    "type": "object",
    "properties": {
        "id": INT,
        "body": STR,
        "body_html": STR,
        "author": _USER_REF,
        "is_staff": BOOL,
        "kudos": INT,
        "accepted": BOOL,
        "created_at": TIME,
        "updated_at": TIME,
    },
}
_QUESTION_SUMMARY = {
    "type": "object",
    "properties": {
        "id": INT,
        "title": STR,
        "board": STR,
        "state": STR,
        "author": _USER_REF,
        "answer_count": INT,
        "tags": {"type": "array", "items": STR},
        "created_at": TIME,
        "last_activity_at": TIME,
    },
}
_QUESTION = {
    "type": "object",
    "properties": {
        "id": INT,
        "url": STR,
        "title": STR,
        "body": STR,
        "body_html": STR,
        "board": STR,
        "tags": {"type": "array", "items": STR},
        "state": STR,
        "author": _USER_REF,
        "accepted_answer_id": {"type": ["integer", "null"]},
        "created_at": TIME,
        "answers": {"type": "array", "items": _ANSWER},
    },
}
_ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {"code": STR, "message": STR},
            "required": ["code", "message"],
        }
    },
}


_ENTRY = {
    "type": "object",
    "properties": {
        "id": INT,
        "kind": STR,
        "points": INT,
        "reverses": {"type": ["integer", "null"]},
        "reason": STR,
        "created_at": TIME,
        "reference": {
            "type": "object",
            "properties": {
                "cause": STR,
                "question_id": {"type": ["integer", "null"]},
                "answer_id": {"type": ["integer", "null"]},
                "url": NULLABLE_STR,
            },
        },
    },
}
_POINTS = {
    "type": "object",
    "properties": {
        "balance": INT,
        "reserved": INT,
        "paid": INT,
        "entries": {"type": "array", "items": _ENTRY},
        "next_cursor": NULLABLE_STR,
    },
}
_TRANSFER = {
    "type": "object",
    "properties": {
        "id": INT,
        "kind": STR,
        "amount": INT,
        "member": STR,
        "reverses": {"type": ["integer", "null"]},
        "reason": STR,
        "created_at": TIME,
    },
}


def _list_of(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"items": {"type": "array", "items": item}, "next_cursor": NULLABLE_STR},
    }


def _obj(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props}


# (method, path, summary, who, request body schema or None, success status, response schema)
ENDPOINTS: list[tuple[str, str, str, str, dict[str, Any] | None, int, dict[str, Any]]] = [
    (
        "post",
        "/auth/register",
        "Register a member account",
        "anyone",
        _obj(username=STR, email=STR, password=STR),
        201,
        _obj(id=INT, username=STR),
    ),
    (
        "post",
        "/auth/token",
        "Exchange credentials for an API token (shown once)",
        "anyone",
        _obj(username=STR, password=STR),
        200,
        _obj(token=STR, user=_obj(id=INT, username=STR, role=STR)),
    ),
    (
        "get",
        "/me",
        "Your account",
        "member",
        None,
        200,
        _obj(id=INT, username=STR, role=STR, locale=STR, payout_method=STR),
    ),
    (
        "patch",
        "/me",
        "Change locale, payout choice or display name",
        "member",
        _obj(
            display_name=STR,
            locale={"enum": ["en", "nl"]},
            payout_method={"enum": ["cash", "credit", "charity"]},
            payout_address=STR,
        ),
        200,
        _obj(id=INT, username=STR, role=STR, locale=STR, payout_method=STR),
    ),
    (
        "post",
        "/admin/users/{id}/role",
        "Set a user's role",
        "admin",
        _obj(role={"enum": ["member", "staff", "finance", "admin"]}),
        200,
        _obj(id=INT, username=STR, role=STR),
    ),
    (
        "post",
        "/admin/users/{id}/suspend",
        "Suspend a member",
        "staff",
        _obj(reason=STR),
        200,
        _obj(id=INT, username=STR, suspended=BOOL),
    ),
    (
        "get",
        "/boards",
        "The boards",
        "anyone",
        None,
        200,
        _list_of(_obj(slug=STR, name=STR, description=STR, sla_hours=INT, urgent=BOOL)),
    ),
    (
        "get",
        "/questions",
        "List questions (keyset pagination)",
        "anyone",
        None,
        200,
        _list_of(_QUESTION_SUMMARY),
    ),
    (
        "post",
        "/questions",
        "Ask a question",
        "member",
        _obj(board=STR, title=STR, body=STR, tags={"type": "array", "items": STR}),
        201,
        _QUESTION,
    ),
    ("get", "/questions/{id}", "A question with its answers", "anyone", None, 200, _QUESTION),
    (
        "patch",
        "/questions/{id}",
        "Edit a question (keeps a revision)",
        "author or staff",
        _obj(title=STR, body=STR),
        200,
        _QUESTION,
    ),
    (
        "post",
        "/questions/{id}/answers",
        "Answer a question",
        "member",
        _obj(body=STR),
        201,
        _ANSWER,
    ),
    (
        "patch",
        "/answers/{id}",
        "Edit an answer (keeps a revision)",
        "author or staff",
        _obj(body=STR),
        200,
        _ANSWER,
    ),
    (
        "post",
        "/answers/{id}/kudos",
        "Give kudos",
        "member",
        None,
        201,
        _obj(answer_id=INT, kudos=INT),
    ),
    (
        "delete",
        "/answers/{id}/kudos",
        "Withdraw kudos",
        "member",
        None,
        200,
        _obj(answer_id=INT, kudos=INT),
    ),
    (
        "put",
        "/questions/{id}/accepted-answer",
        "Accept or change the accepted answer",
        "asker (staff after 7 days)",
        _obj(answer_id=INT),
        200,
        _obj(question_id=INT, accepted_answer_id=INT, state=STR),
    ),
    (
        "delete",
        "/questions/{id}/accepted-answer",
        "Clear the accepted answer",
        "asker or staff",
        None,
        200,
        _obj(question_id=INT, accepted_answer_id={"type": "null"}, state=STR),
    ),
    (
        "get",
        "/me/points",
        "Your balance, reserved and paid points and your entries",
        "member",
        None,
        200,
        _POINTS,
    ),
    (
        "get",
        "/ledger/members/{id}/points",
        "A member's points and entries",
        "finance",
        None,
        200,
        _POINTS,
    ),
    (
        "get",
        "/ledger/check",
        "Reconcile the ledger (the five invariants)",
        "finance",
        None,
        200,
        _obj(ok=BOOL, accounts=INT, transfers=INT, problems={"type": "array", "items": STR}),
    ),
    (
        "post",
        "/ledger/adjustments",
        "Post a manual adjustment (positive or negative)",
        "finance",
        _obj(member=STR, points=INT, reason=STR, key=STR),
        201,
        _TRANSFER,
    ),
    (
        "post",
        "/ledger/fraud-reversals",
        "Reverse a member's awards for a question or time range",
        "finance",
        _obj(member=STR, reason=STR, question_id=INT, since=TIME, until=TIME),
        201,
        _obj(reversals={"type": "array", "items": _TRANSFER}),
    ),
    ("get", "/openapi.json", "This document", "anyone", None, 200, {"type": "object"}),
]

_QUERY_PARAMS = {
    ("get", "/me/points"): [("limit", "1–100, default 20"), ("cursor", "next_cursor")],
    ("get", "/questions"): [
        ("board", "Board slug"),
        ("state", "unanswered | answered | solved | locked"),
        ("sort", "newest | active"),
        ("limit", "1–100, default 20"),
        ("cursor", "next_cursor of the previous page"),
    ],
}


def build_document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for method, path, summary, who, body, status, schema in ENDPOINTS:
        op: dict[str, Any] = {
            "summary": summary,
            "description": f"Who: {who}.",
            "responses": {
                str(status): {
                    "description": "Success",
                    "content": {"application/json": {"schema": schema}},
                },
                "default": {
                    "description": "Error",
                    "content": {"application/json": {"schema": _ERROR}},
                },
            },
        }
        if who != "anyone":
            op["security"] = [{"bearer": []}]
        params = (
            [{"name": "id", "in": "path", "required": True, "schema": INT}]
            if "{id}" in path
            else []
        )
        params += [
            {"name": n, "in": "query", "required": False, "description": d, "schema": STR}
            for n, d in _QUERY_PARAMS.get((method, path), [])
        ]
        if params:
            op["parameters"] = params
        if body is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": body}},
            }
        paths.setdefault(path, {})[method] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "Peerdesk API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": paths,
    }


async def openapi(request: Request) -> Response:
    return ok(build_document())


routes = [Route("/openapi.json", openapi, methods=["GET"])]
