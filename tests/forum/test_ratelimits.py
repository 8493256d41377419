"""Flood control: posts, kudos, failed logins and sign-ups are limited per member or address, with
a 429 and Retry-After in the API and the form shown again in HTML; staff are exempt; the counts
are per process in memory and shared through Redis."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from starlette.applications import Starlette

from forum.actions.answers import check_create_answer
from forum.models import Answer, User
from forum.ratelimits import RateLimited
from forum.settings import Settings, configure
from tests.conftest import make_settings
from tests.factories import PASSWORD, T0, api, browser, form, make_answer, make_question

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def flushed_redis() -> Iterator[None]:
    """Database 15 of the local Redis (every machine runs one; .ci/run starts it), empty before
    and after the test."""
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield
    client.flushdb()
    client.close()


@pytest.fixture
def settings() -> Settings:
    return make_settings(rate_limits=True)


async def test_the_sixth_post_in_30_seconds_is_refused_with_retry_after(
    app: Starlette, asker: User, helper: User, staff: User
) -> None:
    question = await make_question(asker, title="How do I keep my number?", at=T0)
    url = f"/api/v1/questions/{question.id}/answers"
    async with await api(app, helper) as member, await api(app, staff) as team:
        for i in range(5):
            made = await member.post(url, json={"body": f"Try this, answer {i}."})
            assert made.status_code == 201, made.text
        refused = await member.post(url, json={"body": "One answer too many."})
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "rate_limited"
        # The first of the five posts was seconds ago: its 30-second window has most of it left.
        assert 20 <= int(refused.headers["Retry-After"]) <= 30
        assert "try again in" in refused.json()["error"]["message"]
        for i in range(7):  # staff are exempt
            assert (await team.post(url, json={"body": f"Staff note {i}."})).status_code == 201
    assert await Answer.filter(author_id=helper.id).count() == 5


async def test_a_limited_answer_form_comes_back_with_its_text(
    app: Starlette, asker: User, helper: User
) -> None:
    question = await make_question(asker, title="How do I keep my number?", at=T0)
    for i in range(5):
        await check_create_answer(question.id, acting_user=helper, body=f"Answer number {i}.")
    async with browser(app, helper) as page:
        url = f"/questions/{question.id}/answers"
        shown = await page.post(url, data=form(page, body="My carefully written sixth answer."))
        assert shown.status_code == 429
        assert "try again in" in shown.text and "carefully written sixth answer" in shown.text
    assert await Answer.filter(author_id=helper.id).count() == 5


async def test_kudos_are_limited_to_50_a_minute(
    app: Starlette, asker: User, helper: User, other_member: User
) -> None:
    question = await make_question(asker, title="How do I keep my number?", at=T0)
    answers = [await make_answer(question, helper, body=f"Answer {i}", at=T0) for i in range(51)]
    async with await api(app, other_member) as client:
        for answer in answers[:50]:
            given = await client.post(f"/api/v1/answers/{answer.id}/kudos")
            assert given.status_code == 201, given.text
        refused = await client.post(f"/api/v1/answers/{answers[50].id}/kudos")
        assert refused.status_code == 429 and "Retry-After" in refused.headers


async def test_ten_failed_logins_lock_the_account_for_that_address(
    app: Starlette, helper: User, other_member: User
) -> None:
    async with await api(app) as client:
        for _ in range(10):
            wrong = await client.post(
                "/api/v1/auth/token", json={"username": helper.username, "password": "wrong one!"}
            )
            assert wrong.status_code == 401
        right = {"username": helper.username, "password": PASSWORD}
        refused = await client.post("/api/v1/auth/token", json=right)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) <= 15 * 60
        other = {"username": other_member.username, "password": PASSWORD}
        assert (await client.post("/api/v1/auth/token", json=other)).status_code == 200
    async with browser(app) as page:
        shown = await page.post(
            "/login", data=form(page, username=helper.username, password=PASSWORD)
        )
        assert shown.status_code == 429 and "try again in" in shown.text


async def test_a_token_cannot_guess_the_password_through_an_email_change(
    app: Starlette, helper: User
) -> None:
    url = "/api/v1/me/email"
    async with await api(app, helper) as client:
        for _ in range(10):
            wrong = await client.post(
                url, json={"email": "thief@example.org", "current_password": "a guess!!!"}
            )
            assert wrong.status_code == 403
        right = {"email": "thief@example.org", "current_password": PASSWORD}
        refused = await client.post(url, json=right)
        assert refused.status_code == 429 and "try again in" in refused.json()["error"]["message"]
        # The guesses count as failed logins of that account from that address.
        login = {"username": helper.username, "password": PASSWORD}
        assert (await client.post("/api/v1/auth/token", json=login)).status_code == 429
    assert (await User.get(id=helper.id)).email == "helper@example.com"
    async with browser(app, helper) as page:
        shown = await page.post(
            "/account/email",
            data=form(page, email="thief@example.org", current_password=PASSWORD),
        )
        assert shown.status_code == 429 and "try again in" in shown.text


async def test_three_sign_ups_a_day_per_address(app: Starlette) -> None:
    async with await api(app) as client:
        for i in range(3):
            body = {"username": f"new{i}", "email": f"new{i}@example.com", "password": PASSWORD}
            assert (await client.post("/api/v1/auth/register", json=body)).status_code == 201
        body = {"username": "new3", "email": "new3@example.com", "password": PASSWORD}
        refused = await client.post("/api/v1/auth/register", json=body)
        assert refused.status_code == 429
    assert not await User.filter(username="new3").exists()


@pytest.mark.parametrize("storage", ["memory://", REDIS_URL])
async def test_processes_share_counts_only_through_redis(
    app: Starlette, asker: User, helper: User, storage: str, request: pytest.FixtureRequest
) -> None:
    """Two settings objects stand for two processes: each builds its own flood control."""
    if storage == REDIS_URL:
        request.getfixturevalue("flushed_redis")
    question = await make_question(asker, title="How do I keep my number?", at=T0)

    async def post_as(process: Settings, n: int) -> None:
        configure(process)
        await check_create_answer(question.id, acting_user=helper, body=f"Answer {n}.")

    first = make_settings(rate_limits=True, rate_limit_storage=storage)
    second = make_settings(rate_limits=True, rate_limit_storage=storage)
    for n in range(3):
        await post_as(first, n)
    await post_as(second, 3)
    await post_as(second, 4)
    if storage == "memory://":
        await post_as(second, 5)  # the second process has seen three posts only
    else:
        with pytest.raises(RateLimited):
            await post_as(second, 5)  # Redis holds all five


async def test_flood_control_can_be_turned_off(asker: User, helper: User) -> None:
    configure(make_settings(rate_limits=False))
    question = await make_question(asker, title="How do I keep my number?", at=T0)
    for n in range(8):
        await check_create_answer(question.id, acting_user=helper, body=f"Answer {n}.")
    assert await Answer.filter(author_id=helper.id).count() == 8


async def test_an_unreachable_redis_lets_requests_through(
    app: Starlette, asker: User, helper: User, caplog: pytest.LogCaptureFixture
) -> None:
    configure(make_settings(rate_limits=True, rate_limit_storage="redis://127.0.0.1:1/0"))
    question = await make_question(asker, title="How do I keep my number?", at=T0)
    for n in range(6):
        await check_create_answer(question.id, acting_user=helper, body=f"Answer {n}.")
    assert await Answer.filter(author_id=helper.id).count() == 6
    assert "flood control storage unavailable" in caplog.text
