from pathlib import Path

import pytest
from httpx import AsyncClient
from tortoise import Tortoise

from forum.db import connected
from forum.settings import tortoise_config
from tests.conftest import IS_POSTGRES


async def test_healthz_answers_when_database_is_up(client: AsyncClient) -> None:
    r = await client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"ok": True}


async def test_api_boards_lists_default_boards(client: AsyncClient) -> None:
    r = await client.get("/api/v1/boards")
    assert r.status_code == 200
    slugs = [b["slug"] for b in r.json()["items"]]
    assert slugs == [
        "account-billing",
        "network-coverage",
        "phones-devices",
        "sim-activation",
        "lost-stolen",
        "ideas",
    ]


@pytest.mark.skipif(IS_POSTGRES, reason="one database backend per test process (conftest)")
async def test_sqlite_file_opens_in_wal_with_normal_sync_and_a_kept_wal(tmp_path: Path) -> None:
    config = tortoise_config(f"sqlite://{tmp_path}/peerdesk.sqlite3")
    async with connected(config, migrate=False):
        conn = Tortoise.get_connection("default")
        pragmas = {}
        for name in ("journal_mode", "synchronous", "journal_size_limit"):
            _, rows = await conn.execute_query(f"PRAGMA {name}")
            pragmas[name] = rows[0][0]
    # synchronous=1 is NORMAL; 8 MB holds the WAL between checkpoints (about 4 MB).
    assert pragmas == {"journal_mode": "wal", "synchronous": 1, "journal_size_limit": 8388608}
