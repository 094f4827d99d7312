"""The quarterly report to the Board, as staff read and download it: choose a quarter or a year
and an edition, read it as a page (each chart with its data table), and download it as a tagged
PDF or as CSV, in the Board edition (exact counts) or the published edition (disclosure control
applied). The figures come from portal/reports (figures, disclosure, CSV); this module only
shows them.

Who: coordinators, administrators and the Learning & Improvement Group (``learning_group``);
facilitators see no report. Nothing here identifies anyone, so the period may sit in the URL.
"""

from __future__ import annotations

from datetime import date

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextInput
from sqlalchemy import select
from wtforms import RadioField, StringField
from wtforms.validators import ValidationError

from .. import letters
from ..extensions import db
from ..models import AuditCase
from ..reports import csv_export, figures, sections
from ..reports.model import BOARD, EDITIONS, PUBLISHED, Period, Report
from . import access, bp
from .forms import StrippedForm
from .report_checks import CHECKERS

READERS = ("coordinator", "admin", "learning_group")
PERIOD_HINT = _l("A quarter, like 2026-Q4, or a whole year, like 2026")


class ReportChoiceForm(StrippedForm):
    """Which report: sent in the query string, since a period and an edition identify no one."""

    class Meta:
        csrf = False

    period = StringField(_l("Quarter or year"), widget=GovTextInput())
    edition = RadioField(
        _l("Edition"),
        choices=list(EDITIONS.items()),
        default=BOARD,
        widget=GovRadioInput(),
        validate_choice=False,  # checked in validate_edition, with a message people can act on
    )

    def validate_period(self, field):
        if not field.data:
            raise ValidationError(_l("Enter a quarter, like 2026-Q4, or a year, like 2026"))
        try:
            Period.parse(field.data.upper())
        except ValueError:
            raise ValidationError(
                _l("Enter a quarter like 2026-Q4 or a year like 2026, with no other words")
            ) from None

    def validate_edition(self, field):
        if field.data not in EDITIONS:
            raise ValidationError(_l("Select an edition"))


def _periods() -> list[Period]:
    """Quarters with cases, newest first, each year before its quarters."""
    quarters = db.session.scalars(
        select(AuditCase.quarter).where(AuditCase.quarter.is_not(None)).distinct()
    ).all()
    found: set[str] = set()
    for code in quarters:
        try:
            period = Period.parse(code)
        except ValueError:
            continue  # typed freely on old cases; the report reads only well-formed ones
        found |= {period.code, str(period.year)}
    newest_first = sorted(found, key=lambda code: (-int(code[:4]), len(code) > 4, code))
    return [Period.parse(code) for code in newest_first]


def _report(period_code: str, edition: str) -> Report:
    """The report for the period in the URL, or the 404 page for one that is not a period."""
    try:
        return figures.report_for(Period.parse(period_code), edition)
    except ValueError:
        abort(404)


def _pdf_name(report: Report) -> str:
    """Names the period and the edition, never a case (as the CSV's name does)."""
    return f"safeguarding-audit-report-{report.period.code}-{report.edition}.pdf"


def _downloads(period: Period) -> list[dict]:
    return [
        {
            "edition": code,
            "label": label,
            "page": url_for("staff.report", period=period.code, edition=code),
            "pdf": url_for("staff.report_pdf", period=period.code, edition=code),
            "csv": url_for("staff.report_csv", period=period.code, edition=code),
        }
        for code, label in EDITIONS.items()
    ]


@bp.get("/reports")
@access(*READERS)
def reports():
    form = ReportChoiceForm(request.args)
    if request.args and form.validate():
        period = Period.parse(form.period.data.upper())
        return redirect(url_for("staff.report", period=period.code, edition=form.edition.data))
    return render_template(
        "staff/reports.html",
        choice=form,
        form=form if request.args else None,
        periods=_periods(),
        period_hint=PERIOD_HINT,
    )


def _checks_url() -> str | None:
    """Where free text is checked, for those who may check it."""
    return url_for("staff.report_checks") if current_user.role in CHECKERS else None


@bp.get("/reports/<period>", defaults={"edition": BOARD})
@bp.get("/reports/<period>/published", defaults={"edition": PUBLISHED})
@access(*READERS)
def report(period: str, edition: str):
    found = _report(period, edition)
    built = sections.build(found)
    return render_template(
        "staff/report.html",
        report=found,
        sections=built,
        contents=sections.contents(built),
        downloads=_downloads(found.period),
        checks_url=_checks_url(),
        back_url=url_for("staff.reports"),
    )


@bp.get("/reports/<period>.pdf", defaults={"edition": BOARD})
@bp.get("/reports/<period>/published.pdf", defaults={"edition": PUBLISHED})
@access(*READERS)
def report_pdf(period: str, edition: str):
    found = _report(period, edition)
    html = render_template(
        "staff/report_pdf.html",
        report=found,
        sections=sections.build(found),
        made_on=date.today(),
    )
    return Response(
        letters.render_pdf(html),
        headers={
            "Content-Type": "application/pdf",
            "Content-Disposition": f'attachment; filename="{_pdf_name(found)}"',
        },
    )


@bp.get("/reports/<period>.csv", defaults={"edition": BOARD})
@bp.get("/reports/<period>/published.csv", defaults={"edition": PUBLISHED})
@access(*READERS)
def report_csv(period: str, edition: str):
    found = _report(period, edition)
    return Response(
        csv_export.to_csv(found).encode("utf-8"),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": (
                f'attachment; filename="{csv_export.csv_filename(found.period, edition)}"'
            ),
        },
    )
