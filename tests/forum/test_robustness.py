"""No input, however large or malformed, produces a 500.

Bad input gets a 4xx with the API error body `{"error": {"code": str, "message": str}}` that names
the offending field, and a refused write changes nothing. Odd but valid text (RTL marks, emoji,
combining characters) is accepted.
"""

from __future__ import annotations

import base64
import json
import unicodedata
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette

from forum.models import Acceptance, Answer, Board, Kudos, Question, Revision, Role, User
from tests import factories

QUESTIONS = "/api/v1/questions"
REGISTER = "/api/v1/auth/register"
JSON = {"content-type": "application/json"}
LIMIT = 256 * 1024  # Settings.max_body_bytes

VALID_QUESTION: dict[str, Any] = {
    "board": "account-billing",
    "title": "My eSIM stopped working abroad",
    "body": "Roaming is on but I get no data at all since I landed in Spain.",
    "tags": ["esim", "roaming"],
}


# -- helpers ---------------------------------------------------------------------------------


def assert_api_error(response: httpx.Response, status: int, *fields: str) -> dict[str, str]:
    """The status, and the API error body whose message names one of `fields` (if given)."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert isinstance(error, dict), body
    assert isinstance(error.get("code"), str) and error["code"], body
    assert isinstance(error.get("message"), str) and error["message"], body
    if fields:
        assert any(f in error["message"] for f in fields), (fields, error["message"])
    if "fields" in error:  # each named field with its own message, all in the message too
        assert error["fields"] and all(isinstance(m, str) and m for m in error["fields"].values())
    return error


def assert_4xx_api_error(response: httpx.Response) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:500])
    assert_api_error(response, response.status_code)


async def row_counts() -> dict[str, int]:
    return {
        "questions": await Question.all().count(),
        "answers": await Answer.all().count(),
        "users": await User.all().count(),
        "revisions": await Revision.all().count(),
        "acceptances": await Acceptance.all().count(),
        "kudos": await Kudos.all().count(),
    }


def collect(problems: list[str], case: str, check: Callable[..., object], *args: Any) -> None:
    """Run one case's assertions, keeping its failure so that every case gets reported."""
    try:
        check(*args)
    except AssertionError as exc:
        problems.append(f"{case}: {exc}")


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.fixture
async def asker_api(app: Starlette, asker: User) -> AsyncIterator[httpx.AsyncClient]:
    async with await factories.api(app, asker) as c:
        yield c


@pytest.fixture
async def helper_api(app: Starlette, helper: User) -> AsyncIterator[httpx.AsyncClient]:
    async with await factories.api(app, helper) as c:
        yield c


@pytest.fixture
async def admin_api(app: Starlette, admin: User) -> AsyncIterator[httpx.AsyncClient]:
    async with await factories.api(app, admin) as c:
        yield c


