# ruff: noqa: E501 - the script below is a program of its own, its SQL kept on whole lines
"""A database made by an earlier release takes the new migrations with its rows in place."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from forum.settings import ROOT

# Migrates a new SQLite file to the release before Dutch board names, adds a board as that
# release would, then migrates to the newest and prints the board's Dutch name.
_SCRIPT = r"""
import asyncio, sys
from tortoise import Tortoise
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget
from forum.settings import tortoise_config

async def main(path):
    config = tortoise_config(f"sqlite://{path}")
    await Tortoise.init(config=config)
    try:
        connection = Tortoise.get_connection("default")
        executor = MigrationExecutor(connection, config["apps"])
        await executor.migrate([MigrationTarget("forum", "0012_email_confirmed"),
                                MigrationTarget("rewards", "0007_period_snapshots")])
        await connection.execute_script(
            "INSERT INTO users (id, username, username_key, email, password_hash, display_name, role,"
            " locale, payout_method, payout_address, session_version, suspended_reason,"
            " signup_address, email_notifications, created_at)"
            " VALUES (1, 'ann', 'ann', '', '', '', 'member', 'en', 'credit', '', 1, '', '', 1,"
            " '2026-11-01 00:00:00+00:00')")
        await connection.execute_script(
            "INSERT INTO boards (slug, name, description, sla_hours, urgent, position, question_count)"
            " VALUES ('ideas', 'Ideas', 'Tell us.', 72, 0, 0, 0),"
            " ('own', 'Our own', 'An admin''s board.', 12, 0, 1, 0)")
        await connection.execute_script(
            "INSERT INTO questions (id, board_id, author_id, title, body, body_html, tags, language,"
            " state, answer_count, other_answer_count, created_at, updated_at, last_activity_at)"
            " SELECT 1, id, 1, 'Old question', 'Body', '<p>Body</p>', '[\"esim\",\"puk\"]', 'en',"
            " 'unanswered', 0, 0, '2026-11-01 00:00:00+00:00', '2026-11-01 00:00:00+00:00',"
            " '2026-11-01 00:00:00+00:00' FROM boards WHERE slug = 'ideas'")
        await MigrationExecutor(connection, config["apps"]).migrate()
        rows = await connection.execute_query_dict(
            "SELECT slug, name_nl, description_nl FROM boards ORDER BY position")
        print([(r["slug"], r["name_nl"], r["description_nl"]) for r in rows])
        tags = await connection.execute_query_dict("SELECT question_id, tag FROM question_tags ORDER BY tag")
        print([(r["question_id"], r["tag"]) for r in tags])
        follows = await connection.execute_query_dict(
            "SELECT question_id, user_id, following, created_at FROM question_follows")
        print([(r["question_id"], r["user_id"], r["following"], r["created_at"]) for r in follows])
    finally:  # an error must end the process, not leave it waiting on the connection
        await Tortoise.close_connections()

asyncio.run(main(sys.argv[1]))
"""


def test_boards_and_questions_of_an_earlier_release_get_dutch_names_tag_rows_and_followers(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(tmp_path / "old.sqlite3")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    boards, tags, follows = done.stdout.strip().splitlines()
    assert boards == (
        "[('ideas', 'Ideeën', 'Vertel ons wat we hierna moeten bouwen.'), ('own', '', '')]"
    )
    assert tags == "[(1, 'esim'), (1, 'puk')]"  # the tag page's rows, from the JSON
    # The asker goes on hearing of answers: they follow their question since they asked it.
    assert follows == "[(1, 1, 1, '2026-11-01 00:00:00+00:00')]"
