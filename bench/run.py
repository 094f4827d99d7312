"""Benchmarks for BENCHMARKS.md: every public page against the physical references (a bare
Flask app's one indexed read and one durable write), whole journeys against hello, page weight,
and staff pages with 10,000 cases.

    .venv/bin/python bench/run.py          # measure; write bench/results.json and BENCHMARKS.md
    .venv/bin/python bench/run.py --write  # BENCHMARKS.md again from bench/results.json

With the defaults (5 rounds of 3-second measurements) a run takes about 7 minutes. Run it on a
quiet machine: with other work on it the figures are noise (BENCHMARKS.md gives the load
average before the run). Options:

    --seconds 1 --out /tmp/smoke.json   a smoke run (about 3 minutes); BENCHMARKS.md untouched
    --pages-only                        only the page rounds: each page's shares printed,
                                        all figures written to --out if given (for profiling)
    --app "portal:create_app({'PAGE_CACHE': False})" --out /tmp/no-page-cache.json
                                        the portal as gunicorn names it, e.g. without its cache

The portal runs as in production (PORTAL_ENV=production, rate limits kept in Redis) behind a
proxy that the bench plays: every request says it came over https (X-Forwarded-Proto, and a
same-origin Referer as a browser sends) from an address of its own (X-Forwarded-For, counted by
the limits as in production). The portal and the bare app both run under the repository's
gunicorn.conf.py with WEB_CONCURRENCY=2, access log on (written to a file). Nothing is sent:
no outbox worker runs.

Needs PostgreSQL at 127.0.0.1:5432 (trust auth), Redis at 127.0.0.1:6379, and wrk (apt-get
install wrk; installed when run as root). Everything runs on this machine, on loopback only.
The database `bench` and Redis database 11 are emptied each run.
"""

from __future__ import annotations

import argparse
import gzip
import ipaddress
import itertools
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import psycopg
import psycopg.sql
import pyotp
import redis
import requests

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
RESULTS = ROOT / "bench" / "results.json"
PORTAL_PORT, BARE_PORT, FLOOR_PORT = 8101, 8102, 8103
DB = "bench"
DB_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB}"
REDIS_URL = "redis://127.0.0.1:6379/11"
CLIENTS = 20
WORKERS = 2
ROUNDS = 5
JOURNEY_ROUNDS = 3
# Rows in the bare app's table: as many as the default seeded cases, so its read needs the index.
ROWS = 10_000
# The longest a run that makes each request once may take (wrk's -d); they take about a second.
ONCE_BOUND = 600
# A fresh signing key each run, strong enough for production's check.
SECRET = secrets.token_urlsafe(32)
STAFF_PASSWORD = "bench-password-123"  # noqa: S105 - the bench's own throwaway account
# What the proxy adds besides X-Forwarded-For (bench/report.lua): the request came over https,
# so Flask-WTF's strict check wants the same-origin Referer a browser sends with a form.
PROXIED = {"X-Forwarded-Proto": "https", "Referer": f"https://127.0.0.1:{PORTAL_PORT}/"}


def env(port: int = PORTAL_PORT, database_url: str = DB_URL) -> dict:
    """Production settings. PUBLIC_BASE_URL only shapes the links the seed prints."""
    return {
        **os.environ,
        "PORTAL_ENV": "production",
        "DATABASE_URL": database_url,
        "SECRET_KEYS": SECRET,
        "REDIS_URL": REDIS_URL,
        "PROXY_HOPS": "1",
        "PUBLIC_BASE_URL": "https://feedback.example.org",
        "DELIVERY_PROVIDER": "smtp",
        "SMTP_HOST": "smtp.example.org",
        "SMTP_FROM": "bench@example.org",
        "WEB_CONCURRENCY": str(WORKERS),
        "BIND": f"127.0.0.1:{port}",
        "PYTHONPATH": str(ROOT),
    }


