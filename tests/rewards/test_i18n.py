"""The rewards pages speak the viewer's language: flashes, errors, held lines' signals and money
as the locale writes it; the API and the CSV stay English and plain."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import httpx
from starlette.applications import Starlette

from forum import i18n
from forum.actions.acceptance import do_accept_answer
from forum.models import PayoutMethod, User
from rewards.actions.adjustments import check_fraud_reversal
from rewards.actions.payout_approvals import check_approve_batch
from rewards.actions.payout_holds import SUSPENDED_AFTER_CLOSE, hold_open_lines
from rewards.actions.payout_payments import check_export_batch, check_mark_paid
from rewards.actions.payouts import do_close_period
from rewards.models import PayoutLine, PayoutSignal
from rewards.periods import MONTHLY, parse_period
from rewards.signals import signal_text
from tests.factories import api, browser, form, make_answer, make_question, make_user
from tests.rewards.helpers import grant

OCT = parse_period("2026-10", MONTHLY)
IN_OCT = datetime(2026, 10, 10, tzinfo=UTC)
AFTER = datetime(2026, 11, 1, 1, tzinfo=UTC)
IN_NOV = datetime(2026, 11, 5, tzinfo=UTC)
NBSP = "\xa0"
T = TypeVar("T")


async def in_dutch(work: Callable[[], Awaitable[T]]) -> T:
    """Run `work` in a task (and so a context) of its own, as a server runs each request: the
    Dutch of its requests cannot outlive it into the test's own calls."""

    async def dutch() -> T:
        i18n.use_locale("nl")
        return await work()

    return await asyncio.create_task(dutch())


async def speaks_dutch(user: User) -> User:
    user.locale = "nl"
    await user.save()
    return user


async def shown_after(page: httpx.AsyncClient, response: httpx.Response) -> str:
    """The page a redirect leads to, with its flash."""
    assert response.status_code == 303, response.text
    return (await page.get(response.headers["location"])).text


async def test_a_dutch_finance_officer_gets_dutch_flashes_and_errors(
    app: Starlette, finance: User, finance2: User
) -> None:
    ann = await make_user("ann")
    await grant(ann, 250, finance, IN_OCT)
    batch, _ = await do_close_period(OCT, now=AFTER)
    line = await PayoutLine.get(batch_id=batch.id, member_id=ann.id)
    await speaks_dutch(finance2)

    async def work() -> None:
        async with browser(app, finance2) as page:
            bad = await page.post("/finance/payouts/close", data=form(page, period="Oct"))
            assert bad.status_code == 400
            assert "De periode moet een maand zijn, zoals 2026-11." in bad.text
            assert "period must be" not in bad.text

            closed = await page.post("/finance/payouts/close", data=form(page, period="2025-10"))
            assert "2025-10 afgesloten." in await shown_after(page, closed)

            url = f"/finance/payouts/{batch.id}/lines/{line.id}"
            held = await page.post(url, data=form(page, action="hold", reason="Even checken"))
            shown = await shown_after(page, held)
            assert f"Regel {line.id}: “Vasthouden” uitgevoerd." in shown
            assert "hold done" not in shown

            again = await page.post(url, data=form(page, action="hold", reason="Nog eens"))
            assert again.status_code == 409
            refused = f"Regel {line.id} is “Vastgehouden”: “Vasthouden” is niet mogelijk."
            assert refused in again.text

            missing = await page.get(f"/finance/payouts/{batch.id + 99}")
            assert missing.status_code == 404
            assert f"Uitbetalingsbatch {batch.id + 99} bestaat niet." in missing.text

    await in_dutch(work)
    async with await api(app, finance2) as client:  # the API stays English for a Dutch member
        bad = await client.post("/api/v1/payouts/close", json={"period": "Oct"})
        assert bad.status_code == 400
        assert bad.json()["error"]["message"] == (
            "period: period must be a monthly period such as 2026-11."
        )


async def test_a_held_lines_signals_are_dutch_on_the_page_and_english_in_the_api(
    app: Starlette, helper: User, finance: User, finance2: User
) -> None:
    helper.payout_method = PayoutMethod.CASH
    await helper.save()
    await grant(helper, 1000, finance, IN_OCT)
    ann = await make_user("ann")
    await grant(ann, 300, finance, IN_OCT)
    # A Dutch officer's close stores the English sentence all the same.
    batch, _ = await in_dutch(lambda: do_close_period(OCT, now=AFTER))
    line = await PayoutLine.get(batch_id=batch.id, member_id=helper.id)
    assert line.state.value == "held"
    signal = await PayoutSignal.get(line_id=line.id)
    english = "The member chose cash but gave no payout address or charity."
    assert (signal.code, signal.detail, signal.params) == (
        "missing_address",
        english,
        {"method": "cash"},
    )
    # A row from before signals kept their facts: every page shows its stored sentence.
    older = await PayoutLine.get(batch_id=batch.id, member_id=ann.id)
    await PayoutSignal.create(line_id=older.id, code="suspended", detail="Stored long ago.")

    async def work() -> None:
        async with browser(app, await speaks_dutch(finance2)) as page:
            shown = (await page.get(f"/finance/payouts/{batch.id}")).text
            assert (
                "Geen uitbetaaladres:</strong> Het lid koos uitbetaling in geld, maar gaf geen "
                "uitbetaaladres of goed doel op."
            ) in shown
            assert english not in shown
            assert "Geschorst lid:</strong> Stored long ago." in shown

    await in_dutch(work)
    async with await api(app, finance2) as client:
        lines = (await client.get(f"/api/v1/payouts/{batch.id}")).json()["lines"]
        signals = {x["member"]: x["signals"] for x in lines}
        assert signals[helper.username] == [{"code": "missing_address", "detail": english}]
        assert signals["ann"] == [{"code": "suspended", "detail": "Stored long ago."}]