@pytest.fixture
async def anon_api(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with await factories.api(app) as c:
        yield c


@pytest.fixture
async def question(asker: User) -> Question:
    return await factories.make_question(asker)


@pytest.fixture
async def answer(question: Question, helper: User) -> Answer:
    return await factories.make_answer(question, helper)


# -- malformed bodies ------------------------------------------------------------------------

MALFORMED_BODIES: dict[str, bytes] = {
    "truncated": b'{"title": ',
    "trailing_garbage": b'{"title": "x"} trailing',
    "single_quotes": b"{'title': 'x'}",
    "form_encoded": b"title=hello&body=world",
    "invalid_utf8": b'{"title": "\xff\xfe\xfd"}',
    "utf16_bom_garbage": b"\xff\xfe{\x00}\x00",
    "deep_nesting": b"[" * 100_000,
    "deep_nesting_in_field": b'{"title": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
    "nul_byte_raw": b'{"title": "a\x00b"}',
}
NON_OBJECT_BODIES: dict[str, bytes] = {
    "array": b"[]",
    "array_of_object": b'[{"title": "How do I top up my SIM card?"}]',
    "number": b"42",
    "float": b"1e400",
    "string": b'"a question"',
    "null": b"null",
    "true": b"true",
    "nan": b"NaN",
}


@pytest.mark.parametrize("raw", MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
async def test_invalid_json_body_is_400_with_error_body(
    asker_api: httpx.AsyncClient, raw: bytes
) -> None:
    before = await row_counts()
    r = await asker_api.post(QUESTIONS, content=raw, headers=JSON)
    assert_api_error(r, 400, "body")
    assert await row_counts() == before


@pytest.mark.parametrize("raw", NON_OBJECT_BODIES.values(), ids=NON_OBJECT_BODIES.keys())
async def test_json_that_is_not_an_object_is_400_with_error_body(
    asker_api: httpx.AsyncClient, raw: bytes
) -> None:
    before = await row_counts()
    r = await asker_api.post(QUESTIONS, content=raw, headers=JSON)
    assert_api_error(r, 400, "body")
    assert await row_counts() == before


async def test_integer_literal_beyond_python_digit_limit_is_400_not_500(
    asker_api: httpx.AsyncClient,
) -> None:
    # json.loads raises a plain ValueError (not JSONDecodeError) past 4300 digits.
    before = await row_counts()
    raw = b'{"title": ' + b"1" * 5000 + b', "board": "account-billing"}'
    r = await asker_api.post(QUESTIONS, content=raw, headers=JSON)
    assert_api_error(r, 400, "body", "title")
    assert await row_counts() == before


async def test_empty_body_is_400_naming_the_required_fields(asker_api: httpx.AsyncClient) -> None:
    before = await row_counts()
    r = await asker_api.post(QUESTIONS, content=b"", headers=JSON)
    error = assert_api_error(r, 400)
    for field in ("board", "title", "body"):
        assert field in error["message"]
    assert await row_counts() == before


WRITE_ENDPOINTS: list[tuple[str, str]] = [
    ("POST", REGISTER),
    ("POST", "/api/v1/auth/token"),
    ("PATCH", "/api/v1/me"),
    ("PATCH", "/api/v1/questions/{question}"),
    ("POST", "/api/v1/questions/{question}/answers"),
    ("PATCH", "/api/v1/answers/{answer}"),
    ("PUT", "/api/v1/questions/{question}/accepted-answer"),
    ("POST", "/api/v1/admin/users/{user}/role"),
    ("POST", "/api/v1/admin/users/{user}/suspend"),
    ("POST", "/api/v1/me/email"),
    ("POST", "/api/v1/boards"),
    ("PATCH", "/api/v1/boards/ideas"),
]


@pytest.mark.parametrize(("method", "path"), WRITE_ENDPOINTS)
async def test_every_json_write_endpoint_refuses_malformed_bodies_with_400(
    app: Starlette,
    admin: User,
    other_member: User,
    question: Question,
    answer: Answer,
    method: str,
    path: str,
) -> None:
    # An admin passes every permission check, so only the body can be the problem.
    url = path.format(question=question.id, answer=answer.id, user=other_member.id)
    before = await row_counts()
    problems: list[str] = []
    async with await factories.api(app, admin) as c:
        for raw in (b"{not json", b"[1, 2]", b'"text"', b"\xc3\x28", b"\x00"):
            r = await c.request(method, url, content=raw, headers=JSON)
            collect(problems, repr(raw), assert_api_error, r, 400, "body")
    assert not problems, "\n".join(problems)
    assert await row_counts() == before


BAD_BOARD_FIELDS: list[tuple[str, Any]] = [
    ("slug", "Capitals"), ("slug", "x" * 51), ("slug", 7), ("slug", "a/b"), ("slug", "é"),
    ("name", 12345), ("name", "x"), ("name", "x" * 101), ("name", "nul\x00byte"),
    ("description", ["a"]), ("description", "x" * 501),
    ("sla_hours", "soon"), ("sla_hours", -1), ("sla_hours", 721), ("sla_hours", 2.5),
    ("sla_hours", "9" * 40), ("sla_hours", True), ("sla_hours", None),
    ("urgent", "true"), ("urgent", 1), ("position", 1001), ("position", {"n": 1}),
]  # fmt: skip


@pytest.mark.parametrize(("field", "value"), BAD_BOARD_FIELDS)
async def test_a_bad_board_field_is_a_400_naming_it_and_writes_nothing(
    app: Starlette, admin: User, field: str, value: Any
) -> None:
    before = await Board.all().order_by("id").values()
    board = {"slug": "roaming", "name": "Roaming", "sla_hours": 12, field: value}
    async with await factories.api(app, admin) as c:
        made = await c.post("/api/v1/boards", json=board)
        assert_api_error(made, 400, field)
        changed = await c.patch("/api/v1/boards/ideas", json={field: value})
        if field != "slug":  # not settable: ignored
            assert_api_error(changed, 400, field)
    assert await Board.all().order_by("id").values() == before


# -- wrong types for each field of POST /api/v1/questions --------------------------------------

WRONG_FIELDS: list[tuple[str, Any]] = [
    ("title", 12345),
    ("title", None),
    ("title", ["How do I top up my SIM?"]),
    ("title", {"text": "How do I top up my SIM?"}),
    ("title", True),
    ("title", "short"),
    ("title", "     short\n\t    "),
    ("title", "x" * 201),
    ("title", "x" * 100_000),
    ("body", ["a", "list", "of", "words", "that", "is", "long", "enough"]),
    ("body", {"markdown": "x" * 30}),
    ("body", 3.14),
    ("body", False),
    ("body", "too short"),
    ("body", "x" * 20_001),
    ("tags", "!!! $$$ *** <script>"),
    ("tags", [1, 2, 3]),
    ("tags", ["esim", 2]),
    ("tags", [["nested"]]),
    ("tags", {"esim": True}),
    ("tags", 7),
    ("tags", ["a", "b", "c", "d", "e", "f"]),
    ("tags", ["x" * 31]),
    ("tags", ["UPPER CASE"]),
    ("tags", [f"t{i}" for i in range(10_000)]),
    ("board", ""),
    ("board", None),
    ("board", 7),
    ("board", ["account-billing"]),
    ("board", {"slug": "account-billing"}),
    ("board", "x" * 100_000),
    ("board", "account-billing' OR '1'='1"),
]


@pytest.mark.parametrize(
    ("field", "value"), WRONG_FIELDS, ids=[f"{f}-{i}" for i, (f, _) in enumerate(WRONG_FIELDS)]
)
async def test_wrong_type_or_value_for_a_question_field_is_400_naming_the_field(
    asker_api: httpx.AsyncClient, field: str, value: Any
) -> None:
    before = await row_counts()
    r = await asker_api.post(QUESTIONS, json={**VALID_QUESTION, field: value})
    assert_api_error(r, 400, field)
    assert await row_counts() == before


async def test_a_board_that_does_not_exist_is_404_naming_it(
    asker_api: httpx.AsyncClient,
) -> None:
    """A well-formed slug of no board names nothing: 404 (API.md), the field named."""
    before = await row_counts()
    r = await asker_api.post(QUESTIONS, json={**VALID_QUESTION, "board": "no-such-board"})
    assert assert_api_error(r, 404, "board")["fields"] == {"board": "Choose one of the boards."}
    assert await row_counts() == before


async def test_valid_question_payload_is_accepted(asker_api: httpx.AsyncClient) -> None:
    """The baseline the wrong-field tests deviate from."""
    r = await asker_api.post(QUESTIONS, json=VALID_QUESTION)
    assert r.status_code == 201, r.text
    assert r.json()["state"] == "unanswered"
    assert await Question.all().count() == 1


async def test_tags_are_a_list_as_the_contract_says(asker_api: httpx.AsyncClient) -> None:
    """The form takes "esim, roaming"; the API takes the list the document describes."""
    before = await row_counts()
    r = await asker_api.post(QUESTIONS, json={**VALID_QUESTION, "tags": "esim, roaming"})
    assert_api_error(r, 400, "tags")
    listed = await asker_api.post(QUESTIONS, json={**VALID_QUESTION, "tags": ["esim", "roaming"]})
    assert listed.status_code == 201 and listed.json()["tags"] == ["esim", "roaming"]
    assert await Question.all().count() == before["questions"] + 1


async def test_unknown_fields_are_refused_by_name_not_ignored(
    asker_api: httpx.AsyncClient,
) -> None:
    """A misspelt or read-only field is a 400 naming it (a typo is not silently dropped)."""
    before = await row_counts()
    payload = {**VALID_QUESTION, "state": "solved", "author": "admin", "id": 999, "answer_count": 9}
    r = await asker_api.post(QUESTIONS, json=payload)
    error = assert_api_error(r, 400, "state")
    assert set(error["fields"]) == {"state", "author", "id", "answer_count"}
    assert await row_counts() == before


# -- NUL bytes, lone surrogates, odd unicode ----------------------------------------------------


@pytest.mark.parametrize("field", ["title", "body", "board"])
async def test_nul_byte_in_a_question_field_is_400_naming_the_field(
    asker_api: httpx.AsyncClient, field: str
) -> None:
    before = await row_counts()
    value = f"{VALID_QUESTION[field]}\u0000tail"
    r = await asker_api.post(QUESTIONS, json={**VALID_QUESTION, field: value})
    assert_api_error(r, 400, field)
    assert await row_counts() == before


async def test_nul_byte_in_a_tag_is_400_naming_tags(asker_api: httpx.AsyncClient) -> None:
    before = await row_counts()
    r = await asker_api.post(QUESTIONS, json={**VALID_QUESTION, "tags": ["es\u0000im"]})
    assert_api_error(r, 400, "tags")
    assert await row_counts() == before


def _with_raw(field: str, raw_value: str) -> bytes:
    """A question body whose `field` is the given JSON text, e.g. a lone-surrogate escape."""
    parts = [
        f'"{name}": {raw_value if name == field else json.dumps(value)}'
        for name, value in VALID_QUESTION.items()
    ]
    return ("{" + ", ".join(parts) + "}").encode()


@pytest.mark.parametrize(
    ("field", "raw_value"),
    [
        ("title", r'"\ud800 How do I top up my SIM?"'),
        ("title", r'"How do I top up my SIM? \udfff"'),
        ("body", r'"The top-up button is greyed out \ud83d and nothing happens."'),
        ("board", r'"\ud800"'),
        ("board", r'"account-billing\udc00"'),
        ("tags", r'["\ud800"]'),
    ],
    ids=["title-high", "title-low", "body-half-pair", "board-alone", "board-suffix", "tags"],
)
async def test_lone_surrogate_in_a_question_field_is_400_naming_the_field(
    asker_api: httpx.AsyncClient, field: str, raw_value: str
) -> None:
    before = await row_counts()
    r = await asker_api.post(QUESTIONS, content=_with_raw(field, raw_value), headers=JSON)
    assert_api_error(r, 400, field)
    assert await row_counts() == before


@pytest.mark.parametrize(
    "title",
    [
        "\u200fשלום, how do I top up?\u200f",  # RTL marks and Hebrew
        "\u202eevil override\u202c but a real question",  # bidi override characters
        "مرحبا كيف أشحن رصيدي؟",  # Arabic
        "Top-up fails 🙂📱💸 every time",  # emoji
        "Family plan 👨\u200d👩\u200d👧 sharing data",  # ZWJ sequence
        "Cafe\u0301 wifi and my SIM",  # combining acute, NFC folds it into é
        "Z\u0351\u0352\u0353a\u0354\u0355l\u0356\u0357go text on my bill",  # stacked marks
        "🙂" * 200,  # 200 characters, 800 UTF-8 bytes: lengths count characters
        "x\u0301" * 100,  # 200 code points that do not compose
        "中文问题：如何给我的SIM卡充值",  # CJK
    ],
    ids=["rtl", "bidi", "arabic", "emoji", "zwj", "combining", "zalgo", "emoji200", "x200", "cjk"],
)
async def test_odd_but_valid_unicode_title_is_accepted_and_round_trips(
    asker_api: httpx.AsyncClient, title: str
) -> None:
    body = f"{title}\n\nDetails: {title} — I tried restarting the phone twice."
    r = await asker_api.post(QUESTIONS, json={**VALID_QUESTION, "title": title, "body": body})
    assert r.status_code == 201, r.text
    expected = unicodedata.normalize("NFC", title).strip()
    assert r.json()["title"] == expected
    got = await asker_api.get(f"{QUESTIONS}/{r.json()['id']}")
    assert got.status_code == 200
    assert got.json()["title"] == expected
    assert got.json()["body"] == unicodedata.normalize("NFC", body).strip()
    assert await Question.all().count() == 1


async def test_title_over_200_characters_after_nfc_is_refused(asker_api: httpx.AsyncClient) -> None:
    before = await row_counts()
    r = await asker_api.post(QUESTIONS, json={**VALID_QUESTION, "title": "🙂" * 201})
    assert_api_error(r, 400, "title")
    assert await row_counts() == before


# -- registration and login with hostile text ------------------------------------------------

GOOD_REGISTRATION = {
    "username": "new_member",
    "email": "new@example.com",
    "password": "a long enough password",
}


@pytest.mark.parametrize(
    ("field", "raw_value"),
    [
        ("username", r'"bob\ud800"'),
        ("email", r'"bob\ud800@example.com"'),
        ("password", r'"\ud800\ud800\ud800\ud800\ud800\ud800\ud800\ud800\ud800\ud800"'),
        ("password", r'"a long password \udfff"'),
        ("username", r'"bob\u0000x"'),
        ("email", r'"bob\u0000@example.com"'),
        ("password", r'"a long password \u0000"'),
    ],
    ids=[
        "username-surrogate",
        "email-surrogate",
        "password-surrogates",
        "password-low-surrogate",
        "username-nul",
        "email-nul",
        "password-nul",
    ],
)
async def test_register_refuses_nul_and_lone_surrogates_with_400_naming_the_field(
    anon_api: httpx.AsyncClient, field: str, raw_value: str
) -> None:
    parts = [
        f'"{k}": {raw_value if k == field else json.dumps(v)}' for k, v in GOOD_REGISTRATION.items()
    ]
    before = await row_counts()
    r = await anon_api.post(REGISTER, content=("{" + ", ".join(parts) + "}").encode(), headers=JSON)
    assert_api_error(r, 400, field)
    assert await row_counts() == before


@pytest.mark.parametrize(
    "username", ["new_member\n", "new_member\r\n", "\nnew_member", "new member", "new_mémber"]
)
async def test_register_refuses_usernames_with_whitespace_or_non_ascii(
    anon_api: httpx.AsyncClient, username: str
) -> None:
    before = await row_counts()
    r = await anon_api.post(REGISTER, json={**GOOD_REGISTRATION, "username": username})
    assert_api_error(r, 400, "username")
    assert await row_counts() == before


@pytest.mark.parametrize(
    "raw",
    [
        rb'{"username": "\ud800", "password": "a long enough password"}',
        rb'{"username": "asker", "password": "a long password \ud800"}',
        rb'{"username": "ask\u0000er", "password": "a long enough password"}',
        rb'{"username": "asker", "password": "a long password \u0000"}',
        rb'{"username": ["asker"], "password": {"p": 1}}',
        rb'{"username": 12345, "password": 12345}',
        b'{"username": "' + b"a" * 100_000 + b'", "password": "' + b"p" * 100_000 + b'"}',
    ],
    ids=["user-surrogate", "pw-surrogate", "user-nul", "pw-nul", "types", "ints", "huge"],
)
async def test_token_with_hostile_credentials_is_refused_without_500(
    anon_api: httpx.AsyncClient, asker: User, raw: bytes
) -> None:
    r = await anon_api.post("/api/v1/auth/token", content=raw, headers=JSON)
    assert r.status_code in (400, 401), (r.status_code, r.text[:300])
    assert_api_error(r, r.status_code)
    assert "token" not in r.json()


# -- the body size limit ---------------------------------------------------------------------


def _oversized_question() -> bytes:
    return json.dumps({**VALID_QUESTION, "body": "x" * (LIMIT + 1024)}).encode()


async def test_body_over_the_limit_is_413_with_the_error_body(
    asker_api: httpx.AsyncClient,
) -> None:
    before = await row_counts()
    r = await asker_api.post(QUESTIONS, content=_oversized_question(), headers=JSON)
    error = assert_api_error(r, 413)
    assert error["code"] == "body_too_large"
    assert await row_counts() == before


async def test_streamed_body_over_the_limit_is_413_with_the_error_body(
    asker_api: httpx.AsyncClient,
) -> None:
    """Without a Content-Length the limit is found while reading: same answer."""
    payload = _oversized_question()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(payload), 16 * 1024):
            yield payload[start : start + 16 * 1024]

    before = await row_counts()
    r = await asker_api.post(QUESTIONS, content=chunks(), headers=JSON)
    error = assert_api_error(r, 413)
    assert error["code"] == "body_too_large"
    assert await row_counts() == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", REGISTER),
        ("POST", "/api/v1/questions/{question}/answers"),
        ("PATCH", "/api/v1/questions/{question}"),
        ("POST", "/api/v1/answers/{answer}/kudos"),  # a handler that never reads its body
    ],
)
async def test_oversized_body_on_any_api_endpoint_is_413_with_the_error_body(
    app: Starlette,
    other_member: User,
    question: Question,
    answer: Answer,
    method: str,
    path: str,
) -> None:
    """settings.max_body_bytes: refused "before they reach a handler", even one that never reads."""
    before = await row_counts()
    async with await factories.api(app, other_member) as c:
        r = await c.request(
            method,
            path.format(question=question.id, answer=answer.id),
            content=b"{" + b" " * (LIMIT + 10) + b"}",
            headers=JSON,
        )
    assert_api_error(r, 413)
    assert await row_counts() == before


