"""Backups that restore: `run.py backup FILE` and `run.py restore FILE [--force]`.

A backup is a consistent copy taken while the site runs and writes: SQLite's online backup API
(one read transaction over every page, so a commit is in it whole or not at all), or `pg_dump`
in its custom format (one snapshot) on PostgreSQL. It is written beside FILE and renamed into
place, so FILE is never half a backup.

A restore refuses a database that holds tables already, unless forced: then the database's
contents are replaced. The caller applies the migrations afterwards, so a backup of an earlier
release comes up to date.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from forum.settings import sqlite_path, tortoise_config


class BackupError(Exception):
    """What went wrong, for the operator: the command prints it and exits 1."""


def backup(database_url: str, target: Path) -> None:
    partial = target.with_name(f".{target.name}.partial")
    path = _sqlite_file(database_url)
    if path is not None:
        if not Path(path).is_file():
            raise BackupError(f"There is no database at {path}.")
        source = sqlite3.connect(path, timeout=30)
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)  # every page in one step: one consistent read
        finally:
            copy.close()
            source.close()
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={partial}",
              _libpq(database_url)])  # fmt: skip
    os.replace(partial, target)


def restore(database_url: str, source: Path, *, force: bool) -> None:
    if not source.is_file():
        raise BackupError(f"There is no backup at {source}.")
    path = _sqlite_file(database_url)
    if path is not None:
        _restore_sqlite(path, source, force=force)
    else:
        asyncio.run(_empty_postgres(_libpq(database_url), force=force))
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
              f"--dbname={_libpq(database_url)}", str(source)])  # fmt: skip


def _restore_sqlite(path: str, source: Path, *, force: bool) -> None:
    try:
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        backup_db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        raise BackupError(f"{source} is not a SQLite backup.") from None
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    target = sqlite3.connect(path, timeout=30)
    try:
        (tables,) = target.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        ).fetchone()
        if tables and not force:
            raise BackupError(_NOT_EMPTY)
        backup_db.backup(target)  # replaces every page of the database
    finally:
        target.close()
        backup_db.close()


_SQLITE_TABLES = "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
_NOT_EMPTY = "The database is not empty: restore into a new one, or add --force to replace it."


async def _empty_postgres(url: str, *, force: bool) -> None:
    connection = await asyncpg.connect(url)
    try:
        tables = await connection.fetchval(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        )
        if tables and not force:
            raise BackupError(_NOT_EMPTY)
        if tables:
            await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await connection.close()


def _sqlite_file(database_url: str) -> str | None:
    if not database_url.startswith("sqlite"):
        return None
    path = sqlite_path(tortoise_config(database_url))
    if path is None:
        raise BackupError("An in-memory database cannot be backed up or restored.")
    return path


def _libpq(database_url: str) -> str:
    """The Tortoise URL as pg_dump and asyncpg read it: postgresql://, without Tortoise's
    own query parameters (the pool's size)."""
    parts = urlsplit(database_url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed: it comes with PostgreSQL's client.")
    # Our own command line: the tool and the database's address from the settings.
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")
