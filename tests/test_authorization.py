"""Authorization matrix: every route the app serves, asked by every kind of caller.

Matrix: 171 rows x 9 roles = 1539 cells (78 API rows, 93 page rows).

One row per (method, path template) of `forum.app.api_routes()` (under /api/v1) and
`forum.app.html_routes()`, with the status each role must get. A served route without a row, or
a row without a route, fails `test_every_served_route_has_exactly_one_row`.

The roles (columns, in this order):

- anon: no token, no session (a browser with a CSRF cookie only).
- member: a member with nothing to do with the target.
- other: another member, the one on the other side of the author's post: they answered the
  author's question (and their answer is the accepted one on a solved question), or asked the
  question the author answered.
- author: who wrote the question or answer the path points at (or the escalated question), the
  member a user path names (`/admin/users/{id}`, `/staff/members/{id}`, `/ledger/members/{id}`),
  and the member whose payout line a member's appeal path names.
- suspended: a suspended member (their token and session no longer work: as anonymous).
- staff, finance, admin: those roles.
- payee: a finance officer paid by the batch the path points at (promoted after earning): their
  line is the one `{line_id}` names under /payouts, their appeal the one `{appeal_id}` names.

Expected statuses are the correct ones, not what the app happens to do. API: 401 without a
(working) token, 403 for a signed-in caller without the right, 404 where the app deliberately
hides that a thing exists (a suspended member's profile, a hidden question, a payout line that is
not the caller's) and where what is named does not exist (the e-mail confirmation page of a
made-up token). Pages: LOG is the redirect (303) of a visitor to the login page, 403 an error
page.

What is sent follows the order in which the API checks a request (forum/api/contract.py): who
(401), then the role an endpoint `requires=` (403) before its body is read, then the body (400),
then the handler: the object (404) and who may act on that object (403: the author edits, the
asker accepts, nobody flags their own post, finance never decides or answers an appeal about
their own line, a member appeals only their own lines).

- A write whose right is a role (`requires=`, or a right that does not depend on the object) is
  sent an empty JSON object (pages: an empty form plus the CSRF token): 400 shows authorization
  passed and nothing changed, 403 that it did not.
- A write whose right depends on the object is checked after its body, so an empty body would be
  400 for everyone: it is sent a valid body (BODIES) and gets a target of its own in each cell
  (the `new` and `spare` flags), so an allowed role shows the write's success and a refused one
  403 (or 404), and no cell changes what another row reads.
- A write that takes no input, or only optional input (`{}` is valid), is sent `{}` and gets a
  fresh target where it changes something (a lock, an approval); where `{}` changes nothing
  (PATCH /me, PATCH /boards/{slug}) the allowed roles show 200.
- POST /boards is admins' by role alone: a member's 403 comes before their body is read, as on
  every other admin endpoint (`requires=`), so it is sent `{}` like them.

Each role is one test: it walks every row and fails once, listing every cell that differs.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import count
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from forum.actions.acceptance import do_accept_answer
from forum.actions.accounts import do_create_api_token
from forum.actions.escalations import check_claim, check_resolve
from forum.actions.kudos import do_give_kudos
from forum.actions.moderation import check_lock_question, check_moderate_post
from forum.actions.users import check_suspend_user
from forum.app import API_PREFIX, api_routes, html_routes
from forum.auth import CSRF_COOKIE, CSRF_FIELD, SESSION_COOKIE, Auth
from forum.clock import utcnow
from forum.models import (
    Answer,
    DeliveryState,
    Escalation,
    Mail,
    Question,
    Role,
    User,
    WebhookDelivery,
)
from rewards.actions.appeals import check_appeal_line
from rewards.actions.payout_lines import check_decide_line
from rewards.actions.payouts import do_close_period
from rewards.models import LineState, PayoutAppeal, PayoutBatch, PayoutLine
from rewards.periods import MONTHLY, parse_period
from tests.factories import T0, make_answer, make_question, make_user
from tests.rewards.helpers import grant

ROLES = ("anon", "member", "other", "author", "suspended", "staff", "finance", "payee", "admin")

# Codes: the status, or LOG for a redirect (303) to the login page.
# Flags (after the codes):
#   new        a fresh target in each cell (the write would change it)
#   hidden     the question is hidden by staff          solved   it has an accepted answer
#   locked     the question is locked                   claimed  the escalation is claimed by staff
#   resolved   the escalation is resolved               suspended  the user is a suspended member
#   kudos      every role that may has given the answer kudos
#   spare      a batch of the row's own, its lines held and the payee's line appealed
#              (the write would change the shared batch, its lines or its appeal)
# Path parameters: {slug} the account-billing board, {tag} "sim", {token} a made-up token,
# {username} the suspended member, {period} 2026-08 (the shared batch's), {action} release.
API_TABLE = """
# method path                                     ano mem oth aut sus stf fin pay adm  flags
POST   /auth/register                             400 400 400 400 400 400 400 400 400
POST   /auth/token                                401 401 401 401 401 401 401 401 401
GET    /me                                        401 200 200 200 401 200 200 200 200
PATCH  /me                                        401 200 200 200 401 200 200 200 200
POST   /auth/password-reset                       400 400 400 400 400 400 400 400 400
POST   /auth/password-reset/confirm               400 400 400 400 400 400 400 400 400
GET    /me/email                                  401 200 200 200 401 200 200 200 200
POST   /me/email                                  401 400 400 400 401 400 400 400 400
DELETE /me/email                                  401 200 200 200 401 200 200 200 200
POST   /me/email/confirm                          401 400 400 400 401 400 400 400 400
POST   /me/email/confirmation                     401 200 200 200 401 200 200 200 200
POST   /admin/users/{id}/role                     401 403 403 403 401 403 403 403 400
POST   /admin/users/{id}/email                    401 403 403 403 401 403 403 403 400
POST   /admin/users/{id}/suspend                  401 403 403 403 401 400 403 403 400
GET    /me/export                                 401 200 200 200 401 200 200 200 200
POST   /me/erase                                  401 400 400 400 401 403 403 403 403
POST   /admin/users/{id}/erase                    401 403 403 403 401 403 403 403 400
GET    /users/{username}                          404 404 404 404 404 200 404 404 200
GET    /leaderboard                               200 200 200 200 200 200 200 200 200
GET    /boards                                    200 200 200 200 200 200 200 200 200
POST   /boards                                    401 403 403 403 401 403 403 403 400
PATCH  /boards/{slug}                             401 403 403 403 401 403 403 403 200
GET    /questions                                 200 200 200 200 200 200 200 200 200
POST   /questions                                 401 400 400 400 401 400 400 400 400
GET    /questions/{id}                            404 404 404 200 404 200 404 404 200  hidden
PATCH  /questions/{id}                            401 403 403 200 401 200 403 403 200  new
POST   /questions/{id}/duplicate                  401 403 403 403 401 200 403 403 200  new
POST   /questions/{id}/answers                    401 400 400 400 401 400 400 400 400
PATCH  /answers/{id}                              401 403 403 200 401 200 403 403 200  new
POST   /answers/{id}/kudos                        401 201 201 403 401 201 201 201 201  new
DELETE /answers/{id}/kudos                        401 200 200 404 401 200 200 200 200  new kudos
PUT    /questions/{id}/follow                     401 200 200 200 401 200 200 200 200
DELETE /questions/{id}/follow                     401 200 200 200 401 200 200 200 200
GET    /me/following                              401 200 200 200 401 200 200 200 200
PUT    /questions/{id}/accepted-answer            401 403 403 200 401 200 403 403 200  new
DELETE /questions/{id}/accepted-answer            401 403 403 200 401 200 403 403 200  new solved
GET    /escalations/metrics                       401 403 403 403 401 200 403 403 200
POST   /questions/{id}/escalate                   401 403 403 201 401 403 403 403 403  new
GET    /escalations                               401 403 403 403 401 200 403 403 200
POST   /escalations/{id}/claim                    401 403 403 403 401 200 403 403 200  new
POST   /escalations/{id}/release                  401 403 403 403 401 200 403 403 200  new claimed
POST   /escalations/{id}/reassign                 401 403 403 403 401 400 403 403 400
POST   /escalations/{id}/resolve                  401 403 403 403 401 400 403 403 400
POST   /escalations/{id}/reopen                   401 403 403 403 401 200 403 403 200  new resolved
GET    /webhooks/deliveries                       401 403 403 403 401 403 403 403 200
POST   /webhooks/deliveries/{id}/retry            401 403 403 403 401 403 403 403 200  new
GET    /mail                                      401 403 403 403 401 403 403 403 200
POST   /mail/{id}/retry                           401 403 403 403 401 403 403 403 200  new
POST   /questions/{id}/flags                      401 201 201 403 401 201 201 201 201  new
POST   /answers/{id}/flags                        401 201 201 403 401 201 201 201 201  new
POST   /questions/{id}/moderation                 401 403 403 403 401 400 403 403 400
POST   /answers/{id}/moderation                   401 403 403 403 401 400 403 403 400
POST   /questions/{id}/lock                       401 403 403 403 401 200 403 403 200  new
DELETE /questions/{id}/lock                       401 403 403 403 401 200 403 403 200  new locked
POST   /admin/users/{id}/unsuspend                401 403 403 403 401 200 403 403 200  new suspended
GET    /admin/audit                               401 403 403 403 401 403 403 403 200
GET    /search                                    200 200 200 200 200 200 200 200 200
GET    /me/notifications                          401 200 200 200 401 200 200 200 200
POST   /me/notifications/read                     401 200 200 200 401 200 200 200 200
GET    /me/points                                 401 200 200 200 401 200 200 200 200
GET    /ledger/members/{id}/points                401 403 403 200 401 403 200 200 200
POST   /me/payout-lines/{line_id}/appeal          401 404 404 201 401 404 404 404 404  spare
GET    /payouts/{id}/appeals                      401 403 403 403 401 403 200 200 403
POST   /payouts/{id}/appeals/{appeal_id}          401 403 403 403 401 403 200 403 403  spare
GET    /ledger/check                              401 403 403 403 401 403 200 200 200
POST   /ledger/adjustments                        401 403 403 403 401 403 400 400 403
POST   /ledger/fraud-reversals                    401 403 403 403 401 403 400 400 403
POST   /payouts/close                             401 403 403 403 401 403 400 400 403
GET    /payouts                                   401 403 403 403 401 403 200 200 403
GET    /payouts/{id}                              401 403 403 403 401 403 200 200 403
POST   /payouts/{id}/lines/{line_id}/{action}     401 403 403 403 401 403 200 403 403  spare
POST   /payouts/{id}/approve                      401 403 403 403 401 403 200 403 403  spare
GET    /payouts/{id}/export                       401 403 403 403 401 403 409 409 403
POST   /payouts/{id}/paid                         401 403 403 403 401 403 400 400 403
GET    /reports/periods/{period}                  401 403 403 403 401 403 200 200 403
GET    /reports/kpis                              401 403 403 403 401 200 200 200 200
GET    /me/statements                             401 200 200 200 401 200 200 200 200
GET    /openapi.json                              200 200 200 200 200 200 200 200 200
"""

HTML_TABLE = """
# method path                                     ano mem oth aut sus stf fin pay adm  flags
GET    /                                          200 200 200 200 200 200 200 200 200
GET    /boards/{slug}                             200 200 200 200 200 200 200 200 200
GET    /admin/boards                              LOG 403 403 403 LOG 403 403 403 200
POST   /admin/boards                              LOG 403 403 403 LOG 403 403 403 400
GET    /admin/boards/{slug}                       LOG 403 403 403 LOG 403 403 403 200
POST   /admin/boards/{slug}                       LOG 403 403 403 LOG 403 403 403 400
GET    /questions                                 200 200 200 200 200 200 200 200 200
GET    /questions/new                             LOG 200 200 200 LOG 200 200 200 200
POST   /questions/new                             LOG 400 400 400 LOG 400 400 400 400
GET    /questions/{id}                            404 404 404 200 404 200 404 404 200  hidden
GET    /questions/{id}/edit                       LOG 403 403 200 LOG 200 403 403 200
POST   /questions/{id}/edit                       LOG 403 403 400 LOG 400 403 403 400
GET    /questions/{id}/revisions                  404 404 404 404 404 200 404 404 200  hidden
POST   /questions/{id}/duplicate                  LOG 403 403 403 LOG 303 403 403 303
GET    /tags/{tag}                                200 200 200 200 200 200 200 200 200
POST   /questions/{id}/answers                    LOG 400 400 400 LOG 400 400 400 400
GET    /answers/{id}/edit                         LOG 403 403 200 LOG 200 403 403 200
POST   /answers/{id}/edit                         LOG 403 403 400 LOG 400 403 403 400
POST   /answers/{id}/kudos                        LOG 303 303 403 LOG 303 303 303 303  new
POST   /answers/{id}/kudos/withdraw               LOG 303 303 404 LOG 303 303 303 303  new kudos
POST   /questions/{id}/follow                     LOG 303 303 303 LOG 303 303 303 303
POST   /questions/{id}/unfollow                   LOG 303 303 303 LOG 303 303 303 303
GET    /following                                 LOG 200 200 200 LOG 200 200 200 200
POST   /questions/{id}/accept                     LOG 403 403 400 LOG 400 403 403 400
GET    /questions/{id}/accept/clear               LOG 403 403 200 LOG 200 403 403 200  solved
POST   /questions/{id}/accept/clear               LOG 403 403 303 LOG 303 403 403 303  new solved
POST   /questions/{id}/escalate                   LOG 403 403 303 LOG 403 403 403 403  new
GET    /staff/escalations                         LOG 403 403 403 LOG 200 403 403 200
GET    /staff/dashboard                           LOG 403 403 403 LOG 200 403 403 200
GET    /staff/escalations/{id}                    LOG 403 403 403 LOG 200 403 403 200
POST   /staff/escalations/{id}                    LOG 403 403 403 LOG 400 403 403 400
GET    /staff/webhooks                            LOG 403 403 403 LOG 403 403 403 200
POST   /staff/webhooks/{id}/retry                 LOG 403 403 403 LOG 403 403 403 303  new
GET    /staff/mail                                LOG 403 403 403 LOG 403 403 403 200
POST   /staff/mail/{id}/retry                     LOG 403 403 403 LOG 403 403 403 303  new
POST   /questions/{id}/flags                      LOG 400 400 403 LOG 400 400 400 400
POST   /answers/{id}/flags                        LOG 400 400 403 LOG 400 400 400 400
POST   /questions/{id}/moderation                 LOG 403 403 403 LOG 400 403 403 400
POST   /answers/{id}/moderation                   LOG 403 403 403 LOG 400 403 403 400
POST   /questions/{id}/lock                       LOG 403 403 403 LOG 303 403 403 303  new
GET    /staff/members                             LOG 403 403 403 LOG 200 403 403 200
GET    /staff/members/{id}                        LOG 403 403 403 LOG 200 403 403 200
POST   /staff/members/{id}                        LOG 403 403 403 LOG 400 403 403 400
GET    /admin/audit                               LOG 403 403 403 LOG 403 403 403 200
GET    /search                                    200 200 200 200 200 200 200 200 200
GET    /notifications                             LOG 200 200 200 LOG 200 200 200 200
POST   /notifications/read                        LOG 303 303 303 LOG 303 303 303 303
GET    /readyz                                    200 200 200 200 200 200 200 200 200
GET    /admin                                     LOG 403 403 403 LOG 403 403 403 200
GET    /metrics                                   200 200 200 200 200 200 200 200 200
GET    /register                                  200 200 200 200 200 200 200 200 200
POST   /register                                  400 400 400 400 400 400 400 400 400
GET    /login                                     200 200 200 200 200 200 200 200 200
POST   /login                                     401 401 401 401 401 401 401 401 401
POST   /logout                                    303 303 303 303 303 303 303 303 303
GET    /account/password                          LOG 200 200 200 LOG 200 200 200 200
POST   /account/password                          LOG 400 400 400 LOG 400 400 400 400
GET    /password/forgot                           200 200 200 200 200 200 200 200 200
POST   /password/forgot                           400 400 400 400 400 400 400 400 400
GET    /password/reset/{token}                    404 404 404 404 404 404 404 404 404
POST   /password/reset/{token}                    400 400 400 400 400 400 400 400 400
GET    /account/email                             LOG 200 200 200 LOG 200 200 200 200
POST   /account/email                             LOG 400 400 400 LOG 400 400 400 400
POST   /account/email/cancel                      LOG 303 303 303 LOG 303 303 303 303
POST   /account/email/confirmation                LOG 303 303 303 LOG 303 303 303 303
GET    /account/email/confirm/{token}             LOG 404 404 404 LOG 404 404 404 404
POST   /account/email/confirm/{token}             LOG 404 404 404 LOG 404 404 404 404
GET    /account                                   LOG 200 200 200 LOG 200 200 200 200
POST   /account                                   LOG 400 400 400 LOG 400 400 400 400
POST   /account/tokens                            LOG 200 200 200 LOG 200 200 200 200
POST   /language                                  303 303 303 303 303 303 303 303 303
GET    /account/export                            LOG 200 200 200 LOG 200 200 200 200
GET    /account/delete                            LOG 200 200 200 LOG 200 200 200 200
POST   /account/delete                            LOG 400 400 400 LOG 403 403 403 403
GET    /members/{username}                        404 404 404 404 404 200 404 404 200
GET    /avatars/{username}.svg                    200 200 200 200 200 200 200 200 200
GET    /leaderboard                               200 200 200 200 200 200 200 200 200
GET    /points                                    LOG 200 200 200 LOG 200 200 200 200
GET    /finance/ledger                            LOG 403 403 403 LOG 403 200 200 200
POST   /finance/ledger/adjustments                LOG 403 403 403 LOG 403 400 400 403
POST   /finance/ledger/fraud-reversals            LOG 403 403 403 LOG 403 400 400 403
GET    /finance/payouts                           LOG 403 403 403 LOG 403 200 200 403
POST   /finance/payouts/close                     LOG 403 403 403 LOG 403 400 400 403
GET    /finance/payouts/{id}                      LOG 403 403 403 LOG 403 200 200 403
POST   /finance/payouts/{id}/lines/{line_id}      LOG 403 403 403 LOG 403 400 403 403
POST   /finance/payouts/{id}/approve              LOG 403 403 403 LOG 403 303 403 403  spare
POST   /finance/payouts/{id}/paid                 LOG 403 403 403 LOG 403 400 400 403
GET    /finance/payouts/{id}/export               LOG 403 403 403 LOG 403 409 409 403
POST   /points/lines/{line_id}/appeal             LOG 404 404 400 LOG 404 404 404 404
POST   /finance/payouts/{id}/appeals/{appeal_id}  LOG 403 403 403 LOG 403 400 403 403
GET    /finance/reports/{period}                  LOG 403 403 403 LOG 403 200 200 403
GET    /reports/kpis                              LOG 403 403 403 LOG 200 200 200 200
GET    /reports/kpis.csv                          LOG 403 403 403 LOG 200 200 200 200
"""

LOGIN = "LOG"
FLAGS = {"new", "hidden", "solved", "locked", "claimed", "resolved", "suspended", "kudos", "spare"}
REASON = "Checked the member's answers again."
# API writes get `{}`, except these: a token request gets wrong credentials, and the writes whose
# right depends on the object a valid body (the path's values at hand: ids by name).
MakeBody = Callable[["World", dict[str, Any]], dict[str, object]]
BODIES: dict[str, MakeBody] = {
    "POST /api/v1/auth/token": lambda w, p: {"username": "nobody", "password": "not the password"},
    "PATCH /api/v1/questions/{id}": lambda w, p: {"title": f"How do I top up SIM card {p['id']}?"},
    "POST /api/v1/questions/{id}/duplicate": lambda w, p: {"original": w.original_id},
    "PATCH /api/v1/answers/{id}": lambda w, p: {"body": "Tap Top up in the app, then pay."},
    "PUT /api/v1/questions/{id}/accepted-answer": lambda w, p: {"answer_id": w.answer_of[p["id"]]},
    "POST /api/v1/questions/{id}/flags": lambda w, p: {"reason": "spam"},
    "POST /api/v1/answers/{id}/flags": lambda w, p: {"reason": "off_topic"},
    "POST /api/v1/me/payout-lines/{line_id}/appeal": lambda w, p: {"message": WHY},
    "POST /api/v1/payouts/{id}/appeals/{appeal_id}": lambda w, p: {
        "decision": "upheld",
        "reason": REASON,
    },
    "POST /api/v1/payouts/{id}/lines/{line_id}/{action}": lambda w, p: {"reason": REASON},
}
# Query strings some rows need to be a complete request.
QUERIES = {
    "/api/v1/payouts/{id}/export": "?method=cash",
    "/finance/payouts/{id}/export": "?method=cash",
    "/api/v1/search": "?q=sim",
    "/search": "?q=sim",
}
PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")
ERROR_MESSAGE = re.compile(r'<p class="error-message">.*?</span>(.*?)</p>', re.DOTALL)


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # the template, converters dropped: /api/v1/questions/{id}
    expected: dict[str, int | str]
    flags: frozenset[str]

    @property
    def api(self) -> bool:
        return self.path.startswith(API_PREFIX + "/")

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def parse_table(text: str, prefix: str) -> list[Row]:
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        method, path, *rest = line.split()
        codes, flags = rest[: len(ROLES)], frozenset(rest[len(ROLES) :])
        assert len(codes) == len(ROLES) and all(c.isdigit() or c == LOGIN for c in codes), line
        assert flags <= FLAGS, f"unknown flag in: {line}"
        expected = {r: c if c == LOGIN else int(c) for r, c in zip(ROLES, codes, strict=True)}
        rows.append(Row(method, prefix + path, expected, flags))
    return rows


ROWS = parse_table(API_TABLE, API_PREFIX) + parse_table(HTML_TABLE, "")


def template(path: str) -> str:
    return PARAM.sub(r"{\1}", path)


def served() -> list[tuple[str, str]]:
    """Every (method, path template) the app serves, HEAD aside."""
    pairs = []
    for prefix, routes in ((API_PREFIX, api_routes()), ("", html_routes())):
        for route in routes:
            if isinstance(route, Route):
                pairs += [(m, prefix + template(route.path)) for m in route.methods or ()]
    return [(method, path) for method, path in pairs if method != "HEAD"]


def test_every_served_route_has_exactly_one_row() -> None:
    pairs = served()
    assert len(pairs) == len(set(pairs)), "two routes share a method and path template"
    rows = [(row.method, row.path) for row in ROWS]
    doubled = sorted({f"{m} {p}" for m, p in rows if rows.count((m, p)) > 1})
    missing = [f"add a row for {m} {p}" for m, p in pairs if (m, p) not in rows]
    extra = [f"no route serves the row {m} {p}" for m, p in rows if (m, p) not in pairs]
    problems = missing + extra + [f"two rows for {pair}" for pair in doubled]
    assert not problems, "\n".join(problems)
    assert len(ROWS) == len(pairs)
    size = re.search(r"(\d+) rows x (\d+) roles = (\d+) cells", __doc__ or "")
    assert size is not None
    assert tuple(map(int, size.groups())) == (len(ROWS), len(ROLES), len(ROWS) * len(ROLES)), (
        "update the matrix size in the module docstring"
    )


# -- the world the paths point into ----------------------------------------------------------

# The shared batch's period, then one for each row with a batch of its own (`spare`).
SPARES = sum("spare" in row.flags for row in ROWS)
PERIODS = tuple(f"{2026 + (7 + i) // 12}-{(7 + i) % 12 + 1:02d}" for i in range(1 + SPARES))
HOUR = timedelta(hours=1)
WHY = "I answered those questions myself, honestly."


@dataclass
class World:
    users: dict[str, User]
    batch: PayoutBatch
    spare_batches: list[PayoutBatch]
    # A month ago: old enough for "Ask staff" and for staff to accept, whatever the date.
    asked_at: datetime = field(default_factory=lambda: utcnow() - timedelta(days=30))
    shared: dict[tuple[str, object], Any] = field(default_factory=dict)
    serial: count[int] = field(default_factory=lambda: count(1))
    answer_of: dict[int, int] = field(default_factory=dict)  # question id -> other's answer id
    original_id: int = 0  # the question a duplicate is closed as a duplicate of

    @property
    def author(self) -> User:
        return self.users["author"]

    async def question(self, flags: frozenset[str]) -> Question:
        """The author's question, answered by `other`; hidden, solved or locked when asked."""
        n = next(self.serial)
        staff = self.users["staff"]
        question = await make_question(
            self.author, title=f"How do I top up SIM number {n}?", tags=["sim"], at=self.asked_at
        )
        answer = await make_answer(question, self.users["other"])
        self.answer_of[question.id] = answer.id
        if "hidden" in flags:
            await check_moderate_post(question, "hide", acting_user=staff)
        if "solved" in flags:
            await do_accept_answer(
                question, answer, acting_user=self.author, now=self.asked_at + 2 * HOUR
            )
        if "locked" in flags:
            await check_lock_question(question, True, acting_user=staff)
        return question

    async def answer(self, flags: frozenset[str]) -> Answer:
        """The author's answer to `other`'s question (with kudos from all who may give them)."""
        n = next(self.serial)
        asked = await make_question(
            self.users["other"], title=f"Roaming bundle number {n}?", at=self.asked_at
        )
        answer = await make_answer(asked, self.author)
        if "kudos" in flags:
            for name in ("member", "other", "staff", "finance", "payee", "admin"):
                await do_give_kudos(answer, acting_user=self.users[name])
        return answer

    async def escalation(self, flags: frozenset[str]) -> Escalation:
        """An urgent question of the author's, in the staff queue (claimed or resolved)."""
        n = next(self.serial)
        question = await make_question(
            self.author, title=f"Someone hacked my account {n}", at=self.asked_at
        )
        item = await Escalation.get(question_id=question.id)
        staff = self.users["staff"]
        if "claimed" in flags:
            item = await check_claim(item, acting_user=staff)
        if "resolved" in flags:
            item = await check_resolve(item, resolution="no_action", acting_user=staff)
        return item

    async def user(self, flags: frozenset[str]) -> User:
        if "suspended" not in flags:
            return self.author
        member = await make_user(f"suspended{next(self.serial)}")
        return await check_suspend_user(member, "Spam", acting_user=self.users["staff"])

    async def delivery(self, flags: frozenset[str]) -> WebhookDelivery:
        return await WebhookDelivery.create(
            event_id=f"event-{next(self.serial)}", event="question.escalated", payload="{}",
            url="https://crm.example/hook", state=DeliveryState.FAILED, attempts=8,
            next_attempt_at=T0, created_at=T0,
        )  # fmt: skip

    async def mail(self, flags: frozenset[str]) -> Mail:
        return await Mail.create(
            key=f"test:{next(self.serial)}", user_id=self.author.id, subject="S", body="",
            to_address=self.author.email, state=DeliveryState.FAILED, attempts=8,
            next_attempt_at=T0, created_at=T0,
        )  # fmt: skip

    async def target(self, kind: str, flags: frozenset[str]) -> Any:
        """The object of `kind` for a row: made for the cell (`new`) or shared by the rows."""
        make: Callable[[frozenset[str]], Awaitable[Any]] = getattr(self, kind)
        if "new" in flags:
            return await make(flags)
        key = (kind, flags)
        if key not in self.shared:
            self.shared[key] = await make(flags)
        return self.shared[key]

    async def batch_of(self, row: Row) -> PayoutBatch:
        """The shared batch, or (`spare`) one of the row's own."""
        if "spare" not in row.flags:
            return self.batch
        if ("batch", str(row)) not in self.shared:
            self.shared["batch", str(row)] = self.spare_batches.pop()
        batch: PayoutBatch = self.shared["batch", str(row)]
        return batch

    async def held_line(self, batch: PayoutBatch, member: User) -> PayoutLine:
        """`member`'s line in `batch`, held by finance (once)."""
        key = ("line", (batch.id, member.id))
        if key not in self.shared:
            line = await PayoutLine.get(batch_id=batch.id, member_id=member.id)
            if line.state != LineState.HELD:  # the close may have held it already
                finance = self.users["finance"]
                await check_decide_line(
                    batch, line, "hold", reason="Looks odd", acting_user=finance
                )
                await line.refresh_from_db()
            self.shared[key] = line
        line: PayoutLine = self.shared[key]
        return line

    async def appeal(self, batch: PayoutBatch) -> PayoutAppeal:
        """The payee's appeal against their held line in `batch` (made once)."""
        key = ("appeal", batch.id)
        if key not in self.shared:
            payee = self.users["payee"]
            line = await self.held_line(batch, payee)
            self.shared[key] = await check_appeal_line(line, WHY, acting_user=payee)
        appeal: PayoutAppeal = self.shared[key]
        return appeal

    async def request(self, row: Row) -> tuple[str, dict[str, object] | None]:
        """The row's URL in this world, and the JSON body an API write sends."""
        values: dict[str, Any] = {}
        for name in PARAM.findall(row.path):
            values[name] = await self.param(row, name)
        url = row.path.format(**values) + QUERIES.get(row.path, "")
        if not row.api or row.method == "GET":
            return url, None
        make = BODIES.get(str(row))
        return url, make(self, values) if make else {}

    async def param(self, row: Row, name: str) -> object:
        path = row.path.removeprefix(API_PREFIX)
        fixed = {
            "slug": "account-billing",
            "tag": "sim",
            "token": "not-a-token",
            "username": self.users["suspended"].username,
            "period": self.batch.period,
            "action": "release",
        }
        if name in fixed:
            return fixed[name]
        if name == "line_id":
            # A member appeals their own line; finance decides the payee's.
            member = self.users["payee"] if "/payouts/" in path else self.author
            return (await self.held_line(await self.batch_of(row), member)).id
        if name == "appeal_id":
            return (await self.appeal(await self.batch_of(row))).id
        assert name == "id", row
        if "/payouts/" in path:
            return (await self.batch_of(row)).id
        kinds = {
            "/questions/": "question",
            "/answers/": "answer",
            "/escalations/": "escalation",
            "/users/": "user",
            "/members/": "user",
            "/webhooks/": "delivery",
            "/mail/": "mail",
        }
        kind = next(kind for part, kind in kinds.items() if part in path)
        found = await self.target(kind, row.flags)
        return found.id


