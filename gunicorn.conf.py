"""gunicorn settings for production: `gunicorn wsgi:app` reads this file.

Access log lines name the request path; portal/logs.py removes link secrets from them before
they are written. Query strings never carry personal data or secrets.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "0.0.0.0:" + os.environ.get("PORT", "8000"))
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
timeout = 30
graceful_timeout = 20
# The app is imported once and forked into each worker: workers start in a second rather than
# each importing it (about 15 s for 4 workers on 2 cores), and share its memory.
preload_app = True
# gunicorn's control socket (for gunicornc) is not used: one less way in.
control_socket_disable = True


def post_fork(server, worker):
    """No database connection opened before the fork is shared by two workers (SQLAlchemy's
    advice for forked processes)."""
    from portal.database import engines
    from wsgi import app

    for engine in engines(app):
        engine.dispose(close=False)


# Behind a proxy, X-Forwarded-* is trusted only as far as PROXY_HOPS says (portal/config.py).
forwarded_allow_ips = "*" if os.environ.get("PROXY_HOPS", "0") != "0" else "127.0.0.1"
accesslog = "-"
errorlog = "-"
# Method, path, status, size, time and the request's reference (portal/logs.py): no referrer,
# user agent or address.
access_log_format = '"%(r)s" %(s)s %(B)s %(M)sms %({x-request-id}o)s'
