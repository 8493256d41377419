"""Names cannot impersonate staff: not in the username a member registers, nor in the display
name they choose, in any script or case."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from forum.models import User
from forum.names import impersonates, skeleton
from tests import factories


def test_a_skeleton_sees_through_scripts_cases_digits_and_separators() -> None:
    cyrillic_staff = "\u0405taff"  # DZE looks like S
    fullwidth_admin = "\uff21\uff24\uff2d\uff29\uff2e"
    cyrillic_admin = "\u0410D\u041c\u0406N"  # capitals A, M, I of Cyrillic
    greek_admin = "\u0391D\u039c\u0399\u039d"
    for admin in (fullwidth_admin, cyrillic_admin, greek_admin, "\u0251dmin", "adm1n", "ADMlN"):
        assert skeleton(admin) == skeleton("admin"), admin
    assert skeleton(cyrillic_staff) == skeleton("st4ff") == "staff"
    assert skeleton("M0DERAT0R") == "moderator" and skeleton("Peer.Desk") == "peerdesk"
    assert skeleton("r_n") == "m" and skeleton("Anna") == "anna"


@pytest.mark.parametrize(
    "name",
    ["staff", "\u0405taff", "the_admin", "M0derator", "peerdesk-help", "s.a.m.staff", "noor_stafff",
     "staff1", "S.T.A.F.F", "Medewerker Jan", "beheerder", "Sarah.Jansen", "sarah_janssen",
     "Sarah Jansen", "\u0455arahjansen"],
)  # fmt: skip
async def test_names_that_impersonate_are_seen(app: Starlette, name: str) -> None:
    await factories.make_user("sarah.jansen", role="staff")
    assert await impersonates(name)


@pytest.mark.parametrize(
    "name",
    ["anna", "sarah", "jansen", "sam", "Staffan", "Stafford", "badminton_fan", "Chad Minter",
     "admit", "stiff", "bram"],
)  # fmt: skip
async def test_ordinary_names_pass(app: Starlette, name: str) -> None:
    await factories.make_user("sarah.jansen", role="staff")
    await factories.make_user("sam", role="staff")
    assert await impersonates(name) is (name == "sam")  # the staff member's own name


async def test_registering_or_renaming_as_staff_is_refused_with_a_message(
    app: Starlette, asker: User, staff: User
) -> None:
    async with factories.browser(app) as visitor:
        refused = await visitor.post(
            "/register",
            data=factories.form(
                visitor, username="Staff_Help", email="x@example.com", password="a long password"
            ),
        )
    assert refused.status_code == 409 and "kept for staff" in refused.text  # as a taken name
    assert not await User.filter(username_key="staff_help").exists()
    async with await factories.api(app, asker) as client:
        renamed = await client.patch("/api/v1/me", json={"display_name": "\u0405TAFF"})
        assert renamed.status_code == 409 and "display_name" in renamed.text
        fine = await client.patch("/api/v1/me", json={"display_name": "Anna from Utrecht"})
        assert fine.status_code == 200
    # A name from before a staff member joined stays, and the member can still save the rest.
    await factories.make_user("anna.from.utrecht", role="staff")
    async with await factories.api(app, asker) as client:
        kept = await client.patch(
            "/api/v1/me", json={"display_name": "Anna from Utrecht", "locale": "nl"}
        )
        assert kept.status_code == 200
    async with await factories.api(app, staff) as team:  # staff keep their own names
        own = await team.patch("/api/v1/me", json={"display_name": "Staff Sam"})
        assert own.status_code == 200
