"""`/healthz` for the proxy and monitoring: 200 when the database answers, 503 when it does not.

It says nothing else: no personal data, no session cookie, no page, and no rate limit (a
monitor asks often, from one address).
"""

from __future__ import annotations

import logging

from flask import Blueprint
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db, limiter

bp = Blueprint("health", __name__)
log = logging.getLogger("portal")
PLAIN = {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/healthz")
@limiter.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        log.error("health check: database unavailable: %s", type(error).__name__)
        return "database unavailable\n", 503, PLAIN
    return "ok\n", 200, PLAIN
