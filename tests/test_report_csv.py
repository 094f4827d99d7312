"""The report's CSV: one row per figure, its edition's suppression markers, no formula a
spreadsheet would run, and nothing that identifies anyone (issue 17 §2)."""

from __future__ import annotations

import csv
import io

import pytest

from portal.extensions import db
from portal.models import AuditCase
from portal.reports.csv_export import COLUMNS, csv_filename, report_csv
from portal.reports.model import Period

from .report_support import IDENTIFYING, UNCHECKED_ACTION, UNCHECKED_LEARNING, seed


def parsed(text: str) -> list[dict]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.mark.parametrize("period", ["2026-Q4", "2026"])
@pytest.mark.parametrize("edition", ["board", "published"])
def test_nothing_identifying_in_either_edition(app, period, edition):
    seed("2026-Q4", cases=6)
    text = report_csv(period, edition)
    for needle in (*IDENTIFYING, UNCHECKED_LEARNING, UNCHECKED_ACTION):
        assert needle.lower() not in text.lower(), needle
    assert "Self-neglect" in text  # the report is there


def test_one_row_per_figure_with_the_editions_markers(app):
    seed("2026-Q4", cases=6)
    board = parsed(report_csv("2026-Q4", "board"))
    published = parsed(report_csv("2026-Q4", "published"))
    assert list(board[0]) == list(COLUMNS)
    assert len(board) == len(published) > 150
    audited = [r for r in board if r["Measure"] == "Cases audited"]
    assert audited == [
        {
            "Edition": "Board",
            "Period": "2026-Q4",
            "Section": "Cases",
            "Measure": "Cases audited",
            "Category": "Total",
            "Value": "6",
            "Percent": "",
        }
    ]
    consent = {r["Category"]: r for r in board if r["Measure"] == "Consent"}
    assert consent["Consent given"]["Value"] == "3"
    assert consent["Consent given"]["Percent"] == "50.0"
    hidden = {r["Category"]: r for r in published if r["Measure"] == "Consent"}
    assert hidden["Consent given"]["Value"] == "[c]"
    assert hidden["Consent given"]["Percent"] == ""
    assert hidden["Total"]["Value"] == "5"  # 6, rounded
    for row in published:
        if row["Section"] not in ("Action plan", "Learning") and row["Value"] != "[c]":
            assert int(row["Value"]) % 5 == 0, row


def test_no_cell_starts_a_formula(app):
    seed("2026-Q4", cases=2)
    db.session.execute(db.update(AuditCase).values(theme='=HYPERLINK("http://x","y")'))
    db.session.commit()
    rows = parsed(report_csv("2026-Q4", "board"))
    themes = [r["Category"] for r in rows if r["Measure"] == "Cases audited by theme"]
    assert themes[0] == '\'=HYPERLINK("http://x","y")'
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), row


def test_the_file_name_says_which_report_and_nothing_more():
    assert csv_filename(Period.parse("2026-Q4"), "published") == (
        "safeguarding-audit-report-2026-Q4-published.csv"
    )
