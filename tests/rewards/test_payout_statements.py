"""What members and finance read after a period: statements and the period report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from starlette.applications import Starlette

from forum.actions.acceptance import do_accept_answer
from forum.models import PayoutMethod, User
from rewards.actions.payout_approvals import check_approve_batch
from rewards.actions.payout_lines import check_decide_line
from rewards.actions.payout_payments import check_mark_paid
from rewards.actions.payouts import do_close_period
from rewards.models import PayoutLine
from rewards.periods import MONTHLY, parse_period
from tests.factories import api, make_answer, make_question, make_user
from tests.rewards.helpers import assert_reconciles, grant

OCT = parse_period("2026-10", MONTHLY)
DAY = datetime(2026, 10, 5, 10, tzinfo=UTC)
AFTER = datetime(2026, 11, 1, 1, tzinfo=UTC)


async def _period(asker: User, helper: User, staff: User, finance: User, finance2: User) -> None:
    """Two community-solved questions, one solved by staff, grants, a correction, a forfeit."""
    for i, answerer in enumerate((helper, helper, staff)):
        at = DAY + timedelta(days=i)
        question = await make_question(asker, title=f"Question number {i} here", at=at)
        answer = await make_answer(question, answerer, at=at + timedelta(hours=1))
        await do_accept_answer(question, answer, acting_user=asker, now=at + timedelta(hours=2))
    ann, bob = await make_user("ann"), await make_user("bob")
    bob.payout_method, bob.payout_address = PayoutMethod.CHARITY, "Red Cross"
    await bob.save()
    await grant(ann, 250, finance, DAY)
    await grant(bob, 400, finance, DAY)
    await grant(ann, -30, finance, DAY + timedelta(days=3))  # reason "Test grant"
    batch, _ = await do_close_period(OCT, now=AFTER)
    bob_line = await PayoutLine.get(batch_id=batch.id, member_id=bob.id)
    await check_decide_line(batch, bob_line, "forfeit", reason="Fraud ring", acting_user=finance)
    batch = await check_approve_batch(batch, acting_user=finance2)
    await check_mark_paid(batch, reference="SEPA-9", acting_user=finance)


async def test_the_period_report_adds_up(
    app: Starlette, asker: User, helper: User, staff: User, finance: User, finance2: User
) -> None:
    await _period(asker, helper, staff, finance, finance2)
    async with await api(app, finance) as client:
        report = (await client.get("/api/v1/reports/periods/2026-10")).json()
    assert report["state"] == "paid"
    # Issued: 2 x (100 + 5) and 5 for the staff-solved one (staff earn nothing), 250 + 400.
    assert report["points"] == {
        "issued": 865, "reversed": 30, "paid": 420, "held": 0, "forfeited": 400,
        "pending": 0, "returned": 0,
    }  # fmt: skip
    assert report["by_method"] == [
        {"method": "credit", "lines": 2, "points": 420, "cents": 420, "amount": "4.20"}
    ]
    assert report["top_earners"] == [
        {"member": "helper", "points": 200},
        {"member": "asker", "points": 15},
    ]
    assert (report["community_solved_questions"], report["staff_solved_questions"]) == (2, 1)
    assert report["payout_cost"] == "4.20"
    assert report["cost_per_solved_question"] == "2.10"
    assert report["deflection_estimate"] == "11.82"  # 2 x 8.01 - 4.20
    await assert_reconciles()


async def test_a_member_reads_what_was_earned_reversed_and_paid(
    app: Starlette, asker: User, helper: User, staff: User, finance: User, finance2: User
) -> None:
    await _period(asker, helper, staff, finance, finance2)
    ann = await User.get(username="ann")
    async with await api(app, ann) as client:
        items = (await client.get("/api/v1/me/statements")).json()["items"]
    october = next(s for s in items if s["period"] == "2026-10")
    assert (october["state"], october["earned"], october["reversed"]) == ("paid", 250, 30)
    assert october["reversals"][0]["amount"] == 30
    assert october["reversals"][0]["reason"] == "Test grant"
    assert (october["line_state"], october["points"], october["paid"]) == ("paid", 220, 220)
    assert (october["method"], october["amount"], october["currency"]) == ("credit", "2.20", "EUR")
    assert items[0]["state"] == "open"  # the period running now comes first
    bob = await User.get(username="bob")
    async with await api(app, bob) as client:
        items = (await client.get("/api/v1/me/statements")).json()["items"]
    forfeited = next(s for s in items if s["period"] == "2026-10")
    assert (forfeited["line_state"], forfeited["paid"]) == ("forfeited", 0)


async def test_a_payment_is_an_entry_that_leaves_the_balance_alone(
    app: Starlette, asker: User, helper: User, staff: User, finance: User, finance2: User
) -> None:
    await _period(asker, helper, staff, finance, finance2)
    ann = await User.get(username="ann")
    async with await api(app, ann) as client:
        body = (await client.get("/api/v1/me/points")).json()
    kinds = [(e["kind"], e["points"], e["amount"]) for e in body["entries"]]
    assert kinds[:2] == [("payout_paid", 0, 220), ("payout_reserve", -220, 220)]
    assert sum(e["points"] for e in body["entries"]) == body["balance"] == 0
    assert (body["reserved"], body["paid"]) == (0, 220)