async def test_body_just_under_the_limit_reaches_validation(
    asker_api: httpx.AsyncClient,
) -> None:
    before = await row_counts()
    raw = json.dumps({**VALID_QUESTION, "body": "x" * (LIMIT - 1024)}).encode()
    assert len(raw) < LIMIT
    r = await asker_api.post(QUESTIONS, content=raw, headers=JSON)
    assert_api_error(r, 400, "body")
    assert await row_counts() == before


# -- ids in paths and bodies -----------------------------------------------------------------

ID_ENDPOINTS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/v1/questions/{id}", None),
    ("PATCH", "/api/v1/questions/{id}", {"title": "A brand new title for it"}),
    ("POST", "/api/v1/questions/{id}/answers", {"body": "Restart the phone and try again."}),
    ("PATCH", "/api/v1/answers/{id}", {"body": "Restart the phone and try again."}),
    ("POST", "/api/v1/answers/{id}/kudos", None),
    ("DELETE", "/api/v1/answers/{id}/kudos", None),
    ("PUT", "/api/v1/questions/{id}/accepted-answer", {"answer_id": 1}),
    ("DELETE", "/api/v1/questions/{id}/accepted-answer", None),
    ("POST", "/api/v1/admin/users/{id}/role", {"role": "staff"}),
    ("POST", "/api/v1/admin/users/{id}/suspend", {"reason": "spamming the boards"}),
]


