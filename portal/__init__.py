"""The portal's app factory."""

from __future__ import annotations

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from . import (
    cookie_session,
    database,
    easy_read,
    errors,
    locale,
    logs,
    security,
    static_files,
    templating,
)
from .config import ROOT, Settings
from .extensions import babel, csrf, db, limiter, migrate
from .requests import CleanRequest


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.request_class = CleanRequest
    app.config.from_mapping(Settings().as_flask_config())
    if overrides:
        app.config.update(overrides)

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    logs.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    database.init_app(app)
    if app.config["PROXY_HOPS"]:
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)
    babel.init_app(app, locale_selector=locale.select)
    WTFormsHelpers(app)
    security.init_app(app)
    cookie_session.init_app(app)
    errors.init_app(app)
    locale.init_app(app)
    templating.init_app(app)
    static_files.init_app(app)
    easy_read.init_app(app)

    from .health import bp as health_bp
    from .journey import bp as journey_bp
    from .pages import bp as pages_bp
    from .returns import bp as returns_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(journey_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(returns_bp)

    from . import staff

    staff.init_app(app)

    from . import cli

    cli.init_app(app)

    from . import delivery

    delivery.init_app(app)
    return app