async def test_a_hold_after_the_export_keeps_its_facts_and_an_english_sentence(
    asker: User, helper: User, finance: User, finance2: User
) -> None:
    question = await make_question(asker, at=IN_OCT)
    answer = await make_answer(question, helper, at=IN_OCT + timedelta(hours=1))
    await do_accept_answer(question, answer, acting_user=asker, now=IN_OCT + timedelta(hours=2))
    batch, _ = await do_close_period(OCT, now=AFTER)
    await check_approve_batch(batch, acting_user=finance, now=AFTER)
    await check_export_batch(batch, "credit", acting_user=finance2, now=AFTER)

    async def reverse() -> None:
        await check_fraud_reversal(
            helper, reason="Ring of accounts", acting_user=finance, question_id=question.id,
            now=IN_NOV,
        )  # fmt: skip

    await in_dutch(reverse)
    line = await PayoutLine.get(batch_id=batch.id, member_id=helper.id)
    signal = await PayoutSignal.get(line_id=line.id)
    assert signal.detail == (
        "100 points reversed after the close: fraud reversal: Ring of accounts The batch's file "
        "was exported already: recall this payment if you can."
    )
    assert signal.params == {
        "points": 100, "event": "fraud reversal", "reason": "Ring of accounts", "exported": True,
    }  # fmt: skip

    async def dutch_text() -> str:
        return signal_text(signal.code, signal.params or {})

    assert await in_dutch(dutch_text) == (
        "100 punten teruggedraaid na de afsluiting: terugboeking wegens fraude: Ring of accounts "
        "Het bestand van de batch was al geëxporteerd: haal deze betaling terug als dat kan."
    )


async def test_a_hold_given_its_facts_is_worded_from_them(helper: User, finance: User) -> None:
    await grant(helper, 300, finance, IN_OCT)
    batch, _ = await do_close_period(OCT, now=AFTER)
    held = await hold_open_lines(
        helper.id, code=SUSPENDED_AFTER_CLOSE, params={"reason": "Spam"}, now=IN_NOV
    )
    assert held == 1
    line = await PayoutLine.get(batch_id=batch.id, member_id=helper.id)
    signal = await PayoutSignal.get(line_id=line.id)
    assert (signal.detail, signal.params) == ("Suspended after the close: Spam", {"reason": "Spam"})
    assert line.reason == "Suspended after the close: Spam"  # stored data stays English


async def test_money_is_written_as_the_locale_writes_it(
    app: Starlette, finance: User, finance2: User
) -> None:
    ann = await make_user("ann")
    await grant(ann, 165, finance, IN_OCT)
    batch, _ = await do_close_period(OCT, now=AFTER)
    line = await PayoutLine.get(batch_id=batch.id, member_id=ann.id)
    pages = ("/finance/payouts", f"/finance/payouts/{batch.id}", "/finance/reports/2026-10")
    async with browser(app, finance) as english:
        for url in pages:
            text = (await english.get(url)).text
            assert "€1.65" in text and f"€{NBSP}1,65" not in text, url
        asked = await english.post(
            f"/finance/payouts/{batch.id}/lines/{line.id}",
            data=form(english, action="forfeit", reason="Fraud ring"),
        )
        assert "ann's line of 165 points (€1.65) goes back to the pool" in asked.text

    async def dutch_finance() -> None:
        async with browser(app, await speaks_dutch(finance2)) as page:
            for url in pages:
                text = (await page.get(url)).text
                assert f"€{NBSP}1,65" in text and "€1.65" not in text, url
                assert "1.65 EUR" not in text, url
            asked = await page.post(
                f"/finance/payouts/{batch.id}/lines/{line.id}",
                data=form(page, action="forfeit", reason="Fraude"),
            )
            assert f"De regel van ann, 165 punten (€{NBSP}1,65), gaat voorgoed" in asked.text

    await in_dutch(dutch_finance)
    await check_approve_batch(batch, acting_user=finance, now=AFTER)
    await check_mark_paid(batch, reference="BANK-1", acting_user=finance2, now=AFTER)

    async def dutch_member() -> None:
        async with browser(app, await speaks_dutch(ann)) as page:
            text = (await page.get("/points")).text
            assert f"Je uitbetaling over 2026-10 is betaald: €{NBSP}1,65 als Beltegoed." in text
            assert f"165 punten als €{NBSP}1,65, Beltegoed" in text

    await in_dutch(dutch_member)
    async with await api(app, finance) as client:  # machines keep plain amounts
        listed = (await client.get("/api/v1/payouts")).json()["items"][0]
        assert (listed["total_amount"], listed["currency"]) == ("1.65", "EUR")
