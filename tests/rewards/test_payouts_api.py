"""The payout API as finance and members use it: close, review, approve, export, pay, report."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from starlette.applications import Starlette

from forum.models import PayoutMethod, User
from rewards.models import PayoutBatch
from tests.factories import api, make_user
from tests.rewards.helpers import assert_reconciles, balance, grant

IN_OCT = datetime(2026, 10, 15, 12, tzinfo=UTC)


async def _earn(finance: User, **members: int) -> dict[str, User]:
    made = {}
    for name, points in members.items():
        made[name] = user = await make_user(name)
        await grant(user, points, finance, IN_OCT)
    return made


async def test_finance_closes_reviews_approves_exports_and_pays(
    app: Starlette, finance: User, finance2: User
) -> None:
    members = await _earn(finance, ann=250, bob=400, cat=50)
    members["bob"].payout_method = PayoutMethod.CHARITY
    members["bob"].payout_address = "Red Cross"
    await members["bob"].save()
    async with await api(app, finance) as f1, await api(app, finance2) as f2:
        created = await f1.post("/api/v1/payouts/close", json={"period": "2026-10"})
        assert created.status_code == 201, created.text
        batch = created.json()
        assert (batch["period"], batch["state"], batch["line_count"]) == ("2026-10", "review", 2)
        assert batch["total_amount"] == "6.50" and batch["currency"] == "EUR"
        again = await f1.post("/api/v1/payouts/close", json={"period": "2026-10"})
        assert again.status_code == 200 and again.json()["id"] == batch["id"]

        shown = (await f1.get(f"/api/v1/payouts/{batch['id']}")).json()
        lines = {line["member"]: line for line in shown["lines"]}
        assert set(lines) == {"ann", "bob"}
        assert (lines["bob"]["method"], lines["bob"]["amount"]) == ("charity", "4.00")

        refused = await f1.get(f"/api/v1/payouts/{batch['id']}/export?method=credit")
        assert refused.status_code == 409  # not approved yet
        approved = await f1.post(f"/api/v1/payouts/{batch['id']}/approve")
        assert approved.json() == {
            "state": "approved",
            "approvals": ["finance"],
            "approvals_required": 1,
        }
        repeat = await f1.post(f"/api/v1/payouts/{batch['id']}/approve")
        assert repeat.status_code == 409

        hold = await f2.post(
            f"/api/v1/payouts/{batch['id']}/lines/{lines['ann']['id']}/hold",
            json={"reason": "Checking her answers"},
        )
        assert hold.status_code == 200 and hold.json()["state"] == "held"
        voided = (await f1.get(f"/api/v1/payouts/{batch['id']}")).json()
        assert (voided["state"], voided["approvals"]) == ("review", [])  # the change voided it
        await f1.post(f"/api/v1/payouts/{batch['id']}/approve")

        credit = await f1.get(f"/api/v1/payouts/{batch['id']}/export?method=credit")
        assert credit.status_code == 200 and credit.headers["content-type"].startswith("text/csv")
        assert list(csv.DictReader(io.StringIO(credit.text))) == []  # ann's line is held
        charity = await f1.get(f"/api/v1/payouts/{batch['id']}/export?method=charity")
        assert list(csv.DictReader(io.StringIO(charity.text))) == [
            {"charity": "Red Cross", "amount": "4.00", "currency": "EUR", "donors": "1"}
        ]

        paid = await f2.post(f"/api/v1/payouts/{batch['id']}/paid", json={"reference": "SEPA-77"})
        assert paid.status_code == 200, paid.text
        assert paid.json()["state"] == "paid"
    bob = members["bob"]
    assert await balance(bob) == 0
    from rewards.models import LedgerAccount

    account = await LedgerAccount.get(user_id=bob.id)
    assert (account.reserved, account.paid) == (0, 400)
    await assert_reconciles()


async def test_payouts_are_finance_only(app: Starlette, asker: User, admin: User) -> None:
    for user in (asker, admin):
        async with await api(app, user) as client:
            assert (await client.get("/api/v1/payouts")).status_code == 403
            closing = await client.post("/api/v1/payouts/close", json={"period": "2026-10"})
            assert closing.status_code == 403
    assert await PayoutBatch.all().count() == 0


async def test_close_with_a_bad_or_unfinished_period_says_why(
    app: Starlette, finance: User
) -> None:
    async with await api(app, finance) as client:
        bad = await client.post("/api/v1/payouts/close", json={"period": "October"})
        assert bad.status_code == 400 and "period" in bad.json()["error"]["message"]
        future = await client.post("/api/v1/payouts/close", json={"period": "2999-01"})
        assert future.status_code == 409
    assert await PayoutBatch.all().count() == 0
