"""Backups that restore: `run.py backup FILE` and `run.py restore FILE [--force]`.

A backup is a consistent copy taken while the site runs and writes: SQLite's online backup API
(one read transaction over every page, so a commit is in it whole or not at all), or `pg_dump`
in its custom format (one snapshot) on PostgreSQL. It is written beside FILE and renamed into
place, so FILE is never half a backup.

A restore refuses a database that holds tables already, unless forced: then the database's
contents are replaced, all or nothing (SQLite's backup API writes every page in one transaction;
on PostgreSQL one psql transaction empties the schema and loads the backup). The caller applies
the migrations afterwards, so a backup of an earlier release comes up to date. The database's
password goes to the PostgreSQL tools in their environment, never on their command line.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

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
        url, env = _libpq(database_url)
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={partial}", url], env)
    os.replace(partial, target)


def restore(database_url: str, source: Path, *, force: bool) -> None:
    if not source.is_file():
        raise BackupError(f"There is no backup at {source}.")
    path = _sqlite_file(database_url)
    if path is not None:
        _restore_sqlite(path, source, force=force)
    else:
        _restore_postgres(database_url, source, force=force)


def _restore_postgres(database_url: str, source: Path, *, force: bool) -> None:
    """All or nothing: the backup as SQL, then one transaction that (when forced) empties the
    database and loads it. A restore that fails leaves the database as it was."""
    url, env = _libpq(database_url)
    tables = asyncio.run(_count_tables(url, env.get("PGPASSWORD")))
    if tables and not force:
        raise BackupError(_NOT_EMPTY)
    script = source.with_name(f".{source.name}.sql")
    try:
        _run(["pg_restore", "--no-owner", "--no-privileges", f"--file={script}", str(source)])
        command = ["psql", url, "--single-transaction", "-v", "ON_ERROR_STOP=1", "--quiet"]
        if tables:
            command += ["-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"]
        _run([*command, "-f", str(script)], env)
    finally:
        script.unlink(missing_ok=True)


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


async def _count_tables(url: str, password: str | None) -> int:
    connection = await asyncpg.connect(url, password=password)
    try:
        return int(
            await connection.fetchval("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        )
    finally:
        await connection.close()


def _sqlite_file(database_url: str) -> str | None:
    if not database_url.startswith("sqlite"):
        return None
    path = sqlite_path(tortoise_config(database_url))
    if path is None:
        raise BackupError("An in-memory database cannot be backed up or restored.")
    return path


# Tortoise's own options in a PostgreSQL URL (the pool's); any other is libpq's (sslmode, ...).
_TORTOISE_OPTIONS = {"minsize", "maxsize", "max_queries", "max_inactive_connection_lifetime"}


def _libpq(database_url: str) -> tuple[str, dict[str, str]]:
    """The Tortoise URL as pg_dump, psql and asyncpg read it, and the environment that carries
    its password (never on a command line, where `ps` shows it)."""
    parts = urlsplit(database_url)
    options = [(k, v) for k, v in parse_qsl(parts.query) if k not in _TORTOISE_OPTIONS]
    host = parts.hostname or ""
    netloc = (parts.username or "") + ("@" if parts.username else "")
    netloc += f"[{host}]" if ":" in host else host
    netloc += f":{parts.port}" if parts.port else ""
    env = {**os.environ}
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    return urlunsplit(("postgresql", netloc, parts.path, urlencode(options), "")), env


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed: it comes with PostgreSQL's client.")
    # Our own command line: the tool and the database's address from the settings.
    done = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, check=False, env=env
    )
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")
