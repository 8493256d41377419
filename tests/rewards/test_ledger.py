import json
from datetime import timedelta

import httpx
import pytest
from starlette.applications import Starlette
from tortoise import Tortoise
from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.transactions import in_transaction

from forum.actions.acceptance import check_accept_answer
from forum.actions.kudos import do_give_kudos
from forum.errors import Forbidden, ValidationFailed
from forum.models import User
from forum.settings import Settings
from rewards.actions.adjustments import check_fraud_reversal, check_post_adjustment
from rewards.actions.transfers import (
    Award,
    lock_ledger,
    member_account,
    post_awards,
    post_transfer,
    reverse_transfer,
    system_account,
)
from rewards.errors import AlreadyReversed, KeyReused, NothingToReverse
from rewards.models import LedgerAccount, Transfer, TransferKind
from rewards.queries import reconcile
from tests import factories
from tests.factories import T0
from tests.rewards.helpers import assert_reconciles, balance, kinds


async def _award(member: User, key: str = "test:1", amount: int = 40) -> Transfer:
    async with in_transaction():
        pool = await lock_ledger()
        return await post_transfer(
            debit=pool,
            credit=await member_account(member),
            amount=amount,
            kind=TransferKind.ADJUSTMENT,
            key=key,
            ref=key,
            member=member,
            now=T0,
        )


async def test_same_key_same_transfer_is_a_replay(asker: User) -> None:
    first = await _award(asker)
    again = await _award(asker)
    assert again.id == first.id and await balance(asker) == 40


async def test_same_key_with_a_different_amount_is_an_error(asker: User) -> None:
    await _award(asker)
    with pytest.raises(KeyReused):
        await _award(asker, amount=41)
    assert await balance(asker) == 40 and await Transfer.all().count() == 1


async def _awards(members: list[User], amount: int = 40) -> list[Transfer]:
    """An accept's awards as award_acceptance writes them: one statement for the transfers."""
    async with in_transaction():
        accounts = [await member_account(m) for m in members]
        awards = [
            Award(account, m, amount, TransferKind.ACCEPT_ANSWERER, key=f"acceptance:1:{m.id}")
            for m, account in zip(members, accounts, strict=True)
        ]
        return await post_awards(awards, ref="acceptance:1", now=T0, question_id=1, answer_id=1)


async def test_awards_in_one_statement_move_each_balance_and_replay(
    asker: User, helper: User
) -> None:
    first = await _awards([asker, helper])
    assert [t.member_id for t in first] == [asker.id, helper.id]  # type: ignore[attr-defined]
    assert await balance(asker) == 40 and await balance(helper) == 40
    again = await _awards([asker, helper])
    assert [t.id for t in again] == [t.id for t in first]
    assert await balance(asker) == 40 and await Transfer.all().count() == 2
    await assert_reconciles()


async def test_an_award_key_used_for_other_content_is_refused(asker: User) -> None:
    await _awards([asker])
    with pytest.raises(KeyReused):
        await _awards([asker], amount=41)
    assert await balance(asker) == 40 and await Transfer.all().count() == 1


async def test_second_reversal_of_one_original_is_an_error(asker: User, finance: User) -> None:
    original = await _award(asker)
    await reverse_transfer(original, kind=TransferKind.REVERSAL, reason="undo", now=T0)
    with pytest.raises(AlreadyReversed):
        await reverse_transfer(original, kind=TransferKind.REVERSAL, reason="again", now=T0)
    assert await balance(asker) == 0
    await assert_reconciles()


async def test_database_refuses_a_second_reversal_row(asker: User) -> None:
    original = await _award(asker)
    pool, account = await system_account("pool"), await member_account(asker)
    await Transfer.create(
        debit=account,
        credit=pool,
        amount=40,
        kind=TransferKind.REVERSAL,
        key="r1",
        ref="x",
        reverses=original,
        created_at=T0,
    )
    with pytest.raises(IntegrityError):
        await Transfer.create(
            debit=account,
            credit=pool,
            amount=40,
            kind=TransferKind.REVERSAL,
            key="r2",
            ref="x",
            reverses=original,
            created_at=T0,
        )


