"""Benchmarks for BENCHMARKS.md: throughput and latency against a bare Flask ceiling, page
weight, and staff pages with 10,000 cases.

    .venv/bin/python bench/run.py [--seconds 10] [--cases 10000] [--question-only]

Needs PostgreSQL at 127.0.0.1:5432 (trust auth) and wrk (apt-get install wrk; the script
installs it when run as root). Everything runs on this machine, on loopback only. The database
`bench` is dropped and made again each run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PORTAL_PORT, HELLO_PORT, NOT_DURABLE_PORT = 8101, 8102, 8103
DB = "bench"
DB_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB}"
# For comparison only, never for the portal itself: the same database, with commits answered
# before PostgreSQL has flushed them to disk.
NOT_DURABLE_URL = DB_URL + "?options=-csynchronous_commit%3Doff"
CLIENTS = 20
WORKERS = 2
SECRET = "bench-secret-key-" + "x" * 32


def env(database_url: str = DB_URL) -> dict:
    return {
        **os.environ,
        "PORTAL_ENV": "development",
        "DATABASE_URL": database_url,
        "SECRET_KEYS": SECRET,
        "RATELIMIT_ENABLED": "0",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{PORTAL_PORT}",
        "PYTHONPATH": str(ROOT),
    }


def fresh_database() -> None:
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        c.execute(f"CREATE DATABASE {DB}")
    with psycopg.connect(DB_URL.replace("+psycopg", ""), autocommit=True) as c:
        c.execute("CREATE TABLE bench_ceiling (id integer PRIMARY KEY, saves integer NOT NULL)")
        # A row for each client, as each adult saves into their own draft.
        c.execute("INSERT INTO bench_ceiling SELECT n, 0 FROM generate_series(1, %s) n", (CLIENTS,))
    subprocess.run(
        [PY, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env(),
        check=True,
        capture_output=True,
    )


SEED = r"""
import sys
from portal import create_app
from portal.extensions import db
from portal.cli import create_case, invite
from portal.models import AuditCase
from portal.staff.auth import create_user, hash_password
from sqlalchemy import insert

journeys, cases = int(sys.argv[1]), int(sys.argv[2])
app = create_app()
with app.app_context():
    case = create_case("BENCH-0001", "2026-Q4", "Self-neglect")
    links = [invite(case, "adult", name="Bench Adult") for _ in range(journeys)]
    # A typical case for the staff pages: one adult, one invitation (answered by the benchmark).
    typical = create_case("BENCH-0002", "2026-Q4", "Financial abuse")
    typical_link = invite(typical, "adult", name="Typical Adult", email="adult@example.org")
    user, _ = create_user("bench@example.org", "coordinator", name="Bench Coordinator")
    user.password_hash = hash_password("bench-password-123")
    db.session.execute(insert(AuditCase), [
        {"reference": f"BULK-{n:05d}", "quarter": f"202{n % 6}-Q{n % 4 + 1}",
         "theme": ("Self-neglect", "Financial abuse", "Domestic abuse")[n % 3],
         "status": ("preparing", "waiting_for_views", "audited", "closed")[n % 4],
         "adult_name": f"Person {n}"}
        for n in range(cases)
    ])
    db.session.commit()
    print("\n".join(links))
    print("TYPICAL " + typical_link)
"""


def seed(journeys: int, cases: int) -> tuple[list[str], str]:
    """Links for the journeys, and the link of a typical case's adult."""
    out = subprocess.run(
        [PY, "-c", SEED, str(journeys), str(cases)],
        cwd=ROOT,
        env=env(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    typical = next(line.split()[1] for line in out if line.startswith("TYPICAL "))
    return [line for line in out if line.startswith("http") and "/r/" in line], typical


def start(app: str, port: int, database_url: str = DB_URL) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            GUNICORN,
            "-c",
            str(ROOT / "bench" / "gunicorn.conf.py"),
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{port}",
            app,
        ],
        cwd=ROOT,
        env=env(database_url),
        start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            # Warm both workers (templates compile on first use) before anything is measured.
            for _ in range(4 * WORKERS):
                requests.get(f"http://127.0.0.1:{port}/", timeout=10)
            return process
        except requests.RequestException:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"{app} did not start")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)