async def build_world() -> World:
    users = {
        name: await make_user(name, role)
        for name, role in (
            ("member", "member"),
            ("other", "member"),
            ("author", "member"),
            ("suspended", "member"),
            ("staff", "staff"),
            ("finance", "finance"),
            ("payee", "member"),  # promoted to finance once paid by the batches
            ("admin", "admin"),
        )
    }
    finance, payee, author = users["finance"], users["payee"], users["author"]
    await check_suspend_user(users["suspended"], "Spam", acting_user=users["staff"])
    batches = []
    for label in PERIODS:
        period = parse_period(label, MONTHLY)
        for member in (author, payee):
            await grant(member, 300, finance, period.starts_at + timedelta(days=9))
        batch, _ = await do_close_period(period, now=period.cutoff + HOUR)
        batches.append(batch)
    world = World(users, batches[0], batches[1:])
    # The shared batch's lines are held and the payee's appealed while they are a member.
    await world.held_line(world.batch, author)
    await world.appeal(world.batch)
    payee.role = Role.FINANCE
    await payee.save(update_fields=["role"])
    world.original_id = (await world.question(frozenset())).id
    return world


# -- the matrix ------------------------------------------------------------------------------


@dataclass
class Caller:
    """One role's API client and browser, with its token and cookies."""

    client: httpx.AsyncClient
    token: str | None
    cookies: dict[str, str]

    async def send(self, row: Row, url: str, body: dict[str, object] | None) -> httpx.Response:
        # Cookies are set anew for each request: a logout or a flash must not leak into the next.
        self.client.cookies.clear()
        if row.api:
            headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
            return await self.client.request(row.method, url, headers=headers, json=body)
        self.client.cookies.update(self.cookies)
        if row.method == "GET":
            return await self.client.request(row.method, url)
        form = {CSRF_FIELD: self.cookies[CSRF_COOKIE]}
        return await self.client.request(row.method, url, data=form)


