"""Boards: the default set of PRODUCT.md §1, created on the first start of an empty database;
admins add boards and change their name, description, SLA, urgency and order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from forum import validation as v
from forum.clock import resolve
from forum.errors import Conflict
from forum.i18n import gettext as _
from forum.models import AuditEntry, Board, User
from forum.permissions import require_boards

# slug, name, description, its Dutch name and description, SLA hours, urgent
DEFAULT_BOARDS: tuple[tuple[str, str, str, str, str, int, bool], ...] = (
    ("account-billing", "Account & billing", "Plans, bills, top-ups and your account.",
     "Account & facturen", "Bundels, facturen, opwaarderen en je account.", 12, False),
    ("network-coverage", "Network & coverage", "Signal, data, calls and roaming.",
     "Netwerk & bereik", "Signaal, data, bellen en roaming.", 12, False),
    ("phones-devices", "Phones & devices", "Handsets, settings and apps.",
     "Telefoons & apparaten", "Toestellen, instellingen en apps.", 12, False),
    ("sim-activation", "SIM & activation", "New SIMs, eSIM, porting your number.",
     "Simkaart & activeren", "Nieuwe simkaarten, eSIM, je nummer meenemen.", 6, False),
    ("lost-stolen", "Lost or stolen phone", "Block your SIM and protect your account.",
     "Telefoon kwijt of gestolen", "Blokkeer je simkaart en bescherm je account.", 0, True),
    ("ideas", "Ideas", "Tell us what to build next.",
     "Ideeën", "Vertel ons wat we hierna moeten bouwen.", 72, False),
)  # fmt: skip


async def ensure_default_boards() -> int:
    """Create the default boards if there are none; returns how many were created."""
    async with in_transaction():
        if await Board.exists():
            return 0
        await Board.bulk_create(
            [
                Board(
                    slug=slug,
                    name=name,
                    description=desc,
                    name_nl=name_nl,
                    description_nl=desc_nl,
                    sla_hours=sla,
                    urgent=urgent,
                    position=i,
                )
                for i, (slug, name, desc, name_nl, desc_nl, sla, urgent) in enumerate(
                    DEFAULT_BOARDS
                )
            ]
        )
    return len(DEFAULT_BOARDS)


SLA_HOURS = (0, 720)  # 0: due at once; at most 30 days
POSITIONS = (0, 1000)
SETTABLE = (
    "name", "description", "name_nl", "description_nl", "sla_hours", "urgent", "position",
)  # fmt: skip


def _board_changes(errors: v.Errors, fields: dict[str, Any]) -> dict[str, Any]:
    """The validated values of the settable fields given."""
    if unknown := set(fields) - set(SETTABLE):
        raise TypeError(f"not a board setting: {sorted(unknown)}")
    changes: dict[str, Any] = {}
    if "name" in fields:
        changes["name"] = v.text(
            errors, "name", fields["name"], min_len=2, max_len=100, label=_("Name")
        )
    if "description" in fields:
        changes["description"] = v.text(
            errors, "description", fields["description"], min_len=0, max_len=500,
            label=_("Description"),
        )  # fmt: skip
    if "name_nl" in fields:
        changes["name_nl"] = v.text(
            errors, "name_nl", fields["name_nl"], min_len=0, max_len=100, label=_("Dutch name")
        )
    if "description_nl" in fields:
        changes["description_nl"] = v.text(
            errors, "description_nl", fields["description_nl"], min_len=0, max_len=500,
            label=_("Dutch description"),
        )  # fmt: skip
    if "sla_hours" in fields:
        low, high = SLA_HOURS
        changes["sla_hours"] = v.integer(
            errors, "sla_hours", fields["sla_hours"], low=low, high=high,
            label=_("Answer within (hours)"),
        )  # fmt: skip
    if "urgent" in fields:
        if isinstance(fields["urgent"], bool):
            changes["urgent"] = fields["urgent"]
        else:
            errors.add("urgent", _("Urgent must be true or false."))
    if "position" in fields:
        changes["position"] = v.integer(
            errors,
            "position",
            fields["position"],
            low=POSITIONS[0],
            high=POSITIONS[1],
            label=_("Position"),
        )
    return changes


async def check_create_board(
    *, acting_user: User, slug: Any, now: datetime | None = None, **fields: Any
) -> Board:
    """A new board from `slug` and the SETTABLE fields (a name at least), last in the list
    unless a position is given. Its slug is its address and never changes; Conflict when it is
    taken."""
    require_boards(acting_user)
    errors = v.Errors()
    if not isinstance(slug, str) or not v.SLUG_RE.fullmatch(slug):
        errors.add(
            "slug", _("Slug (the board's address) must be 1–50 lower-case letters, digits or '-'.")
        )
    defaults = {"name": None, "description": "", "sla_hours": 12, "urgent": False}
    changes = _board_changes(errors, defaults | fields)
    errors.raise_if_any()
    try:
        async with in_transaction():
            if "position" not in changes:
                last = await Board.all().order_by("-position").first()
                changes["position"] = last.position + 1 if last else 0
            board = await Board.create(slug=slug, **changes)
            await _audit(acting_user, "create_board", board, changes, now)
    except IntegrityError as exc:
        raise Conflict(_("There is a board %(slug)s already.") % {"slug": slug}) from exc
    return board


async def check_update_board(
    board: Board, *, acting_user: User, now: datetime | None = None, **fields: Any
) -> Board:
    """Only the SETTABLE fields given change. A new SLA or urgent flag applies to questions
    asked from then on: the ones asked before keep the timer they got."""
    require_boards(acting_user)
    errors = v.Errors()
    changes = _board_changes(errors, fields)
    errors.raise_if_any()
    if changes:
        async with in_transaction():
            await Board.filter(id=board.id).update(**changes)
            await _audit(acting_user, "update_board", board, changes, now)
        await board.refresh_from_db()
    return board


async def _audit(
    actor: User, action: str, board: Board, changes: dict[str, Any], now: datetime | None
) -> None:
    detail = f"{board.slug}: " + ", ".join(f"{k}={v!r}" for k, v in sorted(changes.items()))
    await AuditEntry.create(actor=actor, action=action, detail=detail, created_at=resolve(now))
