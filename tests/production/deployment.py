"""The deployment the README documents, started on this machine by the production tests.

- nginx (Debian's) with deploy/nginx.conf as it ships, placeholders filled in: TLS with a
  self-signed certificate for a made-up host name (portal.test), on free ports on 127.0.0.1.
  It runs in the foreground as the test's child, with its own prefix, pid file and temp paths.
- gunicorn with the shipped gunicorn.conf.py and 4 workers, and the outbox worker, both with
  PORTAL_ENV=production and every production setting: a PostgreSQL database of their own
  (made and dropped here), rate limits in Redis database 7 (flushed first), PROXY_HOPS=1,
  random signing keys, and GOV.UK Notify stood in for by tests/delivery_support.NotifyStub.
- An in-process app on the same database and keys, to seed data through the portal's services.

Anything missing (nginx, openssl, PostgreSQL, Redis) fails with a clear message: never a skip.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests
from requests.adapters import HTTPAdapter

from portal import create_app
from portal.extensions import db

from ..delivery_support import NotifyStub, notify_settings

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx.conf"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
FLASK = ROOT / ".venv" / "bin" / "flask"
HOST = "portal.test"
WORKERS = 4
PG = "postgres@127.0.0.1:5432"
PG_DB = "portal_production_test"
REDIS_URL = "redis://127.0.0.1:6379/7"
TIMEOUT = 30  # seconds for any one HTTP request
SETUP = "Install it with scripts/setup.sh (as root) or `apt-get install {}`."


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command(name: str, package: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if not found:
        pytest.fail(f"The production tests need {name}. {SETUP.format(package)}", pytrace=False)
    return found


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, **kwargs)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}"
    return done


class Certificate:
    """A self-signed certificate for HOST, and the hash Chromium is told to trust it by."""

    def __init__(self, directory: Path):
        openssl = command("openssl", "openssl")
        self.cert, self.key = directory / "portal.crt", directory / "portal.key"
        run(
            [
                openssl,
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "2",
                "-subj",
                f"/CN={HOST}",
                "-addext",
                f"subjectAltName=DNS:{HOST}",
                "-keyout",
                str(self.key),
                "-out",
                str(self.cert),
            ]
        )
        der = subprocess.run(
            [openssl, "x509", "-in", str(self.cert), "-noout", "-pubkey"],
            capture_output=True,
            check=True,
        ).stdout
        spki = subprocess.run(
            [openssl, "pkey", "-pubin", "-outform", "DER"],
            input=der,
            capture_output=True,
            check=True,
        ).stdout
        # base64 of the SHA-256 of the SubjectPublicKeyInfo: --ignore-certificate-errors-spki-list
        self.spki_sha256 = base64.b64encode(hashlib.sha256(spki).digest()).decode()


class Through(HTTPAdapter):
    """requests to the deployment's nginx as a client at ``source`` (any 127.x address): TLS
    names HOST (SNI, and the certificate is checked against it) while the connection goes to
    the URL's 127.0.0.1."""

    def __init__(self, source: str):
        self.source = source
        super().__init__()

    def init_poolmanager(self, connections, maxsize, block=False, **kwargs):
        kwargs.update(source_address=(self.source, 0), server_hostname=HOST)
        super().init_poolmanager(connections, maxsize, block, **kwargs)


class Process:
    """A child process in its own process group, its output in a log file."""

    def __init__(self, name: str, args: list[str], log: Path, **kwargs):
        self.name, self.log = name, log
        self.popen = subprocess.Popen(
            args,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **kwargs,
        )

    def check(self) -> None:
        assert self.popen.poll() is None, f"{self.name} exited:\n{self.tail()}"

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self, sig: int = signal.SIGTERM) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)