async def test_database_refuses_update_and_delete_of_a_committed_transfer(asker: User) -> None:
    transfer = await _award(asker)  # committed: _award's transaction has ended
    with pytest.raises((IntegrityError, OperationalError)):
        await Transfer.filter(id=transfer.id).update(amount=1)
    with pytest.raises((IntegrityError, OperationalError)):
        await Transfer.filter(id=transfer.id).delete()
    conn = Tortoise.get_connection("default")
    with pytest.raises((IntegrityError, OperationalError)):
        await conn.execute_script(
            f"UPDATE ledger_transfers SET reason = 'x' WHERE id = {transfer.id}"
        )
    assert (await Transfer.get(id=transfer.id)).amount == 40


@pytest.mark.parametrize("amount", [0, -5])
async def test_database_refuses_a_non_positive_amount(asker: User, amount: int) -> None:
    pool, account = await system_account("pool"), await member_account(asker)
    with pytest.raises((IntegrityError, OperationalError)):
        await Transfer.create(
            debit=pool,
            credit=account,
            amount=amount,
            kind=TransferKind.ADJUSTMENT,
            key="bad",
            ref="bad",
            created_at=T0,
        )
    assert await Transfer.all().count() == 0


async def test_post_transfer_refuses_non_positive_amount_before_the_database(asker: User) -> None:
    with pytest.raises(ValueError):
        await _award(asker, amount=0)


async def test_reconcile_is_clean_after_forum_activity(
    settings: Settings, asker: User, helper: User, other_member: User
) -> None:
    q = await factories.make_question(asker)
    a = await factories.make_answer(q, helper)
    await do_give_kudos(a, acting_user=other_member)
    await check_accept_answer(settings, q, a.id, acting_user=asker)
    result = await reconcile()
    assert result.ok and result.transfers == 3 and result.accounts == 5


async def test_reconcile_reports_a_drifted_cached_balance(asker: User) -> None:
    await _award(asker)
    await LedgerAccount.filter(user_id=asker.id).update(balance=1000)
    result = await reconcile()
    assert not result.ok
    assert any("caches 1000 but its transfers sum to 40" in p for p in result.problems)
    assert any("sum to 960, not 0" in p for p in result.problems)


async def test_reconcile_reports_members_payout_points_apart_from_the_payout_accounts(
    asker: User,
) -> None:
    await _award(asker)
    await LedgerAccount.filter(user_id=asker.id).update(reserved=5, paid=3)
    result = await reconcile()
    assert result.problems == [
        "members' reserved points differ from payout:reserved by 5",
        "members' paid points differ from payout:paid by 3",
    ]


async def test_adjustment_by_finance_is_audited_on_the_entry(asker: User, finance: User) -> None:
    t = await check_post_adjustment(asker, points=25, reason="Goodwill", acting_user=finance)
    assert (t.actor_id, t.reason, t.kind.value) == (finance.id, "Goodwill", "adjustment")  # type: ignore[attr-defined]
    await check_post_adjustment(asker, points="-10", reason="Correction", acting_user=finance)
    assert await kinds(asker) == [("adjustment", 25), ("adjustment", -10)]
    await assert_reconciles()


async def test_adjustment_by_a_member_or_staff_is_forbidden(
    asker: User, helper: User, staff: User
) -> None:
    for actor in (helper, staff):
        with pytest.raises(Forbidden):
            await check_post_adjustment(asker, points=25, reason="I say so", acting_user=actor)
    assert await Transfer.all().count() == 0


