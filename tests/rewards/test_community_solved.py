"""One definition of "community-solved": the finance report, its deflection estimate and the
staff dashboard count the same questions, and none of them counts an asker's own answer, a
staff answer, or an answer or question that staff removed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from starlette.applications import Starlette

from forum.actions.acceptance import do_accept_answer
from forum.actions.moderation import check_moderate_post
from forum.escalation_queries import get_queue_metrics
from forum.models import User
from rewards.report_queries import get_period_report
from tests.factories import api, make_answer, make_question, make_user

OCT = datetime(2026, 10, 5, tzinfo=UTC)
H = timedelta(hours=1)


async def test_the_report_and_the_dashboard_count_the_same_community_solved_questions(
    app: Starlette, asker: User, helper: User, staff: User, finance: User
) -> None:
    async def solved_by(author: User, title: str) -> None:
        question = await make_question(asker, title=title, at=OCT)
        answer = await make_answer(question, author, at=OCT + H)
        await do_accept_answer(question, answer, acting_user=asker, now=OCT + 2 * H)

    await solved_by(helper, "Solved by another member")
    await solved_by(asker, "The asker answers and accepts themself")
    await solved_by(staff, "Solved by a staff answer")
    await solved_by(await make_user("fin2", role="finance"), "Answered by a finance officer")
    removed_answer = await make_question(asker, title="Its accepted answer was removed", at=OCT)
    spam = await make_answer(removed_answer, helper, at=OCT + H)
    await do_accept_answer(removed_answer, spam, acting_user=asker, now=OCT + 2 * H)
    await check_moderate_post(spam, "remove", acting_user=staff, now=OCT + 3 * H)
    removed_question = await make_question(asker, title="The question itself was removed", at=OCT)
    fine = await make_answer(removed_question, helper, at=OCT + H)
    await do_accept_answer(removed_question, fine, acting_user=asker, now=OCT + 2 * H)
    await check_moderate_post(removed_question, "remove", acting_user=staff, now=OCT + 3 * H)

    report = await get_period_report("2026-10")
    assert (report.community_solved, report.staff_solved) == (1, 1)
    metrics = await get_queue_metrics(now=OCT + 24 * H, days=7)
    assert metrics.community_solved == report.community_solved == 1
    async with await api(app, finance) as client:
        shown = (await client.get("/api/v1/reports/periods/2026-10")).json()
    assert shown["community_solved_questions"] == 1
    assert shown["deflection_estimate"] == "8.01"  # one question, nothing paid yet