def _bad_id_answer(r: httpx.Response) -> None:
    """Out of range (0, past int32) is a 400 naming the id; not an id at all (-1, abc) a 404."""
    assert r.status_code in (400, 404), (r.status_code, r.text[:300])
    assert_api_error(r, r.status_code, *(("id",) if r.status_code == 400 else ()))


@pytest.mark.parametrize(("method", "path", "payload"), ID_ENDPOINTS)
async def test_bad_id_in_path_is_4xx_with_error_body_and_changes_nothing(
    admin_api: httpx.AsyncClient,
    question: Question,
    answer: Answer,
    method: str,
    path: str,
    payload: dict[str, Any] | None,
) -> None:
    before = await row_counts()
    problems: list[str] = []
    bad_ids = ["0", "00", "2147483648", "9223372036854775808", "9" * 60, "-1", "abc", "1.5"]
    bad_ids += ["%00", "1e3", "%EF%BC%91"]  # the last is a full-width digit one
    for bad_id in bad_ids:
        r = await admin_api.request(method, path.format(id=bad_id), json=payload)
        collect(problems, bad_id, _bad_id_answer, r)
    assert not problems, "\n".join(problems)
    assert await row_counts() == before


@pytest.mark.parametrize(("method", "path", "payload"), ID_ENDPOINTS)
async def test_missing_id_in_range_is_404_with_error_body(
    admin_api: httpx.AsyncClient,
    method: str,
    path: str,
    payload: dict[str, Any] | None,
) -> None:
    before = await row_counts()
    r = await admin_api.request(method, path.format(id=2**31 - 1), json=payload)
    assert_api_error(r, 404)
    assert await row_counts() == before


@pytest.mark.parametrize(
    "answer_id",
    [0, -1, 2**31, 2**63, 10**30, "abc", "", "²", "1e3", " 1", 1.5, True, None, [], {}],
    ids=lambda v: repr(v)[:20],
)
async def test_bad_answer_id_is_400_naming_answer_id_and_accepts_nothing(
    asker_api: httpx.AsyncClient, question: Question, answer: Answer, answer_id: Any
) -> None:
    before = await row_counts()
    r = await asker_api.put(
        f"{QUESTIONS}/{question.id}/accepted-answer", json={"answer_id": answer_id}
    )
    assert_api_error(r, 400, "answer_id")
    assert await row_counts() == before
    await question.refresh_from_db()
    assert question.accepted_answer_id is None


async def test_an_answer_id_that_is_not_one_of_the_questions_is_409_and_accepts_nothing(
    asker_api: httpx.AsyncClient, asker: User, helper: User, question: Question
) -> None:
    other = await factories.make_question(asker, title="Another question about roaming")
    foreign = await factories.make_answer(other, helper)
    before = await row_counts()
    r = await asker_api.put(
        f"{QUESTIONS}/{question.id}/accepted-answer", json={"answer_id": foreign.id}
    )
    assert_api_error(r, 409, "answer_id", str(foreign.id))  # it exists, elsewhere
    nowhere = await asker_api.put(
        f"{QUESTIONS}/{question.id}/accepted-answer", json={"answer_id": foreign.id + 1000}
    )
    # A 404 would say the question of the URL is gone: the body names no answer of it, 409.
    assert_api_error(nowhere, 409, str(foreign.id + 1000))
    assert await row_counts() == before


