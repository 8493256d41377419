"""`in_one_call`: several SQLite statements in one hop, all or nothing."""

from __future__ import annotations

import sqlite3

import pytest
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from forum.db import in_one_call
from forum.models import Board, User
from tests.conftest import IS_POSTGRES

pytestmark = pytest.mark.skipif(
    IS_POSTGRES, reason="SQLite only: PostgreSQL runs its hot writes as one statement"
)


def _rename_board(connection: sqlite3.Connection, board_id: int) -> int:
    return connection.execute(
        "UPDATE boards SET name = 'Renamed' WHERE id = ?", [board_id]
    ).rowcount


async def test_commits_all_statements(asker: User) -> None:
    board = await Board.first()
    assert board is not None
    assert await in_one_call(lambda c: _rename_board(c, board.id)) == 1
    assert (await Board.get(id=board.id)).name == "Renamed"


async def test_an_error_rolls_back_what_ran_before_it(asker: User, helper: User) -> None:
    board = await Board.first()
    assert board is not None

    def rename_then_duplicate(connection: sqlite3.Connection) -> None:
        _rename_board(connection, board.id)
        connection.execute("UPDATE users SET username_key = 'taken'")  # two rows: UNIQUE fails

    with pytest.raises(IntegrityError):
        await in_one_call(rename_then_duplicate)
    assert (await Board.get(id=board.id)).name == board.name
    # The connection is usable and outside any transaction afterwards.
    assert await in_one_call(lambda c: _rename_board(c, board.id)) == 1


async def test_inside_an_open_transaction_it_joins_it(asker: User) -> None:
    board = await Board.first()
    assert board is not None
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await in_one_call(lambda c: _rename_board(c, board.id))
            raise RuntimeError("roll the outer transaction back")
    assert (await Board.get(id=board.id)).name == board.name


async def test_a_failed_commit_rolls_back_and_leaves_the_connection_usable(asker: User) -> None:
    board = await Board.first()
    assert board is not None

    def rename_then_break_a_deferred_key(connection: sqlite3.Connection) -> None:
        _rename_board(connection, board.id)
        connection.execute("PRAGMA defer_foreign_keys = ON")  # checked at COMMIT
        connection.execute(
            "INSERT INTO kudos (answer_id, giver_id, created_at) VALUES (999999, ?, '2026-01-01')",
            [asker.id],
        )

    with pytest.raises(IntegrityError):
        await in_one_call(rename_then_break_a_deferred_key)
    assert (await Board.get(id=board.id)).name == board.name
    assert await in_one_call(lambda c: _rename_board(c, board.id)) == 1
