from datetime import timedelta

import pytest
from starlette.applications import Starlette
from tortoise.exceptions import IntegrityError

from forum.actions.acceptance import check_accept_answer, do_accept_answer, do_clear_acceptance
from forum.errors import Forbidden, Unavailable
from forum.models import Acceptance, Answer, Question, User
from forum.settings import Settings
from rewards.models import Transfer
from tests import factories
from tests.factories import T0, browser, form, make_answer, make_question


async def _setup(asker: User, helper: User, other: User) -> tuple[Question, Answer, Answer]:
    q = await factories.make_question(asker)
    return q, await factories.make_answer(q, helper), await factories.make_answer(q, other)


async def test_asker_accepts_and_question_is_solved(
    settings: Settings, asker: User, helper: User, other_member: User
) -> None:
    q, a1, _ = await _setup(asker, helper, other_member)
    acc = await check_accept_answer(settings, q, a1.id, acting_user=asker, now=T0)
    await q.refresh_from_db()
    assert (q.state.value, q.accepted_answer_id) == ("solved", a1.id)
    assert acc.active_question_id == q.id and acc.accepted_by_id == asker.id  # type: ignore[attr-defined]


async def test_accept_by_non_asker_is_forbidden(
    settings: Settings, asker: User, helper: User, other_member: User
) -> None:
    q, a1, _ = await _setup(asker, helper, other_member)
    with pytest.raises(Forbidden):
        await check_accept_answer(settings, q, a1.id, acting_user=other_member)
    assert await Acceptance.all().count() == 0


async def test_staff_may_accept_only_after_seven_days(
    settings: Settings, asker: User, helper: User, other_member: User, staff: User
) -> None:
    q, a1, _ = await _setup(asker, helper, other_member)
    with pytest.raises(Forbidden):
        await check_accept_answer(
            settings, q, a1.id, acting_user=staff, now=q.created_at + timedelta(days=7)
        )
    await check_accept_answer(
        settings, q, a1.id, acting_user=staff, now=q.created_at + timedelta(days=7, seconds=1)
    )
    await q.refresh_from_db()
    assert q.accepted_answer_id == a1.id


async def test_change_accept_retires_the_old_one(
    settings: Settings, asker: User, helper: User, other_member: User
) -> None:
    q, a1, a2 = await _setup(asker, helper, other_member)
    first = await check_accept_answer(settings, q, a1.id, acting_user=asker)
    second = await check_accept_answer(settings, q, a2.id, acting_user=asker)
    await first.refresh_from_db()
    assert first.active_question_id is None and first.cleared_by_id == asker.id  # type: ignore[attr-defined]
    assert second.active_question_id == q.id
    await q.refresh_from_db()
    assert q.accepted_answer_id == a2.id


async def test_accepting_the_standing_answer_again_is_a_no_op(
    settings: Settings, asker: User, helper: User, other_member: User
) -> None:
    q, a1, _ = await _setup(asker, helper, other_member)
    first = await check_accept_answer(settings, q, a1.id, acting_user=asker)
    again = await check_accept_answer(settings, q, a1.id, acting_user=asker)
    assert again.id == first.id and await Acceptance.all().count() == 1


async def test_accept_clear_accept_makes_three_events(
    settings: Settings, asker: User, helper: User, other_member: User
) -> None:
    q, a1, _ = await _setup(asker, helper, other_member)
    first = await check_accept_answer(settings, q, a1.id, acting_user=asker)
    await do_clear_acceptance(q, acting_user=asker)
    await q.refresh_from_db()
    assert (q.state.value, q.accepted_answer_id) == ("answered", None)
    second = await check_accept_answer(settings, q, a1.id, acting_user=asker)
    assert second.id != first.id and await Acceptance.all().count() == 2


async def test_clearing_a_question_with_no_accepted_answer_changes_nothing(
    app: Starlette, asker: User
) -> None:
    """API.md: DELETE → 200. Cleared already is cleared: no error, no ledger line, no audit."""
    q = await factories.make_question(asker)
    transfers = await Transfer.all().count()
    await do_clear_acceptance(q, acting_user=asker)
    async with await factories.api(app, asker) as client:
        r = await client.delete(f"/api/v1/questions/{q.id}/accepted-answer")
    assert r.status_code == 200 and r.json()["accepted_answer_id"] is None
    assert r.json()["state"] == "unanswered"
    assert await Transfer.all().count() == transfers


async def test_answer_of_another_question_cannot_be_accepted(
    settings: Settings, asker: User, helper: User, other_member: User
) -> None:
    q, _, _ = await _setup(asker, helper, other_member)
    elsewhere = await factories.make_answer(await factories.make_question(asker), helper)
    with pytest.raises(Unavailable):  # it exists, on another question: 409
        await check_accept_answer(settings, q, elsewhere.id, acting_user=asker)


