"""Faults and concurrency (issue 8 §2): the real app under gunicorn with 4 workers, on SQLite
(WAL, busy timeout, BEGIN IMMEDIATE on POST) and on PostgreSQL, driven over HTTP by threads.

- two tabs submitting at once store one response;
- 50 adults completing journeys at once lose nothing;
- a worker killed mid-journey loses no saved answer;
- a database that goes away gives the "Sorry, there is a problem with the service" page (503,
  not a trace, not a blank 500) and the service recovers when it is back;
- two staff saving the same case at once: one wins, the other gets the conflict message.

PostgreSQL is reached through a small TCP forwarder owned by the test, so "the database went
away" is a real loss of every connection without stopping the shared cluster. The test makes
and drops its own database (faults_test).

gunicorn runs with --preload: the app (about 5 s of imports) is loaded once and forked into the
4 workers, so a killed or restarted worker is back in well under a second and the module keeps
to its time budget on 2 shared cores. Nothing connects to a database before the fork.

A missing gunicorn or PostgreSQL fails the module: it
never skips, so a green run means these faults were tried.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import func, select

from portal import create_app
from portal.extensions import db
from portal.links import hash_token
from portal.models import AuditCase, AuditEvent, Invitation, Response, StaffUser
from portal.questionnaire import QUESTIONS
from portal.services.cases import create_case
from portal.services.invitations import invite
from portal.staff.auth import hash_password

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
FLASK = ROOT / ".venv" / "bin" / "flask"
PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_ADMIN = f"postgresql://postgres@{PG_HOST}:{PG_PORT}/postgres"
PG_DB = "faults_test"
SECRET = "faults-test-secret-key-" + "x" * 32
STAFF_PASSWORD = "faults test password 123"
SORRY = "Sorry, there is a problem with the service"
ALREADY_SENT = "You have already sent your answers"
TIMEOUT = 30  # seconds for any one HTTP request
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


# --- Helpers ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def csrf_token(html: str) -> str:
    match = CSRF.search(html) or re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, f"no CSRF token in page: {html[:300]}"
    return match.group(1)


class Forwarder:
    """A TCP forwarder on 127.0.0.1 to PostgreSQL that the test can stop (closing every
    connection, as a database going down would) and start again on the same port."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._running = False

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        listener.settimeout(0.2)
        self._listener, self._running = listener, True
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while self._running:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self._lock:
                self._sockets.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        self._running = False
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for s in sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()