async def caller(app: Starlette, world: World, role: str) -> Caller:
    auth: Auth = app.state.auth
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    cookies = {CSRF_COOKIE: auth.new_csrf_token()}
    user = world.users.get(role)
    token = None
    if user is not None:
        await user.refresh_from_db()
        token = await do_create_api_token(user)
        session = {"u": user.id, "v": user.session_version}
        cookies[SESSION_COOKIE] = auth.sessions.dumps(session)
    return Caller(client, token, cookies)


def status(response: httpx.Response) -> int | str:
    to_login = response.headers.get("location", "").startswith("/login")
    return LOGIN if response.status_code == 303 and to_login else response.status_code


def outcome(response: httpx.Response) -> str:
    """A few words on what came back, to tell a 400 from a 400."""
    if response.is_redirect:
        return f"→ {response.headers.get('location', '')}"
    if response.headers.get("content-type", "").startswith("application/json"):
        try:
            error = response.json().get("error") or {}
        except (ValueError, AttributeError):
            return ""
        return f"{error.get('code', '')}: {error.get('message', '')}"[:100]
    page = ERROR_MESSAGE.search(response.text)
    return page.group(1).strip()[:100] if page else ""


@pytest.mark.parametrize("role", ROLES)
async def test_each_role_gets_the_expected_status_on_every_route(app: Starlette, role: str) -> None:
    world = await build_world()
    who = await caller(app, world, role)
    mismatches = []
    async with who.client:
        for row in ROWS:
            url, body = await world.request(row)
            response = await who.send(row, url, body)
            expected, got = row.expected[role], status(response)
            if got != expected:
                mismatches.append(
                    f"{row} [{role}]: expected {expected}, got {got}"
                    f" ({row.method} {url}) {outcome(response)}"
                )
    assert not mismatches, f"{len(mismatches)} cells differ:\n" + "\n".join(mismatches)