def wrk(
    url: str,
    seconds: int,
    cookie: str | None = None,
    body: str | None = None,
    clients=CLIENTS,
    people: list[tuple[str, str]] | None = None,
) -> dict:
    """wrk's summary. ``people``: (cookie, body) pairs taking turns, one per request; an empty
    body makes a GET."""
    threads = min(2, clients)
    extra = {"WRK_THREADS": str(threads), **({"WRK_COOKIE": cookie} if cookie else {})}
    if body:
        extra["WRK_BODY"] = body
    listing = None
    if people:
        listing = Path(tempfile.mkstemp(prefix="bench-people-")[1])
        listing.write_text("".join(f"{c}\t{b}\n" for c, b in people))
        extra["WRK_PEOPLE"] = str(listing)
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{clients}",
                f"-d{seconds}s",
                "-s",
                str(ROOT / "bench" / "report.lua"),
                url,
            ],
            env={**os.environ, **extra},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        if listing:
            listing.unlink()
    return json.loads(out.split("JSON ", 1)[1])


def token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def begin(base: str, link: str) -> requests.Session:
    session = requests.Session()
    path = urlsplit(link).path
    page = session.get(base + path)
    session.post(base + path, data={"csrf_token": token(page.text)})
    return session


def post_page(session, base, page, data):
    form = session.get(f"{base}/feedback/{page}")
    return session.post(
        f"{base}/feedback/{page}",
        data={"csrf_token": token(form.text), **data},
        allow_redirects=False,
    )


JOURNEY = [
    ("who", {"respondent": "adult"}),
    (
        "consent",
        {
            "decision": "agree",
            "subject_name": "Bench",
            "completed_by": "Bench",
            "signature": "Bench",
            "declaration": "y",
        },
    ),
    *[(f"q{n}", {f"q{n}_comment": "Fine"}) for n in range(1, 13)],
    ("contact", {}),
]


def one_journey(base: str, link: str) -> tuple[float, int]:
    started = time.perf_counter()
    session = begin(base, link)
    requests_made = 3
    for page, data in JOURNEY:
        assert post_page(session, base, page, data).status_code == 302, page
        requests_made += 2
    check = session.get(f"{base}/feedback/check")
    done = session.post(f"{base}/feedback/check", data={"csrf_token": token(check.text)})
    assert "reference" in done.text.lower() or done.status_code == 200
    return time.perf_counter() - started, requests_made + 3


def one_hello_journey(base: str, count: int) -> float:
    started = time.perf_counter()
    session = requests.Session()
    for _ in range(count):
        session.get(base + "/")
    return time.perf_counter() - started


def run_journeys(base: str, links: list[str], seconds: int) -> dict:
    durations, counts, lock, deadline = [], [], threading.Lock(), time.time() + seconds
    links = iter(links)

    def worker():
        while time.time() < deadline:
            with lock:
                link = next(links, None)
            if link is None:
                return
            duration, made = one_journey(base, link)
            with lock:
                durations.append(duration)
                counts.append(made)

    began = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        for _ in range(CLIENTS):
            pool.submit(worker)
    elapsed = time.perf_counter() - began
    return summarise(durations, elapsed, sum(counts))


def run_hello_journeys(base: str, per_journey: int, seconds: int) -> dict:
    durations, lock, deadline = [], threading.Lock(), time.time() + seconds

    def worker():
        while time.time() < deadline:
            duration = one_hello_journey(base, per_journey)
            with lock:
                durations.append(duration)

    began = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        for _ in range(CLIENTS):
            pool.submit(worker)
    elapsed = time.perf_counter() - began
    return summarise(durations, elapsed, len(durations) * per_journey)


def summarise(durations: list[float], elapsed: float, total_requests: int) -> dict:
    ordered = sorted(durations)
    return {
        "journeys": len(durations),
        "journeys_per_s": round(len(durations) / elapsed, 2),
        "requests_per_s": round(total_requests / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1) if ordered else None,
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1) if ordered else None,
    }


def page_weight(base: str, link: str, fmt: str = "standard") -> list[dict]:
    """Bytes each page costs a browser, compressed as served: the first page with its CSS,
    script and pictures; later pages with only what the browser has not cached yet. Static files
    count as WhiteNoise sends them; HTML gzipped, as a proxy in front of gunicorn would send it."""
    session = requests.Session()
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

    start = base + urlsplit(link).path
    if fmt != "standard":
        first = session.get(start)
        session.post(
            f"{base}/preferences",
            data={"csrf_token": token(first.text), "format": fmt, "next": urlsplit(link).path},
        )
    page = weigh("start (first page)", start)
    session.post(start, data={"csrf_token": token(page)})
    for name, data in JOURNEY:
        page = weigh(name, f"{base}/feedback/{name}")
        session.post(
            f"{base}/feedback/{name}",
            data={"csrf_token": token(page), **data},
            allow_redirects=False,
        )
    weigh("check", f"{base}/feedback/check")
    return rows


