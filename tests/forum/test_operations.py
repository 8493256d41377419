"""Operations: /metrics for Prometheus (who may read it, what it counts, added up over worker
processes), the request id and the request log, each scheduled job's record, and the admins'
operations page with its alerts."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client import REGISTRY
from starlette.applications import Starlette

from forum.clock import utcnow
from forum.jobs import sweep_escalations
from forum.metrics import MULTIPROCESS_DIR, exposition
from forum.models import DeliveryState, JobRun, Mail, User, WebhookDelivery
from forum.observe import _asctime, configure_logging
from forum.operations_queries import get_operations
from forum.scheduler import observed
from forum.settings import ROOT, configure
from rewards.jobs import check_ledger
from rewards.models import LedgerAccount
from tests.conftest import make_settings
from tests.factories import T0, browser, make_question
from tests.rewards.helpers import grant

QUESTION_ROUTE = {"route": "/questions/{id:int}", "method": "GET", "status": "200"}


@contextlib.contextmanager
def served_log(log_format: str) -> Iterator[None]:
    """The log as a served process has it: our handler alone on the root logger (pytest's own
    capture handlers set aside), then everything as it was."""
    root = logging.getLogger()
    level, handlers = root.level, root.handlers
    configure_logging(log_format)
    root.handlers = [h for h in root.handlers if getattr(h, "peerdesk", False)]
    try:
        yield
    finally:
        root.handlers, root.level = handlers, level


def counted(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def client_from(app: Starlette, address: str, **headers: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers)


async def test_metrics_are_for_allowed_addresses_and_the_token_holder(app: Starlette) -> None:
    configure(make_settings(metrics_allow=("127.0.0.1", "10.0.0.0/8"), metrics_token="s3cret"))
    async with client_from(app, "127.0.0.1") as local, client_from(app, "10.1.2.3") as inside:
        for allowed in (local, inside):
            shown = await allowed.get("/metrics")
            assert shown.status_code == 200 and shown.headers["content-type"].startswith(
                "text/plain"
            )
    async with client_from(app, "203.0.113.9") as outsider:
        refused = await outsider.get("/metrics")
        assert refused.status_code == 404 and "peerdesk_" not in refused.text
        wrong = await outsider.get("/metrics", headers={"Authorization": "Bearer guess"})
        assert wrong.status_code == 404
        right = await outsider.get("/metrics", headers={"Authorization": "Bearer s3cret"})
        assert right.status_code == 200 and "peerdesk_http_requests_total" in right.text


async def test_requests_are_counted_by_route_template_and_timed(
    app: Starlette, asker: User
) -> None:
    question = await make_question(asker)
    before = counted("peerdesk_http_requests_total", QUESTION_ROUTE)
    timed = {"route": "/questions/{id:int}", "method": "GET"}
    timed_before = counted("peerdesk_http_request_duration_seconds_count", timed)
    async with browser(app) as page:
        for _ in range(3):
            assert (await page.get(f"/questions/{question.id}")).status_code == 200
        assert (await page.get("/questions/987654")).status_code == 404
        await page.get("/no/such/address")
        text = (await page.get("/metrics")).text
    assert counted("peerdesk_http_requests_total", QUESTION_ROUTE) == before + 3
    assert counted("peerdesk_http_request_duration_seconds_count", timed) == timed_before + 4
    missing = {**QUESTION_ROUTE, "status": "404"}
    assert counted("peerdesk_http_requests_total", missing) >= 1
    assert counted("peerdesk_http_requests_total", {**missing, "route": "unmatched"}) >= 1
    api_route = {"route": "/api/v1/questions/{id:int}", "method": "GET", "status": "200"}
    api_before = counted("peerdesk_http_requests_total", api_route)
    async with browser(app) as client:
        await client.get(f"/api/v1/questions/{question.id}")
    assert counted("peerdesk_http_requests_total", api_route) == api_before + 1
    assert "/questions/987654" not in text  # a label per template, never per address


async def test_the_database_figures_are_in_metrics(
    app: Starlette, asker: User, finance: User
) -> None:
    await make_question(asker, board="lost-stolen", title="My phone was stolen on the train")
    await Mail.create(
        key="test:failed", user_id=asker.id, to_address="a@example.org", subject="S", body="",
        state=DeliveryState.FAILED, attempts=8, next_attempt_at=T0, created_at=T0,
    )  # fmt: skip
    await WebhookDelivery.create(
        event_id="e1", event="question.escalated", payload="{}", url="https://crm.example/h",
        attempts=2, next_attempt_at=T0, created_at=T0,
    )  # fmt: skip
    await grant(asker, 50, finance, T0)
    await observed("ledger-check", check_ledger)()
    async with browser(app) as client:
        text = (await client.get("/metrics")).text
    for line in (
        'peerdesk_outbox_failed{outbox="mail"} 1.0',
        'peerdesk_outbox_pending{outbox="webhooks"} 1.0',
        'peerdesk_outbox_retrying{outbox="webhooks"} 1.0',
        'peerdesk_escalations{state="open"} 1.0',
        'peerdesk_payout_batches{state="review"} 0.0',
        "peerdesk_ledger_reconciled 1.0",
        'peerdesk_job_failing{job="ledger-check"} 0.0',
    ):
        assert line in text, line


async def test_each_job_run_is_recorded_and_a_failure_is_an_alert(asker: User) -> None:
    async def broken() -> None:
        raise RuntimeError("SMTP server said no")

    runs_before = counted("peerdesk_job_runs_total", {"job": "mail-send", "outcome": "failed"})
    await observed("escalations-sweep", sweep_escalations)()
    await observed("escalations-sweep", sweep_escalations)()
    await observed("mail-send", broken)()  # logged and recorded, not raised
    sweep = await JobRun.get(job="escalations-sweep")
    assert (sweep.runs, sweep.failures, sweep.last_error) == (2, 0, "")
    mail = await JobRun.get(job="mail-send")
    assert (mail.runs, mail.failures) == (1, 1) and mail.last_succeeded_at is None
    assert mail.last_error == "RuntimeError: SMTP server said no"
    assert counted("peerdesk_job_runs_total", {"job": "mail-send", "outcome": "failed"}) == (
        runs_before + 1
    )
    alerts = (await get_operations(utcnow())).alerts
    assert [(a.code, a.job, a.detail) for a in alerts] == [
        ("job_failing", "mail-send", "RuntimeError: SMTP server said no")
    ]


async def test_a_ledger_out_of_balance_and_a_stopped_scheduler_are_alerts(
    asker: User, finance: User
) -> None:
    now = utcnow()
    assert [a.code for a in (await get_operations(now)).alerts] == ["scheduler_never"]
    await observed("escalations-sweep", sweep_escalations)()
    assert (await get_operations(now + timedelta(minutes=4))).alerts == []
    stale = await get_operations(now + timedelta(minutes=6))
    assert [a.code for a in stale.alerts] == ["scheduler_stale"]
    await grant(asker, 50, finance, T0)
    account = await LedgerAccount.get(user_id=asker.id)
    await LedgerAccount.filter(id=account.id).update(balance=account.balance + 7)  # corrupt
    await observed("ledger-check", check_ledger)()
    operations = await get_operations(now)
    [alert] = operations.alerts
    assert alert.code == "ledger_failed" and "problem" in alert.detail
    assert b"peerdesk_ledger_reconciled 0.0" in exposition(operations)


async def test_the_operations_page_tells_admins_in_their_language(
    app: Starlette, admin: User, asker: User
) -> None:
    await Mail.create(
        key="test:failed", user_id=asker.id, to_address="a@example.org", subject="S", body="",
        state=DeliveryState.FAILED, attempts=8, next_attempt_at=T0, created_at=T0,
    )  # fmt: skip
    async with browser(app, admin) as page:
        shown = (await page.get("/admin")).text
        assert "1 mail failed every attempt." in shown
        assert "No escalation sweep has run yet" in shown
        admin.locale = "nl"
        await admin.save()
        shown = (await page.get("/admin")).text
        assert "1 mail mislukte bij elke poging." in shown and "Geplande taken" in shown


async def test_every_answer_carries_a_request_id_and_one_log_line(
    app: Starlette, capsys: pytest.CaptureFixture[str]
) -> None:
    with served_log("json"):
        async with browser(app) as client:
            first = await client.get("/questions")
            ignored = await client.get("/questions", headers={"X-Request-Id": "made-up-12345"})
            configure(make_settings(trusted_proxies=("127.0.0.1",)))  # the test client's
            given = await client.get("/questions", headers={"X-Request-Id": "proxy-1234abcd"})
            odd = await client.get("/questions", headers={"X-Request-Id": "no\tgood"})
            secret = await client.get("/password/reset/s3cret-token-value")
    assert re.fullmatch(r"[0-9a-f]{32}", first.headers["x-request-id"])
    assert ignored.headers["x-request-id"] != "made-up-12345"  # not from a trusted proxy
    assert given.headers["x-request-id"] == "proxy-1234abcd"
    assert re.fullmatch(r"[0-9a-f]{32}", odd.headers["x-request-id"])
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    requests = [line for line in lines if line["logger"] == "peerdesk.requests"]
    assert [r["request_id"] for r in requests] == [
        first.headers["x-request-id"], ignored.headers["x-request-id"], "proxy-1234abcd",
        odd.headers["x-request-id"], secret.headers["x-request-id"],
    ]  # fmt: skip
    assert requests[-1]["path"] == "/password/reset/{token}"  # a link's secret is not logged
    assert "s3cret-token-value" not in json.dumps(requests)
    assert requests[0]["route"] == "/questions" and requests[0]["status"] == 200
    assert requests[0]["method"] == "GET" and requests[0]["message"].startswith(
        "GET /questions 200"
    )


async def test_the_text_log_has_one_line_per_request_in_the_handlers_format(
    app: Starlette, capsys: pytest.CaptureFixture[str]
) -> None:
    with served_log("text"):
        async with browser(app) as client:
            for _ in range(2):  # rendered, then kept
                await client.get("/questions")
        logging.getLogger("peerdesk").info("an ordinary record")
    lines = capsys.readouterr().err.splitlines()
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"
    requests = [line for line in lines if " peerdesk.requests " in line]
    assert len(requests) == 2
    for line in requests:
        assert re.fullmatch(
            stamp + r" INFO peerdesk\.requests \[[0-9a-f]{32}\] GET /questions 200 \d+\.\dms", line
        ), line
    assert re.fullmatch(stamp + r" INFO peerdesk \[\] an ordinary record", lines[-1]), lines[-1]


async def test_a_handler_set_above_info_gets_no_request_lines(
    app: Starlette, capsys: pytest.CaptureFixture[str]
) -> None:
    with served_log("text"):
        logging.getLogger().handlers[0].setLevel(logging.WARNING)
        async with browser(app) as client:
            await client.get("/questions")
    assert "peerdesk.requests" not in capsys.readouterr().err


async def test_a_log_that_cannot_be_written_never_fails_a_request(
    app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Broken(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError

    monkeypatch.setattr(logging, "raiseExceptions", False)  # as in production: no traceback
    with served_log("text"):
        logging.getLogger().handlers[0].setStream(Broken())  # type: ignore[attr-defined]
        async with browser(app) as client:
            for _ in range(2):  # rendered, then kept
                assert (await client.get("/questions")).status_code == 200


def test_a_request_lines_time_reads_as_loggings_own() -> None:
    moment = 1_796_658_971.0051
    record = logging.makeLogRecord({"created": moment, "msecs": 5.0})
    assert _asctime(moment) == logging.Formatter().formatTime(record)
    assert _asctime(moment).endswith(",005")


async def test_a_request_is_an_ordinary_record_for_any_other_handler(
    app: Starlette, caplog: pytest.LogCaptureFixture
) -> None:
    with served_log("json"):
        logging.getLogger().addHandler(caplog.handler)  # a second handler, as a library adds
        async with browser(app) as client:
            answer = await client.get("/questions")
    [record] = [r for r in caplog.records if r.name == "peerdesk.requests"]
    assert record.getMessage().startswith("GET /questions 200 ")
    assert record.__dict__["route"] == "/questions"
    assert record.__dict__["request_id"] == answer.headers["x-request-id"]


_WORKER = """
import sys
from forum.metrics import observe_request
for _ in range(int(sys.argv[1])):
    observe_request("/questions", "GET", 200, 0.01)
