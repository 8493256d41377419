"""Load benchmark of Peerdesk's pages against a bare Starlette "hello world" (#2, #17).

For each database (SQLite, PostgreSQL) this script:

1. creates a fresh database and seeds it with `run.py seed --bulk` (timed; then ANALYZE on
   PostgreSQL, unless --no-analyze);
2. starts bench/hello.py and Peerdesk (`run.py serve`), each uvicorn with one worker, from a
   snapshot of the work tree taken at the start (unless --no-snapshot);
3. measures with wrk (`-t1 -c32 --latency`, after a discarded warm-up run): hello world; the
   board list, a question page with 5 answers, the all-questions list and the same list 1,000
   questions down its cursor, each for a visitor and for a signed-in member; a logged-in member
   posting an answer through the HTML form (and, unless --no-api, through the JSON API), with
   32 connections and again with 4; with --compare-workers N (PostgreSQL), each member's page
   on one worker and then on a second server with N workers, side by side; then hello world
   again;
4. prints per endpoint req/s, % of hello world, p50, p99, the server's max RSS, errors and
   whether its target (issue #17: a visitor's page >= 50 % of hello world's req/s and a
   member's page >= 15 %, each with p99 <= 50 ms; a post >= 15 % at 32 connections, and p99
   <= 15 ms at 4) is met, plus the server's CPU ms per request and the load average: on a
   shared machine req/s varies with the other load, CPU per request much less. The CPU that
   PostgreSQL and wrk used during each run is printed too: with N workers, the cores bound the
   gain at (100 % x cores) / (server + PostgreSQL + wrk at one worker).

It exits 0 whatever the numbers (it is a measurement); non-zero only when something broke: a
server that does not start, a failed login or post, or wrk errors above 1 %.

Usage (from the project root, in the venv):

    python bench/pages.py                      # both databases, 10 s per endpoint
    python bench/pages.py --db sqlite --duration 5
    python bench/pages.py --skip-seed          # reuse the databases of an earlier run
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from math import inf
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where the servers run from: a snapshot of ROOT (see --no-snapshot), so that edits to the work
# tree during a run (Jinja reloads changed templates) do not change the code under test.
TREE = ROOT
SNAPSHOT_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "var", "tests", "docs", "__pycache__", "*_cache", ".hypothesis", "*.sqlite3*"
)
PG_DSN = "postgres://postgres@127.0.0.1:5432"
PG_NAME = "peerdesk_bench"
SQLITE_PATH = Path(tempfile.gettempdir()) / "peerdesk_bench.sqlite3"
PASSWORD = "peerdesk-demo"
# Issue #17's shares of hello world: a page for visitors, a page for a signed-in member (and a
# post); p99 at most 50 ms for each.
VISITOR_RATIO = 0.50
MEMBER_RATIO = 0.15
TARGET_P99_MS = 50.0
# A post: p99 at 4 connections. At 32 its p99 is 32 divided by the throughput, which the share
# of hello world already measures (#17 retired that target).
POST_CONNECTIONS = 4
POST_P99_MS = 15.0
WORKERS_RATIO = 1.4  # --compare-workers 2 against 1 worker, members' pages (#17)
DEEP = 1000  # the cursor depth of the all-questions list measured beside its first page
MAX_ERROR_RATE = 0.01
ANSWER_TEXT = "Benchmark answer: restart the phone, then check the APN settings once more."


class BenchError(Exception):
    """Something broke: the benchmark cannot give a number."""


# --------------------------------------------------------------------------- databases


def database_url(db: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{SQLITE_PATH}"
    return f"{PG_DSN}/{PG_NAME}"


def psql(sql: str, dbname: str = "postgres") -> list[list[str]]:
    out = subprocess.run(
        ["psql", f"{PG_DSN}/{dbname}", "-v", "ON_ERROR_STOP=1", "-AtqF", "|", "-c", sql],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise BenchError(f"psql failed: {out.stderr.strip()}")
    return [line.split("|") for line in out.stdout.splitlines() if line]


def query(db: str, sql: str) -> list[list[str]]:
    if db == "sqlite":
        with sqlite3.connect(SQLITE_PATH) as conn:
            return [[str(v) for v in row] for row in conn.execute(sql).fetchall()]
    return psql(sql, PG_NAME)


def fresh_database(db: str) -> None:
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        return
    psql(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
    psql(f"CREATE DATABASE {PG_NAME}")


def database_exists(db: str) -> bool:
    if db == "sqlite":
        return SQLITE_PATH.exists()
    return bool(psql(f"SELECT 1 FROM pg_database WHERE datname = '{PG_NAME}'"))  # noqa: S608


# --------------------------------------------------------------------------- processes


def server_env(db: str, pythonpath: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url(db),
            "PEERDESK_SECRET_KEY": "bench-secret-key-not-for-production",
            "PEERDESK_RATE_LIMITS": "0",
            "PEERDESK_SCHEDULER": "0",
            "PEERDESK_PASSWORD_HASH": "cheap",
            "PEERDESK_DEMO": "0",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (pythonpath, env.get("PYTHONPATH")) if p)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def listening_pid(port: int) -> int | None:
    """The pid of the process holding the listening socket on `port` (Linux /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if cols[1].rsplit(":", 1)[1] == f"{port:04X}" and cols[3] == "0A":
                inodes.add(f"socket:[{cols[9]}]")
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                if os.readlink(fd) in inodes:
                    return int(proc.name)
        except OSError:
            continue
    return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (/proc/<pid>/stat fields 14 and 15)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """The CPU time so far of every PostgreSQL process on the machine (0 without one)."""
    total = 0.0
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "postgres":
                total += cpu_seconds(int(comm.parent.name))
        except (OSError, ValueError):
            continue
    return total


def children_cpu_seconds() -> float:
    """User + system CPU time of this process's finished children (wrk runs as one)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def family(pid: int) -> list[int]:
    """The process and its descendants: a uvicorn master and its workers."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        todo += children.get(found[-1], [])
    return found


def family_cpu_seconds(pid: int) -> float:
    return sum(cpu_seconds(p) for p in family(pid))


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class RssSampler:
    """Max VmRSS of one process (of the largest worker, with several), sampled every 100 ms
    while the `with` block runs."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.max_kb = self._largest()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _largest(self) -> int:
        return max(rss_kb(p) for p in family(self.pid))

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.max_kb = max(self.max_kb, self._largest())

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.max_kb = max(self.max_kb, self._largest())


class Server:
    """A server subprocess; `pid` is the process that listens on the port."""

    def __init__(self, name: str, argv: list[str], port: int, env: dict[str, str], log_dir: Path):
        self.name = name
        self.port = port
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            argv, cwd=TREE, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )
        self.pid = self.proc.pid

    def wait_ready(self, path: str, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"{self.name} exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                status, _, _ = request("GET", self.port, path, timeout=2)
                if status == 200:
                    self.pid = listening_pid(self.port) or self.proc.pid
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchError(
            f"{self.name} did not answer {path} in {timeout:.0f} s:\n{self.log_tail()}"
        )

    def log_tail(self) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-30:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def request(
    method: str,
    port: int,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


def cookies_of(headers: http.client.HTTPMessage) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for value in headers.get_all("set-cookie") or []:
        jar.load(value)
    return {key: morsel.value for key, morsel in jar.items()}


def server_implementation(env: dict[str, str]) -> str:
    """What uvicorn picks with `loop=auto, http=auto` in the servers' environment."""
    code = (
        "import importlib.util as u, uvicorn, starlette, sys;"
        "loop = 'uvloop' if u.find_spec('uvloop') else 'asyncio';"
        "http = 'httptools' if u.find_spec('httptools') else 'h11';"
        "print(f'uvicorn {uvicorn.__version__} (loop={loop}, http={http}), "
        "starlette {starlette.__version__}, Python {sys.version.split()[0]}')"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


# --------------------------------------------------------------------------- wrk


@dataclass
class WrkResult:
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx_3xx: int
    socket_errors: int

    @property
    def errors(self) -> int:
        return self.non_2xx_3xx + self.socket_errors

    @property
    def error_rate(self) -> float:
        return self.errors / max(self.requests, 1)


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not match:
        raise BenchError(f"cannot read wrk latency {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    def find(pattern: str) -> re.Match[str] | None:
        return re.search(pattern, output, re.MULTILINE)

    rps = find(r"^Requests/sec:\s+([\d.]+)")
    total = find(r"^\s*(\d+) requests in")
    p50 = find(r"^\s+50%\s+(\S+)")
    p99 = find(r"^\s+99%\s+(\S+)")
    if not (rps and total and p50 and p99):
        raise BenchError(f"cannot read wrk output:\n{output}")
    non2xx = find(r"Non-2xx or 3xx responses:\s+(\d+)")
    sock = find(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
    return WrkResult(
        requests=int(total.group(1)),
        rps=float(rps.group(1)),
        p50_ms=_ms(p50.group(1)),
        p99_ms=_ms(p99.group(1)),
        non_2xx_3xx=int(non2xx.group(1)) if non2xx else 0,
        socket_errors=sum(int(g) for g in sock.groups()) if sock else 0,
    )


def run_wrk(url: str, *, duration: int, connections: int, script: Path | None) -> WrkResult:
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    if script:
        argv += ["-s", str(script)]
    out = subprocess.run(
        [*argv, url], capture_output=True, text=True, timeout=duration + 60, check=False
    )
    if out.returncode != 0:
        raise BenchError(f"wrk failed ({out.returncode}): {out.stderr.strip()}\n{out.stdout}")
    return parse_wrk(out.stdout)


def lua_str(text: str) -> str:
    return json.dumps(text)  # a JSON string of ASCII text is a valid Lua string literal


def get_script(path: Path, *, headers: dict[str, str]) -> Path:
    """A wrk script that GETs with `headers` (a signed-in member's cookies)."""
    lines = [f"wrk.headers[{lua_str(k)}] = {lua_str(v)}" for k, v in headers.items()]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


def deep_cursor(port: int, depth: int) -> str:
    """The cursor `depth` questions down the all-questions list (newest first), read through
    the API a hundred at a time: the list page takes the same cursor."""
    cursor: str | None = ""
    for _ in range(depth // 100):
        path = "/api/v1/questions?limit=100" + (f"&cursor={cursor}" if cursor else "")
        status, _, body = request("GET", port, path)
        cursor = json.loads(body).get("next_cursor") if status == 200 else None
        if not cursor:
            raise BenchError(f"GET {path}: {status}, no cursor {depth} questions down")
    return str(cursor)


def post_script(
    path: Path, *, question_ids: list[int], headers: dict[str, str], body: str, route: str
) -> Path:
    """A wrk script that POSTs `body` to `route % id`, rotating over `question_ids`."""
    lines = ['wrk.method = "POST"', f"wrk.body = {lua_str(body)}"]
    lines += [f"wrk.headers[{lua_str(k)}] = {lua_str(v)}" for k, v in headers.items()]
    lines += [
        "local ids = {" + ", ".join(str(i) for i in question_ids) + "}",
        "local n = 0",
        "request = function()",
        "  n = n + 1",
        f"  return wrk.format(nil, string.format({lua_str(route)}, ids[(n % #ids) + 1]))",
        "end",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


# --------------------------------------------------------------------------- the run


@dataclass
class Row:
    endpoint: str
    path: str
    rps: float
    p50_ms: float
    p99_ms: float
    rss_mb: float
    requests: int
    errors: int
    cpu_ms_per_req: float  # the server's CPU time per request: robust to a busy machine
    cpu_pct: float  # the server's CPU use during the run (100 = one core)
    db_cpu_pct: float  # PostgreSQL's, all its processes (0 on SQLite)
    wrk_cpu_pct: float  # wrk's own
    load: float  # 1-minute load average at the end of the run (wrk + server alone make ~2)
    target_ratio: float = MEMBER_RATIO
    target_p99_ms: float = TARGET_P99_MS
    pct_hello: float | None = None
    meets: bool | None = None


@dataclass
class DbReport:
    db: str
    seed_seconds: float | None
    counts: dict[str, int]
    implementation: str
    hello_before: Row | None = None
    hello_after: Row | None = None
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def measure(
    name: str,
    server: Server,
    path: str,
    args: argparse.Namespace,
    script: Path | None = None,
    target_ratio: float = MEMBER_RATIO,
    target_p99_ms: float = TARGET_P99_MS,
    connections: int | None = None,
) -> Row:
    url = f"http://127.0.0.1:{server.port}{path}"
    connections = connections or args.connections
    print(f"  {name:<28} warm-up {args.warmup} s ...", end="", flush=True)
    run_wrk(url, duration=args.warmup, connections=connections, script=script)
    print(f" measure {args.duration} s ...", end="", flush=True)
    cpu_before = family_cpu_seconds(server.proc.pid)
    db_before, wrk_before = postgres_cpu_seconds(), children_cpu_seconds()
    with RssSampler(server.proc.pid) as rss:
        result = run_wrk(url, duration=args.duration, connections=connections, script=script)
    cpu = family_cpu_seconds(server.proc.pid) - cpu_before
    db_cpu = postgres_cpu_seconds() - db_before
    wrk_cpu = children_cpu_seconds() - wrk_before
    load = load_average()
    print(
        f" {result.rps:,.0f} req/s, p99 {result.p99_ms:.1f} ms, errors {result.errors}, "
        f"server CPU {100 * cpu / args.duration:.0f} %, "
        f"PostgreSQL {100 * db_cpu / args.duration:.0f} %, "
        f"wrk {100 * wrk_cpu / args.duration:.0f} %, load {load:.1f}"
    )
    if result.error_rate > MAX_ERROR_RATE:
        raise BenchError(
            f"{name}: {result.errors} of {result.requests} requests failed "
            f"({result.error_rate:.1%}, non-2xx/3xx {result.non_2xx_3xx}, "
            f"socket {result.socket_errors}):\n{server.log_tail()}"
        )
    return Row(
        endpoint=name,
        path=path,
        rps=result.rps,
        p50_ms=result.p50_ms,
        p99_ms=result.p99_ms,
        rss_mb=rss.max_kb / 1024,
        requests=result.requests,
        errors=result.errors,
        cpu_ms_per_req=1000 * cpu / max(result.requests, 1),
        cpu_pct=100 * cpu / args.duration,
        db_cpu_pct=100 * db_cpu / args.duration,
        wrk_cpu_pct=100 * wrk_cpu / args.duration,
        load=load,
        target_ratio=target_ratio,
        target_p99_ms=target_p99_ms,
    )


def seed(db: str, args: argparse.Namespace, env: dict[str, str]) -> float:
    fresh_database(db)
    subprocess.run([sys.executable, "run.py", "migrate"], cwd=TREE, env=env, check=True)
    argv = [sys.executable, "run.py", "seed", "--bulk"]
    argv += ["--members", str(args.members), "--questions", str(args.questions)]
    argv += ["--answers", str(args.answers)]
    started = time.perf_counter()
    subprocess.run(argv, cwd=TREE, env=env, check=True)  # its progress bar goes to our terminal
    elapsed = time.perf_counter() - started
    print(f"\n  seed --bulk took {elapsed:.1f} s", flush=True)
    return elapsed


def table_counts(db: str) -> dict[str, int]:
    return {
        name: int(query(db, f"SELECT count(*) FROM {name}")[0][0])  # noqa: S608 - fixed names
        for name in ("users", "questions", "answers")
    }


def login_form(port: int, username: str) -> dict[str, str]:
    """Cookies and CSRF token of a member logged in through the HTML form."""
    status, headers, _ = request("GET", port, "/login")
    csrf = cookies_of(headers).get("pd_csrf")
    if status != 200 or not csrf:
        raise BenchError(f"GET /login: {status}, no pd_csrf cookie")
    form = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrf_token": csrf, "next": "/"}
    )
    status, headers, _ = request(
        "POST",
        port,
        "/login",
        body=form.encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"pd_csrf={csrf}",
        },
    )
    session = cookies_of(headers).get("pd_session")
    if status != 303 or not session:
        raise BenchError(f"POST /login as {username}: {status}, no pd_session cookie")
    return {"pd_csrf": csrf, "pd_session": session}


def login_api(port: int, username: str) -> str:
    status, _, body = request(
        "POST",
        port,
        "/api/v1/auth/token",
        body=json.dumps({"username": username, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    if status != 200:
        raise BenchError(f"POST /api/v1/auth/token as {username}: {status} {body[:200]!r}")
    return str(json.loads(body)["token"])


def run_db(db: str, args: argparse.Namespace, work: Path) -> DbReport:
    compare = args.compare_workers if db == "postgres" else 0  # SQLite: one process
    if db == "sqlite" and args.workers > 1:
        raise BenchError("SQLite serves from one process: --workers above 1 needs --db postgres")
    env = server_env(db, args.pythonpath)
    print(f"\n=== {db}: {database_url(db)}", flush=True)
    if args.skip_seed:
        if not database_exists(db):
            raise BenchError(f"--skip-seed: no {db} database from an earlier run")
        seconds = None
    else:
        seconds = seed(db, args, env)
    report = DbReport(db, seconds, table_counts(db), server_implementation(env))
    if db == "postgres" and args.analyze:
        # `seed --bulk` leaves the planner without statistics, and autovacuum may be off (it is
        # on the benchmark machine): without them PostgreSQL picks a seq-scan join for the lists.
        psql("ANALYZE", PG_NAME)
        report.notes.append("ANALYZE ran after the seed (standing in for autovacuum).")
    print(f"  rows: {report.counts}; server: {report.implementation}", flush=True)

    qid = int(
        query(
            db,
            "SELECT question_id FROM answers GROUP BY question_id "
            "HAVING count(*) = 5 ORDER BY question_id LIMIT 1",
        )[0][0]
    )
    slug = args.board
    post_ids = [
        int(r[0])
        for r in query(
            db,
            f"SELECT id FROM questions WHERE id <> {qid} AND locked_at IS NULL "  # noqa: S608
            f"ORDER BY id DESC LIMIT {args.post_questions}",
        )
    ]
    answers_before = report.counts["answers"]

    hello_port, app_port = free_port(), free_port()
    hello = Server(
        "hello",
        [
            *(sys.executable, "-m", "uvicorn", "--app-dir", "bench", "hello:app"),
            *("--port", str(hello_port), "--workers", "1"),
            *("--no-access-log", "--log-level", "warning"),
        ],
        hello_port,
        env,
        work,
    )
    app = peerdesk_server(db, args.workers, app_port, env, work)
    wider: Server | None = None
    try:
        hello.wait_ready("/")
        app.wait_ready("/healthz")
        print(f"  hello pid {hello.pid}, peerdesk pid {app.pid} (listening process)", flush=True)

        # Check every endpoint once, by hand, before loading it.
        for path in (f"/boards/{slug}", f"/questions/{qid}"):
            status, _, _ = request("GET", app_port, path)
            if status != 200:
                raise BenchError(f"GET {path}: {status}")
        user = f"bulk{args.members - 1}"
        cookies = login_form(app_port, user)
        form_headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        }
        form_body = urllib.parse.urlencode({"body": ANSWER_TEXT, "csrf_token": cookies["pd_csrf"]})
        status, headers, _ = request(
            "POST",
            app_port,
            f"/questions/{post_ids[0]}/answers",
            body=form_body.encode(),
            headers=form_headers,
        )
        if status != 303 or "#answer-" not in (headers.get("location") or ""):
            raise BenchError(f"form post of an answer: {status} {headers.get('location')}")
        form_script = post_script(
            work / f"post-form-{db}.lua",
            question_ids=post_ids,
            headers=form_headers,
            body=form_body,
            route="/questions/%d/answers",
        )
        api_script = None
        if args.api:
            token = login_api(app_port, f"bulk{args.members - 2}")
            api_headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
            api_body = json.dumps({"body": ANSWER_TEXT})
            status, _, body = request(
                "POST",
                app_port,
                f"/api/v1/questions/{post_ids[0]}/answers",
                body=api_body.encode(),
                headers=api_headers,
            )
            if status != 201:
                raise BenchError(f"API post of an answer: {status} {body[:200]!r}")
            api_script = post_script(
                work / f"post-api-{db}.lua",
                question_ids=post_ids,
                headers=api_headers,
                body=api_body,
                route="/api/v1/questions/%d/answers",
            )

        deep = f"/questions?cursor={deep_cursor(app_port, DEEP)}"
        member = get_script(work / f"member-{db}.lua", headers={"Cookie": form_headers["Cookie"]})
        pages = (
            ("board list", f"/boards/{slug}"),
            ("question, 5 answers", f"/questions/{qid}"),
            ("all questions", "/questions"),
            (f"all questions, depth {DEEP:,}", deep),
        )
        report.hello_before = measure("hello world (before)", hello, "/", args)
        for name, path in pages:
            report.rows.append(measure(name, app, path, args, target_ratio=VISITOR_RATIO))
        for name, path in pages:
            report.rows.append(measure(f"{name} (member)", app, path, args, member))
        posts = [("form", "/questions/<id>/answers", form_script)]
        if api_script:
            posts.append(("API", "/api/v1/questions/<id>/answers", api_script))
        for kind, post_path, script in posts:
            report.rows.append(
                measure(f"post answer ({kind})", app, post_path, args, script, MEMBER_RATIO, inf)
            )
        for kind, post_path, script in posts:
            name = f"post answer ({kind}), {POST_CONNECTIONS} connections"
            row = measure(name, app, post_path, args, script, 0.0, POST_P99_MS, POST_CONNECTIONS)
            report.rows.append(row)
        if compare:
            # Side by side: the posts above changed the database, so each page is measured on
            # one worker again right before the same page on `compare` workers (the idle server
            # costs nothing meanwhile).
            if args.analyze:
                # The posts added tens of thousands of notifications. Without statistics that
                # say so, the one-worker server keeps the generic plan it made for the member's
                # unread count when the table was nearly empty, a scan of every notification
                # (4 ms a page); autovacuum, off on some machines, would ANALYZE it.
                psql("ANALYZE", PG_NAME)
                report.notes.append("ANALYZE ran again after the posts (as autovacuum would).")
            more = compare
            wider = peerdesk_server(db, more, free_port(), env, work)
            wider.wait_ready("/healthz")
            for name, path in pages:  # the same member's cookie: same secret, same database
                beside = f"{name} (member, {args.workers} beside {more})"
                report.rows.append(measure(beside, app, path, args, member))
                row = measure(f"{name} (member, {more} workers)", wider, path, args, member)
                report.rows.append(row)
        report.hello_after = measure("hello world (after)", hello, "/", args)
    finally:
        app.stop()
        hello.stop()
        if wider is not None:
            wider.stop()

    posted = int(query(db, "SELECT count(*) FROM answers")[0][0]) - answers_before
    report.notes.append(
        f"{posted} answers were created during the run (checks, warm-ups and measured runs) on "
        f"{len(post_ids)} rotating questions; question page: /questions/{qid}."
    )
    hello_rps = (report.hello_before.rps + report.hello_after.rps) / 2
    for row in report.rows:
        row.pct_hello = 100 * row.rps / hello_rps
        row.meets = row.pct_hello >= 100 * row.target_ratio and row.p99_ms <= row.target_p99_ms
    if compare:
        by_name = {row.endpoint: row for row in report.rows}
        cores = os.cpu_count() or 1
        for name, _path in pages:
            more = by_name[f"{name} (member, {compare} workers)"]
            one = by_name[f"{name} (member, {args.workers} beside {compare})"]
            # Every request costs the server, PostgreSQL and wrk their CPU on the same cores: at
            # one worker's cost per request, the cores cannot serve more than this many times
            # one worker's rate, however many workers there are.
            used = one.cpu_pct + one.db_cpu_pct + one.wrk_cpu_pct
            ceiling = 100 * cores / used if used else float("inf")
            report.notes.append(
                f"{name}, member: {compare} workers {more.rps:,.0f} req/s against "
                f"{args.workers} {one.rps:,.0f}: {more.rps / max(one.rps, 1e-9):.2f}x (target "
                f"{WORKERS_RATIO}x). With {args.workers}: server {one.cpu_pct:.0f} %, PostgreSQL "
                f"{one.db_cpu_pct:.0f} %, wrk {one.wrk_cpu_pct:.0f} % of a core; with "
                f"{compare}: {more.cpu_pct:.0f} %, {more.db_cpu_pct:.0f} %, "
                f"{more.wrk_cpu_pct:.0f} %. {cores} cores allow at most {ceiling:.2f}x."
            )
    return report


def peerdesk_server(db: str, workers: int, port: int, env: dict[str, str], work: Path) -> Server:
    argv = [sys.executable, "run.py", "serve", "--port", str(port), "--workers", str(workers)]
    return Server(f"peerdesk-{db}-{workers}", argv, port, env, work)


# --------------------------------------------------------------------------- output


def render_table(report: DbReport) -> str:
    head: tuple[str, ...] = (
        "endpoint",
        "req/s",
        "% hello",
        "p50 ms",
        "p99 ms",
        "RSS MB",
        "errors",
        "target",
    )
    head += ("server CPU ms/req", "server CPU %", "load")
    align = ["---", *["---:"] * 6, ":---:", *["---:"] * 3]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(align) + "|"]
    rows = [r for r in (report.hello_before, *report.rows, report.hello_after) if r]
    for r in rows:
        pct = "100" if r.pct_hello is None else f"{r.pct_hello:.1f}"
        meets = "-" if r.meets is None else ("yes" if r.meets else "**no**")
        if r.pct_hello is None:
            pct = "(baseline)"
        cells = (
            f"{r.endpoint} `{r.path}`",
            f"{r.rps:,.0f}",
            pct,
            f"{r.p50_ms:.2f}",
            f"{r.p99_ms:.2f}",
            f"{r.rss_mb:.0f}",
            f"{r.errors}/{r.requests}",
            meets,
            f"{r.cpu_ms_per_req:.2f}",
            f"{r.cpu_pct:.0f}",
            f"{r.load:.1f}",
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def print_report(report: DbReport, args: argparse.Namespace) -> None:
    assert report.hello_before and report.hello_after
    hello_mean = (report.hello_before.rps + report.hello_after.rps) / 2
    seed_text = "skipped" if report.seed_seconds is None else f"{report.seed_seconds:.1f} s"
    print(f"\n## {report.db} — {report.implementation}")
    print(
        f"rows {report.counts}; seed --bulk {seed_text}; Peerdesk workers {args.workers}; "
        f"wrk -t1 -c{args.connections} "
        f"-d{args.duration}s; hello world mean {hello_mean:,.0f} req/s"
    )
    print(render_table(report))
    for note in report.notes:
        print(f"- {note}")
    met = [r.endpoint for r in report.rows if r.meets]
    missed = [r.endpoint for r in report.rows if not r.meets]
    print(f"- target met: {', '.join(met) or 'none'}; missed: {', '.join(missed) or 'none'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of discarded warm-up")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--workers", type=int, default=1, help="Peerdesk's uvicorn workers (hello world has one)"
    )
    parser.add_argument(
        "--compare-workers",
        type=int,
        default=0,
        help="then serve with this many workers and measure the members' pages again, in the "
        "same run (PostgreSQL)",
    )
    parser.add_argument("--skip-seed", action="store_true", help="reuse the databases")
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--questions", type=int, default=20_000)
    parser.add_argument("--answers", type=int, default=60_000)
    parser.add_argument("--board", default="account-billing", help="slug of the board list")
    parser.add_argument("--post-questions", type=int, default=500, help="questions posted to")
    parser.add_argument("--no-api", dest="api", action="store_false", help="skip the API post")
    parser.add_argument(
        "--no-analyze",
        dest="analyze",
        action="store_false",
        help="do not ANALYZE the PostgreSQL database after seeding (nor after the posts)",
    )
    parser.add_argument(
        "--pythonpath",
        help="prepended to the servers' PYTHONPATH, e.g. a `pip install --target` dir holding "
        "uvloop and httptools, to measure uvicorn[standard] without changing the venv",
    )
    parser.add_argument(
        "--no-snapshot",
        dest="snapshot",
        action="store_false",
        help="run the servers from the work tree itself, not from a copy taken at the start",
    )
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument(
        "--name",
        default="peerdesk_bench",
        help="the PostgreSQL database and SQLite file (in the temp folder) it drops and seeds: "
        "give your own when someone else may be running the benchmark on the same machine",
    )
    args = parser.parse_args(argv)
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.name):
        parser.error("--name: lower-case letters, digits and underscores only")
    global PG_NAME, SQLITE_PATH
    PG_NAME = args.name
    SQLITE_PATH = Path(tempfile.gettempdir()) / f"{args.name}.sqlite3"
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    print(
        f"Peerdesk pages benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.node()} {os.cpu_count()} CPUs, "
        + subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    )
    reports: list[DbReport] = []
    with tempfile.TemporaryDirectory(prefix="peerdesk-bench-") as tmp:
        if args.snapshot:
            global TREE
            TREE = Path(tmp) / "tree"
            shutil.copytree(ROOT, TREE, ignore=SNAPSHOT_IGNORE)
            print(f"Code under test: a copy of {ROOT} taken now, in {TREE}")
        try:
            for db in dbs:
                reports.append(run_db(db, args, Path(tmp)))
        except (BenchError, subprocess.CalledProcessError) as exc:
            print(f"\nBENCHMARK BROKE: {exc}", file=sys.stderr)
            return 1
    for report in reports:
        print_report(report, args)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in reports], indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
