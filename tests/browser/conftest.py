"""The browser suite: Debian's chromium driven by Playwright against a real `run.py serve` with
the demo community on a SQLite file. Run on its own, after the main suite:

    PEERDESK_BROWSER_TESTS=1 python -m pytest tests/browser

(the sync Playwright API leaves an event loop running that async tests after it would trip
over, so no async test shares its run). Every page a journey
visits is checked by `tests.browser.pages.visit`: a screenshot in var/screenshots/, no serious or
critical axe-core violation, no JavaScript error, nothing wider than a phone's viewport.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("PEERDESK_CHROMIUM", "/usr/bin/chromium")
SHOTS = ROOT / "var" / "screenshots"
# Each journey runs in both languages at a desktop's and a phone's width.
LOOKS = [("en", 1280), ("en", 390), ("nl", 1280), ("nl", 390)]


PASSWORD = "a browser's password"


@dataclass(frozen=True)
class Server:
    url: str
    database: Path
    env: dict[str, str]
    folder: Path

    def query(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        """Read (or, rarely, set up) rows beside the server: SQLite takes both at once."""
        with sqlite3.connect(self.database, timeout=30) as connection:
            return connection.execute(sql, params).fetchall()

    def make_user(self, name: str, role: str = "member") -> str:
        """An account made as an operator makes one (`run.py createuser`), password PASSWORD."""
        secret = self.folder / "password"
        secret.write_text(PASSWORD, encoding="utf-8")
        subprocess.run(
            [sys.executable, "run.py", "createuser", name, "--role", role,
             "--password-file", str(secret)],
            cwd=ROOT, env=self.env, check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        return name


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(folder: Path, **settings: str) -> Iterator[Server]:
    """`run.py serve` with the demo community on a new SQLite file in `folder`."""
    database = folder / "peerdesk.sqlite3"
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "PEERDESK_SECRET_KEY": "browser-suite",
        "PEERDESK_DEMO": "1",
        # No scheduler: mails stay in the outbox with their links, for the journeys to follow.
        "PEERDESK_SCHEDULER": "0",
        "PEERDESK_RATE_LIMITS": "0",
        "PEERDESK_PASSWORD_HASH": "cheap",
        **settings,
    }
    log = (folder / "serve.log").open("w")
    child = subprocess.Popen(
        [sys.executable, "run.py", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if child.poll() is not None:
                raise RuntimeError(f"run.py serve exited: {(folder / 'serve.log').read_text()}")
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("run.py serve did not answer within 180 s")
            time.sleep(0.5)
        yield Server(url=url, database=database, env=env, folder=folder)
    finally:
        child.terminate()
        child.wait(timeout=30)
        log.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One demo for the journeys that only add to it."""
    with serving(tmp_path_factory.mktemp("browser")) as running:
        yield running


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    )
    yield launched
    launched.close()
