"""The API's contract (forum/api/contract.py) as a client meets it, where a review found the
typed handlers had drifted from what the actions and the pages take."""

from starlette.applications import Starlette

from forum.models import AuditEntry, Question, User
from rewards.models import PayoutBatch
from tests import factories


async def test_unlocking_keeps_its_note_as_the_page_does(app: Starlette, staff: User) -> None:
    question = await factories.make_question(await factories.make_user("maria"))
    async with await factories.api(app, staff) as team:
        assert (
            await team.post(f"/api/v1/questions/{question.id}/lock", json={})
        ).status_code == 200
        unlocked = await team.request(
            "DELETE", f"/api/v1/questions/{question.id}/lock", json={"note": "Answered by phone"}
        )
        assert unlocked.status_code == 200 and unlocked.json()["locked_at"] is None
    unlock = await AuditEntry.filter(action="unlock").get()
    assert "Answered by phone" in unlock.detail


async def test_tags_in_any_case_are_kept_lower_case_and_once(app: Starlette, asker: User) -> None:
    async with await factories.api(app, asker) as client:
        asked = await client.post(
            "/api/v1/questions",
            json={
                "board": "account-billing",
                "title": "Roaming charges on my bill",
                "body": "Why was I charged for roaming in Belgium?",
                "tags": ["Roaming", "roaming", "EU"],
            },
        )
        assert asked.status_code == 201, asked.text
        assert asked.json()["tags"] == ["roaming", "eu"]
        bad = await client.post(
            "/api/v1/questions",
            json={"board": "account-billing", "title": "x" * 12, "body": "y" * 25, "tags": ["a b"]},
        )
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"] == {
        "tags.0": "Not in the form /api/v1/openapi.json gives for it."
    }
    assert await Question.all().count() == 1


async def test_text_counts_what_was_sent_not_its_normal_form(app: Starlette, asker: User) -> None:
    """Ten characters sent (five letters, five accents) meet a 10-character least title, as
    the document's pattern says; stored in NFC they are five."""
    async with await factories.api(app, asker) as client:
        asked = await client.post(
            "/api/v1/questions",
            json={"board": "account-billing", "title": "e\u0301" * 5, "body": "b" * 25},
        )
    assert asked.status_code == 201, asked.text
    assert asked.json()["title"] == "\u00e9" * 5


async def test_the_close_form_takes_a_period_with_spaces_around_it(
    app: Starlette, finance: User
) -> None:
    async with factories.browser(app, finance) as page:
        closed = await page.post(
            "/finance/payouts/close", data=factories.form(page, period=" 2026-10 ")
        )
    assert closed.status_code == 303
    assert await PayoutBatch.filter(period="2026-10").exists()


async def test_a_fraud_reversal_takes_dates_and_names_question_id_without_a_range(
    app: Starlette, finance: User, asker: User
) -> None:
    async with await factories.api(app, finance) as client:
        by_date = await client.post(
            "/api/v1/ledger/fraud-reversals",
            json={
                "member": "asker",
                "reason": "Ring",
                "since": "2026-01-01",
                "until": "2026-02-01",
            },
        )
        nothing = await client.post(
            "/api/v1/ledger/fraud-reversals", json={"member": "asker", "reason": "Ring"}
        )
    assert by_date.status_code == 404  # read as dates; asker has no awards to reverse
    assert nothing.status_code == 400
    assert nothing.json()["error"]["fields"] == {
        "question_id": "Give a question_id, or both since and until."
    }