async def test_answer_id_as_digit_string_is_refused_as_the_contract_says(
    asker_api: httpx.AsyncClient, question: Question, answer: Answer
) -> None:
    """The document says an integer: "17" is refused, naming the field, and changes nothing."""
    r = await asker_api.put(
        f"{QUESTIONS}/{question.id}/accepted-answer", json={"answer_id": str(answer.id)}
    )
    assert_api_error(r, 400, "answer_id")
    assert (await Question.get(id=question.id)).accepted_answer_id is None


# -- list query parameters -------------------------------------------------------------------


@pytest.mark.parametrize("limit", ["0", "101", "abc", "-1", "1.5", "1e2", "²", "0x10", "9" * 50])
async def test_bad_limit_is_400_naming_limit(anon_api: httpx.AsyncClient, limit: str) -> None:
    r = await anon_api.get(QUESTIONS, params={"limit": limit})
    assert_api_error(r, 400, "limit")


@pytest.mark.parametrize("limit", ["1", "100", ""])
async def test_limit_at_the_bounds_or_empty_is_accepted(
    anon_api: httpx.AsyncClient, question: Question, limit: str
) -> None:
    r = await anon_api.get(QUESTIONS, params={"limit": limit})
    assert r.status_code == 200, r.text
    assert len(r.json()["items"]) == 1


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!!",
        "€€€",
        "%00",
        "=",
        b64("not a date|1"),
        b64("2026-01-01T00:00:00|5"),  # naive time: never given out
        b64("2026-01-01T00:00:00+00:00|0"),
        b64("2026-01-01T00:00:00+00:00|-7"),
        b64("2026-01-01T00:00:00+00:00|abc"),
        b64("2026-01-01T00:00:00+00:00"),
        b64("2026-01-01T00:00:00+00:00|99999999999999999999"),
        b64("2026-01-01T00:00:00+00:00|" + "9" * 5000),
        base64.urlsafe_b64encode(b"\xff\xfe|1").decode(),
        "A" * 10_000,
    ],
    ids=lambda v: v[:24],
)
async def test_bad_cursor_is_400_naming_cursor(
    anon_api: httpx.AsyncClient, question: Question, cursor: str
) -> None:
    r = await anon_api.get(QUESTIONS, params={"cursor": cursor})
    assert_api_error(r, 400, "cursor")


@pytest.mark.parametrize(
    "moment",
    ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+00:00"],
)
async def test_cursor_with_an_extreme_moment_is_not_a_500(
    anon_api: httpx.AsyncClient, question: Question, moment: str
) -> None:
    """Either an answer (200) or a refusal naming the cursor, never a 500."""
    r = await anon_api.get(QUESTIONS, params={"cursor": b64(f"{moment}|1")})
    assert r.status_code in (200, 400), (r.status_code, r.text[:300])
    if r.status_code == 400:
        assert_api_error(r, 400, "cursor")


async def test_cursor_the_server_gave_out_is_accepted(
    anon_api: httpx.AsyncClient, asker: User
) -> None:
    for i in range(3):
        await factories.make_question(asker, title=f"Question number {i} about roaming")
    first = await anon_api.get(QUESTIONS, params={"limit": "2"})
    cursor = first.json()["next_cursor"]
    assert cursor
    second = await anon_api.get(QUESTIONS, params={"limit": "2", "cursor": cursor})
    assert second.status_code == 200
    assert len(second.json()["items"]) == 1


@pytest.mark.parametrize(
    "state", ["bogus", "SOLVED", "solved ", "unanswered'; DROP TABLE question; --", "\u00a0"]
)
async def test_unknown_state_is_400_naming_state(anon_api: httpx.AsyncClient, state: str) -> None:
    r = await anon_api.get(QUESTIONS, params={"state": state})
    assert_api_error(r, 400, "state")


async def test_unknown_sort_is_400_naming_sort(anon_api: httpx.AsyncClient) -> None:
    r = await anon_api.get(QUESTIONS, params={"sort": "random"})
    assert_api_error(r, 400, "sort")


@pytest.mark.parametrize("board", ["no-such-board", "\u0000", "x" * 10_000, "account-billing\x00"])
async def test_unknown_board_filter_is_4xx_naming_board(
    anon_api: httpx.AsyncClient, board: str
) -> None:
    r = await anon_api.get(QUESTIONS, params={"board": board})
    assert r.status_code in (400, 404), (r.status_code, r.text[:300])
    assert_api_error(r, r.status_code, "board")


# -- unknown endpoints, wrong methods ----------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/nope"),
        ("POST", "/api/v1/nope"),
        ("DELETE", "/api/v1/nope/deeper/still"),
        ("GET", "/api/v1/questions/1/nope"),
        ("GET", "/api/v1/questions/-1"),
        ("GET", "/api/v1/questions/abc"),
        ("GET", "/api/v1/Questions"),
        ("GET", "/api/v1/questions/1/answers/2/kudos"),
        ("PATCH", "/api/v1/%00"),
        ("GET", "/api/v1/questions%2F1"),
    ],
)
async def test_unknown_api_endpoint_is_404_with_error_body(
    anon_api: httpx.AsyncClient, method: str, path: str
) -> None:
    r = await anon_api.request(method, path, json={"x": 1} if method != "GET" else None)
    assert_api_error(r, 404)


WRONG_METHODS: list[tuple[str, str]] = [
    ("DELETE", QUESTIONS),
    ("PUT", QUESTIONS),
    ("PATCH", "/api/v1/boards"),
    ("DELETE", "/api/v1/boards"),
    ("GET", "/api/v1/boards/ideas"),
    ("GET", REGISTER),
    ("DELETE", "/api/v1/auth/token"),
    ("DELETE", "/api/v1/me"),
    ("POST", "/api/v1/questions/{question}"),
    ("DELETE", "/api/v1/questions/{question}"),
    ("GET", "/api/v1/questions/{question}/answers"),
    ("GET", "/api/v1/answers/{answer}"),
    ("PUT", "/api/v1/answers/{answer}/kudos"),
    ("GET", "/api/v1/admin/users/{user}/role"),
    ("POST", "/api/v1/openapi.json"),
]


@pytest.mark.parametrize(("method", "path"), WRONG_METHODS)
async def test_wrong_method_on_a_known_api_path_is_405_with_error_body(
    admin_api: httpx.AsyncClient,
    asker: User,
    question: Question,
    answer: Answer,
    method: str,
    path: str,
) -> None:
    before = await row_counts()
    url = path.format(question=question.id, answer=answer.id, user=asker.id)
    r = await admin_api.request(method, url, json={"title": "x"} if method != "GET" else None)
    error = assert_api_error(r, 405)
    assert error["code"] == "method_not_allowed"
    assert await row_counts() == before


