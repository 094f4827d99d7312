"""The public journey: the adult (or someone acting for them) giving consent and feedback."""

from flask import Blueprint

bp = Blueprint("journey", __name__)


@bp.record_once
def _page_cache(state) -> None:
    from .page_cache import PageCache

    state.app.extensions["page_cache"] = PageCache()


from . import (  # noqa: E402  (routes register on import, after bp exists)
    code_entry,  # noqa: E402,F401  (Enter your code: portal/journey/code_entry.py)
    views,  # noqa: E402,F401  (routes register on import)
    withdrawal,  # noqa: E402,F401  (the adult's "stop sharing" link)
)
