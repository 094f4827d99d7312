"""Static files: served by WhiteNoise, pre-compressed (gzip and Brotli are made by the set-up),
with a content hash in every URL so browsers may cache them for a year and still never run a
stale stylesheet or script after a release.

WhiteNoise (and Flask's own static route) serve the whole static folder, so it holds only what
pages load: the build's output and the Easy Read pictures. Sources live in frontend/."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, current_app, url_for
from whitenoise import WhiteNoise

YEAR = 365 * 24 * 60 * 60


@cache
def _digest(path: Path, mtime: float) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def asset_url(filename: str) -> str:
    path = Path(current_app.static_folder) / filename
    try:
        version = _digest(path, path.stat().st_mtime)
    except FileNotFoundError:
        version = "missing"
    return url_for("static", filename=filename, v=version)


def _security_headers(headers, path, url):
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"


def init_app(app: Flask) -> None:
    app.add_template_global(asset_url)
    app.wsgi_app = WhiteNoise(
        app.wsgi_app,
        root=app.static_folder,
        prefix="static/",
        max_age=YEAR,
        add_headers_function=_security_headers,
        # No Access-Control-Allow-Origin: other sites have no use for these files.
        allow_all_origins=False,
    )
