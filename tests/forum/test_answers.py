import asyncio

import pytest
from starlette.applications import Starlette

from forum.actions.answers import check_create_answer, check_edit_answer
from forum.actions.questions import derived_state, derived_state_sql
from forum.db import execute
from forum.errors import Conflict, Forbidden, NotFound, ValidationFailed
from forum.models import Answer, Question, Revision, User
from tests import factories
from tests.factories import T0


async def test_answer_by_other_member_makes_question_answered(asker: User, helper: User) -> None:
    q = await factories.make_question(asker)
    await check_create_answer(q.id, acting_user=helper, body="Restart it.", now=T0)
    await q.refresh_from_db()
    assert (q.state.value, q.answer_count, q.other_answer_count) == ("answered", 1, 1)
    assert q.last_activity_at == T0


async def test_askers_own_answer_leaves_question_unanswered(asker: User) -> None:
    q = await factories.make_question(asker)
    await check_create_answer(q.id, acting_user=asker, body="Update: still broken.")
    await q.refresh_from_db()
    assert (q.state.value, q.answer_count, q.other_answer_count) == ("unanswered", 1, 0)


async def test_staff_answer_is_marked_staff(asker: User, staff: User) -> None:
    q = await factories.make_question(asker)
    answer = await check_create_answer(q.id, acting_user=staff, body="We fixed the outage.")
    assert answer.is_staff is True


async def test_empty_answer_is_refused(asker: User, helper: User) -> None:
    q = await factories.make_question(asker)
    with pytest.raises(ValidationFailed) as exc:
        await check_create_answer(q.id, acting_user=helper, body="   ")
    assert "body" in exc.value.errors
    assert await Answer.all().count() == 0


async def test_locked_question_takes_no_answers(asker: User, helper: User) -> None:
    q = await factories.make_question(asker)
    await Question.filter(id=q.id).update(locked_at=T0)
    await q.refresh_from_db()
    with pytest.raises(Conflict):
        await check_create_answer(q.id, acting_user=helper, body="Late answer.")


async def test_edit_answer_keeps_revision_and_only_author_or_staff(
    asker: User, helper: User, other_member: User, staff: User
) -> None:
    q = await factories.make_question(asker)
    answer = await factories.make_answer(q, helper, body="First version.")
    with pytest.raises(Forbidden):
        await check_edit_answer(answer, acting_user=other_member, body="Vandalised.")
    await check_edit_answer(answer, acting_user=helper, body="Second version.")
    await check_edit_answer(answer, acting_user=staff, body="Third version.")
    revisions = await Revision.filter(answer_id=answer.id).order_by("id")
    assert [r.old_body for r in revisions] == ["First version.", "Second version."]
    assert answer.body == "Third version."


async def test_api_answer_201_and_locked_409(app: Starlette, asker: User, helper: User) -> None:
    q = await factories.make_question(asker)
    async with await factories.api(app, helper) as c:
        r = await c.post(f"/api/v1/questions/{q.id}/answers", json={"body": "Try **this**."})
        assert r.status_code == 201
        assert r.json()["body_html"] == "<p>Try <strong>this</strong>.</p>\n"
        await Question.filter(id=q.id).update(locked_at=T0)
        r = await c.post(f"/api/v1/questions/{q.id}/answers", json={"body": "Again."})
    assert r.status_code == 409


async def test_api_edit_answer_by_other_is_403(
    app: Starlette, asker: User, helper: User, other_member: User
) -> None:
    answer = await factories.make_answer(await factories.make_question(asker), helper)
    async with await factories.api(app, other_member) as c:
        r = await c.patch(f"/api/v1/answers/{answer.id}", json={"body": "Mine now."})
    assert r.status_code == 403


async def test_api_question_lists_answers_with_staff_mark(
    app: Starlette, asker: User, helper: User, staff: User
) -> None:
    q = await factories.make_question(asker)
    await factories.make_answer(q, helper)
    await factories.make_answer(q, staff)
    async with await factories.api(app) as c:
        answers = (await c.get(f"/api/v1/questions/{q.id}")).json()["answers"]
    assert [(a["author"]["username"], a["is_staff"]) for a in answers] == [
        ("helper", False),
        ("staff", True),
    ]


async def test_html_answer_with_empty_body_shows_form_again(
    app: Starlette, asker: User, helper: User
) -> None:
    q = await factories.make_question(asker)
    async with factories.browser(app, helper) as c:
        r = await c.post(f"/questions/{q.id}/answers", data=factories.form(c, body=" "))
        assert r.status_code == 400 and "Answer must be at least 1 characters" in r.text
        r = await c.post(f"/questions/{q.id}/answers", data=factories.form(c, body="Do this."))
    assert r.status_code == 303 and r.headers["location"].startswith(f"/questions/{q.id}#answer-")


async def test_answer_on_solved_question_counts_and_keeps_it_solved(
    asker: User, helper: User, other_member: User
) -> None:
    q = await factories.make_question(asker)
    first = await factories.make_answer(q, helper)
    await Question.filter(id=q.id).update(accepted_answer_id=first.id, state="solved")
    await check_create_answer(q.id, acting_user=other_member, body="Another way.", now=T0)
    await q.refresh_from_db()
    assert (q.state.value, q.answer_count, q.other_answer_count) == ("solved", 2, 2)


