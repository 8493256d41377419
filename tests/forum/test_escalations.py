"""The staff queue: triggers, the sweep, claims, staff answers, resolutions, and the pages."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from starlette.applications import Starlette
from tortoise.transactions import in_transaction

from forum.actions.acceptance import do_accept_answer, do_clear_acceptance
from forum.actions.escalations import (
    check_ask_staff,
    check_claim,
    check_reassign,
    check_release,
    check_reopen,
    check_resolve,
    open_escalation,
)
from forum.actions.users import check_suspend_user
from forum.clock import utcnow
from forum.errors import Conflict, Forbidden, ValidationFailed
from forum.jobs import sweep_escalations
from forum.models import Escalation, EscalationReason, Question, SlaTimer, User
from tests.conftest import IS_POSTGRES
from tests.factories import T0, api, browser, form, make_answer, make_question

HOUR = timedelta(hours=1)
ROOT = Path(__file__).resolve().parents[2]


async def items(question: Question) -> list[tuple[str, str]]:
    return [
        (e.reason.value, e.state.value)
        for e in await Escalation.filter(question_id=question.id).order_by("id")
    ]


async def test_an_unanswered_question_escalates_once_its_board_sla_runs_out(
    asker: User, helper: User
) -> None:
    quiet = await make_question(asker)  # account-billing: 12 h SLA
    answered = await make_question(asker, title="Another question for the board", at=T0)
    await make_answer(answered, helper, at=T0 + HOUR)
    mine_only = await make_question(asker, title="The asker answers themself", at=T0)
    await make_answer(mine_only, asker, at=T0 + HOUR)
    early = await sweep_escalations(T0 + 11 * HOUR)
    assert (early.timers, early.opened) == (0, 0)
    sweep = await sweep_escalations(T0 + 12 * HOUR)
    assert (sweep.timers, sweep.opened) == (3, 2)
    assert await items(quiet) == [("unanswered", "open")]
    assert await items(answered) == []
    assert await items(mine_only) == [("unanswered", "open")]
    again = await sweep_escalations(T0 + 13 * HOUR)
    assert (again.timers, again.opened) == (0, 0)  # the timers are spent
    assert await SlaTimer.all().count() == 0
    item = await Escalation.get(question_id=quiet.id)
    assert item.due_at == T0 + 12 * HOUR + 4 * HOUR  # the staff first-response SLA


async def test_old_questions_and_suspended_askers_do_not_escalate(
    asker: User, other_member: User, staff: User
) -> None:
    old = await make_question(asker)
    await check_suspend_user(other_member, "Spam", acting_user=staff, now=T0)
    suspended = await make_question(other_member, title="From a suspended member", at=T0)
    await sweep_escalations(T0 + timedelta(days=8))
    assert await items(old) == [] and await items(suspended) == []


async def test_an_urgent_board_or_word_escalates_at_once(asker: User) -> None:
    urgent = await make_question(asker, title="Someone hacked my account", at=T0)
    calm = await make_question(asker, title="How do roaming bundles work?", at=T0)
    assert await items(urgent) == [("urgent", "open")]
    assert await items(calm) == []


async def test_ask_staff_after_24_hours_once(asker: User, helper: User) -> None:
    question = await make_question(asker)
    with pytest.raises(Conflict) as early:
        await check_ask_staff(question, acting_user=asker, now=T0 + 23 * HOUR)
    assert "2026-11-02 12:00" in early.value.message
    with pytest.raises(Forbidden):
        await check_ask_staff(question, acting_user=helper, now=T0 + 25 * HOUR)
    first, created = await check_ask_staff(question, acting_user=asker, now=T0 + 25 * HOUR)
    again, created_again = await check_ask_staff(question, acting_user=asker, now=T0 + 26 * HOUR)
    assert created and not created_again and first == again
    assert await items(question) == [("requested", "open")]


async def test_claims_are_exclusive_and_limited(
    asker: User, staff: User, admin: User, settings: object
) -> None:
    question = await make_question(asker, title="My phone was stolen, block it", at=T0)
    item = await Escalation.get(question_id=question.id)
    await check_claim(item, acting_user=staff)
    with pytest.raises(Conflict):
        await check_claim(item, acting_user=admin)
    with pytest.raises(Forbidden):
        await check_release(item, acting_user=asker)
    await check_release(item, acting_user=staff)
    for i in range(10):
        q = await make_question(asker, title=f"Fraud on my bill number {i}", at=T0)
        await check_claim(await Escalation.get(question_id=q.id), acting_user=staff)
    with pytest.raises(Conflict) as full:
        await check_claim(item, acting_user=staff)
    assert "10 claims" in full.value.message
    moved = await check_reassign(item, admin, acting_user=staff)
    assert moved.claimed_by_id == admin.id  # type: ignore[attr-defined]
    with pytest.raises(ValidationFailed):
        await check_reassign(item, asker, acting_user=staff)


async def test_a_staff_answer_is_the_first_response_and_a_community_accept_resolves(
    asker: User, helper: User, staff: User
) -> None:
    question = await make_question(asker, title="Account hacked, what now?", at=T0)
    await make_answer(question, staff, at=T0 + HOUR)
    item = await Escalation.get(question_id=question.id)
    assert item.first_response_at == T0 + HOUR and item.state.value == "open"
    answer = await make_answer(question, helper, at=T0 + 2 * HOUR)
    await do_accept_answer(question, answer, acting_user=asker, now=T0 + 3 * HOUR)
    await item.refresh_from_db()
    assert (item.state.value, item.resolution.value) == ("resolved", "answered_by_community")  # type: ignore[union-attr]
    assert item.open_key is None and item.first_response_at == T0 + HOUR


async def test_breaches_are_counted_once(asker: User, staff: User) -> None:
    late = await make_question(asker, title="Stolen phone, please block", at=T0)
    answered = await make_question(asker, title="Fraud alert on my account", at=T0)
    await make_answer(answered, staff, at=T0 + HOUR)
    first = await sweep_escalations(T0 + 5 * HOUR)
    second = await sweep_escalations(T0 + 6 * HOUR)
    assert (first.breached, second.breached) == (1, 0)
    assert (await Escalation.get(question_id=late.id)).breached
    assert not (await Escalation.get(question_id=answered.id)).breached


async def test_resolve_names_the_field_and_reopens_nothing(asker: User, staff: User) -> None:
    question = await make_question(asker, title="My SIM card was stolen today", at=T0)
    item = await Escalation.get(question_id=question.id)
    with pytest.raises(ValidationFailed) as bad:
        await check_resolve(item, resolution="fixed", acting_user=staff)
    assert "resolution" in bad.value.errors
    done = await check_resolve(item, resolution="no_action", note="Blocked", acting_user=staff)
    assert (done.state.value, done.note, done.resolved_by_id) == ("resolved", "Blocked", staff.id)  # type: ignore[attr-defined]
    with pytest.raises(Conflict):
        await check_resolve(item, resolution="duplicate", acting_user=staff)


async def test_the_queue_through_the_api(app: Starlette, asker: User, staff: User) -> None:
    question = await make_question(asker, title="Fraud on my account", at=T0)
    async with await api(app, staff) as client, await api(app, asker) as member:
        listed = (await client.get("/api/v1/escalations?state=open")).json()["items"]
        assert [(i["question_id"], i["reason"]) for i in listed] == [(question.id, "urgent")]
        item_id = listed[0]["id"]
        assert (await member.get("/api/v1/escalations")).status_code == 403
        claimed = await client.post(f"/api/v1/escalations/{item_id}/claim")
        assert claimed.status_code == 200 and claimed.json()["claimed_by"] == "staff"
        assert (await client.post(f"/api/v1/escalations/{item_id}/claim")).status_code == 409
        bad = await client.post(f"/api/v1/escalations/{item_id}/resolve", json={"resolution": 3})
        assert bad.status_code == 400 and "resolution" in bad.json()["error"]["message"]
        done = await client.post(
            f"/api/v1/escalations/{item_id}/resolve", json={"resolution": "answered_by_staff"}
        )
        assert done.json()["state"] == "resolved"
        asked = await member.post(f"/api/v1/questions/{question.id}/escalate")
        assert asked.status_code == 201  # asked on T0, days ago
        again = await member.post(f"/api/v1/questions/{question.id}/escalate")
        assert again.status_code == 200 and again.json() == asked.json()
        fresh = await make_question(asker, title="Just asked this one now", at=utcnow())
        too_early = await member.post(f"/api/v1/questions/{fresh.id}/escalate")
        assert too_early.status_code == 409 and "24 hours" in too_early.json()["error"]["message"]
        assert (await client.get("/api/v1/escalations?state=nope")).status_code == 400


async def test_staff_work_an_item_from_its_page(app: Starlette, asker: User, staff: User) -> None:
    question = await make_question(asker, title="My account was hacked yesterday", at=T0)
    item = await Escalation.get(question_id=question.id)
    async with browser(app, staff) as page, browser(app, asker) as member:
        queue = await page.get("/staff/escalations")
        assert queue.status_code == 200 and "My account was hacked yesterday" in queue.text
        assert (await member.get("/staff/escalations")).status_code == 403
        shown = await page.get(f"/staff/escalations/{item.id}")
        assert shown.status_code == 200 and "Claim" in shown.text
        url = f"/staff/escalations/{item.id}"
        assert (await page.post(url, data=form(page, do="claim"))).status_code == 303
        empty = await page.post(url, data=form(page, do="answer", body=""))
        assert empty.status_code == 400
        answered = await page.post(url, data=form(page, do="answer", body="We blocked it."))
        assert answered.status_code == 303
        await item.refresh_from_db()
        assert item.first_response_at is not None and item.claimed_by_id == staff.id  # type: ignore[attr-defined]
        mine = await page.get("/staff/escalations?tab=mine")
        assert "My account was hacked yesterday" in mine.text
        question_page = await member.get(f"/questions/{question.id}")
        assert "Ask staff" in question_page.text and "We blocked it." in question_page.text
        assert "Staff answered your question." in question_page.text
        staff_view = await page.get(f"/questions/{question.id}")
        assert "Staff answered your question." not in staff_view.text


@pytest.mark.skipif(not IS_POSTGRES, reason="PostgreSQL only: SQLite serves one process")
async def test_two_processes_sweeping_at_once_open_each_item_once(
    app: Starlette, asker: User
) -> None:
    questions = [
        await make_question(asker, title=f"Unanswered question number {i}", at=T0)
        for i in range(30)
    ]

    async def sweep() -> str:
        child = await asyncio.create_subprocess_exec(
            sys.executable, "run.py", "sweep-escalations", "--now", "2026-11-02T06:00:00+00:00",
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": app.state.settings.database_url,
                 "PEERDESK_SECRET_KEY": "x"},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        out, _ = await asyncio.wait_for(child.communicate(), timeout=120)
        assert child.returncode == 0, out
        return out.decode()

    outputs = await asyncio.gather(sweep(), sweep())
    opened = sum(int(re.search(r"(\d+) escalated", o)[1]) for o in outputs)  # type: ignore[index]
    assert opened == 30, outputs
    for question in questions:
        assert await items(question) == [("unanswered", "open")]


async def test_a_late_first_response_is_a_breach_without_a_sweep(asker: User, staff: User) -> None:
    question = await make_question(asker, title="My bank card was stolen", at=T0)
    await make_answer(question, staff, at=T0 + 5 * HOUR)  # due after 4 hours
    item = await Escalation.get(question_id=question.id)
    assert item.breached and item.breached_at == T0 + 5 * HOUR
    assert (await sweep_escalations(T0 + 6 * HOUR)).breached == 0


async def test_accepting_resolves_by_who_answered_and_clearing_reopens(
    asker: User, helper: User, staff: User
) -> None:
    question = await make_question(asker, title="Fraud: somebody uses my number", at=T0)
    own = await make_answer(question, asker, at=T0 + HOUR)
    await do_accept_answer(question, own, acting_user=asker, now=T0 + 2 * HOUR)
    assert await items(question) == [("urgent", "open")]  # the asker's own answer: no help
    by_staff = await make_answer(question, staff, at=T0 + 3 * HOUR)
    await do_accept_answer(question, by_staff, acting_user=asker, now=T0 + 4 * HOUR)
    item = await Escalation.get(question_id=question.id)
    assert item.resolution is not None and item.resolution.value == "answered_by_staff"
    await do_clear_acceptance(question, acting_user=asker, now=T0 + 5 * HOUR)
    assert await items(question) == [("urgent", "open")]  # unsolved again: back in the queue
    answer = await make_answer(question, helper, at=T0 + 6 * HOUR)
    await do_accept_answer(question, answer, acting_user=asker, now=T0 + 7 * HOUR)
    item = await Escalation.get(question_id=question.id)
    assert (item.state.value, item.resolution.value) == ("resolved", "answered_by_community")  # type: ignore[union-attr]


async def test_the_queue_pages_by_due_time_through_the_api_and_the_page(
    app: Starlette, asker: User, staff: User
) -> None:
    questions = [
        await make_question(asker, title=f"Fraud on my line, case {i}", at=T0 + i * HOUR)
        for i in range(3)
    ]
    async with await api(app, staff) as client, browser(app, staff) as page:
        first = (await client.get("/api/v1/escalations?tab=open&limit=2")).json()
        assert [i["question_id"] for i in first["items"]] == [q.id for q in questions[:2]]
        assert first["next_cursor"]
        rest = await client.get(
            f"/api/v1/escalations?tab=open&limit=2&cursor={first['next_cursor']}"
        )
        assert [i["question_id"] for i in rest.json()["items"]] == [questions[2].id]
        assert rest.json()["next_cursor"] is None
        bad = await client.get("/api/v1/escalations?cursor=nonsense")
        assert bad.status_code == 400 and "cursor" in bad.text
        assert (await client.get("/api/v1/escalations?limit=0")).status_code == 400
        html = await page.get("/staff/escalations?tab=open")
        assert "case 0" in html.text and "More items" not in html.text


async def test_staff_reopen_a_resolved_item_once(app: Starlette, asker: User, staff: User) -> None:
    question = await make_question(asker, title="Someone hacked my account", at=T0)
    item = await Escalation.get(question_id=question.id)
    with pytest.raises(Conflict):
        await check_reopen(item, acting_user=staff)  # not resolved
    await check_resolve(item, resolution="no_action", acting_user=staff, now=T0 + HOUR)
    with pytest.raises(Forbidden):
        await check_reopen(item, acting_user=asker)
    await check_reopen(item, acting_user=staff)
    assert await items(question) == [("urgent", "open")]
    assert item.resolution is None and item.open_key == f"{question.id}:urgent"
    await check_resolve(item, resolution="duplicate", acting_user=staff, now=T0 + 2 * HOUR)
    async with in_transaction():  # a new urgent item for the same question meanwhile
        await open_escalation(question.id, EscalationReason.URGENT, now=T0 + 3 * HOUR)
    async with await api(app, staff) as client, browser(app, staff) as page:
        refused = await client.post(f"/api/v1/escalations/{item.id}/reopen")
        assert refused.status_code == 409 and "open item" in refused.text
        newer = await Escalation.filter(question_id=question.id, state="open").get()
        await check_resolve(newer, resolution="no_action", acting_user=staff, now=T0 + 4 * HOUR)
        url = f"/staff/escalations/{item.id}"
        assert "Reopen" in (await page.get(url)).text
        assert (await page.post(url, data=form(page, do="reopen"))).status_code == 303
    assert await Escalation.filter(question_id=question.id, state="open").count() == 1


async def test_two_staff_claiming_at_once_one_wins_the_other_gets_409(
    app: Starlette, asker: User, staff: User, admin: User
) -> None:
    question = await make_question(asker, title="My phone was stolen, block it", at=T0)
    item = await Escalation.get(question_id=question.id)
    url = f"/api/v1/escalations/{item.id}/claim"
    async with await api(app, staff) as first, await api(app, admin) as second:
        answers = await asyncio.gather(first.post(url), second.post(url))
    assert sorted(r.status_code for r in answers) == [200, 409]
    winner = next(r for r in answers if r.status_code == 200).json()["claimed_by"]
    await item.refresh_from_db()
    assert item.state.value == "claimed"
    assert item.claimed_by_id == (staff if winner == staff.username else admin).id  # type: ignore[attr-defined]
