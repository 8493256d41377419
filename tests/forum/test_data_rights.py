"""Members' data rights: a member downloads everything Peerdesk holds about them, and erases their
account (or an admin does): a pseudonym without personal data, posts kept or removed, the ledger
and paid lines kept, unpaid points back to the pool, audited."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from starlette.applications import Starlette

from forum.actions.acceptance import do_accept_answer
from forum.actions.data_rights import REASON, do_erase_account
from forum.actions.kudos import do_give_kudos
from forum.errors import Conflict
from forum.models import (
    Answer,
    ApiToken,
    AuditEntry,
    DeliveryState,
    Mail,
    Question,
    User,
    Visibility,
)
from rewards.actions.payout_approvals import check_approve_batch
from rewards.actions.payout_payments import check_mark_paid
from rewards.actions.payouts import do_close_period
from rewards.models import LineState, PayoutLine, Transfer
from rewards.periods import MONTHLY, parse_period
from rewards.queries import pool_balance
from tests.factories import PASSWORD, api, browser, form, make_answer, make_question, make_user
from tests.rewards.helpers import assert_reconciles, balance, grant

SEP, OCT = parse_period("2026-09", MONTHLY), parse_period("2026-10", MONTHLY)
IN_SEP, IN_OCT = datetime(2026, 9, 10, tzinfo=UTC), datetime(2026, 10, 10, tzinfo=UTC)
AFTER_OCT = datetime(2026, 11, 1, 1, tzinfo=UTC)
H = timedelta(hours=1)


async def test_a_member_downloads_everything_about_them_and_nobody_elses(
    app: Starlette, asker: User, helper: User, other_member: User
) -> None:
    question = await make_question(asker, title="Why was I charged twice this month?")
    answer = await make_answer(question, helper, body="Two periods overlapped: it is refunded.")
    await do_give_kudos(answer, acting_user=asker)
    await do_accept_answer(question, answer, acting_user=asker, now=question.created_at + H)
    async with browser(app, helper) as page:
        download = await page.get("/account/export")
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith(
        'attachment; filename="peerdesk-helper-'
    )
    data = json.loads(download.text)
    assert data["format"] == "peerdesk-export-1"
    assert data["profile"]["username"] == "helper"
    assert data["profile"]["email"] == "helper@example.com"
    assert [a["body"] for a in data["answers"]] == ["Two periods overlapped: it is refunded."]
    assert data["points"]["balance"] == 110
    assert sorted(e["points"] for e in data["points"]["entries"]) == [10, 100]
    assert {n["kind"] for n in data["notifications"]} >= {"accepted", "points"}
    assert "asker@example.com" not in download.text  # another member's personal data
    async with await api(app, asker) as client:
        mine = (await client.get("/api/v1/me/export")).json()
    assert [q["title"] for q in mine["questions"]] == ["Why was I charged twice this month?"]
    assert [k["answer_id"] for k in mine["kudos_given"]] == [answer.id]
    assert [a["answer_id"] for a in mine["acceptances"]] == [answer.id]
    async with await api(app) as anonymous:
        assert (await anonymous.get("/api/v1/me/export")).status_code == 401
    async with browser(app) as visitor:
        refused = await visitor.get("/account/export")
        assert refused.status_code == 303 and refused.headers["location"].startswith("/login")


async def test_erasing_keeps_posts_and_paid_lines_and_forfeits_what_is_unpaid(
    app: Starlette, asker: User, helper: User, finance: User
) -> None:
    september = await make_question(
        asker, title="Roaming in Switzerland costs a fortune", at=IN_SEP
    )
    old = await make_answer(september, helper, at=IN_SEP + H)
    await do_accept_answer(september, old, acting_user=asker, now=IN_SEP + 2 * H)
    sep_batch, _ = await do_close_period(SEP, now=datetime(2026, 10, 1, 1, tzinfo=UTC))
    await check_approve_batch(sep_batch, acting_user=finance, now=IN_OCT)
    await check_mark_paid(sep_batch, reference="BANK-SEP", acting_user=finance, now=IN_OCT)
    october = await make_question(asker, title="My eSIM QR code will not scan", at=IN_OCT)
    new = await make_answer(october, helper, at=IN_OCT + H)
    await do_accept_answer(october, new, acting_user=asker, now=IN_OCT + 2 * H)
    await do_close_period(OCT, now=AFTER_OCT)  # a line of 100 in review
    await grant(helper, 40, finance, AFTER_OCT + H)  # and 40 more on the balance
    await Mail.create(
        key="test:waiting", user_id=helper.id, to_address="helper@example.com",
        subject="New answer", body="Hello helper", next_attempt_at=AFTER_OCT, created_at=AFTER_OCT,
    )  # fmt: skip
    pool_before = await pool_balance()
    async with await api(app, helper) as client:
        wrong = await client.post("/api/v1/me/erase", json={"password": "guess", "posts": "keep"})
        assert wrong.status_code == 403  # the field it names is the one sent
        assert wrong.json()["error"]["fields"] == {"password": "Current password is wrong."}
        assert (await User.get(id=helper.id)).erased_at is None
        erased = await client.post("/api/v1/me/erase", json={"password": PASSWORD, "posts": "keep"})
        assert erased.status_code == 200, erased.text
        assert erased.json()["username"] == f"deleted-{helper.id}"
        assert (await client.get("/api/v1/me")).status_code == 401  # the token is gone
    gone = await User.get(id=helper.id)
    assert (gone.email, gone.display_name, gone.payout_address) == ("", "", "")
    assert gone.suspended_at is not None and gone.erased_at is not None
    assert not await ApiToken.filter(user_id=helper.id).exists()
    mail = await Mail.get(key="test:waiting")
    assert (mail.state, mail.to_address, mail.body) == (DeliveryState.FAILED, "", "")
    lines = {
        line.state: line for line in await PayoutLine.filter(member_id=helper.id)
    }  # the paid one stays paid; the one in review goes back to the pool
    assert set(lines) == {LineState.PAID, LineState.FORFEITED}
    assert lines[LineState.FORFEITED].reason == REASON
    assert await balance(helper) == 0
    # The line's 100 points and the 40 on the balance: nothing created, nothing lost.
    assert await pool_balance() == pool_before + 140
    back = await Transfer.get(key=f"erasure:{helper.id}")
    assert back.amount == 40 and back.reason == REASON
    await assert_reconciles()
    assert await AuditEntry.filter(action="erase", target_user_id=helper.id).count() == 1
    assert (await Answer.get(id=new.id)).visibility == Visibility.VISIBLE  # kept
    async with browser(app) as visitor:
        shown = (await visitor.get(f"/questions/{october.id}")).text
        assert f"deleted-{helper.id}" in shown and "helper@example.com" not in shown
        assert (await visitor.get("/members/helper")).status_code == 404
    async with await api(app, finance) as client:
        again = await client.post(f"/api/v1/admin/users/{helper.id}/erase", json={"posts": "keep"})
        assert again.status_code == 403  # finance is no admin, and it is erased already


async def test_an_admin_erases_a_member_removing_their_posts(
    app: Starlette, asker: User, helper: User, admin: User, staff: User
) -> None:
    question = await make_question(asker, title="Which APN do I use abroad?")
    answer = await make_answer(question, helper, body="Use the internet APN.")
    await do_accept_answer(question, answer, acting_user=asker, now=question.created_at + H)
    own = await make_question(helper, title="Can I keep my number when I move?")
    async with browser(app, admin) as page:
        shown = await page.get(f"/staff/members/{helper.id}")
        assert "Erase this account" in shown.text
        missing = await page.post(f"/staff/members/{helper.id}", data=form(page, do="erase"))
        assert (
            missing.status_code == 400 and "Choose whether your posts stay or go." in missing.text
        )
        done = await page.post(
            f"/staff/members/{helper.id}", data=form(page, do="erase", posts="remove")
        )
        assert done.status_code == 303
        assert "Erase this account" not in (await page.get(f"/staff/members/{helper.id}")).text
    assert (await Answer.get(id=answer.id)).visibility == Visibility.REMOVED
    assert (await Question.get(id=own.id)).visibility == Visibility.REMOVED
    assert (await Question.get(id=question.id)).accepted_answer_id is None
    assert await balance(helper) == 0
    await assert_reconciles()
    async with browser(app, staff) as page:
        assert "Erase this account" not in (await page.get(f"/staff/members/{asker.id}")).text
    async with await api(app, admin) as client:
        refused = await client.post(f"/api/v1/admin/users/{staff.id}/erase", json={"posts": "keep"})
        assert refused.status_code == 403  # a staff account is made a member's first


async def test_the_erase_page_asks_for_the_password_and_logs_out(
    app: Starlette, helper: User
) -> None:
    async with browser(app, helper) as page:
        shown = await page.get("/account/delete")
        assert "This cannot be undone." in shown.text
        wrong = await page.post(
            "/account/delete", data=form(page, posts="keep", password="not my password")
        )
        assert wrong.status_code == 403 and "Current password is wrong." in wrong.text
        # The message is linked to the field it is about, and shown under it.
        assert '<a href="#f-password">Current password is wrong.</a>' in wrong.text
        done = await page.post("/account/delete", data=form(page, posts="keep", password=PASSWORD))
        assert done.status_code == 303 and done.headers["location"] == "/"
        after = await page.get("/account")
        assert after.status_code == 303  # logged out: the session is no longer valid
    # The pseudonym's name can also be a real member's: the erased account keeps no login name.
    named = await make_user(f"deleted-{helper.id}")
    assert named.username == f"deleted-{helper.id}"
    await do_erase_account(named, remove_posts=False, acting_user=named)
    assert (await User.get(id=named.id)).username == f"deleted-{named.id}"


async def test_nothing_that_logs_in_leaves_in_an_export(app: Starlette, helper: User) -> None:
    await Mail.create(
        key="test:reset", user_id=helper.id, to_address="helper@example.com",
        subject="Reset your password", body="Open https://forum.example/password/reset/abc123",
        redact=True, next_attempt_at=AFTER_OCT, created_at=AFTER_OCT,
    )  # fmt: skip
    async with await api(app, helper) as client:
        mails = (await client.get("/api/v1/me/export")).json()["mails"]
    assert [(m["subject"], m["body"]) for m in mails] == [("Reset your password", "")]


async def test_after_erasure_nothing_is_earned_and_an_open_appeal_is_withdrawn(
    app: Starlette, asker: User, helper: User, other_member: User, finance: User, admin: User
) -> None:
    from forum.actions.users import check_set_email
    from rewards.actions.appeals import check_answer_appeal, check_appeal_line
    from rewards.actions.payout_lines import check_decide_line
    from rewards.models import AppealState, PayoutAppeal

    question = await make_question(asker, title="My phone shows no service abroad", at=IN_OCT)
    answer = await make_answer(question, helper, at=IN_OCT + H)
    await grant(helper, 300, finance, IN_OCT)
    batch, _ = await do_close_period(OCT, now=AFTER_OCT)
    line = await PayoutLine.get(batch_id=batch.id, member_id=helper.id)
    await check_decide_line(batch, line, "hold", reason="Looks odd", acting_user=finance)
    await line.refresh_from_db()
    appeal = await check_appeal_line(line, "These points are mine, honestly.", acting_user=helper)
    await check_set_email(helper, "helper.private@example.org", acting_user=admin)
    await do_erase_account(await User.get(id=helper.id), remove_posts=False, acting_user=admin)
    withdrawn = await PayoutAppeal.get(id=appeal.id)
    assert (withdrawn.state, withdrawn.message) == (AppealState.WITHDRAWN, "")
    with pytest.raises(Conflict):  # not open: nothing is paid to the erased account
        await check_answer_appeal(withdrawn, "overturned", reason="Fine", acting_user=finance)
    assert (await PayoutLine.get(id=line.id)).address == ""
    audit = await AuditEntry.filter(action="set_email", target_user_id=helper.id).first()
    assert audit is not None and audit.detail == ""
    await do_give_kudos(answer, acting_user=other_member)  # kudos on a kept answer
    await do_accept_answer(question, answer, acting_user=asker, now=AFTER_OCT + H)
    assert await balance(helper) == 0  # the pseudonym earns nothing
    await assert_reconciles()
    async with await api(app) as client:
        taken = await client.post(
            "/api/v1/auth/register",
            json={"username": "Deleted-7", "email": "x@example.com", "password": PASSWORD},
        )
    assert taken.status_code == 409 and "deleted-" in taken.text  # kept, as a taken name
