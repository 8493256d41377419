"""An admin's journey: the operations page, add a board, find a member and change their role,
read the mail and webhook outboxes and the audit log."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import LOOKS, PASSWORD, Server
from tests.browser.pages import open_tab


@pytest.mark.parametrize(("lang", "width"), LOOKS)
def test_an_admin_runs_boards_roles_and_outboxes(
    server: Server, browser: Browser, lang: str, width: int
) -> None:
    tag = f"{lang}-{width}"
    admin = open_tab(browser, server.url, "admin", lang, width)
    admin.log_in(server.make_user(f"admin_{lang}_{width}", role="admin"), PASSWORD)
    page = admin.page

    admin.go("/", "home, as an admin")
    admin.open_menu(account=True)
    page.locator("header a[href='/admin']").click()
    admin.check("operations")
    assert page.locator("main .alerts li, main p.notice").count() >= 1
    assert page.locator("main table").count() + page.locator("main p.empty").count() == 1
    page.locator("main a[href='/admin/boards']").click()
    admin.check("boards")
    page.fill("input[name=slug]", f"roaming-{tag}")
    page.fill("input[name=name]", f"Roaming {tag}")
    page.fill("input[name=description]", "Using your phone abroad.")
    page.fill("input[name=name_nl]", f"Roaming in het buitenland {tag}")
    page.fill("input[name=sla_hours]", "24")
    page.locator("form[action='/admin/boards'] button[type=submit]").click()
    admin.check("a board added")
    assert server.query("SELECT 1 FROM boards WHERE slug = ?", f"roaming-{tag}")
    shown = {"en": f"Roaming {tag}", "nl": f"Roaming in het buitenland {tag}"}[lang]
    assert page.locator(f"main a:text-is('{shown}')").count() == 1

    newcomer = server.make_user(f"promoted_{lang}_{width}")
    admin.go(f"/staff/members?q={newcomer}", "members found")
    page.locator(f"main a:text-is('{newcomer}')").click()
    admin.check("a member")
    page.select_option("select[name=role]", "staff")
    page.locator("form:has(input[value=role]) button[type=submit]").click()
    admin.check("role changed")
    ((role,),) = server.query("SELECT role FROM users WHERE username = ?", newcomer)
    assert role == "staff"

    admin.go("/staff/mail?state=pending", "mail outbox")
    admin.go("/staff/webhooks", "webhook outbox")
    admin.go("/admin/audit", "audit log")
    assert newcomer in page.content()
