import asyncio

import pytest
from starlette.applications import Starlette

from forum.actions.users import check_set_role, check_suspend_user
from forum.errors import Conflict, Forbidden, ValidationFailed
from forum.models import AuditEntry, User
from tests import factories


async def test_admin_sets_role_with_audit(admin: User, asker: User) -> None:
    await check_set_role(asker, "staff", acting_user=admin)
    assert asker.role.value == "staff"
    entry = await AuditEntry.get(action="set_role")
    assert (entry.actor_id, entry.target_user_id, entry.detail) == (  # type: ignore[attr-defined]
        admin.id,
        asker.id,
        "member -> staff",
    )


async def test_non_admin_cannot_set_roles(staff: User, asker: User) -> None:
    with pytest.raises(Forbidden):
        await check_set_role(asker, "admin", acting_user=staff)
    await asker.refresh_from_db()
    assert asker.role.value == "member"


async def test_the_last_admin_keeps_the_role(admin: User) -> None:
    with pytest.raises(Conflict):
        await check_set_role(admin, "member", acting_user=admin)
    assert (await User.get(id=admin.id)).role.value == "admin"
    second = await factories.make_user("second_admin", role="admin")
    await check_set_role(admin, "member", acting_user=second)
    assert (await User.get(id=admin.id)).role.value == "member"
    with pytest.raises(Conflict):
        await check_set_role(second, "staff", acting_user=second)


async def test_two_admins_demoting_each_other_at_once_leave_one_admin(admin: User) -> None:
    second = await factories.make_user("second_admin", role="admin")

    async def demote(target: User, actor: User) -> str:
        try:
            await check_set_role(target, "member", acting_user=actor)
        except Conflict:
            return "refused"
        return "demoted"

    outcomes = await asyncio.gather(demote(admin, second), demote(second, admin))
    assert sorted(outcomes) == ["demoted", "refused"]
    assert await User.filter(role="admin").count() == 1


async def test_an_admin_changes_a_role_in_the_browser(
    app: Starlette, admin: User, staff: User, asker: User
) -> None:
    async with factories.browser(app, staff) as staff_page:
        page = await staff_page.get(f"/staff/members/{asker.id}")
        assert page.status_code == 200 and 'name="role"' not in page.text
        refused = await staff_page.post(
            f"/staff/members/{asker.id}", data=factories.form(staff_page, do="role", role="admin")
        )
        assert refused.status_code == 403
    async with factories.browser(app, admin) as client:
        page = await client.get(f"/staff/members/{asker.id}")
        assert '<option value="member" selected>' in page.text
        bad = await client.post(
            f"/staff/members/{asker.id}", data=factories.form(client, do="role", role="king")
        )
        assert bad.status_code == 400
        done = await client.post(
            f"/staff/members/{asker.id}", data=factories.form(client, do="role", role="finance")
        )
        assert done.status_code == 303
        assert (
            '<option value="finance" selected>' in (await client.get(done.headers["location"])).text
        )
    assert (await User.get(id=asker.id)).role.value == "finance"


async def test_unknown_role_is_refused(admin: User, asker: User) -> None:
    with pytest.raises(ValidationFailed):
        await check_set_role(asker, "king", acting_user=admin)


async def test_staff_suspends_member_with_reason_and_audit(staff: User, asker: User) -> None:
    await check_suspend_user(asker, "posting spam", acting_user=staff)
    assert asker.suspended_at is not None and asker.suspended_reason == "posting spam"
    assert await AuditEntry.filter(action="suspend", target_user_id=asker.id).exists()


async def test_member_cannot_suspend_and_staff_cannot_suspend_staff(
    asker: User, helper: User, staff: User
) -> None:
    with pytest.raises(Forbidden):
        await check_suspend_user(helper, "I don't like them", acting_user=asker)
    other_staff = await factories.make_user("staff2", role="staff")
    with pytest.raises(Forbidden):
        await check_suspend_user(other_staff, "rivalry", acting_user=staff)


async def test_suspended_member_cannot_post(app: Starlette, staff: User, asker: User) -> None:
    await check_suspend_user(asker, "posting spam", acting_user=staff)
    from forum.actions.questions import check_create_question

    with pytest.raises(Forbidden):
        await check_create_question(
            acting_user=asker, board="ideas", title="A question title here", body="b" * 30
        )


async def test_api_role_change_is_admin_only(app: Starlette, admin: User, asker: User) -> None:
    async with await factories.api(app, asker) as c:
        r = await c.post(f"/api/v1/admin/users/{asker.id}/role", json={"role": "admin"})
        assert r.status_code == 403
    async with await factories.api(app, admin) as c:
        r = await c.post(f"/api/v1/admin/users/{asker.id}/role", json={"role": "finance"})
    assert (r.status_code, r.json()["role"]) == (200, "finance")


async def test_staff_find_a_member_by_the_start_of_the_username(
    app: Starlette, staff: User, asker: User, helper: User
) -> None:
    await factories.make_user("as_it_is")
    async with factories.browser(app, staff) as client:
        assert 'href="/staff/members"' in (await client.get("/staff/escalations")).text
        empty = await client.get("/staff/members")
        assert empty.status_code == 200 and "<table" not in empty.text
        found = await client.get("/staff/members?q=AS")
        assert f'href="/staff/members/{asker.id}"' in found.text
        assert f'href="/staff/members/{helper.id}"' not in found.text
        # "_" is a letter here, not LIKE's wildcard.
        underscore = await client.get("/staff/members?q=as_")
        assert "as_it_is" in underscore.text and ">asker<" not in underscore.text
        none = await client.get("/staff/members?q=zz")
        assert "No username starts with zz." in none.text
    async with factories.browser(app, asker) as member:
        assert (await member.get("/staff/members?q=a")).status_code == 403


async def test_a_member_search_with_a_nul_byte_finds_nobody(app: Starlette, staff: User) -> None:
    async with factories.browser(app, staff) as client:
        found = await client.get("/staff/members?q=as%00ker")
        assert found.status_code == 200 and "No username starts with" in found.text