@pytest.mark.parametrize("points", [0, "abc", 1.5, True, 10_000_001])
async def test_adjustment_with_bad_points_names_the_field(
    asker: User, finance: User, points: object
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        await check_post_adjustment(asker, points=points, reason="Goodwill", acting_user=finance)
    assert "points" in exc.value.errors


async def test_adjustment_key_makes_a_retry_safe(asker: User, finance: User) -> None:
    first = await check_post_adjustment(
        asker, points=25, reason="x x x", acting_user=finance, key="ticket-77"
    )
    again = await check_post_adjustment(
        asker, points=25, reason="x x x", acting_user=finance, key="ticket-77"
    )
    assert again.id == first.id
    with pytest.raises(KeyReused):
        await check_post_adjustment(
            asker, points=30, reason="x x x", acting_user=finance, key="ticket-77"
        )
    assert await balance(asker) == 25


async def test_fraud_reversal_for_a_question(
    settings: Settings, asker: User, helper: User, other_member: User, finance: User
) -> None:
    q = await factories.make_question(asker)
    a = await factories.make_answer(q, helper)
    await do_give_kudos(a, acting_user=other_member, now=T0)
    await check_accept_answer(settings, q, a.id, acting_user=asker, now=T0)
    other_q = await factories.make_question(other_member, title="A different question here")
    other_a = await factories.make_answer(other_q, helper)
    await check_accept_answer(settings, other_q, other_a.id, acting_user=other_member, now=T0)
    reversals = await check_fraud_reversal(
        helper, reason="Sock puppets", acting_user=finance, question_id=q.id
    )
    assert len(reversals) == 2 and {r.kind.value for r in reversals} == {"fraud_reversal"}
    assert await balance(helper) == 100  # the other question's award stays
    with pytest.raises(NothingToReverse):
        await check_fraud_reversal(helper, reason="Again", acting_user=finance, question_id=q.id)
    await assert_reconciles()


async def test_fraud_reversal_for_a_time_range(asker: User, helper: User, finance: User) -> None:
    q = await factories.make_question(asker)
    a = await factories.make_answer(q, helper)
    givers = [await factories.make_user(f"g{i}") for i in range(3)]
    for day, giver in enumerate(givers):
        await do_give_kudos(a, acting_user=giver, now=T0 + timedelta(days=day))
    await check_fraud_reversal(
        helper,
        reason="Kudos ring",
        acting_user=finance,
        since=T0 + timedelta(days=1),
        until=T0 + timedelta(days=3),
    )
    assert await balance(helper) == 10
    with pytest.raises(ValidationFailed):
        await check_fraud_reversal(helper, reason="No scope", acting_user=finance)


async def test_cleared_acceptance_after_fraud_reversal_reverses_nothing_twice(
    settings: Settings, asker: User, helper: User, finance: User
) -> None:
    q = await factories.make_question(asker)
    a = await factories.make_answer(q, helper)
    await check_accept_answer(settings, q, a.id, acting_user=asker)
    await check_fraud_reversal(helper, reason="Fraud", acting_user=finance, question_id=q.id)
    from forum.actions.acceptance import do_clear_acceptance

    await do_clear_acceptance(q, acting_user=asker)
    assert await balance(helper) == 0 and await balance(asker) == 0
    await assert_reconciles()


async def test_api_ledger_check_is_for_finance(app: Starlette, finance: User, asker: User) -> None:
    async with await factories.api(app, finance) as c:
        r = await c.get("/api/v1/ledger/check")
        assert r.status_code == 200
        assert r.json() == {"ok": True, "accounts": 3, "transfers": 0, "problems": []}
    async with await factories.api(app, asker) as c:
        assert (await c.get("/api/v1/ledger/check")).status_code == 403
    async with await factories.api(app) as c:
        assert (await c.get("/api/v1/ledger/check")).status_code == 401


async def test_api_adjustment_and_fraud_reversal(
    app: Starlette, finance: User, asker: User
) -> None:
    async with await factories.api(app, finance) as c:
        r = await c.post(
            "/api/v1/ledger/adjustments",
            json={"member": "asker", "points": 30, "reason": "Welcome bonus"},
        )
        assert r.status_code == 201 and r.json()["amount"] == 30
        r = await c.post(
            "/api/v1/ledger/adjustments", json={"member": "nobody", "points": 30, "reason": "x x x"}
        )
        assert r.status_code == 404 and "member" in r.json()["error"]["message"]
        r = await c.post(
            "/api/v1/ledger/fraud-reversals",
            json={
                "member": "asker",
                "reason": "x x x",
                "since": "yesterday",
                "until": "2026-01-01T00:00:00+00:00",
            },
        )
        assert r.status_code == 400 and "since" in r.json()["error"]["message"]
        r = await c.post(
            "/api/v1/ledger/fraud-reversals",
            json={"member": "asker", "reason": "x x x", "question_id": 5},
        )
        assert r.status_code == 404
    assert await balance(asker) == 30


async def test_database_refuses_a_reversal_without_its_original(asker: User) -> None:
    pool, account = await system_account("pool"), await member_account(asker)
    with pytest.raises((IntegrityError, OperationalError)):
        await Transfer.create(
            debit=account,
            credit=pool,
            amount=5,
            kind=TransferKind.REVERSAL,
            key="orphan",
            ref="x",
            created_at=T0,
        )


async def test_reconcile_reports_points_moved_without_the_pool(asker: User, helper: User) -> None:
    giver, taker = await member_account(asker), await member_account(helper)
    await Transfer.create(
        debit=giver,
        credit=taker,
        amount=7,
        kind=TransferKind.ADJUSTMENT,
        key="sideways",
        ref="sideways",
        created_at=T0,
    )
    await LedgerAccount.filter(id=giver.id).update(balance=-7)
    await LedgerAccount.filter(id=taker.id).update(balance=7)
    result = await reconcile()
    assert result.problems == [
        "1 transfer moves points without the pool: points created or moved where no rule allows it"
    ]


@pytest.mark.parametrize("change", ["amount", "accounts", "reversal of a reversal"])
async def test_database_refuses_a_reversal_that_does_not_mirror_its_original(
    asker: User, change: str
) -> None:
    original = await _award(asker)
    pool, account = await system_account("pool"), await member_account(asker)
    target = original
    if change == "reversal of a reversal":
        target = await reverse_transfer(original, kind=TransferKind.REVERSAL, reason="x", now=T0)
    debit, credit = (pool, account) if change != "amount" else (account, pool)
    # Each case breaks exactly one rule: the amount, the swap, or "the original is no reversal".
    with pytest.raises((IntegrityError, OperationalError)):
        await Transfer.create(
            debit=debit,
            credit=credit,
            amount=30 if change == "amount" else 40,
            kind=TransferKind.REVERSAL,
            key="bad",
            ref="x",
            reverses=target,
            created_at=T0,
        )
    await assert_reconciles()


async def test_reconcile_reports_an_award_flowing_back_into_the_pool(asker: User) -> None:
    pool, account = await system_account("pool"), await member_account(asker)
    await Transfer.create(
        debit=account,
        credit=pool,
        amount=3,
        kind=TransferKind.KUDOS,
        key="backwards",
        ref="x",
        created_at=T0,
    )
    await LedgerAccount.filter(id=account.id).update(balance=-3)
    result = await reconcile()
    assert result.problems == ["1 kudos transfer takes points back into the pool"]


async def test_api_finance_member_names_that_cannot_exist_are_400(
    app: Starlette, finance: User
) -> None:
    async with await factories.api(app, finance) as c:
        for name in ("\ud800x", "nul\u0000", "a" * 500, 42, None):
            body = json.dumps({"member": name, "points": 5, "reason": "Bonus"})  # \ud800 escaped
            r = await c.post(
                "/api/v1/ledger/adjustments",
                content=body,
                headers={"content-type": "application/json"},
            )
            assert r.status_code == 400 and "member" in r.json()["error"]["message"], name
    async with factories.browser(app, finance) as page:
        r = await page.get("/finance/ledger", params={"member": "\u0000bad"})
        assert r.status_code == 400 and "&#39;member&#39;" in r.text  # the one query check
        r = await page.get("/finance/ledger", params={"member": "no-such-member"})
        assert r.status_code == 200 and "No member called" in r.text


async def test_finance_cannot_adjust_their_own_or_a_non_earning_account(
    finance: User, finance2: User, staff: User
) -> None:
    for target in (finance, finance2, staff):
        with pytest.raises(Forbidden):
            await check_post_adjustment(target, points=500, reason="Bonus", acting_user=finance)
    assert await Transfer.all().count() == 0


async def test_api_fraud_reversal_times_without_offset_are_400_beyond_storable_ones_bounds(
    app: Starlette, settings: Settings, finance: User, asker: User, helper: User
) -> None:
    """A range's bound before 1970 or after 9000 (year 1 at +05:00 is before year 1 in UTC)
    is the earliest or latest time stored: the range reverses what lies in it."""
    q = await factories.make_question(asker)
    a = await factories.make_answer(q, helper)
    await check_accept_answer(settings, q, a.id, acting_user=asker, now=T0)

    async def reverse(since: str, until: str) -> httpx.Response:
        async with await factories.api(app, finance) as c:
            return await c.post(
                "/api/v1/ledger/fraud-reversals",
                json={"member": "helper", "reason": "Fraud ring", "since": since, "until": until},
            )

    naive = await reverse("2026-11-27T10:00", "2026-12-01T00:00:00+00:00")
    assert naive.status_code == 400 and naive.json()["error"]["fields"].keys() == {"since"}
    swapped = await reverse("9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00")
    assert swapped.status_code == 404  # an empty range: nothing to reverse
    everything = await reverse("0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00")
    assert everything.status_code == 201 and everything.json()["reversals"]
    assert {t["member"] for t in everything.json()["reversals"]} == {"helper"}
    assert await balance(helper) == 0
    await assert_reconciles()


async def test_fraud_reversal_reads_a_date_as_its_first_utc_moment(
    asker: User, helper: User, finance: User
) -> None:
    q = await factories.make_question(asker)
    a = await factories.make_answer(q, helper)
    late = await factories.make_user("late")
    await do_give_kudos(a, acting_user=late, now=T0.replace(hour=23, minute=30))
    await check_fraud_reversal(
        helper, reason="Ring", acting_user=finance, since="2026-11-01", until="2026-11-02"
    )
    assert await balance(helper) == 0


async def test_api_ledger_check_reports_problems_with_ok_false(
    app: Starlette, finance: User, asker: User
) -> None:
    await _award(asker)
    await LedgerAccount.filter(user_id=asker.id).update(balance=41)
    async with await factories.api(app, finance) as c:
        body = (await c.get("/api/v1/ledger/check")).json()
    assert body["ok"] is False and body["transfers"] == 1
    assert "account member:" in body["problems"][0] and "caches 41" in body["problems"][0]


async def test_only_finance_writes_to_the_ledger_and_admins_read_it(
    app: Starlette, asker: User, admin: User, finance: User
) -> None:
    """Separation of duties: an admin, who sets roles, cannot also move points."""
    with pytest.raises(Forbidden):
        await check_post_adjustment(asker, points=50, reason="A gift", acting_user=admin)
    with pytest.raises(Forbidden):
        await check_fraud_reversal(asker, reason="Ring", question_id=1, acting_user=admin)
    async with await factories.api(app, admin) as client:
        posted = await client.post(
            "/api/v1/ledger/adjustments",
            json={"member": "asker", "points": 50, "reason": "A gift"},
        )
        assert posted.status_code == 403
        assert (await client.get("/api/v1/ledger/check")).json()["ok"] is True
    async with factories.browser(app, admin) as page:
        shown = (await page.get("/finance/ledger?member=asker")).text
        assert "Only finance adjusts points" in shown and "/finance/ledger/adjustments" not in shown
    await check_post_adjustment(asker, points=50, reason="A gift", acting_user=finance)
    assert await balance(asker) == 50
