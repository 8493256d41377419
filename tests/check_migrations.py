"""Fails when the models have changes that no committed migration describes."""

from __future__ import annotations

import asyncio
import sys
import tempfile

from tortoise import Tortoise
from tortoise.migrations.autodetector import MigrationAutodetector

from forum.settings import tortoise_config


async def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        config = tortoise_config(f"sqlite://{tmp}/check.sqlite3")
        await Tortoise.init(config=config)
        try:
            detector = MigrationAutodetector(Tortoise.apps, config["apps"])
            writers = await detector.changes()
        finally:
            await Tortoise.close_connections()
    if writers:
        names = ", ".join(f"{w.app_label}.{w.name}" for w in writers)
        print(f"Model changes without a migration: {names}. Run `tortoise makemigrations`.")
        return 1
    print("Migrations match the models.")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
