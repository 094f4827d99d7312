"""'Enter your code': the short code printed on a letter leads into the same journey as the link.

GET shows the form; POST checks the code. Beginning from a code is a person's own action (like
pressing Start now on the link's page), so a right code begins at once. Wrong codes count against
the code (it locks after a few) and against the address they came from.
"""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from ..delivery import codes
from ..extensions import db, limiter
from ..models import utcnow
from . import bp
from .views import begin_journey

FIELD = "code"
# Per address, every POST (right or wrong). Wrong codes also count against the code itself and
# against the address in the database (codes.py), which holds across restarts.
CODE_LIMIT = "10 per minute;50 per hour"


def _page(error: str | None = None, value: str = "", status: int = 200):
    return render_template("public/enter_code.html", error=error, value=value), status


@bp.get("/code")
def enter_code():
    return _page()


@bp.post("/code")
@limiter.limit(CODE_LIMIT)
def check_code():
    entered = (request.form.get(FIELD) or "")[:40]
    address = codes.address_key(request.remote_addr)
    if codes.address_blocked(address):
        db.session.commit()
        return render_template("errors/429.html"), 429
    if not entered.strip():
        return _page(_("Enter your code"), entered, 400)
    if codes.normalise(entered) is None:
        return _page(
            _("Enter the 12 letters and numbers of the code as they are printed"), entered, 400
        )
    invitation = codes.check(entered, address)
    if invitation is None or not invitation.usable(utcnow()):
        db.session.commit()  # keeps the count of failures
        return _page(
            _("That code is not right, or it no longer works. Check it and try again"),
            entered,
            400,
        )
    if invitation.response is not None and invitation.response.status == "submitted":
        db.session.commit()
        return render_template("public/already_sent.html")
    return begin_journey(invitation, via="code")