def staff_pages(base: str, typical_link: str, seconds: int) -> dict:
    """The case list and a typical case's page (one adult who has answered), with the seeded
    cases in the database: as one member of staff uses them (one connection), which is what the
    p95 target is about, and under 20 connections at once for comparison."""
    adult = begin(base, typical_link)
    for page, data in JOURNEY:
        post_page(adult, base, page, data)
    check = adult.get(f"{base}/feedback/check")
    adult.post(f"{base}/feedback/check", data={"csrf_token": token(check.text)})

    session = requests.Session()
    form = session.get(f"{base}/staff/sign-in")
    session.post(
        f"{base}/staff/sign-in",
        data={
            "csrf_token": token(form.text),
            "email": "bench@example.org",
            "password": "bench-password-123",
            "code": "",
        },
    )
    found = session.get(f"{base}/staff/cases?theme=Financial+abuse&quarter=2026-Q4")
    case_id = re.search(r'href="/staff/cases/(\d+)">BENCH-0002', found.text).group(1)
    assert "Consent" in session.get(f"{base}/staff/cases/{case_id}").text
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    pages = {
        "case_list": f"{base}/staff/cases",
        "case_list_filtered": f"{base}/staff/cases?status=closed",
        "case_page": f"{base}/staff/cases/{case_id}",
    }
    results = {name: wrk(url, seconds, cookie=cookie, clients=1) for name, url in pages.items()}
    results.update({f"{name}_20": wrk(url, seconds, cookie=cookie) for name, url in pages.items()})
    return results


ROUNDS = 5


def at_question(base: str, link: str) -> tuple[str, str]:
    """An adult who has begun from their link and reached the first question: their cookie and
    the POST body that answers it."""
    session = begin(base, link)
    for page, data in JOURNEY[:2]:
        post_page(session, base, page, data)
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    csrf = token(session.get(f"{base}/feedback/q1").text)
    return cookie, f"csrf_token={csrf}&q1=always&q1_comment=Benchmark"


