"""The agency's return (issue 16 §2): an organisation's contact audits its own records of a case
against Appendix 1, through a one-time link. English only (babel.cfg ignores this package).

Deny by default, as on the staff pages: every route declares with ``@allow`` who may use it,
"link" (the link's own pages, guarded by its secret) or "return" (a browser bound to a return by
pressing Start on its link). A route with no declaration is "Page not found"; a "return" route
without a bound session gets the "open your link" page.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for

bp = Blueprint("returns", __name__)

LINK = "link"
RETURN = "return"


def allow(who: str):
    """Declare who may use a route: LINK or RETURN."""
    if who not in (LINK, RETURN):
        raise ValueError(f"unknown access {who!r}")

    def mark(view):
        view.returns_access = who
        return view

    return mark


def rule_for(endpoint: str | None) -> str | None:
    """What a route declared with @allow, or None."""
    view = current_app.view_functions.get(endpoint or "")
    return getattr(view, "returns_access", None)


# Pages a submitted return may still show; every other RETURN route shows it read-only.
READ_ONLY_ENDPOINTS = {"returns.submitted"}


@bp.before_request
def _guard():
    from .session import current_return

    rule = rule_for(request.endpoint)
    if rule is None:
        return render_template("returns/not_found.html"), 404  # deny by default
    if rule == LINK:
        return None
    return_request = current_return(for_saving=request.method == "POST")
    if return_request is None:
        return render_template("returns/your_link.html"), 403
    g.return_request = return_request
    if return_request.submitted_at is not None and request.endpoint not in READ_ONLY_ENDPOINTS:
        if request.method == "POST":
            # A second submit, or a save from another tab after submitting: nothing changes.
            from .views import read_only_page

            return read_only_page(return_request, already=True)
        return redirect(url_for("returns.submitted"))
    return None


from . import views  # noqa: E402,F401  (routes register on import, after bp exists)
