"""The per-period figures: each one equals a recomputation from the raw rows, by period and by
board; the page draws the trend without script, the CSV and the API carry the same numbers, and
only staff and finance read them."""

from __future__ import annotations

import csv
import io
import math
import statistics
from datetime import UTC, datetime, timedelta

from starlette.applications import Starlette

from forum.actions.acceptance import do_accept_answer
from forum.actions.kudos import do_give_kudos
from forum.actions.moderation import check_moderate_post
from forum.jobs import sweep_escalations
from forum.models import Acceptance, Answer, Escalation, Question, User
from rewards.kpi_queries import list_kpis
from rewards.models import Transfer
from rewards.periods import MONTHLY, period_of
from tests.factories import api, browser, make_answer, make_question, make_user

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
H = timedelta(hours=1)


async def community(asker: User, helper: User, other: User, staff: User) -> None:
    """Two months of questions on two boards: fast and slow answers, an asker answering
    themself, a staff answer, a removed answer, escalations and acceptances."""
    for month, day in ((9, 3), (10, 7), (11, 2)):
        start = datetime(2026, month, day, 9, tzinfo=UTC)
        q1 = await make_question(asker, title=f"Porting my number {month}", at=start)
        a1 = await make_answer(q1, helper, at=start + 2 * H)
        await do_accept_answer(q1, a1, acting_user=asker, now=start + 3 * H)
        await do_give_kudos(a1, acting_user=other, now=start + 3 * H)
        q2 = await make_question(
            asker, board="network-coverage", title=f"No signal at home {month}", at=start
        )
        await make_answer(q2, other, at=start + 30 * H)
        q3 = await make_question(asker, title=f"Only I answered this {month}", at=start + H)
        own = await make_answer(q3, asker, at=start + 2 * H)
        await do_accept_answer(q3, own, acting_user=asker, now=start + 3 * H)
        q4 = await make_question(asker, title=f"Staff had to answer {month}", at=start + H)
        await sweep_escalations(start + 14 * H)
        staff_answer = await make_answer(q4, staff, at=start + 15 * H)
        await do_accept_answer(q4, staff_answer, acting_user=asker, now=start + 16 * H)
        q5 = await make_question(asker, title=f"Spam was the only answer {month}", at=start)
        spam = await make_answer(q5, other, body="Buy now", at=start + H)
        await check_moderate_post(spam, "remove", acting_user=staff, now=start + 2 * H)


async def slow(now: datetime, board: str | None) -> dict[str, dict[str, object]]:
    """The same figures, one row at a time through the ORM."""
    figures: dict[str, dict[str, object]] = {}
    questions = [q for q in await Question.all().prefetch_related("board", "author")]
    if board:
        questions = [q for q in questions if q.board.slug == board]
    for label in ("2026-09", "2026-10", "2026-11"):
        span = period_of(datetime.strptime(label, "%Y-%m").replace(tzinfo=UTC), MONTHLY)
        mine = [
            q
            for q in questions
            if span.starts_at <= q.created_at < span.cutoff and q.visibility.value != "removed"
        ]
        waits, escalated, solved, within24, base24 = [], 0, 0, 0, 0
        for q in mine:
            answers = [
                a
                for a in await Answer.filter(question_id=q.id).order_by("created_at")
                if a.author_id != q.author_id and a.visibility.value == "visible"  # type: ignore[attr-defined]
            ]
            if answers:
                waits.append((answers[0].created_at - q.created_at).total_seconds() / 60)
            if q.created_at <= now - timedelta(hours=24):
                base24 += 1
                within24 += bool(answers) and waits[-1] <= 24 * 60
            escalated += await Escalation.filter(question_id=q.id).exists()
            solved += await _community_solved(q)
        accepted = [
            a
            for a in await Acceptance.filter(active_question_id__not_isnull=True)
            if span.starts_at <= a.created_at < span.cutoff
        ]
        solved_in = 0
        for acceptance in accepted:
            q = await Question.get(id=acceptance.question_id).prefetch_related("board")  # type: ignore[attr-defined]
            if (not board or q.board.slug == board) and await _community_solved(q):
                solved_in += 1
        earned = 0
        for t in await Transfer.filter(kind__in=["accept_answerer", "accept_asker", "kudos"]):
            if not span.starts_at <= t.created_at < span.cutoff:
                continue
            if await Transfer.filter(reverses_id=t.id).exists():
                continue
            q = await Question.get(id=t.question_id).prefetch_related("board")  # type: ignore[attr-defined]
            if not board or q.board.slug == board:
                earned += t.amount
        figures[label] = {
            "questions": len(mine),
            "median_first_answer_minutes": round(statistics.median(waits), 1) if waits else None,
            "p90_first_answer_minutes": round(sorted(waits)[math.ceil(0.9 * len(waits)) - 1], 1)
            if waits
            else None,
            "answered_within_24h_share": round(within24 / base24, 4) if base24 else None,
            "escalation_rate": round(escalated / len(mine), 4) if mine else None,
            "community_solved_rate": round(solved / len(mine), 4) if mine else None,
            "community_solved": solved_in,
            "earned_points": earned,
        }
    return figures


