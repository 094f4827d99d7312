"""GOV.UK-style error pages. Nothing a person does should end on a stack trace or a blank page."""

from __future__ import annotations

import logging

from flask import Flask, g, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

log = logging.getLogger("portal")


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/session_expired.html"), 400

    @app.errorhandler(404)
    def not_found(error):
        return render_template("errors/404.html"), 404

    @app.errorhandler(405)
    def not_allowed(error):
        return render_template("errors/404.html"), 405

    @app.errorhandler(413)
    def too_large(error):
        # Raised when the body is first touched (the CSRF check, before any view), so an
        # oversized POST gets this page, not "page has expired".
        return render_template("errors/413.html"), 413

    @app.errorhandler(429)
    def too_many(error):
        return render_template("errors/429.html"), 429

    @app.errorhandler(HTTPException)
    def other_http(error):
        if error.code and error.code < 500:
            return render_template("errors/400.html"), error.code
        return render_template("errors/500.html"), error.code or 500

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def database_down(error):
        from .extensions import db, login_manager

        db.session.rollback()
        # Flask-Login's context processor would try to load the signed-in staff user from the
        # database again while the page renders, and fail there, ending on a bare 500.
        g._login_user = login_manager.anonymous_user()
        log.error("database unavailable: %s", type(error).__name__)
        return render_template("errors/500.html"), 503

    @app.errorhandler(Exception)
    def unexpected(error):
        log.exception("unhandled error: %s", type(error).__name__)
        return render_template("errors/500.html"), 500
