"""The operator commands of API.md that no other test runs as a process."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.cli import run_cli


def test_createuser_makes_the_first_admin_without_an_email(tmp_path: Path) -> None:
    db = tmp_path / "users.sqlite3"
    password = tmp_path / "password"
    password.write_text("a long enough passphrase\n", encoding="utf-8")
    made = run_cli("createuser", "boss", "--role", "admin", "--password-file", str(password), db=db)
    assert made.returncode == 0, made.stdout + made.stderr
    assert "Created admin boss" in made.stdout
    again = run_cli(
        "createuser", "Boss", "--role", "member", "--password-file", str(password), db=db
    )
    assert again.returncode == 1
    assert again.stdout.startswith("Error:")
    with sqlite3.connect(db) as conn:
        # The operator vouches for the address: no confirmation link is needed.
        rows = conn.execute("SELECT username, role, email_confirmed_at IS NOT NULL FROM users")
        assert rows.fetchall() == [("boss", "admin", 1)]
        assert conn.execute("SELECT count(*) FROM mails").fetchone() == (0,)


def test_the_job_commands_report_what_they_did(tmp_path: Path) -> None:
    db = tmp_path / "jobs.sqlite3"
    assert run_cli("migrate", db=db).returncode == 0
    for command, says in [
        ("sweep-escalations", "Swept: 0 question(s) due"),
        ("deliver-webhooks", "Webhooks: 0 delivered"),
        ("send-mail", "Mail: 0 notification(s) looked at"),
        ("remind-accept", "Reminded 0 asker(s)"),
    ]:
        done = run_cli(command, db=db)
        assert done.returncode == 0, done.stdout + done.stderr
        assert says in done.stdout