async def test_database_refuses_two_standing_acceptances(
    asker: User, helper: User, other_member: User
) -> None:
    q, a1, a2 = await _setup(asker, helper, other_member)
    await Acceptance.create(
        question=q, answer=a1, accepted_by=asker, active_question_id=q.id, created_at=T0
    )
    with pytest.raises(IntegrityError):
        await Acceptance.create(
            question=q, answer=a2, accepted_by=asker, active_question_id=q.id, created_at=T0
        )


async def test_api_accept_change_clear(
    app: Starlette, asker: User, helper: User, other_member: User
) -> None:
    q, a1, a2 = await _setup(asker, helper, other_member)
    async with await factories.api(app, asker) as c:
        url = f"/api/v1/questions/{q.id}/accepted-answer"
        r = await c.put(url, json={"answer_id": a1.id})
        assert (r.status_code, r.json()["accepted_answer_id"]) == (200, a1.id)
        r = await c.put(url, json={"answer_id": a2.id})
        assert r.json()["accepted_answer_id"] == a2.id
        detail = (await c.get(f"/api/v1/questions/{q.id}")).json()
        assert [a["accepted"] for a in detail["answers"]] == [False, True]
        r = await c.delete(url)
        assert (r.status_code, r.json()["state"]) == (200, "answered")


async def test_api_accept_by_another_user_is_403(
    app: Starlette, asker: User, helper: User, other_member: User
) -> None:
    q, a1, _ = await _setup(asker, helper, other_member)
    async with await factories.api(app, other_member) as c:
        r = await c.put(f"/api/v1/questions/{q.id}/accepted-answer", json={"answer_id": a1.id})
    assert r.status_code == 403


async def test_api_accept_bad_answer_id_is_400(app: Starlette, asker: User) -> None:
    q = await factories.make_question(asker)
    async with await factories.api(app, asker) as c:
        r = await c.put(f"/api/v1/questions/{q.id}/accepted-answer", json={"answer_id": "x"})
    assert r.status_code == 400 and "answer_id" in r.json()["error"]["message"]


async def test_html_accept_and_clear_buttons(
    app: Starlette, asker: User, helper: User, other_member: User
) -> None:
    q, a1, _ = await _setup(asker, helper, other_member)
    async with factories.browser(app, asker) as c:
        r = await c.post(f"/questions/{q.id}/accept", data=factories.form(c, answer_id=str(a1.id)))
        assert r.status_code == 303
        page = await c.get(f"/questions/{q.id}")
        assert "Clear accepted answer" in page.text
        r = await c.post(f"/questions/{q.id}/accept/clear", data=factories.form(c))
        assert r.status_code == 303
    await q.refresh_from_db()
    assert q.accepted_answer_id is None


async def test_the_accepted_answer_comes_first_with_a_link_from_the_question(
    app: Starlette, asker: User, helper: User, other_member: User
) -> None:
    question = await make_question(asker, at=T0)
    await make_answer(question, other_member, body="First in time: try the app again.")
    solution = await make_answer(question, helper, body="Second in time: reset the APN.")
    await do_accept_answer(question, solution, acting_user=asker, now=T0 + timedelta(hours=3))
    async with browser(app) as page:
        html = (await page.get(f"/questions/{question.id}")).text
    assert html.index("Second in time") < html.index("First in time")
    assert f'href="#answer-{solution.id}" class="solution-link">Solution</a>' in html


async def test_clearing_the_accepted_answer_asks_first(
    app: Starlette, asker: User, helper: User, other_member: User
) -> None:
    question = await make_question(asker, at=T0)
    answer = await make_answer(question, helper)
    await do_accept_answer(question, answer, acting_user=asker, now=T0 + timedelta(hours=2))
    async with browser(app, asker) as page:
        shown = (await page.get(f"/questions/{question.id}")).text
        assert f'href="/questions/{question.id}/accept/clear"' in shown
        asked = await page.get(f"/questions/{question.id}/accept/clear")
        assert asked.status_code == 200 and "Clear the accepted answer?" in asked.text
        await question.refresh_from_db()
        assert question.accepted_answer_id == answer.id  # asking changed nothing
        done = await page.post(f"/questions/{question.id}/accept/clear", data=form(page))
        assert done.status_code == 303
    async with browser(app, other_member) as page:
        assert (await page.get(f"/questions/{question.id}/accept/clear")).status_code == 403
    await question.refresh_from_db()
    assert question.accepted_answer_id is None