class Service:
    """The portal under gunicorn, its database, and an in-process app to seed and inspect it."""

    def __init__(self, kind: str, workdir: Path):
        self.kind = kind
        self.workdir = workdir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.forwarder: Forwarder | None = None
        self.log = workdir / "gunicorn.log"
        if kind == "sqlite":
            self.db_dir = workdir / "db"
            self.db_dir.mkdir()
            self.direct_url = self.served_url = f"sqlite:///{self.db_dir / 'portal.db'}"
        else:
            self.direct_url = f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{PG_DB}"
            self.forwarder = Forwarder((PG_HOST, PG_PORT))
            self.served_url = (
                f"postgresql+psycopg://postgres@127.0.0.1:{self.forwarder.port}/{PG_DB}"
            )
        self.app = None

    def env(self) -> dict:
        return {
            **os.environ,
            "PORTAL_ENV": "development",
            "RATELIMIT_ENABLED": "0",
            "SECRET_KEYS": SECRET,
            "DATABASE_URL": self.served_url,
            "PUBLIC_BASE_URL": self.base,
            "DELIVERY_PROVIDER": "development",
            "PYTHONPATH": str(ROOT),
        }

    # Life cycle

    def create_database(self) -> None:
        if self.kind == "postgresql":
            import psycopg

            try:
                with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
                    conn.execute(f"CREATE DATABASE {PG_DB}")
            except psycopg.OperationalError as error:
                pytest.fail(f"PostgreSQL is needed at {PG_HOST}:{PG_PORT} (trust auth): {error}")
            self.forwarder.start()
        done = subprocess.run(
            [str(FLASK), "--app", "wsgi", "db", "upgrade"],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        self.app = create_app(
            {"SQLALCHEMY_DATABASE_URI": self.direct_url, "PUBLIC_BASE_URL": self.base}
        )

    def drop_database(self) -> None:
        if self.app is not None:
            with self.app.app_context():
                db.engine.dispose()
        if self.forwarder is not None:
            self.forwarder.stop()
        if self.kind == "postgresql":
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")

    def start(self) -> None:
        if not GUNICORN.exists():
            pytest.fail(f"gunicorn is needed at {GUNICORN} (pip install -r requirements.lock)")
        self.process = subprocess.Popen(
            [
                str(GUNICORN),
                "-w",
                "4",
                "-b",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--preload",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_for_workers(4, timeout=90)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.base + "/", timeout=5).status_code == 200:
                    return
            time.sleep(0.2)
        pytest.fail(f"gunicorn did not start:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""

    def workers(self) -> set[int]:
        """The worker pids: the gunicorn master's children."""
        pid = self.process.pid
        found: set[int] = set()
        for task in Path(f"/proc/{pid}/task").glob("*"):
            with contextlib.suppress(OSError):
                found.update(int(p) for p in (task / "children").read_text().split())
        return found

    def wait_for_workers(self, count: int, exclude: set[int] = frozenset(), timeout=60) -> None:
        """Until ``count`` workers run, none of them in ``exclude``. (Only a worker that has
        loaded the app accepts connections, so requests never reach one still booting.)"""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited:\n{self.log_tail()}"
            pids = self.workers()
            if len(pids) == count and not pids & exclude:
                return
            time.sleep(0.2)
        pytest.fail(f"gunicorn workers did not come up: {self.workers()}\n{self.log_tail()}")

    # Database access for the test itself

    @contextlib.contextmanager
    def session(self):
        with self.app.app_context():
            try:
                yield db.session
            finally:
                db.session.remove()

    def new_links(self, count: int, reference: str) -> list[str]:
        with self.session() as session:
            case = session.scalar(select(AuditCase).where(AuditCase.reference == reference))
            case = case or create_case(reference, "2026-Q4", "Self-neglect")
            paths = [
                urlsplit(invite(case, "adult", name="Faults Adult")).path for _ in range(count)
            ]
            session.commit()
            return paths

    def response_for(self, path: str) -> Response | None:
        token = path.rsplit("/", 1)[1]
        invitation = db.session.scalar(
            select(Invitation).where(Invitation.token_hash == hash_token(token))
        )
        return invitation.response


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def service(request, tmp_path_factory):
    service = Service(request.param, tmp_path_factory.mktemp(f"faults-{request.param}"))
    service.create_database()
    try:
        service.start()
        yield service
    finally:
        service.stop()
        service.drop_database()


# --- A person filling in the questionnaire over HTTP -----------------------------------------


def answers_for(n: int) -> dict[str, dict]:
    """Distinct answers for adult ``n``: an option and a comment on every question."""
    answers = {}
    for step in QUESTIONS:
        data = {f"{step.id}_comment": f"Adult {n} on {step.id}: ça va, “quotes”"}
        main = step.fields[0]
        if main.kind in ("radios", "checkboxes"):
            data[main.id] = main.options[n % len(main.options)].code
        answers[step.id] = data
    return answers


CONSENT = {
    "decision": "agree",
    "subject_name": "Faults Adult",
    "completed_by": "Faults Adult",
    "signature": "Faults Adult",
    "declaration": "y",
}


class Adult:
    """One browser. Requests that fail with a connection error (a worker killed under them)
    are tried again, a bounded number of times."""

    def __init__(self, base: str, path: str, retries: int = 0):
        self.base, self.path, self.retries = base, path, retries
        self.http = requests.Session()
        self.token = ""
        self.statuses: list[int] = []
        self.saved: list[tuple[str, dict]] = []  # pages whose POST got a redirect

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        for attempt in range(self.retries + 1):
            try:
                response = self.http.request(
                    method, self.base + url, timeout=TIMEOUT, allow_redirects=False, **kwargs
                )
            except requests.ConnectionError:
                if attempt == self.retries:
                    raise
                time.sleep(0.3)
                continue
            self.statuses.append(response.status_code)
            return response
        raise AssertionError("unreachable")

    def begin(self) -> None:
        start = self.request("GET", self.path)
        assert start.status_code == 200, start.status_code
        begun = self.request("POST", self.path, data={"csrf_token": csrf_token(start.text)})
        assert begun.status_code == 302, begun.status_code
        who = self.request("GET", "/feedback/who")
        assert who.status_code == 200, who.status_code
        self.token = csrf_token(who.text)

    def post(self, page: str, data: dict) -> requests.Response:
        response = self.request(
            "POST", f"/feedback/{page}", data={"csrf_token": self.token, **data}
        )
        if response.status_code == 302 and page != "check":
            self.saved.append((page, data))
        return response

    def answer_all(self, answers: dict[str, dict], pause: float = 0) -> None:
        for page, data in [("who", {"respondent": "adult"}), ("consent", CONSENT)]:
            assert self.post(page, data).status_code == 302, page
        for step in QUESTIONS:
            assert self.post(step.id, answers[step.id]).status_code == 302, step.id
            time.sleep(pause)
        assert self.post("contact", {}).status_code == 302

    def submit(self) -> requests.Response:
        return self.post("check", {})


def assert_stored(service: Service, path: str, answers: dict[str, dict]) -> None:
    response = service.response_for(path)
    assert response is not None, path
    for step in QUESTIONS:
        stored = response.answer(step.id)
        expected = answers[step.id]
        assert stored is not None, (path, step.id)
        assert stored.comment == expected[f"{step.id}_comment"], (path, step.id)
        main = step.fields[0]
        if main.kind in ("radios", "checkboxes"):
            assert stored.codes == expected[main.id], (path, step.id)


def run_all(count: int, job) -> list:
    """Run ``job(i)`` in ``count`` threads at once; re-raise the first failure."""
    with ThreadPoolExecutor(count) as pool:
        futures = [pool.submit(job, i) for i in range(count)]
        return [f.result(timeout=240) for f in futures]


# --- The tests ----------------------------------------------------------------------------------


def test_two_tabs_submitting_at_once_store_one_response(service):
    rounds = 3
    paths = service.new_links(rounds, "TABS")
    for path in paths:
        adult = Adult(service.base, path)
        adult.begin()
        adult.answer_all(answers_for(1))
        check = adult.request("GET", "/feedback/check")
        assert check.status_code == 200
        tabs = [requests.Session() for _ in range(2)]
        for tab in tabs:
            tab.cookies.update(adult.http.cookies)
        barrier = threading.Barrier(2, timeout=20)

        token = csrf_token(check.text)

        def send(i: int, tabs=tabs, barrier=barrier, token=token):
            barrier.wait()
            return tabs[i].post(
                f"{service.base}/feedback/check",
                data={"csrf_token": token},
                allow_redirects=False,
                timeout=TIMEOUT,
            )

        results = run_all(2, send)
        statuses = sorted(r.status_code for r in results)
        assert statuses == [200, 302], statuses
        winner = next(r for r in results if r.status_code == 302)
        loser = next(r for r in results if r.status_code == 200)
        assert winner.headers["Location"].endswith("/feedback/confirmation")
        assert ALREADY_SENT in loser.text

        with service.session() as session:
            response = service.response_for(path)
            assert response.status == "submitted"
            submitted = session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(
                    AuditEvent.invitation_id == response.invitation_id,
                    AuditEvent.action == "submitted",
                )
            )
            assert submitted == 1
            assert (
                session.scalar(
                    select(func.count())
                    .select_from(Response)
                    .where(Response.invitation_id == response.invitation_id)
                )
                == 1
            )


def test_fifty_adults_completing_journeys_at_once_lose_nothing(service):
    count = 50
    paths = service.new_links(count, "FIFTY")

    def journey(i: int) -> list[int]:
        adult = Adult(service.base, paths[i])
        adult.begin()
        adult.answer_all(answers_for(i))
        done = adult.submit()
        assert done.status_code == 302, done.status_code
        assert done.headers["Location"].endswith("/feedback/confirmation")
        return adult.statuses

    started = time.monotonic()
    statuses = [s for journey_statuses in run_all(count, journey) for s in journey_statuses]
    assert not [s for s in statuses if s >= 500], "server errors under load"
    with service.session():
        for i, path in enumerate(paths):
            response = service.response_for(path)
            assert response.status == "submitted", path
            assert response.consent.decision == "agree"
            assert_stored(service, path, answers_for(i))
    print(f"{service.kind}: {count} journeys in {time.monotonic() - started:.1f}s")


def test_a_worker_killed_mid_journey_loses_no_saved_answer(service):
    count = 12
    paths = service.new_links(count, "KILL")
    adults = [Adult(service.base, path, retries=40) for path in paths]
    finished = threading.Event()

    def journey(i: int) -> None:
        adult = adults[i]
        adult.begin()
        adult.answer_all(answers_for(i), pause=0.1)
        done = adult.submit()
        # If the worker died after committing but before answering, the retry finds the
        # answers already sent.
        assert done.status_code == 302 or ALREADY_SENT in done.text, done.status_code

    def killer() -> list[int]:
        killed = []
        for _ in range(3):
            time.sleep(0.7)
            if finished.is_set():
                break
            pids = sorted(service.workers())
            if pids:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])
        return killed

    with ThreadPoolExecutor(1) as pool:
        killing = pool.submit(killer)
        try:
            run_all(count, journey)
        finally:
            finished.set()
        killed = killing.result(timeout=30)
    assert killed, "no worker was killed: the journeys finished too soon"
    # gunicorn replaces the killed workers.
    service.wait_for_workers(4, exclude=set(killed), timeout=60)

    with service.session():
        for i, adult in enumerate(adults):
            response = service.response_for(adult.path)
            assert response.status == "submitted"
            expected = answers_for(i)
            for page, data in adult.saved:
                if page in expected:
                    assert_stored_page(response, page, data)
            assert_stored(service, adult.path, expected)
    assert not [s for a in adults for s in a.statuses if s >= 500]


def assert_stored_page(response: Response, page: str, data: dict) -> None:
    stored = response.answer(page)
    assert stored is not None, page
    assert stored.comment == data[f"{page}_comment"]


@contextlib.contextmanager
def database_gone(service: Service):
    """Take the database away from the running service, and give it back afterwards.

    PostgreSQL: the forwarder stops, closing every connection the workers hold, and refuses new
    ones. SQLite: the database's directory is moved away, so it cannot be opened. An open SQLite
    connection keeps its file whatever happens to the name, so the workers are restarted
    (SIGHUP, graceful) while it is gone: each then meets the missing file as a freshly started
    or replacement worker would."""
    if service.kind == "postgresql":
        service.forwarder.stop()
        try:
            yield
        finally:
            service.forwarder.start()
        return
    with service.session():
        db.engine.dispose()
    hidden = service.db_dir.with_name("db-hidden")
    old = service.workers()
    service.db_dir.rename(hidden)
    try:
        os.kill(service.process.pid, signal.SIGHUP)
        service.wait_for_workers(4, exclude=old, timeout=90)
        yield
    finally:
        if hidden.exists():
            hidden.rename(service.db_dir)


def assert_sorry_page(response: requests.Response) -> None:
    assert response.status_code in (500, 503), response.status_code
    assert response.headers["Content-Type"].startswith("text/html")
    body = response.text
    assert f'<h1 class="govuk-heading-l">{SORRY}</h1>' in body, body[:500]
    assert "govuk-template" in body  # the GOV.UK page, with its header and footer
    for leak in ("Traceback", "OperationalError", "psycopg", "sqlite3", "Internal Server Error"):
        assert leak not in body, leak
    assert response.headers.get("Cache-Control") == "no-store"


def test_a_database_gone_mid_run_gives_a_clear_page_and_the_service_recovers(service):
    path = service.new_links(1, "DOWN")[0]
    adult = Adult(service.base, path)
    adult.begin()
    answers = answers_for(3)
    for page, data in [("who", {"respondent": "adult"}), ("consent", CONSENT)]:
        assert adult.post(page, data).status_code == 302
    assert adult.post("q1", answers["q1"]).status_code == 302
    staff = signed_in_staff(service, "down")
    case_id = staff_case(service, "DOWN-STAFF")

    with database_gone(service):
        pages = {
            "question page": adult.request("GET", "/feedback/q2"),
            "saving an answer": adult.request(
                "POST", "/feedback/q2", data={"csrf_token": adult.token, **answers["q2"]}
            ),
            "the link": adult.request("GET", path),
            "staff case page": staff.get(
                f"{service.base}/staff/cases/{case_id}", timeout=TIMEOUT, allow_redirects=False
            ),
        }
        for what, response in pages.items():
            try:
                assert_sorry_page(response)
            except AssertionError as error:
                raise AssertionError(f"{what}: {error}") from None

    # Back: the same workers serve again, with nothing lost.
    deadline = time.monotonic() + 30
    page = None
    while time.monotonic() < deadline:
        page = adult.request("GET", "/feedback/q2")
        if page.status_code == 200:
            break
        time.sleep(0.5)
    assert page is not None and page.status_code == 200, f"did not recover: {page.status_code}"
    assert adult.post("q2", answers["q2"]).status_code == 302
    assert staff.get(f"{service.base}/staff/cases/{case_id}", timeout=TIMEOUT).status_code == 200
    with service.session():
        response = service.response_for(path)
        assert_stored_page(response, "q1", answers["q1"])
        assert_stored_page(response, "q2", answers["q2"])


# --- Staff -------------------------------------------------------------------------------------


def make_staff(service: Service, name: str) -> str:
    email = f"{name}@example.org"
    with service.session() as session:
        if session.scalar(select(StaffUser).where(StaffUser.email == email)) is None:
            session.add(
                StaffUser(
                    email=email,
                    name=name.title(),
                    role="coordinator",
                    password_hash=hash_password(STAFF_PASSWORD),
                    totp_confirmed=False,
                )
            )
            session.commit()
    return email


def signed_in_staff(service: Service, name: str) -> requests.Session:
    """A coordinator signed in over HTTP (development: no authenticator needed)."""
    email = make_staff(service, name)
    http = requests.Session()
    form = http.get(f"{service.base}/staff/sign-in", timeout=TIMEOUT)
    done = http.post(
        f"{service.base}/staff/sign-in",
        data={
            "csrf_token": csrf_token(form.text),
            "email": email,
            "password": STAFF_PASSWORD,
            "code": "",
        },
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert done.status_code == 303, done.text[:1000]
    return http


def staff_case(service: Service, reference: str) -> int:
    with service.session() as session:
        case = AuditCase(reference=reference, quarter="2026-Q4", theme="Self-neglect")
        session.add(case)
        session.commit()
        return case.id


def test_two_staff_saving_one_case_at_once_one_gets_a_conflict(service):
    people = [signed_in_staff(service, "first"), signed_in_staff(service, "second")]
    for round_ in range(2):
        reference = f"EDIT-{round_}"
        case_id = staff_case(service, reference)
        url = f"{service.base}/staff/cases/{case_id}/edit"
        forms = []
        for http in people:
            page = http.get(url, timeout=TIMEOUT)
            assert page.status_code == 200
            version = re.search(r'name="version"[^>]*value="(\d+)"', page.text)
            version = version or re.search(r'value="(\d+)"[^>]*name="version"', page.text)
            forms.append({"csrf_token": csrf_token(page.text), "version": version.group(1)})
        barrier = threading.Barrier(2, timeout=20)

        def save(i: int, url=url, forms=forms, barrier=barrier, reference=reference):
            data = {
                **forms[i],
                "reference": reference,
                "quarter": "2026-Q4",
                "theme": f"Theme from editor {i}",
                "status": "preparing",
                "facilitator_id": "",
            }
            barrier.wait()
            return people[i].post(url, data=data, allow_redirects=False, timeout=TIMEOUT)

        results = run_all(2, save)
        statuses = [r.status_code for r in results]
        assert sorted(statuses) == [303, 409], statuses
        winner = statuses.index(303)
        loser = results[1 - winner]
        assert "Someone else saved changes" in loser.text
        assert "govuk-error-summary" in loser.text or "govuk-notification-banner" in loser.text
        with service.session() as session:
            case = session.get(AuditCase, case_id)
            assert case.theme == f"Theme from editor {winner}"
            assert case.version == 2
            updates = session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.case_id == case_id, AuditEvent.action == "case_updated")
            )
            assert updates == 1