class Deployment:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.https_port, self.http_port, self.upstream_port = (free_port() for _ in range(3))
        self.url = f"https://{HOST}:{self.https_port}"  # PUBLIC_BASE_URL
        self.https = f"https://127.0.0.1:{self.https_port}"  # where requests connect
        self.keys = [secrets.token_urlsafe(48), secrets.token_urlsafe(48)]
        self.database_url = f"postgresql+psycopg://{PG}/{PG_DB}"
        self.certificate = Certificate(workdir)
        self.notify = NotifyStub()
        self.processes: dict[str, Process] = {}
        self.nginx_temp: str | None = None
        self.database_made = False
        self.app = None

    # --- settings --------------------------------------------------------------------------

    def environment(self) -> dict:
        """Every production setting, as a board's IT team would set them."""
        return {
            **os.environ,
            "PORTAL_ENV": "production",
            "SECRET_KEYS": ",".join(self.keys),
            "DATABASE_URL": self.database_url,
            "PUBLIC_BASE_URL": self.url,
            "REDIS_URL": REDIS_URL,
            "PROXY_HOPS": "1",
            "WTF_CSRF_ENABLED": "1",
            "RATELIMIT_ENABLED": "1",
            "WEB_CONCURRENCY": str(WORKERS),
            "BIND": f"127.0.0.1:{self.upstream_port}",
            "OUTBOX_POLL_SECONDS": "1",
            **notify_settings(self.notify.url),
            "PYTHONPATH": str(ROOT),
        }

    def nginx_config(self) -> str:
        """deploy/nginx.conf with its placeholders filled in."""
        values = {
            "SERVER_NAME": HOST,
            "HTTPS_LISTEN": f"127.0.0.1:{self.https_port}",
            "HTTP_LISTEN": f"127.0.0.1:{self.http_port}",
            "PUBLIC_BASE_URL": self.url,
            "CERTIFICATE": str(self.certificate.cert),
            "CERTIFICATE_KEY": str(self.certificate.key),
            "UPSTREAM": f"127.0.0.1:{self.upstream_port}",
            "LOG_DIR": str(self.workdir),
        }
        filled = string.Template(TEMPLATE.read_text()).safe_substitute(values)
        assert "${" not in filled, "deploy/nginx.conf has a placeholder the test does not fill"
        return filled

    # --- life cycle ------------------------------------------------------------------------

    def start(self) -> None:
        nginx = command("nginx", "nginx")
        self.create_database()
        self.flush_redis()
        self.notify.thread.start()
        env = self.environment()
        run([str(FLASK), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env)
        self.processes["gunicorn"] = Process(
            "gunicorn",
            [str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"],
            self.workdir / "gunicorn.log",
            cwd=ROOT,
            # gunicorn's control socket goes in $XDG_RUNTIME_DIR: one of its own, so it never
            # replaces that of another gunicorn on this machine.
            env={**env, "XDG_RUNTIME_DIR": str(self.workdir)},
        )
        self.processes["outbox"] = Process(
            "the outbox worker",
            [str(FLASK), "--app", "wsgi", "outbox", "run"],
            self.workdir / "outbox.log",
            cwd=ROOT,
            env=env,
        )
        self.processes["nginx"] = Process(
            "nginx",
            [nginx, "-p", str(self.workdir), "-c", str(self.write_nginx_config()), "-e", "stderr"],
            self.workdir / "nginx.log",
        )
        self.app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": self.database_url,
                "SECRET_KEY": self.keys[0],
                "SECRET_KEY_FALLBACKS": self.keys[1:],
                "SECRET_KEYS": self.keys,
                "PUBLIC_BASE_URL": self.url,
            }
        )
        self.wait_until_ready()

    def write_nginx_config(self) -> Path:
        (self.workdir / "portal.conf").write_text(self.nginx_config())
        # Run as root, nginx's workers drop to "nobody", who must reach its temp files: they
        # go in a directory of their own that anyone may pass through (but not list).
        self.nginx_temp = tempfile.mkdtemp(prefix="portal-nginx-")
        os.chmod(self.nginx_temp, 0o711)  # noqa: S103 - pass through only, never list
        temp_paths = "\n".join(
            f"    {kind}_temp_path {self.nginx_temp}/{kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        main = self.workdir / "nginx.conf"
        main.write_text(
            f"""daemon off;
worker_processes 1;
pid {self.workdir}/nginx.pid;
events {{
    worker_connections 256;
}}
http {{
    access_log off;
{temp_paths}
    include {self.workdir}/portal.conf;
}}
"""
        )
        return main

    def wait_until_ready(self, timeout: float = 150) -> None:
        """Until every gunicorn worker has loaded the app (before that, a connection waits in
        the listen queue) and then /healthz answers through nginx."""
        http = self.session()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for process in self.processes.values():
                process.check()
            if len(self.loaded_workers()) == WORKERS:
                with contextlib.suppress(requests.RequestException):
                    if http.get(self.https + "/healthz", timeout=5).status_code == 200:
                        return
            time.sleep(0.3)
        pytest.fail(
            "The deployment did not become ready:\n"
            + "\n".join(f"--- {p.name}\n{p.tail()}" for p in self.processes.values())
        )

    def stop(self) -> None:
        """Stop whatever start() got as far as starting."""
        for process in reversed(list(self.processes.values())):
            process.stop()
        if self.nginx_temp:
            shutil.rmtree(self.nginx_temp, ignore_errors=True)
        if self.notify.thread.is_alive():
            self.notify.server.shutdown()
        self.notify.server.server_close()
        if self.database_made:
            self.drop_database()

    # --- services this machine must have ----------------------------------------------------

    def create_database(self) -> None:
        import psycopg

        try:
            with psycopg.connect(f"postgresql://{PG}/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
                conn.execute(f"CREATE DATABASE {PG_DB}")
            self.database_made = True
        except psycopg.OperationalError as error:
            pytest.fail(
                f"The production tests need PostgreSQL at {PG} (trust auth): {error}", pytrace=False
            )

    def drop_database(self) -> None:
        import psycopg

        if self.app is not None:
            with self.app.app_context():
                db.engine.dispose()
        with psycopg.connect(f"postgresql://{PG}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")

    @staticmethod
    def flush_redis() -> None:
        import redis

        try:
            redis.Redis.from_url(REDIS_URL, socket_timeout=5).flushdb()
        except redis.RedisError as error:
            pytest.fail(f"The production tests need Redis at {REDIS_URL}: {error}", pytrace=False)

    # --- looking at it ---------------------------------------------------------------------

    def session(self, source: str = "127.0.0.1") -> requests.Session:
        """A new HTTP client (its own connections) to nginx from ``source``, trusting only the
        test's certificate, and never following redirects by itself."""
        http = requests.Session()
        http.trust_env = False  # no proxy, and no CA bundle from the environment overriding ours
        http.mount("https://", Through(source))
        http.mount("http://", Through(source))
        http.verify = str(self.certificate.cert)
        http.headers["Host"] = f"{HOST}:{self.https_port}"
        return http

    def workers(self) -> set[int]:
        """gunicorn's worker pids: its master's children."""
        found: set[int] = set()
        for task in Path(f"/proc/{self.processes['gunicorn'].popen.pid}/task").glob("*"):
            with contextlib.suppress(OSError):
                found.update(int(p) for p in (task / "children").read_text().split())
        return found

    def loaded_workers(self) -> set[int]:
        """Workers that have loaded the app (only those accept connections): the database
        driver's compiled module is mapped into a worker once create_app has run in it."""
        loaded = set()
        for pid in self.workers():
            with contextlib.suppress(OSError):
                if "psycopg_binary" in Path(f"/proc/{pid}/maps").read_text():
                    loaded.add(pid)
        return loaded

    def writes(self) -> dict[int, int]:
        """How many writes each worker has made so far (/proc/<pid>/io, syscw). A worker writes
        its access-log line for every request it answers (gunicorn.conf.py logs them all) and
        nothing while idle, so the workers that answered a run of requests are those whose
        count grew."""
        counts = {}
        for pid in self.workers():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/io").read_text().splitlines():
                    if line.startswith("syscw:"):
                        counts[pid] = int(line.split()[1])
        return counts

    def log(self, name: str) -> str:
        return (self.workdir / name).read_text(errors="replace")
