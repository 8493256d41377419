"""A database made by an earlier release takes the new migrations with its rows in place."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from forum.settings import ROOT

# Migrates a new SQLite file to the release before Dutch board names, adds a board as that
# release would, then migrates to the newest and prints the board's Dutch name.
_SCRIPT = """
import asyncio, sys
from tortoise import Tortoise
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget
from forum.settings import tortoise_config

async def main(path):
    config = tortoise_config(f"sqlite://{path}")
    await Tortoise.init(config=config)
    connection = Tortoise.get_connection("default")
    executor = MigrationExecutor(connection, config["apps"])
    await executor.migrate([MigrationTarget("forum", "0012_email_confirmed"),
                            MigrationTarget("rewards", "0007_period_snapshots")])
    await connection.execute_script(
        "INSERT INTO boards (slug, name, description, sla_hours, urgent, position, question_count)"
        " VALUES ('ideas', 'Ideas', 'Tell us.', 72, 0, 0, 0),"
        " ('own', 'Our own', 'An admin''s board.', 12, 0, 1, 0)")
    await MigrationExecutor(connection, config["apps"]).migrate()
    rows = await connection.execute_query_dict(
        "SELECT slug, name_nl, description_nl FROM boards ORDER BY position")
    print([(r["slug"], r["name_nl"], r["description_nl"]) for r in rows])
    await Tortoise.close_connections()

asyncio.run(main(sys.argv[1]))
"""


def test_boards_of_an_earlier_release_get_their_dutch_names(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(tmp_path / "old.sqlite3")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "[('ideas', 'Ideeën', 'Vertel ons wat we hierna moeten bouwen.'), ('own', '', '')]"
    )
