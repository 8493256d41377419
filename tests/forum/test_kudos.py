import pytest
from starlette.applications import Starlette

from forum.actions.kudos import do_give_kudos, do_withdraw_kudos
from forum.errors import Conflict, Forbidden, NotFound
from forum.models import Answer, Kudos, User
from tests import factories


async def _answer(asker: User, helper: User) -> Answer:
    return await factories.make_answer(await factories.make_question(asker), helper)


async def test_give_kudos_counts_once(asker: User, helper: User, other_member: User) -> None:
    answer = await _answer(asker, helper)
    await do_give_kudos(answer, acting_user=asker)
    await do_give_kudos(answer, acting_user=other_member)
    await answer.refresh_from_db()
    assert answer.kudos_count == 2 and await Kudos.filter(answer_id=answer.id).count() == 2


async def test_second_kudos_from_same_member_is_conflict(asker: User, helper: User) -> None:
    answer = await _answer(asker, helper)
    await do_give_kudos(answer, acting_user=asker)
    with pytest.raises(Conflict):
        await do_give_kudos(answer, acting_user=asker)
    await answer.refresh_from_db()
    assert answer.kudos_count == 1


async def test_kudos_on_own_answer_is_forbidden(asker: User, helper: User) -> None:
    answer = await _answer(asker, helper)
    with pytest.raises(Forbidden):
        await do_give_kudos(answer, acting_user=helper)
    assert await Kudos.all().count() == 0


async def test_withdraw_then_give_again(asker: User, helper: User) -> None:
    answer = await _answer(asker, helper)
    await do_give_kudos(answer, acting_user=asker)
    await do_withdraw_kudos(answer, acting_user=asker)
    await answer.refresh_from_db()
    assert answer.kudos_count == 0
    with pytest.raises(NotFound):
        await do_withdraw_kudos(answer, acting_user=asker)
    await do_give_kudos(answer, acting_user=asker)
    await answer.refresh_from_db()
    assert answer.kudos_count == 1


async def test_api_kudos_201_409_403_and_withdraw_200(
    app: Starlette, asker: User, helper: User
) -> None:
    answer = await _answer(asker, helper)
    async with await factories.api(app, asker) as c:
        r = await c.post(f"/api/v1/answers/{answer.id}/kudos")
        assert (r.status_code, r.json()["kudos"]) == (201, 1)
        assert (await c.post(f"/api/v1/answers/{answer.id}/kudos")).status_code == 409
        r = await c.delete(f"/api/v1/answers/{answer.id}/kudos")
        assert (r.status_code, r.json()["kudos"]) == (200, 0)
    async with await factories.api(app, helper) as c:
        assert (await c.post(f"/api/v1/answers/{answer.id}/kudos")).status_code == 403


async def test_html_kudos_button_round_trip(app: Starlette, asker: User, helper: User) -> None:
    answer = await _answer(asker, helper)
    async with factories.browser(app, asker) as c:
        r = await c.post(f"/answers/{answer.id}/kudos", data=factories.form(c))
        assert r.status_code == 303
        page = await c.get(r.headers["location"])
        assert "Withdraw kudos" in page.text
        r = await c.post(f"/answers/{answer.id}/kudos/withdraw", data=factories.form(c))
        assert r.status_code == 303
    assert await Kudos.all().count() == 0


async def test_html_kudos_twice_flashes_error_not_500(
    app: Starlette, asker: User, helper: User
) -> None:
    answer = await _answer(asker, helper)
    async with factories.browser(app, asker) as c:
        await c.post(f"/answers/{answer.id}/kudos", data=factories.form(c))
        r = await c.post(
            f"/answers/{answer.id}/kudos",
            data=factories.form(c),
            headers={"referer": f"http://test/questions/{answer.question_id}"},
        )  # type: ignore[attr-defined]
        assert r.status_code == 303
        page = await c.get(r.headers["location"])
    assert "already gave kudos" in page.text