"""


async def test_the_workers_counts_add_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, asker: User
) -> None:
    """Two processes count into PROMETHEUS_MULTIPROC_DIR (as `serve --workers 2` sets it up);
    a scrape in either adds both up."""
    env = {MULTIPROCESS_DIR: str(tmp_path), "PATH": "/usr/bin:/bin"}
    for n in (3, 4):
        command = [sys.executable, "-c", _WORKER, str(n)]
        await asyncio.to_thread(subprocess.run, command, cwd=ROOT, env=env, check=True)
    monkeypatch.setenv(MULTIPROCESS_DIR, str(tmp_path))
    text = exposition(await get_operations(utcnow())).decode()
    line = 'peerdesk_http_requests_total{method="GET",route="/questions",status="200"} 7.0'
    assert line in text
    assert (
        'peerdesk_http_request_duration_seconds_count{method="GET",route="/questions"} 7.0' in text
    )


async def test_readiness_fails_while_redis_cannot_be_reached(app: Starlette) -> None:
    async with browser(app) as client:
        ready = await client.get("/readyz")
        assert ready.status_code == 200 and ready.json() == {"ok": True, "database": "ok"}
        configure(make_settings(rate_limit_storage="redis://127.0.0.1:6379/15"))
        shared = await client.get("/readyz")
        assert shared.json() == {"ok": True, "database": "ok", "redis": "ok"}
        configure(make_settings(rate_limit_storage="redis://127.0.0.1:1/0"))
        down = await client.get("/readyz")
        assert down.status_code == 503
        assert down.json()["ok"] is False and down.json()["database"] == "ok"
        assert down.json()["redis"] == "unreachable"  # the details go to the log only


async def test_an_unexpected_error_is_a_500_with_its_request_id_in_the_answer_and_the_log(
    app: Starlette, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("forum.views.questions.list_context", broken)
    with served_log("json"):
        async with browser(app) as client:
            failed = await client.get("/questions")
            odd = await client.request("BREW", "/questions")
    assert failed.status_code == 500
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    [error] = [line for line in lines if line["level"] == "error"]
    assert error["request_id"] == failed.headers["x-request-id"]
    assert "the disk is full" in error["error"]
    assert odd.status_code == 405
    made_up = {"route": "/questions", "method": "BREW", "status": "405"}
    assert counted("peerdesk_http_requests_total", made_up) == 0  # counted as "OTHER"
    assert counted("peerdesk_http_requests_total", {**made_up, "method": "OTHER"}) >= 1
