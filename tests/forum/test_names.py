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
    assert skeleton(cyrillic_staff) == "staff" and skeleton(fullwidth_admin) == "admin"
    assert skeleton("M0DERAT0R") == "moderator" and skeleton("Peer.Desk") == "peerdesk"
    assert skeleton("r_n") == "m" and skeleton("Anna") == "anna"


@pytest.mark.parametrize(
    "name",
    ["staff", "\u0405taff", "the_admin", "M0derator", "peerdesk-help", "s.a.m.staff", "noor_stafff",
     "Sarah.Jansen", "sarah_janssen", "Sarah Jansen", "\u0455arahjansen"],
)  # fmt: skip
async def test_names_that_impersonate_are_seen(app: Starlette, name: str) -> None:
    await factories.make_user("sarah.jansen", role="staff")
    assert await impersonates(name)


@pytest.mark.parametrize("name", ["anna", "sarah", "jansen", "sam", "staffan_x", "bram"])
async def test_ordinary_names_pass(app: Starlette, name: str) -> None:
    await factories.make_user("sarah.jansen", role="staff")
    await factories.make_user("sam", role="staff")
    expected = name in ("sam", "staffan_x")  # the staff member's own name; "staff" inside
    assert await impersonates(name) is expected


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
    assert refused.status_code == 400 and "kept for staff" in refused.text
    assert not await User.filter(username_key="staff_help").exists()
    async with await factories.api(app, asker) as client:
        renamed = await client.patch("/api/v1/me", json={"display_name": "\u0405TAFF"})
        assert renamed.status_code == 400 and "display_name" in renamed.text
        fine = await client.patch("/api/v1/me", json={"display_name": "Anna from Utrecht"})
        assert fine.status_code == 200
    async with await factories.api(app, staff) as team:  # staff keep their own names
        own = await team.patch("/api/v1/me", json={"display_name": "Staff Sam"})
        assert own.status_code == 200
