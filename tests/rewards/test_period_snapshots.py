"""A paid period's report holds still: frozen when its batch is paid, reproducible from the rows
as of that moment; what changes later appears in the next period's report as "changes to
earlier periods", with its points and amounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from starlette.applications import Starlette

from forum.actions.acceptance import do_accept_answer, do_clear_acceptance
from forum.models import Question, User
from rewards.actions.adjustments import check_post_adjustment
from rewards.actions.payout_approvals import check_approve_batch
from rewards.actions.payout_lines import check_decide_line
from rewards.actions.payout_payments import check_mark_paid
from rewards.actions.payouts import do_close_period
from rewards.models import PayoutBatch, PayoutLine, PeriodSnapshot
from rewards.periods import MONTHLY, parse_period
from rewards.report_queries import compute_period_report, get_period_report
from tests.factories import api, browser, make_answer, make_question
from tests.rewards.helpers import grant

OCT = parse_period("2026-10", MONTHLY)
IN_OCT = datetime(2026, 10, 10, tzinfo=UTC)
AFTER = datetime(2026, 11, 1, 1, tzinfo=UTC)
IN_NOV = datetime(2026, 11, 5, tzinfo=UTC)
H = timedelta(hours=1)


async def paid_october(asker: User, helper: User, finance: User) -> tuple[PayoutBatch, Question]:
    question = await make_question(asker, at=IN_OCT)
    answer = await make_answer(question, helper, at=IN_OCT + H)
    await do_accept_answer(question, answer, acting_user=asker, now=IN_OCT + 2 * H)
    await grant(helper, 200, finance, IN_OCT)
    batch, _ = await do_close_period(OCT, now=AFTER)
    await check_approve_batch(batch, acting_user=finance, now=AFTER)
    await check_mark_paid(batch, reference="BANK-OCT", acting_user=finance, now=AFTER + H)
    return batch, question


async def test_the_paid_report_is_frozen_and_later_changes_show_in_the_next_period(
    app: Starlette, asker: User, helper: User, finance: User, finance2: User
) -> None:
    batch, question = await paid_october(asker, helper, finance)
    snapshot = await PeriodSnapshot.get(period="2026-10")
    assert snapshot.batch_id == batch.id and snapshot.created_at == AFTER + H  # type: ignore[attr-defined]
    live = await compute_period_report("2026-10", OCT.starts_at, OCT.cutoff, batch)
    frozen = await get_period_report("2026-10")
    assert frozen.frozen_at == AFTER + H
    assert frozen.figures() == {**live.figures(), "state": "paid"}  # reproducible from the rows
    assert (frozen.community_solved, frozen.paid, frozen.payout_cents) == (1, 300, 300)

    # November: the October acceptance is cleared, and finance returns the paid line.
    await do_clear_acceptance(question, acting_user=asker, now=IN_NOV)
    line = await PayoutLine.get(batch_id=batch.id, member_id=helper.id)
    await check_decide_line(
        batch, line, "return", reason="Bounced", acting_user=finance2, now=IN_NOV
    )
    again = await get_period_report("2026-10")
    assert again.figures() == frozen.figures()  # October holds still
    assert (await compute_period_report("2026-10", OCT.starts_at, OCT.cutoff, batch)).paid == 0

    november = await get_period_report("2026-11")
    assert november.frozen_at is None
    assert november.changes == [
        {
            "period": "2026-10",
            "reversed_points": 105,  # the answerer's 100 and the asker's 5
            "reversed_amount": "1.05",
            "unsolved_questions": 1,
            "deflection_change": "-8.01",
            "line_changes": [{"action": "return", "lines": 1, "points": 300, "amount": "3.00"}],
        }
    ]
    async with await api(app, finance) as client:
        shown = (await client.get("/api/v1/reports/periods/2026-11")).json()
        assert shown["changes_to_earlier_periods"][0]["reversed_points"] == 105
        october = (await client.get("/api/v1/reports/periods/2026-10")).json()
        assert october["frozen_at"] is not None and october["community_solved_questions"] == 1
    async with browser(app, finance) as page:
        text = (await page.get("/finance/reports/2026-11")).text
        assert "Changes to earlier periods" in text and "-€8.01" in text
    finance.locale = "nl"
    await finance.save()
    async with browser(app, finance) as page:
        dutch = await page.get("/finance/reports/2026-10")
        assert "Vastgelegd toen de batch werd uitbetaald" in dutch.text


async def test_changes_before_the_freeze_are_in_the_frozen_report_not_counted_twice(
    asker: User, helper: User, finance: User
) -> None:
    question = await make_question(asker, at=IN_OCT)
    answer = await make_answer(question, helper, at=IN_OCT + H)
    await do_accept_answer(question, answer, acting_user=asker, now=IN_OCT + 2 * H)
    await grant(helper, 200, finance, IN_OCT)
    batch, _ = await do_close_period(OCT, now=AFTER)
    await do_clear_acceptance(question, acting_user=asker, now=AFTER + H)  # before payment
    await check_approve_batch(batch, acting_user=finance, now=AFTER + 2 * H)
    await check_mark_paid(batch, reference="BANK", acting_user=finance, now=AFTER + 3 * H)
    assert (await get_period_report("2026-10")).community_solved == 0
    november = await get_period_report("2026-11")
    assert november.changes == []


async def test_line_changes_report_the_points_each_decision_moved(
    helper: User, finance: User, finance2: User
) -> None:
    await grant(helper, 300, finance, IN_OCT)
    batch, _ = await do_close_period(OCT, now=AFTER)
    line = await PayoutLine.get(batch_id=batch.id, member_id=helper.id)
    await check_decide_line(batch, line, "hold", reason="Look again", acting_user=finance2)
    await check_approve_batch(batch, acting_user=finance, now=AFTER)
    await check_mark_paid(batch, reference="BANK", acting_user=finance, now=AFTER + H)  # nothing
    await check_post_adjustment(
        helper, points=-100, reason="Chargeback", acting_user=finance, now=IN_NOV
    )
    await check_decide_line(
        batch, line, "reduce", reason="Chargeback", acting_user=finance2, now=IN_NOV
    )
    await check_decide_line(
        batch, line, "forfeit", reason="Fraud", acting_user=finance2, now=IN_NOV + H
    )
    november = await get_period_report("2026-11")
    assert november.changes[0]["line_changes"] == [
        {"action": "forfeit", "lines": 1, "points": 200, "amount": "2.00"},
        {"action": "reduce", "lines": 1, "points": 100, "amount": "1.00"},
    ]
