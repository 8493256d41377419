"""`python run.py ...` as an operator runs it: a real process on a SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "PEERDESK_SECRET_KEY": "x",
        "PEERDESK_PASSWORD_HASH": "cheap",
        "PEERDESK_DEMO": "1",
    }
    return subprocess.run(
        [sys.executable, "run.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
