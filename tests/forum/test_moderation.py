"""Moderation: staff restore or remove hidden posts (removing reverses the author's points), hide
posts and lock questions themselves, lift suspensions; admins read it all in the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from starlette.applications import Starlette

from forum import pagecache
from forum.actions.acceptance import do_accept_answer
from forum.actions.flags import check_flag
from forum.actions.kudos import do_give_kudos
from forum.actions.moderation import check_lock_question, check_moderate_post
from forum.actions.users import check_suspend_user
from forum.errors import Conflict, Forbidden
from forum.models import Answer, AuditEntry, Escalation, Flag, User, Visibility
from rewards.models import Transfer
from tests.factories import T0, api, browser, form, make_answer, make_question, make_user
from tests.rewards.helpers import assert_reconciles, balance

NOW = T0 + timedelta(hours=3)


async def hidden_by_flags(answer: Answer) -> None:
    for i in range(3):
        await check_flag(answer, "spam", acting_user=await make_user(f"flagger{i}"), now=NOW)


async def test_restoring_dismisses_the_flags_and_closes_the_queue_item(
    app: Starlette, asker: User, helper: User, staff: User
) -> None:
    question = await make_question(asker, title="How do I keep my number?", at=T0)
    answer = await make_answer(question, helper, body="Port it with the PAC code.")
    await hidden_by_flags(answer)
    async with browser(app, staff) as page:
        url = f"/answers/{answer.id}/moderation"
        done = await page.post(url, data=form(page, do="restore", note="Looks fine"))
        assert done.status_code == 303
    await answer.refresh_from_db()
    assert answer.visibility == Visibility.VISIBLE
    assert {f.state.value for f in await Flag.all()} == {"dismissed"}
    item = await Escalation.get(question_id=question.id, reason="flagged")
    assert (item.state.value, item.resolution.value, item.note) == (  # type: ignore[union-attr]
        "resolved",
        "no_action",
        "Looks fine",
    )
    entry = await AuditEntry.get(action="restore")
    assert entry.target_user_id == helper.id and f"answer:{answer.id}" in entry.detail  # type: ignore[attr-defined]
    with pytest.raises(Conflict):  # visible now: nothing to restore
        await check_moderate_post(answer, "restore", acting_user=staff)


async def test_removing_reverses_the_authors_points_for_the_post_once(
    asker: User, helper: User, other_member: User, staff: User
) -> None:
    question = await make_question(asker, title="How do I keep my number?", at=T0)
    answer = await make_answer(question, helper, body="Port it with the PAC code.")
    other = await make_answer(question, helper, body="Or ask the shop to port it.")
    await do_give_kudos(answer, acting_user=other_member, now=NOW)
    await do_give_kudos(other, acting_user=other_member, now=NOW)
    await do_accept_answer(question, answer, acting_user=asker, now=NOW)
    assert await balance(helper) == 100 + 10 + 10 and await balance(asker) == 5
    await hidden_by_flags(answer)
    await check_moderate_post(answer, "remove", note="Copied spam", acting_user=staff, now=NOW)
    assert await balance(helper) == 10  # the other answer's kudos stay
    assert await balance(asker) == 0  # hiding the accepted answer ended the acceptance
    assert {f.state.value for f in await Flag.all()} == {"upheld"}
    reversals = await Transfer.filter(kind="reversal", member_id=helper.id).order_by("id")
    assert [(t.amount, t.reason) for t in reversals] == [
        (100, "Accepted answer hidden or removed"),  # when the flags hid it
        (10, "Post removed by staff"),  # its kudos, when staff removed it
    ]
    with pytest.raises(Conflict):
        await check_moderate_post(answer, "remove", acting_user=staff, now=NOW)
    with pytest.raises(Conflict):  # a removed post stays removed
        await check_moderate_post(answer, "restore", acting_user=staff, now=NOW)
    await assert_reconciles()


async def test_removing_a_question_reverses_the_askers_bonus(
    app: Starlette, asker: User, helper: User, staff: User
) -> None:
    question = await make_question(asker, title="How do I keep my number?", at=T0)
    answer = await make_answer(question, helper)
    await do_accept_answer(question, answer, acting_user=asker, now=NOW)
    async with await api(app, staff) as client:
        url = f"/api/v1/questions/{question.id}/moderation"
        done = await client.post(url, json={"action": "remove", "note": "Spam"})
        assert done.status_code == 200 and done.json()["visibility"] == "removed"
        bad = await client.post(url, json={"action": "explode"})
        assert bad.status_code == 400 and "action" in bad.text
    assert await balance(asker) == 0 and await balance(helper) == 100
    async with browser(app, asker) as page:
        assert (await page.get(f"/questions/{question.id}")).status_code == 404
    await assert_reconciles()


async def test_staff_hide_and_restore_without_flags_and_members_cannot(
    app: Starlette, asker: User, helper: User, staff: User, finance: User
) -> None:
    question = await make_question(asker, title="How do I keep my number?", at=T0)
    answer = await make_answer(question, helper)
    for outsider in (helper, finance):
        with pytest.raises(Forbidden):
            await check_moderate_post(answer, "hide", acting_user=outsider)
    await check_moderate_post(answer, "hide", acting_user=staff)
    async with browser(app, asker) as page:
        assert "Restart the app" not in (await page.get(f"/questions/{question.id}")).text
    await check_moderate_post(answer, "restore", acting_user=staff)
    pagecache.clear()  # as after a write over HTTP (the action was called directly here)
    async with browser(app, asker) as page:
        assert "Restart the app" in (await page.get(f"/questions/{question.id}")).text
    assert [e.action for e in await AuditEntry.all().order_by("id")] == ["hide", "restore"]


async def test_locking_stops_answers_and_unlocking_restores_the_state(
    app: Starlette, asker: User, helper: User, staff: User
) -> None:
    question = await make_question(asker, title="How do I keep my number?", at=T0)
    await make_answer(question, helper)
    async with browser(app, staff) as page:
        url = f"/questions/{question.id}/lock"
        assert (await page.post(url, data=form(page, do="lock"))).status_code == 303
    await question.refresh_from_db()
    assert question.state.value == "locked" and question.locked_at is not None
    async with await api(app, helper) as client, await api(app, staff) as team:
        answer_url = f"/api/v1/questions/{question.id}/answers"
        assert (await client.post(answer_url, json={"body": "Too late."})).status_code == 409
        assert (await client.delete(f"/api/v1/questions/{question.id}/lock")).status_code == 403
        unlocked = await team.delete(f"/api/v1/questions/{question.id}/lock")
        assert unlocked.status_code == 200 and unlocked.json()["state"] == "answered"
        assert (await team.delete(f"/api/v1/questions/{question.id}/lock")).status_code == 409
    with pytest.raises(Conflict):
        await check_lock_question(question, False, acting_user=staff)


async def test_staff_suspend_and_unsuspend_from_the_members_page(
    app: Starlette, asker: User, helper: User, staff: User
) -> None:
    async with browser(app, staff) as page:
        url = f"/staff/members/{helper.id}"
        empty = await page.post(url, data=form(page, do="suspend", reason=""))
        assert empty.status_code == 400 and "Reason" in empty.text
        assert (
            await page.post(url, data=form(page, do="suspend", reason="Spam"))
        ).status_code == 303
        assert "Suspended since" in (await page.get(url)).text
        assert (await page.post(url, data=form(page, do="unsuspend"))).status_code == 303
    await helper.refresh_from_db()
    assert helper.suspended_at is None
    async with await api(app, staff) as client, await api(app, helper) as member:
        again = await client.post(f"/api/v1/admin/users/{helper.id}/unsuspend")
        assert again.status_code == 409
        question = await make_question(asker, title="How do I keep my number?", at=T0)
        posted = await member.post(
            f"/api/v1/questions/{question.id}/answers", json={"body": "Back again."}
        )
        assert posted.status_code == 201
    async with browser(app, helper) as page:
        assert (await page.get(f"/staff/members/{asker.id}")).status_code == 403


async def test_admins_read_and_filter_the_audit_log(
    app: Starlette, asker: User, helper: User, staff: User, admin: User
) -> None:
    question = await make_question(asker, title="How do I keep my number?", at=T0)
    await check_lock_question(question, True, note="Heated", acting_user=staff, now=NOW)
    await check_suspend_user(helper, "Spamming the board", acting_user=admin, now=NOW)
    async with await api(app, admin) as client, await api(app, staff) as team:
        everything = (await client.get("/api/v1/admin/audit")).json()["items"]
        assert [e["action"] for e in everything] == ["suspend", "lock"]
        locks = (await client.get("/api/v1/admin/audit?action=lock")).json()["items"]
        assert [(e["actor"], e["target"]) for e in locks] == [(staff.username, asker.username)]
        by_admin = (await client.get(f"/api/v1/admin/audit?actor={admin.username}")).json()
        assert [e["action"] for e in by_admin["items"]] == ["suspend"]
        assert (await client.get("/api/v1/admin/audit?action=nope")).status_code == 400
        assert (await team.get("/api/v1/admin/audit")).status_code == 403
    async with browser(app, admin) as page:
        shown = await page.get("/admin/audit?action=suspend")
        assert "Spamming the board" in shown.text and "Heated" not in shown.text
