"""Peerdesk's command line: serve the site and run the operator tasks. No business logic here."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from forum.actions.accounts import check_register
from forum.actions.boards import ensure_default_boards
from forum.auth import Auth
from forum.backup import BackupError, backup, restore
from forum.db import connected
from forum.errors import ForumError
from forum.jobs import (
    award_badges,
    deliver_webhooks,
    remind_to_accept,
    send_mail,
    sweep_escalations,
)
from forum.metrics import MULTIPROCESS_DIR
from forum.models import Role, User
from forum.schema import prepare_database
from forum.seed import DEMO_PASSWORD, seed_bulk, seed_demo
from forum.settings import SettingError, Settings, load_settings, settings_table, tortoise_config
from rewards.actions.payouts import check_close_period
from rewards.payout_queries import get_summary, money
from rewards.queries import Reconciliation, reconcile


async def _prepare(settings: Settings, *, demo: bool) -> None:
    """Migrate, create the default boards, and on an empty database seed the demo."""

    async def seed_if_empty() -> None:
        if demo and not await User.exists():
            print("Creating the demo community (first start)...", flush=True)
            logins = await seed_demo(Auth(settings))
            print(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
            for username, role in logins:
                print(f"  {role:<8} {username}")
            print()

    config = tortoise_config(settings.database_url)
    async with connected(config, migrate=False):
        await prepare_database(config, and_then=seed_if_empty)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = load_settings()
    asyncio.run(_prepare(settings, demo=settings.demo))
    if settings.is_sqlite and args.workers > 1:
        print("SQLite serves from one process: use DATABASE_URL=postgres://... for --workers > 1.")
        return 2
    print(f"Peerdesk on http://{args.host}:{args.port}", flush=True)
    if args.workers > 1:  # each worker counts into files here; /metrics adds them up
        os.environ[MULTIPROCESS_DIR] = tempfile.mkdtemp(prefix="peerdesk-metrics-")
    uvicorn.run(
        "forum.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info" if args.access_log else "warning",
        access_log=args.access_log,
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=",".join(settings.trusted_proxies) or None,
    )
    if args.workers > 1:
        shutil.rmtree(os.environ.pop(MULTIPROCESS_DIR), ignore_errors=True)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    async def run() -> None:
        config = tortoise_config(load_settings().database_url)
        async with connected(config, migrate=False):
            await prepare_database(config)

    asyncio.run(run())
    print("Migrations applied.")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.bulk:

        async def bulk() -> None:
            async with connected(tortoise_config(settings.database_url)):
                await ensure_default_boards()
                await seed_bulk(
                    Auth(settings),
                    members=args.members,
                    questions=args.questions,
                    answers=args.answers,
                )

        asyncio.run(bulk())
        return 0

    async def demo() -> bool:
        async with connected(tortoise_config(settings.database_url)):
            await ensure_default_boards()
            if await User.exists():
                return False
        await _prepare(settings, demo=True)
        return True

    if not asyncio.run(demo()):
        print("The database already has users: the demo only fills an empty database.")
        return 1
    return 0


def cmd_createuser(args: argparse.Namespace) -> int:
    if args.password_file:
        password = Path(args.password_file).read_text(encoding="utf-8").rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Again: "):
            print("The passwords differ.")
            return 1
    settings = load_settings()

    async def task() -> str:
        await ensure_default_boards()
        user = await check_register(
            Auth(settings),
            username=args.name,
            email=args.email or f"{args.name}@localhost.localdomain",
            password=password,
            role=Role(args.role),
            confirmed=True,  # the operator vouches for the address
        )
        return f"Created {user.role.value} {user.username} (id {user.id})."

    return _run_task(task)


def _run_task(task: Callable[[], Awaitable[str]]) -> int:
    """Run a command's task on the (migrated) database and print what it says, or the domain
    error that stopped it."""

    async def run() -> str:
        async with connected(tortoise_config(load_settings().database_url)):
            return await task()

    try:
        print(asyncio.run(run()))
    except ForumError as exc:
        print(f"Error: {exc.message}")
        return 1
    return 0


def cmd_check_ledger(args: argparse.Namespace) -> int:
    async def run() -> Reconciliation:
        async with connected(tortoise_config(load_settings().database_url)):
            return await reconcile()

    result = asyncio.run(run())
    for problem in result.problems:
        print(f"PROBLEM: {problem}")
    verdict = "ok" if result.ok else f"{len(result.problems)} problem(s)"
    print(f"Ledger: {result.accounts} accounts, {result.transfers} transfers: {verdict}.")
    return 0 if result.ok else 1


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO moment: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def cmd_close_period(args: argparse.Namespace) -> int:
    async def task() -> str:
        closed = await check_close_period(args.period, now=args.now)
        batch = closed.batch
        summary = await get_summary(batch)
        verb = "Closed" if closed.created else "Already closed:"
        if closed.resumed:
            verb = (
                f"Resumed the unfinished close of {batch.period}: {closed.lines_written} more "
                "line(s) written while it ran, and finished it. Closed"
            )
        return (
            f"{verb} {batch.period}: batch {batch.id}, {summary.line_count} line(s), "
            f"{summary.held_count} held, {summary.total_points} points, "
            f"{money(summary.total_cents)} {batch.currency}."
        )

    return _run_task(task)


def cmd_sweep_escalations(args: argparse.Namespace) -> int:
    async def task() -> str:
        sweep = await sweep_escalations(args.now)
        return (
            f"Swept: {sweep.timers} question(s) due, {sweep.opened} escalated, "
            f"{sweep.breached} new breach(es)."
        )

    return _run_task(task)


def cmd_deliver_webhooks(args: argparse.Namespace) -> int:
    async def task() -> str:
        sent = await deliver_webhooks(args.now)
        return (
            f"Webhooks: {sent.delivered} delivered, {sent.retrying} to retry, "
            f"{sent.failed} failed for good."
        )

    return _run_task(task)


def cmd_send_mail(args: argparse.Namespace) -> int:
    async def task() -> str:
        mailing = await send_mail(args.now)
        return (
            f"Mail: {mailing.notifications} notification(s) looked at, {mailing.sent} sent, "
            f"{mailing.retrying} to retry, {mailing.failed} failed for good."
        )

    return _run_task(task)


def cmd_remind_accept(args: argparse.Namespace) -> int:
    async def task() -> str:
        return f"Reminded {await remind_to_accept(args.now)} asker(s) to accept an answer."

    return _run_task(task)


def cmd_award_badges(args: argparse.Namespace) -> int:
    async def task() -> str:
        return f"Awarded {await award_badges(args.now)} badge(s)."

    return _run_task(task)


def cmd_backup(args: argparse.Namespace) -> int:
    try:
        backup(load_settings().database_url, Path(args.file))
    except BackupError as exc:
        print(f"No backup: {exc}", file=sys.stderr)
        return 1
    print(f"Backed up to {args.file}.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        restore(settings.database_url, Path(args.file), force=args.force)
    except BackupError as exc:
        print(f"Not restored: {exc}", file=sys.stderr)
        return 1
    cmd_migrate(args)  # a backup of an earlier release comes up to date
    print(f"Restored from {args.file}.")
    return 0


def cmd_check_settings(args: argparse.Namespace) -> int:
    """Exit 2 with the message start-up would give on a bad variable; else the table."""
    load_settings()
    print(settings_table(), end="")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="run.py", description="Peerdesk community support forum.")
    sub = p.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="migrate, seed if empty, serve (the default)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--access-log", action="store_true", help="log every request")
    serve.set_defaults(func=cmd_serve)
    sub.add_parser("migrate", help="apply migrations").set_defaults(func=cmd_migrate)
    seed = sub.add_parser("seed", help="add the demo community to an empty database")
    seed.add_argument("--bulk", action="store_true", help="bulk rows for load tests instead")
    seed.add_argument("--members", type=int, default=2000)
    seed.add_argument("--questions", type=int, default=20000)
    seed.add_argument("--answers", type=int, default=60000)
    seed.set_defaults(func=cmd_seed)
    cu = sub.add_parser("createuser", help="make a user")
    cu.add_argument("name")
    cu.add_argument("--role", choices=[r.value for r in Role], default="member")
    cu.add_argument("--email", help="default: NAME@localhost.localdomain")
    cu.add_argument("--password-file")
    cu.set_defaults(func=cmd_createuser)
    sub.add_parser(
        "check-ledger", help="reconcile the points ledger; exit 1 on a problem"
    ).set_defaults(func=cmd_check_ledger)
    close = sub.add_parser("close-period", help="the payout close, as the scheduler runs it")
    close.add_argument("period", help="e.g. 2026-11, or 2026-H2 with semiannual periods")
    close.add_argument("--now", type=_moment, help="run as of this ISO moment (UTC if no offset)")
    close.set_defaults(func=cmd_close_period)
    sweep = sub.add_parser(
        "sweep-escalations", help="the escalation sweep, as the scheduler runs it"
    )
    sweep.add_argument("--now", type=_moment, help="run as of this ISO moment (UTC if no offset)")
    sweep.set_defaults(func=cmd_sweep_escalations)
    hooks = sub.add_parser(
        "deliver-webhooks", help="send the due webhook deliveries, as the scheduler does"
    )
    hooks.add_argument("--now", type=_moment, help="run as of this ISO moment (UTC if no offset)")
    hooks.set_defaults(func=cmd_deliver_webhooks)
    mail = sub.add_parser(
        "send-mail", help="mail new notifications and send due mail, as the scheduler does"
    )
    mail.add_argument("--now", type=_moment, help="run as of this ISO moment (UTC if no offset)")
    mail.set_defaults(func=cmd_send_mail)
    remind = sub.add_parser(
        "remind-accept", help="remind askers to accept an answer, as the scheduler does hourly"
    )
    remind.add_argument("--now", type=_moment, help="run as of this ISO moment (UTC if no offset)")
    remind.set_defaults(func=cmd_remind_accept)
    badges = sub.add_parser(
        "award-badges", help="award the badges members reached, as the scheduler does"
    )
    badges.add_argument("--now", type=_moment, help="run as of this ISO moment (UTC if no offset)")
    badges.set_defaults(func=cmd_award_badges)
    saved = sub.add_parser("backup", help="a consistent copy of the database, also while serving")
    saved.add_argument("file")
    saved.set_defaults(func=cmd_backup)
    back = sub.add_parser("restore", help="restore a backup into an empty database, then migrate")
    back.add_argument("file")
    back.add_argument("--force", action="store_true", help="replace a database that is not empty")
    back.set_defaults(func=cmd_restore)
    sub.add_parser(
        "check-settings", help="read the settings as start-up does; print the README's table"
    ).set_defaults(func=cmd_check_settings)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command is None:
        args = parser().parse_args(["serve", *(argv or [])])
    try:
        result: int = args.func(args)
    except SettingError as exc:
        print(f"Peerdesk cannot start: {exc}", file=sys.stderr)
        return 2
    return result


if __name__ == "__main__":
    sys.exit(main())