def question_rounds(
    base: str, hello_base: str, not_durable_base: str, adults: list[tuple[str, str]], seconds: int
) -> dict:
    """The question page against the ceiling in alternating rounds (hello, bare save, GET,
    POST, POST not durable, hello, ..., hello), each run compared with the mean of the hello
    runs either side of it: this machine's speed drifts by a quarter over minutes, and
    alternating keeps the drift out of the ratio. The median round is reported.

    Each client is one adult: every request is the next of ``adults`` in turn (bench/report.lua),
    as 20 people answering at once would be, and the bare save writes a row per client. (With
    one adult for all 20 clients, every save waited for the one before it to let go of the
    draft's row.)"""
    # What wrk repeats must be what is measured: the page, and the answer saved (a redirect to
    # the next question), not an error page. Any adult's session serves both portals.
    for cookie, body in adults:
        cookies = dict(pair.split("=", 1) for pair in cookie.split("; "))
        assert requests.get(f"{base}/feedback/q1", cookies=cookies, timeout=10).status_code == 200
        for portal in (base, not_durable_base):
            saved = requests.post(
                f"{portal}/feedback/q1",
                data=body,
                cookies=cookies,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                allow_redirects=False,
                timeout=10,
            )
            assert saved.status_code == 302 and saved.headers["Location"].endswith("/feedback/q2")
    showing = [(cookie, "") for cookie, _ in adults]
    saves = [("", f"save={n}") for n in range(1, len(adults) + 1)]
    measured = {"bare_save": [], "question_get": [], "question_post": [], "not_durable_post": []}
    hellos = [wrk(hello_base + "/", seconds)]
    for _ in range(ROUNDS):
        measured["bare_save"].append(wrk(f"{hello_base}/save", seconds, people=saves))
        measured["question_get"].append(wrk(f"{base}/feedback/q1", seconds, people=showing))
        measured["question_post"].append(wrk(f"{base}/feedback/q1", seconds, people=adults))
        measured["not_durable_post"].append(
            wrk(f"{not_durable_base}/feedback/q1", seconds, people=adults)
        )
        hellos.append(wrk(hello_base + "/", seconds))
    failed = [run for runs in [hellos, *measured.values()] for run in runs if run["errors"]]
    assert not failed, f"requests failed during the rounds: {failed}"
    ceilings = [(a["rps"] + b["rps"]) / 2 for a, b in zip(hellos[:-1], hellos[1:], strict=True)]

    results = {"hello": hellos[0], "hello_again": hellos[-1], "hello_rounds": hellos}
    ratios = {}
    for name, runs in measured.items():
        shares = [run["rps"] / ceiling for run, ceiling in zip(runs, ceilings, strict=True)]
        middle = sorted(range(ROUNDS), key=lambda i: shares[i])[ROUNDS // 2]
        results[name], results[f"{name}_rounds"] = runs[middle], runs
        ratios[name] = round(shares[middle], 3)
    return {**results, "ratios": ratios}


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--journeys", type=int, default=1500)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument(
        "--question-only",
        action="store_true",
        help="only the question page against the ceiling; prints, writes nothing (for profiling)",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)

    say("making the database")
    fresh_database()
    if args.question_only:
        args.cases, args.journeys = 1, CLIENTS + 2
    say(f"seeding {args.cases} cases")
    links, typical_link = seed(journeys=args.journeys, cases=args.cases)
    portal, hello = start("wsgi:app", PORTAL_PORT), start("bench.hello:app", HELLO_PORT)
    not_durable = start("wsgi:app", NOT_DURABLE_PORT, NOT_DURABLE_URL)
    base, hello_base = f"http://127.0.0.1:{PORTAL_PORT}", f"http://127.0.0.1:{HELLO_PORT}"
    not_durable_base = f"http://127.0.0.1:{NOT_DURABLE_PORT}"
    results: dict = {"machine": machine(), "clients": CLIENTS, "workers": WORKERS}
    try:
        # Fresh links for page weight, kept from the journeys, which may use all the others.
        weight_links = [links.pop(), links.pop()]
        adults = [at_question(base, links.pop()) for _ in range(CLIENTS)]

        say("question page GET and POST against the bare ceiling")
        results.update(
            question_rounds(base, hello_base, not_durable_base, adults, max(3, args.seconds // 2))
        )
        if args.question_only:
            print(json.dumps(results, indent=2))
            return

        say("whole journeys")
        journeys = run_journeys(base, links, args.seconds * 2)
        per_journey = 3 + 2 * len(JOURNEY) + 3
        hello_journeys = run_hello_journeys(hello_base, per_journey, args.seconds)
        results["journeys"] = journeys
        results["hello_journeys"] = hello_journeys
        results["ratios"]["journeys"] = round(
            journeys["journeys_per_s"] / hello_journeys["journeys_per_s"], 3
        )
        say("page weight")
        results["page_weight"] = page_weight(base, weight_links[0])
        results["page_weight_easy_read"] = page_weight(base, weight_links[1], "easy_read")
        say("staff pages")
        results["staff"] = staff_pages(base, typical_link, args.seconds)
    finally:
        stop(portal)
        stop(hello)
        stop(not_durable)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    (ROOT / "BENCHMARKS.md").write_text(markdown(results, args))
    print(json.dumps(results, indent=2))


TARGETS = {
    "question_get": 0.25,
    "question_post": 0.25,
    "first_page_bytes": 40 * 1024,
    "later_page_bytes": 10 * 1024,
    "staff_p95_ms": 100,
}


def round_lines(results: dict) -> list[str]:
    """Each round's share of the bare ceiling, so the spread behind the median is visible."""
    hellos = [h["rps"] for h in results["hello_rounds"]]
    ceilings = [(a + b) / 2 for a, b in zip(hellos[:-1], hellos[1:], strict=True)]
    lines = []
    for name, key in (
        ("GET", "question_get_rounds"),
        ("POST", "question_post_rounds"),
        ("bare Flask with one durable write", "bare_save_rounds"),
        ("POST, not durable", "not_durable_post_rounds"),
    ):
        shares = [run["rps"] / c for run, c in zip(results[key], ceilings, strict=True)]
        lines.append(f"- {name}, each round: " + ", ".join(f"{share:.2f}" for share in shares))
    return [*lines, ""]


def markdown(results: dict, args) -> str:
    """BENCHMARKS.md: the figures beside their targets, and the machine they came from."""
    m, r = results["machine"], results["ratios"]

    def ok(good: bool) -> str:
        return "met" if good else "**not met**"

    def row(name, run, ratio_key=None):
        ratio = r.get(ratio_key) if ratio_key else None
        target = TARGETS.get(ratio_key)
        verdict = ok(ratio >= target) if ratio is not None and target else ""
        return (
            f"| {name} | {run['rps']:.0f} | {run['p50_ms']:.1f} | {run['p95_ms']:.1f} | "
            f"{'' if ratio is None else f'{ratio:.2f}'} | "
            f"{'' if target is None else f'≥ {target}'} | {verdict} |"
        )

    weights = results["page_weight"]
    heaviest = max(weights[1:], key=lambda w: w["bytes"])
    lines = [
        "# Benchmarks",
        "",
        "Made by `.venv/bin/python bench/run.py` (see its docstring); raw figures in "
        "`bench/results.json`. Re-run it after any change that could touch speed.",
        "",
        "## Machine",
        "",
        f"- {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB memory; {m['os']}",
        f"- Python {m['python']}, PostgreSQL {m['postgresql']}, gunicorn with {results['workers']} "
        f"sync workers for both the portal and the bare Flask app, wrk with {results['clients']} "
        f"connections for {args.seconds} s a measurement, all on the same machine (loopback).",
        "",
        "## Throughput against a bare Flask ceiling",
        "",
        "The ceiling is a Flask app that returns 'Hello' on the same gunicorn settings. The "
        f"portal and the ceiling are measured in {ROUNDS} alternating rounds (hello, bare save, "
        "GET, POST, POST not durable, hello, ...); each run is divided by the mean of the hello "
        "runs either side of it, and the median round is shown. Every round is in "
        "`bench/results.json`.",
        "",
        f"Each of the {results['clients']} clients is an adult of their own at the first "
        "question: every request is the next adult's, in turn, as that many people answering "
        "at once would be.",
        "",
        "| what | requests/s | p50 ms | p95 ms | share of bare | target | |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        row("bare Flask 'hello' (first run)", results["hello"]),
        row("bare Flask 'hello' (last run)", results["hello_again"]),
        row("question page, GET", results["question_get"], "question_get"),
        row("question page, POST (answer saved)", results["question_post"], "question_post"),
        row("bare Flask, POST of one durable write", results["bare_save"], "bare_save"),
        row(
            "question page, POST, if saves were not durable (comparison only)",
            results["not_durable_post"],
            "not_durable_post",
        ),
        "",
        "The last two rows are for comparison. The bare app making one durable write (an "
        "autocommit UPDATE of a row per client: PostgreSQL flushes its log before it answers) "
        "is the least that saving an answer costs. The portal's POST with "
        "`synchronous_commit = off` (the same database, answering before its log is on disk) "
        "shows what the flush costs the portal; the portal never runs like that, as an answer "
        "it has said is saved must survive a crash.",
        "",
        *round_lines(results),
        f"Whole adult journeys ({results['clients']} adults at once, each the start page, "
        "who, consent, 12 questions, contact details, check and send: 37 requests):",
        "",
        "| what | journeys/s | requests/s | p50 journey ms | p95 journey ms |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, key in (("portal", "journeys"), ("bare Flask, same request count", "hello_journeys")):
        j = results[key]
        lines.append(
            f"| {name} | {j['journeys_per_s']} | {j['requests_per_s']} | {j['p50_ms']} | "
            f"{j['p95_ms']} |"
        )
    lines += [
        "",
        f"Journeys reach **{r['journeys']:.2f}** of the bare ceiling.",
        "",
        "## Page weight",
        "",
        "Bytes a browser downloads for each page, compressed as served: static files as "
        "WhiteNoise sends them (Brotli), HTML gzipped as a proxy in front of gunicorn would send "
        "it. The first page includes the stylesheet and script; later pages count only what is "
        "not yet cached (static files are cached for a year under content-hashed URLs). Easy Read "
        "pages add their pictures the first time each is shown.",
        "",
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
    lines += [
        "",
        f"Heaviest later page (standard): {heaviest['page']}, {heaviest['bytes']:,} bytes.",
        "",
        f"## Staff pages with {args.cases:,} cases",
        "",
        "One member of staff (one connection), which the target is about; and, for comparison, "
        "20 connections at once on the same 2 workers (their p95 is mostly waiting in line).",
        "",
        "| page | connections | requests/s | p50 ms | p95 ms | target p95 | |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, key in (
        ("case list (page 1 of 200)", "case_list"),
        ("case list, filtered by status", "case_list_filtered"),
        ("case page (an adult who answered)", "case_page"),
    ):
        for clients, suffix in ((1, ""), (results["clients"], "_20")):
            run = results["staff"][key + suffix]
            verdict = ok(run["requests"] > 0 and run["p95_ms"] <= TARGETS["staff_p95_ms"])
            lines.append(
                f"| {name} | {clients} | {run['rps']:.0f} | {run['p50_ms']:.1f} | "
                f"{run['p95_ms']:.1f} | {'≤ 100 ms' if clients == 1 else ''} | "
                f"{verdict if clients == 1 else ''} |"
            )
    lines += ["", NOTES]
    return "\n".join(lines) + "\n"


NOTES = """## Where the time went, and what was done

- **Macro rendering.** GOV.UK Frontend's Jinja macros took about 40 ms a question page (every
  radio, label, hint and the character count is a macro call). Pages are rendered once per page,
  language, format and route, and filled in per request with the nonce, CSRF token and the
  person's own escaped answers (`portal/journey/page_cache.py`, held equal to a full render by
  `tests/test_page_cache.py`).
- **The database.** After that, two thirds of a question page was the database: a pre-ping
  query, BEGIN, an ORM query loading four objects, ROLLBACK. Now a question page makes one
  round trip to show it and one to save it, with no BEGIN or COMMIT. The draft is one Core
  query (`portal/journey/state.py`). Saving is one statement on PostgreSQL
  (`save_question`, `portal/journey/saving.py`): it locks the draft only if this session may
  save the page, upserts the answer and marks the page saved. It used to be a read and two
  writes, each with its own round trip and commit. These statements run in autocommit on the
  driver's cursor with SQLAlchemy's own type processing (`portal/database.py`, `Prepared`).
  Pooled connections are checked by looking at their socket, not with a query.
- **Per-request framework work.** The session cookie's signer is built once (Flask made one,
  and tested it, on every request), Flask-Babel gets parsed locales, the long date is formatted
  once a day, and forms no longer check the CSRF token a second time after CSRFProtect.
- **What is left** on a question page: gunicorn's HTTP handling, Flask's request and session,
  signing a fresh CSRF token, the security headers, and the one query with its round trip,
  against a ceiling that does none of these.
- **Saving an answer** also checks the CSRF token, parses and validates the form, and waits
  for PostgreSQL to flush its log: a save is durable before the person sees the next page.
  The two comparison rows show where the gap to the target is. The same portal, with
  PostgreSQL answering before its log is on disk, clears the target; the bare app, whose only
  work is one durable write, reaches about 0.4 of its own ceiling. Waiting for the flush is
  what keeps the POST below 0.25: on 2 sync workers a worker can do nothing else while it
  waits.
  From /proc, in 5-second runs of the POST: with the flush, about 1.3 ms of worker CPU, 0.28
  ms of PostgreSQL CPU and 0.28 ms of idle CPU (both cores) a save; without it, 1.0 ms, 0.2
  ms and 0.03 ms; 'hello' takes 0.28 ms of worker CPU. The worker's extra CPU with the flush
  is the cost of sleeping and waking around the wait.
- **What was tried for the POST and left.** Dropping the row lock from the save statement
  (its UPDATE takes the same lock): no change. Trimming Flask's own work (a cached CSRF
  serializer, OpenSSL's HMAC for the session cookie, precomputed headers, keeping the
  connection in autocommit between requests): 3 to 30 µs each, about 60 µs together, a
  twentieth of a save's worker CPU, within the run-to-run spread. gthread
  workers (2 processes, 2 to 8 threads): with keep-alive the ceiling rises more than the
  portal; with a connection a request, as here, the ceiling falls by a fifth and the POST
  does not rise, so the share passes 0.25 only because the ceiling is slower.
  `synchronous_commit = off`: meets the target (the comparison row), but an answer the
  person was told was saved could be lost if the database machine failed, so the portal does
  not use it.
- **One draft or twenty.** Before, all 20 clients posted into one adult's draft, so each save
  waited for the one before it to let go of the draft's row; that measured the row lock, not
  twenty people, and gave 0.19.
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
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(int(memory) / 1024**2, 1),
        "python": sys.version.split()[0],
        "os": platform.platform(),
        "postgresql": psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
        .execute("show server_version")
        .fetchone()[0],
    }


if __name__ == "__main__":
    main()
