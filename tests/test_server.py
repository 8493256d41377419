"""The real server: `python run.py serve` migrates, seeds the demo and answers HTTP requests.

Backend-independent: the server always gets its own temporary SQLite file, whatever TEST_DB_URL.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_SECONDS = 60.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _output(log_path: Path) -> str:
    try:
        return log_path.read_text(encoding="utf-8", errors="replace")[-8000:]
    except OSError as exc:
        return f"(no server output: {exc})"


def _wait_until_healthy(http: httpx.Client, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    last_error = "no attempt yet"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(
                f"server exited with status {proc.returncode} before it was healthy\n"
                f"--- server output ---\n{_output(log_path)}"
            )
        try:
            r = http.get("/healthz", timeout=2.0)
            if r.status_code == 200 and r.json() == {"ok": True}:
                return
            last_error = f"{r.status_code} {r.text[:200]}"
        except httpx.HTTPError as exc:
            last_error = repr(exc)
        time.sleep(0.25)
    raise AssertionError(
        f"/healthz not 200 after {STARTUP_TIMEOUT_SECONDS:.0f}s (last: {last_error})\n"
        f"--- server output ---\n{_output(log_path)}"
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=15)


def test_run_py_serve_boots_seeds_the_demo_and_serves_pages_and_api(tmp_path: Path) -> None:
    port = _free_port()
    log_path = tmp_path / "server.log"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'srv.sqlite3'}",
        "PEERDESK_DEMO": "1",
        "PEERDESK_PASSWORD_HASH": "cheap",
        "PEERDESK_SECRET_KEY": "x",
        "PEERDESK_SCHEDULER": "0",
        "PYTHONUNBUFFERED": "1",
    }
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "run.py"), "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=15.0) as http:
            _wait_until_healthy(http, proc, log_path)

            home = http.get("/")
            assert home.status_code == 200, (home.status_code, home.text[:500], _output(log_path))
            assert home.headers["content-type"].startswith("text/html")
            assert "Account &amp; billing" in home.text

            listing = http.get("/api/v1/questions")
            assert listing.status_code == 200, (listing.status_code, listing.text[:500])
            items = listing.json()["items"]
            assert items, "the demo seed should have created questions"

            first_id = items[0]["id"]
            page = http.get(f"/questions/{first_id}")
            assert page.status_code == 200, (page.status_code, page.text[:500], _output(log_path))
            assert page.headers["content-type"].startswith("text/html")

            detail = http.get(f"/api/v1/questions/{first_id}")
            assert detail.status_code == 200, (detail.status_code, detail.text[:500])
            assert detail.json()["title"] == items[0]["title"]
    finally:
        _stop(proc)
    assert "Traceback" not in _output(log_path), _output(log_path)
