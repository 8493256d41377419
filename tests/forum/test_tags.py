"""Tags lead to their questions; a question page shows its related questions."""

from __future__ import annotations

from starlette.applications import Starlette

from forum.actions.moderation import check_moderate_post
from forum.models import QuestionTag, User
from tests import factories


async def test_a_tag_lists_its_visible_questions_on_a_page_and_in_the_api(
    app: Starlette, asker: User, staff: User
) -> None:
    esim = await factories.make_question(
        asker, title="Can I move my eSIM to a new phone?", tags=["esim", "porting"]
    )
    await factories.make_question(asker, title="Where do I find my PUK code?", tags=["puk"])
    gone = await factories.make_question(asker, title="eSIM spam spam spam spam", tags=["esim"])
    await check_moderate_post(gone, "remove", note="Spam", acting_user=staff)
    assert set(await QuestionTag.filter(question_id=esim.id).values_list("tag", flat=True)) == {
        "esim", "porting",
    }  # fmt: skip
    async with factories.browser(app) as visitor:
        page = await visitor.get("/tags/ESIM", headers={"Accept-Language": "nl"})
        detail = await visitor.get(f"/questions/{esim.id}")
        assert (await visitor.get("/tags/NOT%20A%20TAG")).status_code == 404
    assert page.status_code == 200 and "Vragen met de tag “esim”" in page.text
    assert "Can I move my eSIM" in page.text and "PUK" not in page.text and "spam" not in page.text
    assert 'href="/tags/porting"' in detail.text
    async with await factories.api(app) as client:
        listed = (await client.get("/api/v1/questions?tag=ESIM")).json()
    assert [q["id"] for q in listed["items"]] == [esim.id]


async def test_a_question_page_shows_up_to_five_related_questions(
    app: Starlette, asker: User
) -> None:
    shown = await factories.make_question(asker, title="Roaming charges in France this summer")
    for i in range(7):
        await factories.make_question(asker, title=f"Roaming charges question number {i}")
    await factories.make_question(asker, title="Voicemail pin forgotten completely")
    async with factories.browser(app) as visitor:
        page = (await visitor.get(f"/questions/{shown.id}")).text
    related = page.split('id="related-title"')[1].split("</section>")[0]
    assert related.count('<li><a href="/questions/') == 5
    assert f'href="/questions/{shown.id}"' not in related and "Voicemail" not in related