def fresh_database() -> None:
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        c.execute(f"CREATE DATABASE {DB}")
    with psycopg.connect(DB_URL.replace("+psycopg", ""), autocommit=True) as c:
        c.execute("CREATE TABLE bench_rows (id integer PRIMARY KEY, saves integer NOT NULL)")
        c.execute("INSERT INTO bench_rows SELECT n, 0 FROM generate_series(1, %s) n", (ROWS,))
        c.execute("ANALYZE bench_rows")
    # Rate limits counted in an earlier run must not count in this one.
    redis.Redis.from_url(REDIS_URL).flushdb()
    subprocess.run(
        [PY, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env(),
        check=True,
        capture_output=True,
    )


SEED = r"""
import json, sys
from portal import create_app
from portal.extensions import db
from portal.services.cases import create_case
from portal.services.invitations import invite
from portal.models import AuditCase
from portal.staff.auth import create_user, hash_password
from sqlalchemy import insert

pools, cases, password = json.loads(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
app = create_app()
with app.app_context():
    case = create_case("BENCH-0001", "2026-Q4", "Self-neglect")
    for pool, count in pools.items():
        for _ in range(count):
            print(pool, invite(case, "adult", name="Bench Adult"))
    # A typical case for the staff pages: one adult, one invitation (answered by the benchmark).
    typical = create_case("BENCH-0002", "2026-Q4", "Financial abuse")
    print("typical", invite(typical, "adult", name="Typical Adult", email="adult@example.org"))
    user, _ = create_user("bench@example.org", "coordinator", name="Bench Coordinator")
    user.password_hash = hash_password(password)
    # Production asks staff for an authenticator code: the bench makes its own from the secret.
    user.totp_confirmed = True
    print("totp", user.totp_secret)
    db.session.execute(insert(AuditCase), [
        {"reference": f"BULK-{n:05d}", "quarter": f"202{n % 6}-Q{n % 4 + 1}",
         "theme": ("Self-neglect", "Financial abuse", "Domestic abuse")[n % 3],
         "status": ("preparing", "waiting_for_views", "audited", "closed")[n % 4],
         "adult_name": f"Person {n}"}
        for n in range(cases)
    ])
    db.session.commit()
"""


def seed(pools: dict[str, int], cases: int) -> tuple[dict[str, list[str]], str]:
    """Each pool's links (one adult each), and the staff account's authenticator secret."""
    out = subprocess.run(
        [PY, "-c", SEED, json.dumps(pools), str(cases), STAFF_PASSWORD],
        cwd=ROOT,
        env=env(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    found: dict[str, list[str]] = {}
    for pool, value in zip(out[::2], out[1::2], strict=True):
        found.setdefault(pool, []).append(value)
    return found, found.pop("totp")[0]


def start(app: str, port: int, logs: Path, database_url: str = DB_URL) -> subprocess.Popen:
    log = logs / f"{port}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            # The control socket of its own: its default path is shared by every gunicorn here.
            [GUNICORN, "-c", str(ROOT / "gunicorn.conf.py"), "--control-socket", f"{log}.ctl", app],
            cwd=ROOT,
            env=env(port, database_url),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            # Warm both workers (templates compile on first use) before anything is measured.
            for _ in range(4 * WORKERS):
                requests.get(f"http://127.0.0.1:{port}/", timeout=10)
            break
        except requests.RequestException:
            time.sleep(0.2)
    else:
        stop(process)
        raise RuntimeError(f"{app} did not start:\n{log.read_text()[-3000:]}")
    # The access log is part of what people get.
    assert '"GET / HTTP/1.1" 200' in log.read_text(), f"{app} wrote no access log"
    return process


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


Line = tuple[str, str, str]  # a request for wrk: path, cookie, form body (empty for a GET)


def wrk(
    url: str, seconds: int, people: list[Line] | tuple = (), once=False, clients=CLIENTS
) -> dict:
    """wrk's summary. ``people``: lines taken in turn, one a request. ``once``: each line once,
    then stop (``seconds`` is only a bound); every response's status and location are counted."""
    threads = 1 if once else min(2, clients)
    extra = {
        "WRK_THREADS": str(threads),
        "WRK_HEADERS": "\n".join(f"{name}: {value}" for name, value in PROXIED.items()),
        **({"WRK_ONCE": "1"} if once else {}),
    }
    with tempfile.NamedTemporaryFile("w", prefix="bench-people-", suffix=".tsv") as listing:
        if people:
            listing.write("".join(f"{path}\t{cookie}\t{body}\n" for path, cookie, body in people))
            listing.flush()
            extra["WRK_PEOPLE"] = listing.name
        out = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{min(clients, len(people)) if once else clients}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(ROOT / "bench" / "report.lua"),
                url,
            ],
            env={**os.environ, **extra},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    # wrk leaves up to one request a connection queued at gunicorn, still to be worked through:
    # a request at the back of the queue waits for them, so the next run starts on an idle server.
    requests.get(url, timeout=60)
    summary = json.loads(out.split("JSON ", 1)[1])
    assert not summary["errors"], f"requests failed: {summary}"
    if once:
        assert summary["requests"] == len(people), f"not every line answered: {summary}"
    return summary


def expect(summary: dict, response: str) -> None:
    """Every response of a run that made each request once was ``response``."""
    assert summary["responses"] == {response: summary["requests"]}, summary["responses"]


_addresses = itertools.count()


class Browser:
    """A person's browser, as the proxy passes it on: over https, from an address of its own.
    It keeps its cookies itself: production's are Secure, and requests would not send those to
    gunicorn over plain http (TLS ends at the proxy, which the bench plays)."""

    def __init__(self) -> None:
        address = ipaddress.IPv4Address("172.16.0.0") + next(_addresses)
        self.headers = {**PROXIED, "X-Forwarded-For": str(address)}
        self.cookies: dict[str, str] = {}
        self.http = requests.Session()

    @property
    def cookie(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def get(self, url: str, **options) -> requests.Response:
        return self.request("GET", url, **options)

    def post(self, url: str, data: dict, **options) -> requests.Response:
        return self.request("POST", url, data=data, **options)

    def request(self, method, url, data=None, headers=None, allow_redirects=True, stream=False):
        for _ in range(10):
            sent = {**self.headers, **(headers or {})}
            if self.cookies:
                sent["Cookie"] = self.cookie
            response = self.http.request(
                method,
                url,
                data=data,
                headers=sent,
                allow_redirects=False,
                stream=stream,
                timeout=60,
            )
            self.cookies.update(response.cookies.items())
            if not (allow_redirects and response.is_redirect):
                return response
            # As a browser follows a redirect after a form: a GET of the new address.
            method, url, data = "GET", urljoin(url, response.headers["Location"]), None
        raise RuntimeError(f"redirected too often: {url}")


def token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


# What each adult says, page by page up to check answers.
ANSWERS = {
    "who": {"respondent": "adult"},
    "consent": {
        "decision": "agree",
        "subject_name": "Bench",
        "completed_by": "Bench",
        "signature": "Bench",
        "declaration": "y",
    },
    "q1": {"q1": "always", "q1_comment": "Fine"},
    **{f"q{n}": {f"q{n}_comment": "Fine"} for n in range(2, 13)},
    "contact": {"contact_name": "Bench Adult", "contact_email": "adult@example.org"},
}
NEXT = dict(zip(ANSWERS, [*list(ANSWERS)[1:], "check"], strict=True))
# A journey's requests: the link's page, Start now and the who page it leads to; each page's
# POST and the page it leads to; sending and the confirmation.
JOURNEY_REQUESTS = 3 + 2 * len(ANSWERS) + 2


def begin(base: str, link: str) -> tuple[Browser, requests.Response]:
    """An adult opens their link and presses Start now: their browser, and the who page."""
    person = Browser()
    start_url = base + urlsplit(link).path
    page = person.get(start_url)
    page = person.post(start_url, data={"csrf_token": token(page.text)})
    assert page.url == f"{base}/feedback/who", page.url
    return person, page


def one_journey(base: str, link: str) -> float:
    started = time.perf_counter()
    person, page = begin(base, link)
    for name, data in ANSWERS.items():
        assert page.url == f"{base}/feedback/{name}", (name, page.url)
        page = person.post(page.url, data={"csrf_token": token(page.text), **data})
    assert page.url == f"{base}/feedback/check", page.url
    page = person.post(page.url, data={"csrf_token": token(page.text)})
    assert page.status_code == 200 and page.url == f"{base}/feedback/confirmation", page.url
    return time.perf_counter() - started


def one_hello_journey(base: str) -> float:
    started = time.perf_counter()
    person = Browser()
    for _ in range(JOURNEY_REQUESTS):
        person.get(base + "/")
    return time.perf_counter() - started


def clients_for(seconds: int, journey: Callable[[], float]) -> dict:
    """CLIENTS Python clients making journeys one after another for ``seconds``."""
    durations, lock, deadline = [], threading.Lock(), time.time() + seconds

    def client():
        while time.time() < deadline:
            duration = journey()
            with lock:
                durations.append(duration)

    began = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        for future in [pool.submit(client) for _ in range(CLIENTS)]:
            future.result()
    elapsed = time.perf_counter() - began
    ordered = sorted(durations)
    return {
        "journeys": len(ordered),
        "journeys_per_s": round(len(ordered) / elapsed, 2),
        "requests_per_s": round(len(ordered) * JOURNEY_REQUESTS / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1),
    }


def journey_rounds(base: str, bare: str, links: list[str], seconds: int) -> dict:
    """Whole journeys by 20 adults at once against the same Python clients asking hello as many
    times, alternating (hello, journeys, hello, ...); each journeys run divided by the mean of
    the hello runs either side of it."""
    links, lock = iter(links), threading.Lock()

    def journey():
        with lock:
            link = next(links, None)
        if link is None:
            raise RuntimeError("the seeded journey links ran out: seed more")
        return one_journey(base, link)

    hello = [clients_for(seconds, lambda: one_hello_journey(bare))]
    portal = []
    for _ in range(JOURNEY_ROUNDS):
        portal.append(clients_for(seconds, journey))
        hello.append(clients_for(seconds, lambda: one_hello_journey(bare)))
    return {"portal": portal, "hello": hello, **shares(portal, hello, "journeys_per_s")}


def shares(runs: list[dict], references: list[dict], key: str = "rps") -> dict:
    """Each run's share of the mean of the reference runs either side of it (this machine's
    speed drifts over minutes; alternating keeps the drift out of the share), and the median."""
    each = [
        run[key] / ((before[key] + after[key]) / 2)
        for run, before, after in zip(runs, references[:-1], references[1:], strict=True)
    ]
    return {"shares": [round(s, 3) for s in each], "share": round(statistics.median(each), 3)}


@dataclass(frozen=True)
class Run:
    """One public page's GET or POST, as wrk repeats it for 20 adults."""

    page: str
    method: str
    people: list[Line]
    response: str  # what every response must be: "200 " or "302 <next page>"
    # Sending: each adult can do it once, so each round a fresh batch sends once each.
    once: bool = False

    @property
    def key(self) -> str:
        return f"{self.page}_{self.method.lower()}"


def form(csrf: str, data: dict | None = None) -> str:
    return urlencode({"csrf_token": csrf, **(data or {})})


def ready_adults(base: str, links: list[str]) -> list[tuple[str, str]]:
    """Adults who have begun and saved every page up to check answers: each one's cookie and
    form token. Each presses Start now from Python (their session comes from it); then wrk
    saves each page for all of them in turn, every save checked."""
    with ThreadPoolExecutor(CLIENTS) as pool:
        begun = list(pool.map(lambda link: begin(base, link), links))
    adults = [(person.cookie, token(page.text)) for person, page in begun]
    for name, data in ANSWERS.items():
        lines = [(f"/feedback/{name}", cookie, form(csrf, data)) for cookie, csrf in adults]
        expect(wrk(base + "/", ONCE_BOUND, lines, once=True), f"302 /feedback/{NEXT[name]}")
    return adults


def verify(base: str, run: Run) -> None:
    """Each line once, as wrk will send it: what wrk repeats must be the page or the save, not
    an error page or a redirect elsewhere."""
    for number, (path, cookie, body) in enumerate(run.people):
        headers = {**PROXIED, "X-Forwarded-For": f"192.0.2.{number}", "Cookie": cookie}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        got = requests.request(
            run.method, base + path, headers=headers, data=body, allow_redirects=False, timeout=30
        )
        assert f"{got.status_code} {got.headers.get('Location', '')}" == run.response, (
            run.key,
            got.status_code,
            got.headers.get("Location"),
        )


def page_runs(base: str, links: dict[str, list[str]], sends: int) -> tuple[list, list]:
    """Every public page's GET and POST for 20 adults of their own; and for sending (a POST each
    adult makes once), a batch of adults at check answers for each round."""
    starting = []
    for link in links["start"]:
        person = Browser()
        path = urlsplit(link).path
        csrf = token(person.get(base + path).text)
        starting.append((path, person.cookie, csrf))
    ready = ready_adults(base, links["ready"])
    at_check, sent, senders = ready[:CLIENTS], ready[CLIENTS : 2 * CLIENTS], ready[2 * CLIENTS :]
    lines = [("/feedback/check", cookie, form(csrf)) for cookie, csrf in sent]
    expect(wrk(base + "/", ONCE_BOUND, lines, once=True), "302 /feedback/confirmation")

    runs = [
        # A link's page is opened without a cookie, as a person's first visit is.
        Run("start", "GET", [(path, "", "") for path, _, _ in starting], "200 "),
        Run(
            "start",
            "POST",
            [(path, cookie, form(csrf)) for path, cookie, csrf in starting],
            "302 /feedback/who",
        ),
    ]
    for page in ("who", "consent", "q1", "contact"):
        runs.append(Run(page, "GET", [(f"/feedback/{page}", c, "") for c, _ in at_check], "200 "))
        saves = [(f"/feedback/{page}", c, form(csrf, ANSWERS[page])) for c, csrf in at_check]
        runs.append(Run(page, "POST", saves, f"302 /feedback/{NEXT[page]}"))
    runs.append(Run("check", "GET", [("/feedback/check", c, "") for c, _ in at_check], "200 "))
    runs.append(Run("check", "POST", [], "302 /feedback/confirmation", once=True))
    runs.append(
        Run("confirmation", "GET", [("/feedback/confirmation", c, "") for c, _ in sent], "200 ")
    )
    for run in runs:
        if not run.once:
            verify(base, run)
    batches = [
        [("/feedback/check", cookie, form(csrf)) for cookie, csrf in senders[n::ROUNDS]]
        for n in range(ROUNDS)
    ]
    assert all(len(batch) == sends for batch in batches)
    return runs, batches


# The bare app's requests: hello, one indexed read and one durable write, a row per client.
REFERENCES = {
    "hello": [],
    "read": [("/read", f"row={n}", "") for n in range(1, CLIENTS + 1)],
    "write": [("/save", "", f"save={n}") for n in range(1, CLIENTS + 1)],
}


# The portal's own stack doing the same read and write (bench/floor.py).
FLOORS = {"floor_read": REFERENCES["read"], "floor_write": REFERENCES["write"]}


def page_rounds(base: str, bare: str, floor: str, runs: list[Run], batches, seconds: int) -> dict:
    """The references, then every page's GET and POST, round after round, and the references
    once more at the end: each GET's share of the one read and each POST's of the durable write,
    against the mean of the reference runs either side of it, the median round reported; and
    the same against the portal's own stack doing only that read or write."""
    references = {name: [] for name in [*REFERENCES, *FLOORS]}
    pages = {run.key: [] for run in runs}

    def measure_references():
        for name, people in REFERENCES.items():
            references[name].append(wrk(bare + "/", seconds, people))
        for name, people in FLOORS.items():
            references[name].append(wrk(floor + "/", seconds, people))

    measure_references()
    for batch in batches:
        for run in runs:
            if run.once:
                summary = wrk(base + "/", ONCE_BOUND, batch, once=True)
                expect(summary, run.response)
                pages[run.key].append(summary)
            else:
                pages[run.key].append(wrk(base + "/", seconds, run.people))
        measure_references()
    return {
        "references": references,
        # Measured in the same set as the bare app's: each floor run against the bare run
        # just before it.
        "floors": {
            name: statistics.median(
                run["rps"] / bare_run["rps"]
                for run, bare_run in zip(
                    references[name], references[name.removeprefix("floor_")], strict=True
                )
            )
            for name in FLOORS
        },
        "pages": {
            run.key: {
                "reference": "read" if run.method == "GET" else "write",
                "runs": pages[run.key],
                **shares(pages[run.key], references["read" if run.method == "GET" else "write"]),
                "of_floor": shares(
                    pages[run.key],
                    references["floor_read" if run.method == "GET" else "floor_write"],
                )["share"],
            }
            for run in runs
        },
    }


def page_weight(base: str, link: str, fmt: str = "standard") -> list[dict]:
    """Bytes each page costs a browser, compressed as served: the first page with its CSS,
    script and pictures; later pages with only what the browser has not cached yet. Static files
    count as WhiteNoise sends them; HTML gzipped, as a proxy in front of gunicorn would send it."""
    session = Browser()
    cached: set[str] = set()
    rows = []

    def weigh(name: str, url: str) -> str:
        response = session.get(url)
        # The page itself, not one it sent the browser to (a used link shows another page).
        assert response.status_code == 200 and response.url == url, (name, response.url)
        total = len(gzip.compress(response.content))
        for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', response.text):
            if asset not in cached:
                cached.add(asset)
                served = session.get(base + asset, headers={"Accept-Encoding": "br"}, stream=True)
                total += len(served.raw.read())
        rows.append({"page": name, "bytes": total})
        return response.text

    start_url = base + urlsplit(link).path
    if fmt != "standard":
        first = session.get(start_url)
        session.post(
            f"{base}/preferences",
            data={"csrf_token": token(first.text), "format": fmt, "next": urlsplit(link).path},
        )
    page = weigh("start (first page)", start_url)
    session.post(start_url, data={"csrf_token": token(page)})
    for name, data in ANSWERS.items():
        page = weigh(name, f"{base}/feedback/{name}")
        session.post(
            f"{base}/feedback/{name}",
            data={"csrf_token": token(page), **data},
            allow_redirects=False,
        )
    weigh("check", f"{base}/feedback/check")
    return rows


def staff_pages(base: str, typical_link: str, totp_secret: str, seconds: int) -> dict:
    """The case list and a typical case's page (one adult who has answered), with the seeded
    cases in the database: as one member of staff uses them (one connection), which is what the
    p95 target is about, and under 20 connections at once for comparison."""
    one_journey(base, typical_link)
    session = Browser()
    sign_in = session.get(f"{base}/staff/sign-in")
    session.post(
        f"{base}/staff/sign-in",
        data={
            "csrf_token": token(sign_in.text),
            "email": "bench@example.org",
            "password": STAFF_PASSWORD,
            "code": pyotp.TOTP(totp_secret).now(),
        },
    )
    found = session.get(f"{base}/staff/cases?theme=Financial+abuse&quarter=2026-Q4")
    case_id = re.search(r'href="/staff/cases/(\d+)">BENCH-0002', found.text).group(1)
    assert "Consent" in session.get(f"{base}/staff/cases/{case_id}").text
    cookie = session.cookie
    pages = {
        "case_list": "/staff/cases",
        "case_list_filtered": "/staff/cases?status=closed",
        "case_page": f"/staff/cases/{case_id}",
    }
    results = {
        name: wrk(base + "/", seconds, [(path, cookie, "")], clients=1)
        for name, path in pages.items()
    }
    results.update(
        {
            f"{name}_20": wrk(base + "/", seconds, [(path, cookie, "")])
            for name, path in pages.items()
        }
    )
    return results


# --- The quarterly report (issue 17) ----------------------------------------------------------

REPORT_DB = "bench_report"
REPORT_DB_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{REPORT_DB}"
REPORT_PORT = 8103
REPORT_RUNS = 20
# A year of audits: cases over its four quarters, each with a meeting's six agreed scores and an
# organisation's return of six (60,000 agency scores), and 12,500 responses of 12 answers each.
REPORT_CASES, REPORT_RESPONSES = 10_000, 12_500

REPORT_SEED = r"""
import sys
from portal import create_app
from portal.extensions import db
from portal.audit_tool import PRINCIPLE_CODES
from portal.questionnaire import QUESTIONS
from portal.staff.auth import create_user, hash_password
from sqlalchemy import text

cases, responses, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
principles = "ARRAY[" + ",".join(f"'{p}'" for p in PRINCIPLE_CODES) + "]"
SQL = [
    "INSERT INTO organisation (id, name, kind) SELECT n, 'Organisation ' || n, 'other' "
    "FROM generate_series(1, 20) n",
    "INSERT INTO audit_case (id, reference, quarter, theme, status, created_at, version, "
    "outcomes_asked, outcomes_met) SELECT n, 'YEAR-' || n, '2026-Q' || (n % 4 + 1), "
    "(ARRAY['Self-neglect','Financial abuse','Domestic abuse'])[n % 3 + 1], 'audited', now(), 1, "
    "(ARRAY['asked_expressed','asked_not_expressed','not_asked','dont_know',NULL])[n % 5 + 1], "
    "(ARRAY['yes','partly','no','not_known'])[n % 4 + 1] FROM generate_series(1, :cases) n",
    "INSERT INTO meeting (id, case_id, held_on, learning_points, recommendations, recorded_at) "
    "SELECT n, n, date '2026-02-15' + (n % 4) * 91, 'Learning point ' || (n % 50), "
    "'Recommendation ' || (n % 40), now() FROM generate_series(1, :cases) n",
    "INSERT INTO meeting_principle (meeting_id, principle, score) SELECT n, p, "
    "(ARRAY['2','1','0','NA','NK'])[(n + i::int) % 5 + 1] "
    f"FROM generate_series(1, :cases) n, unnest({principles}) WITH ORDINALITY t(p, i)",
    "INSERT INTO return_request (id, case_id, organisation_id, token_hash, shared_identifiers, "
    "created_at, expires_at, submitted_at) SELECT n, n, n % 20 + 1, "
    "md5('a' || n) || md5('b' || n), '[]', now(), now() + interval '30 days', "
    "timestamptz '2026-02-10' + (n % 4) * interval '91 days' + (n % 9) * interval '1 day' "
    "FROM generate_series(1, :cases) n",
    "INSERT INTO return_principle (return_id, principle, considered, score) SELECT n, p, '[]', "
    "(ARRAY['2','1','0','NA','NK'])[(3 * n + i::int) % 5 + 1] "
    f"FROM generate_series(1, :cases) n, unnest({principles}) WITH ORDINALITY t(p, i)",
    "INSERT INTO participant (id, case_id, role, channel, format, language) "
    "SELECT n, n, 'adult', 'email', 'standard', 'en' FROM generate_series(1, :cases) n",
    "INSERT INTO invitation (id, case_id, participant_id, recipient, token_hash, created_at, "
    "expires_at, session_generation, format, language) SELECT n, (n - 1) % :cases + 1, "
    "(n - 1) % :cases + 1, 'adult', md5('i' || n) || md5('j' || n), now(), "
    "now() + interval '30 days', 0, 'standard', 'en' FROM generate_series(1, :responses) n",
    "INSERT INTO response (id, invitation_id, reference, status, method, format, language, "
    "started_at, updated_at, submitted_at, respondent) SELECT n, n, substr(md5('r' || n), 1, 12), "
    "'submitted', 'online', (ARRAY['standard','easy_read'])[n % 2 + 1], "
    "(ARRAY['en','cy','pl'])[n % 3 + 1], now(), now(), now(), "
    "(ARRAY['adult','representative'])[n % 2 + 1] FROM generate_series(1, :responses) n",
    "INSERT INTO consent_record (id, response_id, decision, declaration, method, recorded_at, "
    "anonymous_feedback, withdrawn_at) SELECT n, n, "
    "CASE WHEN n % 7 = 0 THEN 'decline' ELSE 'agree' END, true, 'online', now(), "
    "CASE WHEN n % 14 = 0 THEN 'yes' END, CASE WHEN n % 11 = 0 THEN now() END "
    "FROM generate_series(1, :responses) n",
    "INSERT INTO action (id, case_id, meeting_id, what, owner_organisation_id, lead, due_on, "
    "status, created_at) SELECT n, n * 5, n * 5, 'Action ' || (n % 30), n % 20 + 1, 'Lead', "
    "date '2026-12-01', (ARRAY['open','in_progress','done','dropped'])[n % 4 + 1], now() "
    "FROM generate_series(1, :cases / 5) n",
]
for number, question in enumerate(QUESTIONS, 1):
    codes = [o.code for o in question.fields[0].options] or [""]
    listed = "ARRAY[" + ",".join(f"'{c}'" for c in codes) + "]"
    SQL.append(
        f"INSERT INTO answer (response_id, question_id, codes) SELECT n, '{question.id}', "
        f"({listed})[(n * {number}) % {len(codes)} + 1] FROM generate_series(1, :responses) n"
    )
app = create_app()
with app.app_context():
    user, _ = create_user("report@example.org", "coordinator", name="Bench Coordinator")
    user.password_hash = hash_password(password)
    user.totp_confirmed = True
    db.session.flush()
    print(user.totp_secret)
    for statement in SQL:
        db.session.execute(text(statement), {"cases": cases, "responses": responses})
    # Half the meetings' text checked: the report hashes each text to see its check holds.
    db.session.execute(text(
        "INSERT INTO text_check (meeting_id, field, text_sha256, checked_by, checked_at) "
        "SELECT id, 'learning_points', encode(sha256(convert_to(learning_points, 'UTF8')), 'hex'), "
        ":user, now() FROM meeting WHERE id % 2 = 0"), {"user": user.id})
    db.session.commit()
    for table in ("audit_case", "meeting", "meeting_principle", "return_request",
                  "return_principle", "response", "consent_record", "answer", "invitation"):
        db.session.execute(text(f"ANALYZE {table}"))
    db.session.commit()
"""

# Built in the portal's own process, as a page would build it: the figures alone, each edition.
REPORT_TIMING = r"""
import json, sys, time
from portal import create_app
from portal.reports.csv_export import to_csv
from portal.reports.figures import report_for

runs = int(sys.argv[1])
app = create_app()
timings = {}
with app.app_context():
    for period in ("2026", "2026-Q4"):
        for edition in ("board", "published"):
            spent = []
            for _ in range(runs):
                began = time.perf_counter()
                to_csv(report_for(period, edition))
                spent.append(1000 * (time.perf_counter() - began))
            timings[f"{period} {edition}"] = spent
print(json.dumps(timings))
"""


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * share) - 1)]


