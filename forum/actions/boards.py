"""Boards: the default set of PRODUCT.md §1, created on the first start of an empty database."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from forum.models import Board

DEFAULT_BOARDS: tuple[tuple[str, str, str, int, bool], ...] = (
    ("account-billing", "Account & billing", "Plans, bills, top-ups and your account.", 12, False),
    ("network-coverage", "Network & coverage", "Signal, data, calls and roaming.", 12, False),
    ("phones-devices", "Phones & devices", "Handsets, settings and apps.", 12, False),
    ("sim-activation", "SIM & activation", "New SIMs, eSIM, porting your number.", 6, False),
    ("lost-stolen", "Lost or stolen phone", "Block your SIM and protect your account.", 0, True),
    ("ideas", "Ideas", "Tell us what to build next.", 72, False),
)


async def ensure_default_boards() -> int:
    """Create the default boards if there are none; returns how many were created."""
    async with in_transaction():
        if await Board.exists():
            return 0
        await Board.bulk_create(
            [
                Board(
                    slug=slug, name=name, description=desc, sla_hours=sla, urgent=urgent, position=i
                )
                for i, (slug, name, desc, sla, urgent) in enumerate(DEFAULT_BOARDS)
            ]
        )
    return len(DEFAULT_BOARDS)
