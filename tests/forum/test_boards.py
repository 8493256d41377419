"""Boards: admins add boards and change them, in the browser and the API; a board's SLA and
urgency apply to the questions asked after the change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from starlette.applications import Starlette

from forum.actions.boards import check_create_board, check_update_board
from forum.errors import Conflict, Forbidden, ValidationFailed
from forum.models import AuditEntry, Board, Escalation, SlaTimer, User
from tests import factories
from tests.factories import T0, browser


async def test_an_admin_adds_a_board_last_in_the_list(admin: User) -> None:
    board = await check_create_board(
        acting_user=admin, slug="esim", name="eSIM", description="Digital SIMs.", sla_hours="4"
    )
    assert (board.slug, board.name, board.sla_hours, board.urgent) == ("esim", "eSIM", 4, False)
    assert board.position == max(b.position for b in await Board.all())
    entry = await AuditEntry.get(action="create_board")
    assert entry.detail.startswith("esim: ") and "sla_hours=4" in entry.detail
    with pytest.raises(Conflict):
        await check_create_board(acting_user=admin, slug="esim", name="Another")


async def test_every_bad_field_is_named_and_nothing_is_written(admin: User) -> None:
    before = await Board.all().count()
    with pytest.raises(ValidationFailed) as bad:
        await check_create_board(
            acting_user=admin, slug="Bad Slug", name="", sla_hours=721, urgent="yes", position=-1
        )
    assert set(bad.value.errors) == {"slug", "name", "sla_hours", "urgent", "position"}
    with pytest.raises(ValidationFailed) as wrong_type:
        await check_create_board(acting_user=admin, slug="ok", name="Fine", sla_hours=True)
    assert set(wrong_type.value.errors) == {"sla_hours"}
    assert await Board.all().count() == before


async def test_only_admins_manage_boards(staff: User) -> None:
    with pytest.raises(Forbidden):
        await check_create_board(acting_user=staff, slug="x", name="Staff board")
    board = await Board.get(slug="ideas")
    with pytest.raises(Forbidden):
        await check_update_board(board, acting_user=staff, name="Renamed")
    assert (await Board.get(slug="ideas")).name == "Ideas"


async def test_a_new_sla_and_urgency_apply_to_questions_asked_afterwards(
    admin: User, asker: User
) -> None:
    before = await factories.make_question(asker, board="ideas", at=T0)
    board = await Board.get(slug="ideas")
    await check_update_board(board, acting_user=admin, sla_hours=2, urgent=True)
    assert (board.sla_hours, board.urgent, board.name) == (2, True, "Ideas")  # the rest stays
    after = await factories.make_question(asker, board="ideas", at=T0)
    assert (await SlaTimer.get(question_id=before.id)).due_at == T0 + timedelta(hours=72)
    assert (await SlaTimer.get(question_id=after.id)).due_at == T0 + timedelta(hours=2)
    assert not await Escalation.filter(question_id=before.id).exists()
    assert await Escalation.filter(question_id=after.id, reason="urgent").exists()


async def test_boards_in_the_browser(app: Starlette, admin: User, staff: User) -> None:
    async with factories.browser(app, staff) as staff_page:
        assert (await staff_page.get("/admin/boards")).status_code == 403
    async with factories.browser(app, admin) as client:
        assert 'href="/admin/boards"' in (await client.get("/staff/escalations")).text
        listed = await client.get("/admin/boards")
        assert listed.status_code == 200 and "Account &amp; billing" in listed.text
        bad = await client.post(
            "/admin/boards",
            data=factories.form(client, slug="Bad", name="Roaming", sla_hours="12"),
        )
        assert bad.status_code == 400 and "must be 1–50 lower-case" in bad.text
        assert 'value="Roaming"' in bad.text  # the typed text comes back
        made = await client.post(
            "/admin/boards",
            data=factories.form(
                client, slug="roaming", name="Roaming", sla_hours="8", position="", urgent="1"
            ),
        )
        assert made.status_code == 303
        board = await Board.get(slug="roaming")
        assert (board.sla_hours, board.urgent) == (8, True)
        edit = await client.get("/admin/boards/roaming")
        assert edit.status_code == 200 and 'value="8"' in edit.text and "checked" in edit.text
        saved = await client.post(
            "/admin/boards/roaming",
            data=factories.form(client, name="Roaming abroad", description="", sla_hours="24"),
        )
        assert saved.status_code == 303
        await board.refresh_from_db()
        assert (board.name, board.sla_hours, board.urgent) == ("Roaming abroad", 24, False)
        assert (await client.get("/admin/boards/nope")).status_code == 404
    async with factories.browser(app) as visitor:
        assert "Roaming abroad" in (await visitor.get("/")).text


async def test_boards_through_the_api(app: Starlette, admin: User, asker: User) -> None:
    async with await factories.api(app, asker) as member:
        refused = await member.post("/api/v1/boards", json={"slug": "x", "name": "Mine"})
        assert refused.status_code == 403
    async with await factories.api(app, admin) as client:
        made = await client.post(
            "/api/v1/boards",
            json={"slug": "esim", "name": "eSIM", "name_nl": "eSIM (digitale sim)", "sla_hours": 4},
        )
        assert made.status_code == 201
        assert made.json() == {
            "slug": "esim", "name": "eSIM", "description": "", "name_nl": "eSIM (digitale sim)",
            "description_nl": "", "sla_hours": 4, "urgent": False, "question_count": 0,
        }  # fmt: skip
        again = await client.post("/api/v1/boards", json={"slug": "esim", "name": "eSIM"})
        assert again.status_code == 409
        missing = await client.post("/api/v1/boards", json={})
        assert missing.status_code == 400
        assert "slug" in missing.json()["error"]["message"].lower()
        changed = await client.patch("/api/v1/boards/esim", json={"urgent": True})
        assert changed.status_code == 200 and changed.json()["urgent"] is True
        bad = await client.patch("/api/v1/boards/esim", json={"sla_hours": "soon"})
        assert bad.status_code == 400
        assert (await client.patch("/api/v1/boards/nope", json={})).status_code == 404
        slugs = [b["slug"] for b in (await client.get("/api/v1/boards")).json()["items"]]
        assert slugs[-1] == "esim"


async def test_admins_find_the_admin_pages_in_the_header(
    app: Starlette, admin: User, staff: User
) -> None:
    async with browser(app, admin) as page:
        assert (
            '<a href="/admin" aria-current="page">Administration</a>'
            in (await page.get("/admin/boards")).text
        )
        operations = (await page.get("/admin")).text
        assert 'href="/admin/boards"' in operations and 'href="/staff/mail"' in operations
    async with browser(app, staff) as page:
        assert 'href="/admin"' not in (await page.get("/staff/escalations")).text
        assert (await page.get("/admin")).status_code == 403
