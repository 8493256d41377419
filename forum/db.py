"""Schema: Tortoise's built-in migrations, applied at start-up and by `run.py migrate`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from tortoise import Tortoise
from tortoise.migrations.executor import MigrationExecutor

from forum.settings import ensure_database_dir


async def apply_migrations(config: dict[str, Any]) -> None:
    """Apply every unapplied migration on the already-initialised default connection."""
    executor = MigrationExecutor(Tortoise.get_connection("default"), config["apps"])
    await executor.migrate()


@asynccontextmanager
async def connected(config: dict[str, Any], *, migrate: bool = True) -> AsyncIterator[None]:
    """Tortoise for a command-line task: init, optionally migrate, and always close."""
    ensure_database_dir(config)
    await Tortoise.init(config=config)
    try:
        if migrate:
            await apply_migrations(config)
        yield
    finally:
        await Tortoise.close_connections()