@pytest.mark.parametrize(
    "path", ["/api/v1/answers/0/flags", "/api/v1/questions/0/flags",
             "/api/v1/answers/0/moderation", "/api/v1/questions/99999999999/moderation"],
)  # fmt: skip
async def test_who_asks_is_checked_before_what_they_ask(app: Starlette, path: str) -> None:
    async with await factories.api(app) as anonymous:
        assert (await anonymous.post(path, json={})).status_code == 401


async def test_options_and_405_name_every_method_of_a_path(
    admin_api: httpx.AsyncClient, question: Question
) -> None:
    options = await admin_api.options("/api/v1/me")
    assert options.status_code == 204
    assert options.headers["allow"] == "GET, HEAD, PATCH, OPTIONS"
    wrong = await admin_api.delete("/api/v1/me")
    assert wrong.headers["allow"] == "GET, HEAD, PATCH, OPTIONS"
    assert wrong.json()["error"]["message"] == "DELETE is not allowed here; use GET, HEAD, PATCH."
    one = await admin_api.options(f"/api/v1/questions/{question.id}")
    assert one.headers["allow"] == "GET, HEAD, PATCH, OPTIONS"
    newline = await admin_api.get("/api/v1/me%0A")  # not /me: nothing is there
    assert newline.status_code == 404 and newline.json()["error"]["code"] == "not_found"


# -- authentication and authorization ----------------------------------------------------------

PROTECTED: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/v1/me", None),
    ("PATCH", "/api/v1/me", {"display_name": "Hacker"}),
    ("POST", QUESTIONS, VALID_QUESTION),
    ("PATCH", "/api/v1/questions/{question}", {"title": "Taken over by someone else"}),
    ("POST", "/api/v1/questions/{question}/answers", {"body": "An answer from nobody at all."}),
    ("PATCH", "/api/v1/answers/{answer}", {"body": "Edited by nobody, which is odd."}),
    ("POST", "/api/v1/answers/{answer}/kudos", None),
    ("DELETE", "/api/v1/answers/{answer}/kudos", None),
    ("PUT", "/api/v1/questions/{question}/accepted-answer", {"answer_id": "{answer}"}),
    ("DELETE", "/api/v1/questions/{question}/accepted-answer", None),
    ("POST", "/api/v1/admin/users/{user}/role", {"role": "admin"}),
    ("POST", "/api/v1/admin/users/{user}/suspend", {"reason": "because I can"}),
]
BAD_AUTH: dict[str, dict[str, str] | None] = {
    "missing": None,
    "garbage": {"Authorization": "Bearer not-a-real-token"},
    "prefixed_garbage": {"Authorization": "Bearer pd_" + "A" * 43},
    "empty_bearer": {"Authorization": "Bearer "},
    "scheme_only": {"Authorization": "Bearer"},
    "basic": {"Authorization": "Basic YXNrZXI6Y29ycmVjdCBob3JzZSBiYXR0ZXJ5"},
    "huge": {"Authorization": "Bearer " + "x" * 8000},
}


def _fill(template: Any, ids: dict[str, int]) -> Any:
    if template is None:
        return None
    if isinstance(template, str):
        return int(template.format(**ids)) if template.startswith("{") else template
    if isinstance(template, dict):
        return {k: _fill(v, ids) for k, v in template.items()}
    return template


@pytest.mark.parametrize(("method", "path", "payload"), PROTECTED)
async def test_missing_or_invalid_bearer_token_is_401_and_changes_nothing(
    app: Starlette,
    other_member: User,
    question: Question,
    answer: Answer,
    method: str,
    path: str,
    payload: dict[str, Any] | None,
) -> None:
    ids = {"question": question.id, "answer": answer.id, "user": other_member.id}
    before = await row_counts()
    problems: list[str] = []
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as c:
        for case, headers in BAD_AUTH.items():
            r = await c.request(
                method, path.format(**ids), json=_fill(payload, ids), headers=headers
            )
            collect(problems, case, assert_api_error, r, 401)
    assert not problems, "\n".join(problems)
    assert await row_counts() == before
    await other_member.refresh_from_db()
    assert other_member.role == Role.MEMBER and other_member.suspended_at is None


async def test_non_latin1_bytes_in_authorization_header_are_401(
    app: Starlette, question: Question
) -> None:
    before = await row_counts()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as c:
        r = await c.post(
            QUESTIONS,
            json=VALID_QUESTION,
            headers={b"Authorization": b"Bearer pd_\xff\xfe\xc3\x28\xed\xa0\x80"},
        )
    assert_api_error(r, 401)
    assert await row_counts() == before


async def test_api_ignores_a_valid_session_cookie(app: Starlette, asker: User) -> None:
    """The API does not use session cookies: a logged-in browser is still a 401 there."""
    before = await row_counts()
    async with factories.browser(app, asker) as browser:
        r = await browser.post(QUESTIONS, json=VALID_QUESTION)
    assert_api_error(r, 401)
    assert await row_counts() == before


async def test_suspended_members_token_is_401(
    app: Starlette, staff: User, other_member: User
) -> None:
    async with await factories.api(app, other_member) as member_api:
        async with await factories.api(app, staff) as staff_api:
            r = await staff_api.post(
                f"/api/v1/admin/users/{other_member.id}/suspend", json={"reason": "spam links"}
            )
            assert r.status_code == 200, r.text
        before = await row_counts()
        r = await member_api.post(QUESTIONS, json=VALID_QUESTION)
    assert_api_error(r, 401)
    assert await row_counts() == before


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/api/v1/admin/users/{user}/role", {"role": "admin"}),
        ("/api/v1/admin/users/{user}/role", {"role": "not-a-role"}),
        ("/api/v1/admin/users/{user}/suspend", {"reason": "I do not like them"}),
        ("/api/v1/admin/users/{user}/suspend", {"reason": 42}),
    ],
)
async def test_member_calling_an_admin_endpoint_is_403_and_changes_nothing(
    asker_api: httpx.AsyncClient,
    other_member: User,
    path: str,
    payload: Any,
) -> None:
    r = await asker_api.post(path.format(user=other_member.id), json=payload)
    assert_api_error(r, 403)
    await other_member.refresh_from_db()
    assert other_member.role == Role.MEMBER
    assert other_member.suspended_at is None