async def _community_solved(question: Question) -> bool:
    standing = await Acceptance.get_or_none(active_question_id=question.id)
    if standing is None:
        return False
    answer = await Answer.get(id=standing.answer_id).prefetch_related("author")  # type: ignore[attr-defined]
    return (
        answer.visibility.value == "visible"
        and answer.author_id != question.author_id  # type: ignore[attr-defined]
        and not answer.is_staff
        and answer.author.role.value == "member"
    )


async def test_every_figure_equals_a_recomputation_from_the_rows(
    asker: User, helper: User, other_member: User, staff: User
) -> None:
    await community(asker, helper, other_member, staff)
    for board in (None, "account-billing", "network-coverage"):
        rows = await list_kpis(now=NOW, periods=3, board=board)
        assert [r.period for r in rows] == ["2026-09", "2026-10", "2026-11"]
        expected = await slow(NOW, board)
        for row in rows:
            got = row.as_dict()
            assert {k: got[k] for k in expected[row.period]} == expected[row.period], (
                board,
                row.period,
            )
    everything = (await list_kpis(now=NOW, periods=3))[1]
    # By hand, October: 5 questions; first answers by others after 2 h (q1), 14 h (q4, staff)
    # and 30 h (q2); none for q3 (only its asker) and q5 (its one answer removed).
    assert everything.questions == 5
    assert everything.median_first_answer_minutes == 14 * 60
    assert everything.p90_first_answer_minutes == 30 * 60
    assert everything.answered_within_24h_share == 0.4  # q1 and q4
    # q1 solved by the helper (q3 by its asker, q4 by staff: not the community's).
    assert everything.community_solved == 1 and everything.community_solved_rate == 0.2
    # 100 + 5 for q1's acceptance, 10 for its kudos, 5 for accepting staff's answer on q4.
    assert everything.earned_points == 120 and everything.cost_per_solved_question == "1.20"
    assert everything.escalation_rate == 0.2  # q4, unanswered when the sweep ran


async def test_the_page_the_csv_and_the_api_show_the_same_figures_to_staff_and_finance(
    app: Starlette, asker: User, helper: User, other_member: User, staff: User, finance: User
) -> None:
    await community(asker, helper, other_member, staff)
    async with await api(app, finance) as client:
        shown = await client.get("/api/v1/reports/kpis?periods=3&board=account-billing")
        assert shown.status_code == 200
        periods = shown.json()["periods"]
        assert len(periods) == 3 and shown.json()["board"] == "account-billing"
        assert (await client.get("/api/v1/reports/kpis?periods=0")).status_code == 400
        bad = await client.get("/api/v1/reports/kpis?board=nope")
        assert bad.status_code == 404 and "board" in bad.json()["error"]["message"]
    async with await api(app, helper) as member:
        assert (await member.get("/api/v1/reports/kpis")).status_code == 403
    async with browser(app, staff) as page:
        html = await page.get("/reports/kpis?periods=3")
        assert html.status_code == 200 and "<polyline" in html.text and "<script" not in html.text
        download = await page.get("/reports/kpis.csv?periods=3&board=account-billing")
        assert download.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(download.text)))
        assert [r["period"] for r in rows] == [p["period"] for p in periods]
        assert [r["questions"] for r in rows] == [str(p["questions"]) for p in periods]
        assert (await page.get("/reports/kpis?periods=99")).status_code == 400
    staff.locale = "nl"
    await staff.save()
    async with browser(app, staff) as page:
        assert "Cijfers per periode" in (await page.get("/reports/kpis")).text
    async with browser(app, await make_user("nosy")) as page:
        assert (await page.get("/reports/kpis")).status_code == 403