def summary(spent: list[float]) -> dict:
    return {
        "runs": len(spent),
        "p50_ms": round(statistics.median(spent), 1),
        "p95_ms": round(percentile(spent, 0.95), 1),
        "max_ms": round(max(spent), 1),
    }


def report_case(runs: int = REPORT_RUNS) -> dict:
    """The quarterly report for a year of 10,000 audited cases, 60,000 agency scores and
    150,000 answers, in a database of its own: its figures and CSV built in the portal's
    process, and the staff page for the year and a quarter, each edition, fetched from gunicorn
    by one member of staff, one request at a time."""
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {REPORT_DB} WITH (FORCE)")
        c.execute(f"CREATE DATABASE {REPORT_DB}")
    report_env = env(REPORT_PORT, REPORT_DB_URL)
    subprocess.run(
        [PY, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=report_env,
        check=True,
        capture_output=True,
    )
    began = time.perf_counter()
    totp_secret = subprocess.run(
        [PY, "-c", REPORT_SEED, str(REPORT_CASES), str(REPORT_RESPONSES), STAFF_PASSWORD],
        cwd=ROOT,
        env=report_env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[0]
    results: dict = {"seed_s": round(time.perf_counter() - began, 1)}
    with psycopg.connect(REPORT_DB_URL.replace("+psycopg", "")) as c:
        results["rows"] = {
            table: c.execute(
                psycopg.sql.SQL("SELECT count(*) FROM {}").format(psycopg.sql.Identifier(table))
            ).fetchone()[0]
            for table in ("audit_case", "return_principle", "meeting_principle", "answer")
        }
    timings = json.loads(
        subprocess.run(
            [PY, "-c", REPORT_TIMING, str(runs)],
            cwd=ROOT,
            env=report_env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    results["figures"] = {name: summary(spent) for name, spent in timings.items()}
    with tempfile.TemporaryDirectory(prefix="bench-logs-") as logs:
        server = start("wsgi:app", REPORT_PORT, Path(logs), REPORT_DB_URL)
        try:
            results["pages"] = report_pages(f"http://127.0.0.1:{REPORT_PORT}", totp_secret, runs)
        finally:
            stop(server)
    return results


def report_pages(base: str, totp_secret: str, runs: int) -> dict:
    """Each report page's time to the last byte, one request at a time (the staff page is
    measured only where the portal has it)."""
    session = Browser()
    session.headers["Referer"] = f"https://{urlsplit(base).netloc}/"  # this server's origin
    sign_in = session.get(f"{base}/staff/sign-in")
    signed_in = session.post(
        f"{base}/staff/sign-in",
        data={
            "csrf_token": token(sign_in.text),
            "email": "report@example.org",
            "password": STAFF_PASSWORD,
            "code": pyotp.TOTP(totp_secret).now(),
        },
    )
    assert "/staff/sign-in" not in signed_in.url, "the bench could not sign in"
    pages = {
        "year board": "/staff/reports/2026",
        "year published": "/staff/reports/2026/published",
        "quarter board": "/staff/reports/2026-Q4",
        "year CSV": "/staff/reports/2026.csv",
    }
    found = {}
    for name, path in pages.items():
        first = session.get(base + path)
        if first.status_code == 404:
            continue
        assert first.status_code == 200, (path, first.status_code)
        spent = []
        for _ in range(runs):
            began = time.perf_counter()
            response = session.get(base + path)
            spent.append(1000 * (time.perf_counter() - began))
            assert response.status_code == 200
        found[name] = {**summary(spent), "bytes": len(first.content)}
    return found


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def measured_report() -> dict:
    """The report's case, with the load average it started under (it may run on its own)."""
    return {"load_before": [round(load, 2) for load in os.getloadavg()], **report_case()}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=3, help="each measurement (default 3)")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument(
        "--sends", type=int, default=200, help="adults sending their answers, a round"
    )
    parser.add_argument("--app", default="wsgi:app", help="the portal, as gunicorn names it")
    parser.add_argument(
        "--out", type=Path, help="write the results here, and leave BENCHMARKS.md alone"
    )
    parser.add_argument(
        "--pages-only", action="store_true", help="only the page rounds: shares printed, --out"
    )
    parser.add_argument(
        "--write", action="store_true", help="only BENCHMARKS.md, from bench/results.json"
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="only the quarterly report's case (its own database), into bench/results.json",
    )
    args = parser.parse_args()
    if args.write:
        write_benchmarks(json.loads(RESULTS.read_text()))
        return
    if args.report_only:
        say("the quarterly report for a year of 10,000 cases")
        results = json.loads(RESULTS.read_text())
        results["report"] = measured_report()
        (args.out or RESULTS).write_text(json.dumps(results, indent=2) + "\n")
        if args.out is None:
            write_benchmarks(results)
        say("done")
        return
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)

    results: dict = {
        "machine": machine(),
        "load_before": [round(load, 2) for load in os.getloadavg()],
        "app": args.app,
        "clients": CLIENTS,
        "workers": WORKERS,
        "rounds": ROUNDS,
        "seconds": args.seconds,
        "cases": args.cases,
    }
    say("making the database")
    fresh_database()
    # Adults opening their link; adults at check answers (20 for the pages, 20 to send before the
    # confirmation page, and each round's batch to send); a link for each journey (more than the
    # clients can use at one journey a second); and for page weight.
    pools = {"start": CLIENTS, "ready": 2 * CLIENTS + args.sends * ROUNDS}
    cases = 1 if args.pages_only else args.cases
    if not args.pages_only:
        pools.update(journeys=CLIENTS * JOURNEY_ROUNDS * 2 * args.seconds, weight=2)
    say(f"seeding {sum(pools.values())} invitations and {cases} cases")
    links, totp_secret = seed(pools, cases)
    base, bare = f"http://127.0.0.1:{PORTAL_PORT}", f"http://127.0.0.1:{BARE_PORT}"
    floor = f"http://127.0.0.1:{FLOOR_PORT}"
    with tempfile.TemporaryDirectory(prefix="bench-logs-") as logs:
        servers = []
        try:
            servers.append(start(args.app, PORTAL_PORT, Path(logs)))
            servers.append(start("bench.hello:app", BARE_PORT, Path(logs)))
            servers.append(start("bench.floor:app", FLOOR_PORT, Path(logs)))
            say(f"{pools['ready']} adults to check answers, and every page checked")
            runs, batches = page_runs(base, links, args.sends)
            say(f"{ROUNDS} rounds of every public page against the references")
            results.update(page_rounds(base, bare, floor, runs, batches, args.seconds))
            if args.pages_only:
                if args.out:
                    args.out.write_text(json.dumps(results, indent=2) + "\n")
                for key, floor_share in results["floors"].items():
                    print(f"{key:20} {floor_share:.3f} of the bare app's")
                for key, page in results["pages"].items():
                    print(
                        f"{key:20} {page['share']:.3f} of {page['reference']}  {page['shares']}"
                        f"  {page['of_floor']:.3f} of the stack's"
                    )
                return
            say("whole journeys against hello")
            results["journeys"] = journey_rounds(base, bare, links["journeys"], 2 * args.seconds)
            say("page weight")
            results["page_weight"] = page_weight(base, links["weight"][0])
            results["page_weight_easy_read"] = page_weight(base, links["weight"][1], "easy_read")
            say("staff pages")
            results["staff"] = staff_pages(base, links["typical"][0], totp_secret, args.seconds)
        finally:
            for server in servers:
                stop(server)
    say("the quarterly report for a year of 10,000 cases")
    results["report"] = measured_report()
    (args.out or RESULTS).write_text(json.dumps(results, indent=2) + "\n")
    if args.out is None:
        write_benchmarks(results)
    say("done")


TARGETS = {
    "get": 0.5,  # of the bare app's one indexed read
    "post": 0.5,  # of the bare app's one durable write
    "journeys": 0.35,  # of the same clients asking hello
    "first_page_bytes": 40 * 1024,
    "later_page_bytes": 10 * 1024,
    "staff_p95_ms": 100,
    "report_p95_ms": 2000,
}
PAGES = {
    "start": "start (the link's page)",
    "who": "who is filling this in",
    "consent": "consent",
    "q1": "a question (q1)",
    "contact": "contact details",
    "check": "check answers",
    "confirmation": "confirmation",
}
# What a page's POST does, where it is not saving the page.
POSTS = {"start": "POST: Start now", "check": "POST: send"}
REFERENCE_NAMES = {
    "hello": "bare Flask: 'Hello'",
    "read": "bare Flask: one indexed read",
    "write": "bare Flask: one durable write (POST)",
    "floor_read": "the portal's stack: the same read (share of the bare read)",
    "floor_write": "the portal's stack: the same write (share of the bare write)",
}
PENDING = "to be measured"


def ok(good: bool) -> str:
    return "met" if good else "**not met**"


def figures(run: dict | None) -> str:
    if run is None:
        return f"{PENDING} | |"
    return f"{run['rps']:.0f} | {run['p50_ms']:.1f} | {run['p95_ms']:.1f}"


def page_table(results: dict) -> list[str]:
    """Each public page's GET and POST beside its target, under the reference rows. A page's
    figures are its median round's; a reference's, its median run's."""
    references, pages = results.get("references"), results.get("pages", {})
    floors = results.get("floors", {})
    lines = [
        "| page | request | requests/s | p50 ms | p95 ms | share | target | | share of the "
        "portal's stack doing only the read or write |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, label in REFERENCE_NAMES.items():
        runs = references.get(name) if references else None
        middle = sorted(runs, key=lambda run: run["rps"])[len(runs) // 2] if runs else None
        of_bare = f"{floors[name]:.2f}" if name in floors else ""
        lines.append(f"| {label} | reference | {figures(middle)} | {of_bare} | | | |")
    for page, label in PAGES.items():
        for method, of in (("GET", "one read"), ("POST", "durable write")):
            if page == "confirmation" and method == "POST":
                continue
            request = POSTS.get(page, "POST: save") if method == "POST" else method
            target = f"≥ {TARGETS[method.lower()]} of {of}"
            measured = pages.get(f"{page}_{method.lower()}")
            if measured is None:
                lines.append(f"| {label} | {request} | {figures(None)} | | {target} | | |")
                continue
            share = measured["share"]
            of_floor = f"{measured['of_floor']:.2f}" if "of_floor" in measured else ""
            lines.append(
                f"| {label} | {request} | {figures(median_run(measured))} | {share:.2f} | "
                f"{target} | {ok(share >= TARGETS[method.lower()])} | {of_floor} |"
            )
    return lines


def median_run(measured: dict, runs: str = "runs") -> dict:
    """The run of the median round."""
    order = sorted(range(len(measured["shares"])), key=measured["shares"].__getitem__)
    return measured[runs][order[len(order) // 2]]


def round_table(results: dict) -> list[str]:
    """Every round's share, so the spread behind each median is visible."""
    pages = results.get("pages")
    if not pages:
        return []
    rounds = len(next(iter(pages.values()))["shares"])
    lines = [
        "Each round's share, for the spread behind the medians:",
        "",
        "| page | request | " + " | ".join(f"round {n + 1}" for n in range(rounds)) + " |",
        "| --- | --- |" + " --- |" * rounds,
    ]
    for key, measured in pages.items():
        page, method = key.rsplit("_", 1)
        each = " | ".join(f"{share:.2f}" for share in measured["shares"])
        lines.append(f"| {PAGES[page]} | {method.upper()} | {each} |")
    return [*lines, ""]


def journey_table(results: dict) -> list[str]:
    journeys = results.get("journeys")
    lines = [
        "| what | journeys/s | requests/s | p50 journey ms | p95 journey ms |",
        "| --- | --- | --- | --- | --- |",
    ]
    if journeys is None:
        return [
            *lines,
            f"| portal | {PENDING} | | | |",
            "",
            f"Target: ≥ {TARGETS['journeys']} of hello.",
        ]
    run = median_run(journeys, "portal")
    hello = sorted(journeys["hello"], key=lambda h: h["journeys_per_s"])[
        len(journeys["hello"]) // 2
    ]
    for name, j in (
        ("portal (median round)", run),
        ("bare Flask 'Hello', as many requests", hello),
    ):
        lines.append(
            f"| {name} | {j['journeys_per_s']} | {j['requests_per_s']} | {j['p50_ms']} | "
            f"{j['p95_ms']} |"
        )
    share, target = journeys["share"], TARGETS["journeys"]
    each = ", ".join(f"{s:.2f}" for s in journeys["shares"])
    return [
        *lines,
        "",
        f"Journeys reach **{share:.2f}** of hello (target ≥ {target}: {ok(share >= target)}); "
        f"each round: {each}.",
    ]


def weight_table(results: dict) -> list[str]:
    weights = results.get("page_weight")
    if not weights:
        return [PENDING + "."]
    lines = [
        "| page | standard bytes | Easy Read bytes | target | |",
        "| --- | --- | --- | --- | --- |",
    ]
    easy = {w["page"]: w["bytes"] for w in results["page_weight_easy_read"]}
    for index, w in enumerate(weights):
        limit = TARGETS["first_page_bytes"] if index == 0 else TARGETS["later_page_bytes"]
        worst = max(w["bytes"], easy.get(w["page"], 0))
        lines.append(
            f"| {w['page']} | {w['bytes']:,} | {easy.get(w['page'], 0):,} | "
            f"≤ {limit // 1024} KB | {ok(worst <= limit)} |"
        )
    heaviest = max(weights[1:], key=lambda w: w["bytes"])
    return [
        *lines,
        "",
        f"Heaviest later page (standard): {heaviest['page']}, {heaviest['bytes']:,} bytes.",
    ]


def staff_table(results: dict) -> list[str]:
    staff = results.get("staff")
    lines = [
        "| page | connections | requests/s | p50 ms | p95 ms | target p95 | |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, key in (
        ("case list (page 1 of 200)", "case_list"),
        ("case list, filtered by status", "case_list_filtered"),
        ("case page (an adult who answered)", "case_page"),
    ):
        for clients, suffix in ((1, ""), (results["clients"], "_20")):
            run = staff[key + suffix] if staff else None
            target = "≤ 100 ms" if clients == 1 else ""
            good = run and run["requests"] > 0 and run["p95_ms"] <= TARGETS["staff_p95_ms"]
            verdict = ok(good) if run and clients == 1 else ""
            lines.append(f"| {name} | {clients} | {figures(run)} | {target} | {verdict} |")
    return lines


def report_table(results: dict) -> list[str]:
    report = results.get("report")
    if not report:
        return [f"The quarterly report: {PENDING} (`bench/run.py --report-only`)."]
    rows = report["rows"]
    lines = [
        f"A year of {rows['audit_case']:,} audited cases with {rows['return_principle']:,} "
        f"agency scores, {rows['meeting_principle']:,} agreed scores and {rows['answer']:,} "
        f"answers, in a database of its own (seeded with bulk inserts in {report['seed_s']} s). "
        "Figures: the report built and written as CSV in the portal's process "
        "(`report_for` then `to_csv`), each edition. Pages: fetched from gunicorn by one member "
        f"of staff, one request at a time. {REPORT_RUNS} runs each; load average before "
        f"{', '.join(str(n) for n in report['load_before'])}.",
        "",
        "| what | runs | p50 ms | p95 ms | max ms | target p95 | |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    measured = [(f"figures and CSV, {k}", v) for k, v in report["figures"].items()]
    measured += [(f"page, {k}", v) for k, v in report.get("pages", {}).items()]
    for name, run in measured:
        good = run["p95_ms"] <= TARGETS["report_p95_ms"]
        lines.append(
            f"| {name} | {run['runs']} | {run['p50_ms']:.0f} | {run['p95_ms']:.0f} | "
            f"{run['max_ms']:.0f} | ≤ 2,000 ms | {ok(good)} |"
        )
    return lines


def write_benchmarks(results: dict) -> None:
    """BENCHMARKS.md: the figures beside their targets, and the machine they came from."""
    m = results["machine"]
    load = ", ".join(str(n) for n in results.get("load_before", [PENDING]))
    lines = [
        "# Benchmarks",
        "",
        "Made by `.venv/bin/python bench/run.py` (see its docstring; about 7 minutes), from the "
        "figures in `bench/results.json`; `bench/run.py --write` makes this file again from "
        "them. Re-run it on a quiet machine after any change that could touch speed.",
        "",
        "## Machine",
        "",
        f"- {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB memory; {m['os']}",
        f"- Python {m['python']}, PostgreSQL {m['postgresql']}; load average before the run "
        f"{load} (1, 5 and 15 minutes).",
        f"- The portal (`{results['app']}`) runs as in production: `PORTAL_ENV=production`, "
        "rate limits kept in Redis, behind a proxy played by the bench (every request says it "
        "came over https, from an address of its own). It and the bare Flask app both run under "
        f"the repository's `gunicorn.conf.py` with {results['workers']} sync workers and the "
        f"access log on. wrk makes {results['clients']} connections for {results['seconds']} s "
        "a measurement; all on this machine, over loopback.",
        "",
        "## Public pages against the physical references",
        "",
        "The references are a bare Flask app under the same settings: 'Hello'; one indexed read "
        "(`SELECT ... WHERE id = %s`, a row per client, found from a cookie as the portal finds "
        "a person from theirs); and one durable write (an autocommit UPDATE of a row per client: "
        "PostgreSQL flushes its log before it answers). A page's GET is measured against the "
        "read, its POST (a save) against the write: nothing that reads can be faster than the "
        "read, and no save faster than its durable commit.",
        "",
        f"Each of the {results['clients']} clients is an adult of their own: every request is "
        "the next adult's, in turn. The pages' GETs and POSTs are measured for adults at check "
        "answers (POSTs save again what they said), the link's page for adults opening their "
        "link without a cookie and pressing Start now, confirmation for adults who have sent. "
        "Sending can happen once per adult, so each round a fresh batch of adults at check "
        "answers sends once each, and its rate is that batch over the time it took. Before "
        "measuring, each adult's request is made once and must give the page (200) or, for a "
        "POST, the redirect to the next page; every send's response is checked.",
        "",
        f"{results['rounds']} rounds: the references, then every page's GET and POST, ...; the "
        "references once more at the end. Each run is divided by the mean of its reference's "
        "runs either side of it (this machine's speed drifts over minutes), and each page shows "
        "its median round. Every run is in `bench/results.json`.",
        "",
        "The last column measures the same pages against the portal's own stack doing only the "
        "bare app's read or write (`bench/floor.py`: the portal's app with one more view that "
        "does nothing else, measured in the same rounds). Its rows show what the stack itself "
        "costs before a page does any work of its own: Flask's request and response, the proxy "
        "fix, static files, Flask-Limiter's check, Flask-WTF's, locale selection, the security "
        "headers, the request id, the access log's line and SQLAlchemy's session around the "
        "one statement. A page can reach at most that share of the bare app.",
        "",
        *page_table(results),
        "",
        *round_table(results),
        "## Whole journeys",
        "",
        f"{results['clients']} adults at once, from Python clients, each the link's page, "
        "Start now, who, consent, 12 questions, contact details, check answers, send and the "
        f"confirmation ({JOURNEY_REQUESTS} requests); against the same clients asking 'Hello' "
        "as many times, alternating, each journeys run divided by the mean of the hello runs "
        "either side of it.",
        "",
        *journey_table(results),
        "",
        "## Page weight",
        "",
        "Bytes a browser downloads for each page, compressed as served: static files as "
        "WhiteNoise sends them (Brotli), HTML gzipped as a proxy in front of gunicorn would send "
        "it. The first page includes the stylesheet and script; later pages count only what is "
        "not yet cached (static files are cached for a year under content-hashed URLs). Easy Read "
        "pages add their pictures the first time each is shown.",
        "",
        *weight_table(results),
        "",
        f"## Staff pages with {results['cases']:,} cases",
        "",
        "One member of staff (one connection), which the target is about; and, for comparison, "
        "20 connections at once on the same 2 workers (their p95 is mostly waiting in line).",
        "",
        *staff_table(results),
        "",
        "## The quarterly report",
        "",
        *report_table(results),
        "",
        NOTES,
    ]
    (ROOT / "BENCHMARKS.md").write_text("\n".join(lines) + "\n")


NOTES = """## Where the time went, and what was done

- **Macro rendering.** GOV.UK Frontend's Jinja macros took about 40 ms a question page (every
  radio, label, hint and the character count is a macro call). Pages are rendered once per page,
  language, format and route, and filled in per request with the nonce, CSRF token and the
  person's own escaped answers (`portal/journey/page_cache.py`, held equal to a full render by
  `tests/test_page_cache.py`). What the cache buys can be measured with
  `bench/run.py --app "portal:create_app({'PAGE_CACHE': False})" --out /tmp/no-page-cache.json`.
- **The database.** After that, two thirds of a question page was the database: a pre-ping
  query, BEGIN, an ORM query loading four objects, ROLLBACK. Every journey page now reads
  what it shows in one statement (`portal/journey/state.py`): the draft with the saved answer
  (a question), with the response and its consent (who, consent, contact), or with every
  answer too (check answers, the confirmation); the pages saved are aggregated into its one
  row. A page that only reads runs without a transaction (`read` in `portal/database.py`: its
  connections come from an engine of their own whose connections are always in SQLAlchemy's
  AUTOCOMMIT isolation level), so each GET, the link's page included, is one round trip: BEGIN
  and ROLLBACK were two of a question page's three, and ROLLBACK also made psycopg drop its
  prepared statements. Switching the session's pooled connection into autocommit and back on
  every request (as at first) cost about 0.1 ms a page. The statements are built on the tables
  rather than the mapped classes, so they run on SQLAlchemy's Core path, and pages that only
  show the response read it as plain values (`Shown` in `portal/answers/saving.py`): loading ORM
  objects cost check answers about 0.7 ms of its read's 1.4 ms. Only sending, which changes the
  response, loads it as ORM objects. Saving a page (`save_page`,
  `portal/journey/saving.py`) is one transaction on SQLAlchemy's public API: BEGIN, the draft
  read and locked, the values upserted, the response's format, language and time updated, the
  page's mark inserted (only the first time; it is only ever added), COMMIT: 6 round trips the
  first time and 5 after (who and contact, stored on the response, 5 and 4). Sending is 5,
  Start now 6 (it was 15). Pooled connections are checked by looking at their socket, not
  with a query.
- **Pages without forms.** The link's page, check answers and the confirmation come from the
  page cache as well (`_cached_page` in `portal/journey/views.py`), with the person's answers,
  reference and stop-sharing link put in per request, held equal to a full render by
  `tests/test_page_cache.py`. The answers are written with govukSummaryList's markup by a plain
  template (`templates/public/_answers.html`): the macro took half of check answers' time.
- **Per-request framework work.** The session cookie's signer is built once (Flask made one,
  and tested it, on every request), Flask-Babel gets parsed locales, the long date is formatted
  once a day, and forms no longer check the CSRF token a second time after CSRFProtect.
  Flask-Login's context processor no longer runs on public pages (it looked for a signed-in
  member of staff on each; staff templates get `current_user` from the staff context), and the
  request's reference takes one read of the system's randomness (it took eight).
- **Check answers and the confirmation.** Each row's label, option words and change link are
  the same for everyone in a language and format, so they are worked out once per app
  (`_once` in `portal/answers/summary.py`): translating them and building the links was a third
  of check answers' time.
- **The stack's own share.** `bench/floor.py` is the portal's app with one more view that does
  only the bare app's read (or write). It reaches about 0.55 of the bare app: before a page does
  anything of its own, gunicorn's handling and the access log's line are the same on both
  sides, and the rest is Flask's request and response with the portal's hooks (the proxy fix,
  WhiteNoise, Flask-Limiter's check, Flask-WTF's, locale selection, the security headers, the
  request's reference) and SQLAlchemy's session around the statement. A page at 0.5 of the bare
  read would have to cost almost nothing beyond that; a question page also opens the signed
  session cookie, signs a fresh CSRF token, reads a larger row and fills in its cached page.
  Its share of the stack's read (the last column) is what the page's own work leaves.
- **What is left** on a question page: gunicorn's HTTP handling, Flask's request and session,
  signing a fresh CSRF token, Flask-Limiter's check of every request (no Redis call where no
  limit applies, but its filtering of limits is about 6% of a question page's CPU), the
  security headers, SQLAlchemy's session around the one query, and the page cache's key (the
  context processors run for it), against a reference that does only the query through the
  driver. A save also parses and validates its form
  and makes 4 to 6 round trips where the reference makes one; keeping what a save checks on
  the response row itself would make it 4 (an upsert and one UPDATE), but needs a migration.
- **Why saves are measured against a durable write** (issue 15; issue 8 asked for 0.25 of
  'hello'). A save also checks the CSRF token, parses and validates the form, and waits for
  PostgreSQL to flush its log: a save is durable before the person sees the next page. In the
  last run against 'hello' (development mode, no access log), the question page's POST reached
  0.21 of it; the same POST with `synchronous_commit = off` 0.28; the bare app whose only work
  is one durable write 0.40. On 2 sync workers a worker can do nothing else while it waits for
  the flush, so no save can come near 'hello'.
  From /proc, in 5-second runs of the POST: with the flush, about 1.3 ms of worker CPU, 0.28
  ms of PostgreSQL CPU and 0.28 ms of idle CPU (both cores) a save; without it, 1.0 ms, 0.2
  ms and 0.03 ms; 'hello' takes 0.28 ms of worker CPU. The worker's extra CPU with the flush
  is the cost of sleeping and waking around the wait.
- **What was tried for the POST and left.** Dropping the row lock from the save statement
  (its UPDATE takes the same lock): no change. Trimming Flask's own work (a cached CSRF
  serializer, OpenSSL's HMAC for the session cookie, precomputed headers, keeping the
  connection in autocommit between requests): 3 to 30 µs each, about 60 µs together, a
  twentieth of a save's worker CPU, within the run-to-run spread. gthread
  workers (2 processes, 2 to 8 threads): with keep-alive 'hello' rises more than the
  portal; with a connection a request, as here, 'hello' falls by a fifth and the POST does
  not rise. Four sync workers (gunicorn.conf.py's default of two a core, where
  WEB_CONCURRENCY is not set), once, pages only: every share lower (a question page's GET
  0.27 of the read, the stack's own read 0.48), as both sides then wait for the cores.
  `synchronous_commit = off`: an answer the person was told was saved could
  be lost if the database machine failed, so the portal does not use it.
- **One draft or twenty.** Before, all 20 clients posted into one adult's draft, so each save
  waited for the one before it to let go of the draft's row; that measured the row lock, not
  twenty people.
- **Page weight.** Standard pages: system fonts, only the GOV.UK components used, one
  tree-shaken script, Brotli. Easy Read pictures are stored with whole-number coordinates and no
  embedded fonts (`npm run pictures`; one file carried a 31 KB font that browsers ignore in an
  image): 143 KB of pictures became 65 KB, the heaviest 3.4 KB.
- **Staff pages** are paged (50 cases) and filtered in the database with indexes; before that
  the list loaded every case (860 KB and seconds with 2,000 cases).
"""


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        line.split()[1]
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres") as c:
        postgresql = c.execute("show server_version").fetchone()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(int(memory) / 1024**2, 1),
        "python": sys.version.split()[0],
        "os": platform.platform(),
        "postgresql": postgresql,
    }


if __name__ == "__main__":
    main()