async def test_member_cannot_promote_themself(asker_api: httpx.AsyncClient, asker: User) -> None:
    r = await asker_api.post(f"/api/v1/admin/users/{asker.id}/role", json={"role": "admin"})
    assert_api_error(r, 403)
    await asker.refresh_from_db()
    assert asker.role == Role.MEMBER


async def test_staff_calling_the_admin_only_role_endpoint_is_403(
    app: Starlette, staff: User, other_member: User
) -> None:
    async with await factories.api(app, staff) as c:
        r = await c.post(f"/api/v1/admin/users/{other_member.id}/role", json={"role": "staff"})
    assert_api_error(r, 403)
    await other_member.refresh_from_db()
    assert other_member.role == Role.MEMBER


@pytest.mark.parametrize(
    "role", ["superuser", "ADMIN", "", None, 1, ["admin"], {"role": "admin"}, "admin\u0000"]
)
async def test_admin_setting_an_invalid_role_is_400_naming_role(
    admin_api: httpx.AsyncClient, other_member: User, role: Any
) -> None:
    r = await admin_api.post(f"/api/v1/admin/users/{other_member.id}/role", json={"role": role})
    assert_api_error(r, 400, "role")
    await other_member.refresh_from_db()
    assert other_member.role == Role.MEMBER


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("display_name", 5),
        ("display_name", "x" * 61),
        ("display_name", "bad\u0000name"),
        ("locale", "klingon"),
        ("locale", ["en"]),
        ("payout_method", "bitcoin"),
        ("payout_method", None),
        ("payout_address", {"iban": "NL00"}),
        ("payout_address", "x" * 201),
    ],
)
async def test_patch_me_with_a_bad_field_is_400_naming_it_and_changes_nothing(
    asker_api: httpx.AsyncClient, asker: User, field: str, value: Any
) -> None:
    r = await asker_api.patch("/api/v1/me", json={"display_name": "Would be changed", field: value})
    assert_api_error(r, 400, field)
    await asker.refresh_from_db()
    assert asker.display_name == ""
    assert asker.locale == "en"


@pytest.mark.parametrize(
    "payload",
    [
        {"title": 42},
        {"title": "short"},
        {"body": ["x"]},
        {"title": "A good new title", "body": "bad \u0000 body that is long enough"},
    ],
)
async def test_invalid_question_edit_keeps_the_question_and_writes_no_revision(
    asker_api: httpx.AsyncClient, question: Question, payload: dict[str, Any]
) -> None:
    before = await row_counts()
    r = await asker_api.patch(f"{QUESTIONS}/{question.id}", json=payload)
    assert_api_error(r, 400, *payload)
    assert await row_counts() == before
    title, body = question.title, question.body
    await question.refresh_from_db()
    assert (question.title, question.body) == (title, body)


@pytest.mark.parametrize("body", [None, 5, ["x" * 30], "", " \n\t ", "x" * 20_001, "a\u0000" * 20])
async def test_invalid_answer_body_is_400_naming_body_and_adds_no_answer(
    helper_api: httpx.AsyncClient, question: Question, body: Any
) -> None:
    before = await row_counts()
    r = await helper_api.post(f"{QUESTIONS}/{question.id}/answers", json={"body": body})
    assert_api_error(r, 400, "body")
    assert await row_counts() == before


# -- property: arbitrary JSON objects never cause a 500 ----------------------------------------

_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(),
    st.lists(st.text(max_size=5), max_size=8),
)
_QUESTION_FIELDS = ["board", "title", "body", "tags", "language", "state", "id", "author"]
_REGISTER_FIELDS = ["username", "email", "password", "role", "id"]
# Known-good values mixed in so that some examples get past validation and really write.
_QUESTION_VALUES = st.one_of(
    _VALUES,
    st.sampled_from(
        ["account-billing", "ideas", "A perfectly fine title", "x" * 40, "esim, roaming"]
    ),
    st.lists(st.sampled_from(["esim", "data", "roaming", "Bad Tag"]), max_size=7),
)
_REGISTER_VALUES = st.one_of(
    _VALUES,
    st.sampled_from(["member_1", "Member_1", "m@example.com", "long enough password"]),
)
_PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    database=None,  # no example database written into the repository
    derandomize=True,  # the same examples on every run: a failure reproduces
)


def _payloads(
    fields: list[str], values: st.SearchStrategy[Any], valid: dict[str, Any]
) -> st.SearchStrategy[dict[str, Any]]:
    """Arbitrary objects, and a valid object with arbitrary fields overridden."""
    objects = st.dictionaries(st.sampled_from(fields), values)
    return st.one_of(objects, objects.map(lambda extra: {**valid, **extra}))


def _check_property_response(r: httpx.Response, payload: dict[str, Any]) -> None:
    assert r.status_code < 500, (payload, r.status_code, r.text[:300])
    if r.status_code != 201:
        assert 400 <= r.status_code < 500, (payload, r.status_code, r.text[:300])
        assert_api_error(r, r.status_code)


@_PROPERTY
@given(payload=_payloads(_QUESTION_FIELDS, _QUESTION_VALUES, VALID_QUESTION))
async def test_arbitrary_json_objects_to_ask_never_500(
    asker_api: httpx.AsyncClient, payload: dict[str, Any]
) -> None:
    before = await Question.all().count()
    r = await asker_api.post(QUESTIONS, content=json.dumps(payload).encode(), headers=JSON)
    _check_property_response(r, payload)
    assert await Question.all().count() == before + (1 if r.status_code == 201 else 0)


@_PROPERTY
@given(payload=_payloads(_REGISTER_FIELDS, _REGISTER_VALUES, GOOD_REGISTRATION))
async def test_arbitrary_json_objects_to_register_never_500(
    anon_api: httpx.AsyncClient, payload: dict[str, Any]
) -> None:
    before = await User.all().count()
    r = await anon_api.post(REGISTER, content=json.dumps(payload).encode(), headers=JSON)
    _check_property_response(r, payload)
    assert await User.all().count() == before + (1 if r.status_code == 201 else 0)
    if r.status_code == 201:
        assert r.json()["username"] == payload["username"]


@_PROPERTY
@given(raw=st.binary(max_size=300))
async def test_arbitrary_bytes_to_ask_never_500(asker_api: httpx.AsyncClient, raw: bytes) -> None:
    before = await Question.all().count()
    r = await asker_api.post(QUESTIONS, content=raw, headers=JSON)
    assert 400 <= r.status_code < 500, (raw, r.status_code, r.text[:300])
    assert_api_error(r, r.status_code)
    assert await Question.all().count() == before


