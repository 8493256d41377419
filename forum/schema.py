"""Bringing a database up to date at start-up: its migrations, the default boards and the ledger's
system accounts, by one process at a time (forum.db.schema_lock). Two servers, workers or
`run.py migrate`s started on an empty database at once: one does it, the others wait and find it
done."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from forum.actions.boards import ensure_default_boards
from forum.db import apply_migrations, schema_lock
from rewards.actions.transfers import ensure_system_accounts


async def prepare_database(
    config: dict[str, Any], *, and_then: Callable[[], Awaitable[object]] | None = None
) -> None:
    """On the initialised connection; `and_then` (the demo seed) runs under the same lock."""
    async with schema_lock(config):
        await apply_migrations(config)
        await ensure_default_boards()
        await ensure_system_accounts()
        if and_then is not None:
            await and_then()
