"""Static files: served by WhiteNoise, pre-compressed (gzip and Brotli are made by the set-up),
with a content hash in every URL so browsers may cache them for a year and still never run a
stale stylesheet or script after a release."""

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
        # Only what the pages load; the Sass sources stay private.
        allow_all_origins=False,
    )