@_PROPERTY
@given(
    params=st.dictionaries(
        st.sampled_from(["limit", "cursor", "state", "sort", "board", "q"]),
        st.one_of(
            st.text(max_size=30),
            st.integers().map(str),
            st.sampled_from(["1", "20", "100", "newest", "active", "solved", "ideas"]),
        ),
    )
)
async def test_arbitrary_list_query_parameters_never_500(
    anon_api: httpx.AsyncClient, params: dict[str, str]
) -> None:
    r = await anon_api.get(QUESTIONS, params=params)
    assert r.status_code < 500, (params, r.status_code, r.text[:300])
    if r.status_code != 200:
        assert 400 <= r.status_code < 500
        assert_api_error(r, r.status_code)


# -- HTML forms ----------------------------------------------------------------------------------

ASK = "/questions/new"
GOOD_FORM = {
    "board": "account-billing",
    "title": "My eSIM stopped working abroad",
    "body": "Roaming is on but I get no data at all since I landed in Spain.",
    "tags": "esim, roaming",
}


async def test_html_ask_with_too_short_title_is_400_and_redisplays_the_form(
    app: Starlette, asker: User
) -> None:
    typed_body = "I tried <b>everything</b> & still no data — 🙂 after landing in Spain."
    async with factories.browser(app, asker) as browser:
        r = await browser.post(
            ASK,
            data=factories.form(
                browser, board="account-billing", title="Too <sh>", body=typed_body, tags="esim"
            ),
        )
    assert r.status_code == 400, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    assert "Title must be at least 10 characters." in html
    # What the member typed is shown again, escaped.
    assert "Too &lt;sh&gt;" in html
    assert "<sh>" not in html
    assert "I tried &lt;b&gt;everything&lt;/b&gt; &amp; still no data — 🙂" in html
    assert 'value="esim"' in html
    assert "<b>everything</b>" not in html
    assert await Question.all().count() == 0


async def test_html_ask_with_good_fields_redirects_to_the_question(
    app: Starlette, asker: User
) -> None:
    """The baseline for the refusals below."""
    async with factories.browser(app, asker) as browser:
        r = await browser.post(ASK, data=factories.form(browser, **GOOD_FORM))
    assert r.status_code == 303, r.text[:500]
    assert await Question.all().count() == 1


@pytest.mark.parametrize(
    "csrf",
    [None, "", "forged.token", "x" * 5000, "\u0000"],
    ids=["missing", "empty", "forged", "huge", "nul"],
)
async def test_html_form_without_a_valid_csrf_token_is_403_and_changes_nothing(
    app: Starlette, asker: User, csrf: str | None
) -> None:
    fields = dict(GOOD_FORM)
    if csrf is not None:
        fields["csrf_token"] = csrf
    async with factories.browser(app, asker) as browser:
        r = await browser.post(ASK, data=fields)
    assert r.status_code == 403, r.text[:500]
    assert await Question.all().count() == 0


async def test_html_form_with_token_but_no_csrf_cookie_is_403(app: Starlette, asker: User) -> None:
    async with factories.browser(app, asker) as browser:
        fields = factories.form(browser, **GOOD_FORM)
        browser.cookies.delete("pd_csrf")
        r = await browser.post(ASK, data=fields)
    assert r.status_code == 403, r.text[:500]
    assert await Question.all().count() == 0


MALFORMED_MULTIPART: dict[str, tuple[str, bytes]] = {
    "no_boundary": ("multipart/form-data", b"--xx\r\nnothing\r\n--xx--\r\n"),
    "part_without_name": (
        "multipart/form-data; boundary=xx",
        b"--xx\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--xx--\r\n",
    ),
    "header_without_colon": (
        "multipart/form-data; boundary=xx",
        b"--xx\r\nbadheader\r\n\r\nvalue\r\n--xx--\r\n",
    ),
    "binary_garbage": ("multipart/form-data; boundary=xx", b"\x00\x01\x02 not multipart"),
    "wrong_boundary": (
        "multipart/form-data; boundary=xx",
        b'--yy\r\nContent-Disposition: form-data; name="title"\r\n\r\nv\r\n--yy--\r\n',
    ),
    "file_upload": (
        "multipart/form-data; boundary=xx",
        b'--xx\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\n'
        b"data\r\n--xx--\r\n",
    ),
    "too_many_fields": (
        "application/x-www-form-urlencoded",
        "&".join(f"f{i}=v" for i in range(200)).encode(),
    ),
    "part_too_large": (
        "application/x-www-form-urlencoded",
        b"body=" + b"x" * (100 * 1024),
    ),
}


@pytest.mark.parametrize(
    ("content_type", "raw"), MALFORMED_MULTIPART.values(), ids=MALFORMED_MULTIPART.keys()
)
async def test_malformed_form_body_is_400_not_500_and_changes_nothing(
    app: Starlette, asker: User, content_type: str, raw: bytes
) -> None:
    async with factories.browser(app, asker) as browser:
        r = await browser.post(ASK, content=raw, headers={"content-type": content_type})
    assert r.status_code == 400, (r.status_code, r.text[:500])
    assert await Question.all().count() == 0


async def test_html_form_body_over_the_limit_is_413_not_500(app: Starlette, asker: User) -> None:
    async with factories.browser(app, asker) as browser:
        fields = factories.form(browser, **{**GOOD_FORM, "body": "x" * (LIMIT + 1024)})
        r = await browser.post(ASK, data=fields)
    assert r.status_code == 413, (r.status_code, r.text[:500])
    assert await Question.all().count() == 0


@pytest.mark.parametrize("suffix", ["", "/edit", "/revisions"])
@pytest.mark.parametrize("huge", ["2147483648", "9223372036854775808", "9" * 40])
async def test_html_question_pages_with_a_huge_id_are_404_not_500(
    app: Starlette, asker: User, suffix: str, huge: str
) -> None:
    async with factories.browser(app, asker) as browser:
        r = await browser.get(f"/questions/{huge}{suffix}")
    assert r.status_code == 404, (r.status_code, r.text[:300])


async def test_a_validation_error_names_each_bad_field(
    admin_api: httpx.AsyncClient, question: Question
) -> None:
    r = await admin_api.post(
        QUESTIONS, json={"board": "account-billing", "title": "Hi", "body": ""}
    )
    error = assert_api_error(r, 400, "title")
    assert set(error["fields"]) == {"title", "body"}
    assert all(error["fields"][name] in error["message"] for name in error["fields"])
    missing = await admin_api.put(
        f"/api/v1/questions/{question.id}/accepted-answer", json={"answer_id": 999999}
    )
    assert assert_api_error(missing, 409)["fields"].keys() == {"answer_id"}
    assert "fields" not in assert_api_error(await admin_api.get("/api/v1/nope"), 404)