async def test_posted_answer_is_the_row_as_stored(asker: User, staff: User) -> None:
    q = await factories.make_question(asker)
    answer = await check_create_answer(q.id, acting_user=staff, body="Use *this*.", now=T0)
    stored = await Answer.get(id=answer.id)
    fields = ("id", "question_id", "author_id", "body", "body_html", "is_staff", "kudos_count")
    assert [getattr(answer, f) for f in fields] == [getattr(stored, f) for f in fields]
    assert (stored.created_at, stored.updated_at) == (answer.created_at, answer.updated_at)
    assert answer.created_at == T0
    assert stored.body_html == "<p>Use <em>this</em>.</p>\n"


async def test_answer_to_locked_question_writes_nothing(asker: User, helper: User) -> None:
    q = await factories.make_question(asker)
    await Question.filter(id=q.id).update(locked_at=T0, state="locked")
    with pytest.raises(Conflict):
        await check_create_answer(q.id, acting_user=helper, body="Late answer.")
    await q.refresh_from_db()
    assert (q.state.value, q.answer_count, q.other_answer_count) == ("locked", 0, 0)
    assert await Answer.all().count() == 0


async def test_answer_to_missing_question_is_not_found(helper: User) -> None:
    for question_id in (999, 2**40):
        with pytest.raises(NotFound):
            await check_create_answer(question_id, acting_user=helper, body="Hello?")
    assert await Answer.all().count() == 0


async def test_suspended_member_cannot_answer(asker: User, helper: User) -> None:
    q = await factories.make_question(asker)
    helper.suspended_at = T0
    with pytest.raises(Forbidden):
        await check_create_answer(q.id, acting_user=helper, body="Still here.")
    assert await Answer.all().count() == 0


@pytest.mark.parametrize("locked", [False, True])
@pytest.mark.parametrize("accepted", [False, True])
@pytest.mark.parametrize("others", [0, 1])
@pytest.mark.parametrize("added", [0, 1])
async def test_state_in_sql_matches_derived_state(
    asker: User, locked: bool, accepted: bool, others: int, added: int
) -> None:
    q = await factories.make_question(asker)
    facts = {
        "locked_at": T0 if locked else None,
        "accepted_answer_id": 1 if accepted else None,
        "other_answer_count": others,
    }
    await Question.filter(id=q.id).update(**facts)
    await Question.filter(id=q.id).update(state=derived_state(added))
    by_orm = (await Question.get(id=q.id)).state.value
    wrong = "locked" if by_orm == "unanswered" else "unanswered"
    await Question.filter(id=q.id).update(state=wrong)
    await execute(
        f"UPDATE questions SET state = {derived_state_sql(str(added))} WHERE id = $1", [q.id]
    )
    assert (await Question.get(id=q.id)).state.value == by_orm


@pytest.mark.parametrize("locked", [False, True])
@pytest.mark.parametrize("others", [0, 1])
async def test_state_in_sql_sees_the_accepted_answer_its_update_sets(
    asker: User, locked: bool, others: int
) -> None:
    """The accept sets the accepted answer and the state in one UPDATE, whose expressions see
    the row as it was (no accepted answer)."""
    q = await factories.make_question(asker)
    await Question.filter(id=q.id).update(
        locked_at=T0 if locked else None, other_answer_count=others, accepted_answer_id=None
    )
    await execute(
        "UPDATE questions SET accepted_answer_id = $1,"
        f" state = {derived_state_sql(accepted_answer='CAST($1 AS INTEGER)')} WHERE id = $2",
        [7, q.id],
    )
    by_sql = await Question.get(id=q.id)
    await Question.filter(id=q.id).update(state=derived_state())
    by_orm = await Question.get(id=q.id)
    assert (by_sql.accepted_answer_id, by_sql.state) == (7, by_orm.state)
    assert by_orm.state.value == ("locked" if locked else "solved")


async def test_html_answer_to_missing_question_is_404(app: Starlette, helper: User) -> None:
    async with factories.browser(app, helper) as c:
        r = await c.post("/questions/999/answers", data=factories.form(c, body="Hello?"))
        assert r.status_code == 404
        r = await c.post("/questions/999/answers", data=factories.form(c, body=" "))
        assert r.status_code == 404


async def test_html_answer_needs_csrf_and_login(app: Starlette, asker: User, helper: User) -> None:
    q = await factories.make_question(asker)
    async with factories.browser(app, helper) as c:
        r = await c.post(f"/questions/{q.id}/answers", data={"body": "No token."})
        assert r.status_code == 403
    async with factories.browser(app) as c:
        r = await c.post(f"/questions/{q.id}/answers", data=factories.form(c, body="Anon."))
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert await Answer.all().count() == 0


async def test_concurrent_answers_are_all_counted(
    asker: User, helper: User, other_member: User
) -> None:
    q = await factories.make_question(asker)
    posts = [
        check_create_answer(q.id, acting_user=author, body=f"Answer {n}.")
        for n, author in enumerate([asker, helper, other_member] * 4)
    ]
    answers = await asyncio.gather(*posts)
    await q.refresh_from_db()
    assert (q.state.value, q.answer_count, q.other_answer_count) == ("answered", 12, 8)
    assert sorted(a.id for a in answers) == sorted(
        await Answer.filter(question_id=q.id).values_list("id", flat=True)
    )
