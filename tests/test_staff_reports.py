"""The quarterly report as staff read and download it (portal/staff/reports.py): the chooser,
the page with its sections in the issue's order (each chart with its table), both editions, the
tagged PDF and the CSV download, who may see it, bad periods, and that no identifying string
reaches the HTML or the PDF's text in either edition."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from . import report_support
from .staff_helpers import make_user, sign_in

QUARTER = "2026-Q4"
SECTION_ORDER = ["cases", "scores", "voice", "msp", "learning", "actions"]
# What a published count may say: a multiple of 5, or a suppression marker.
PUBLISHED_COUNT = re.compile(r"^(\d*[05]|fewer than 5|not shown)$")


@pytest.fixture
def seeded(app):
    return report_support.seed(QUARTER, cases=5)


@pytest.fixture
def coordinator(client):
    sign_in(client, make_user("coordinator", email="coord@example.org"))
    return client


def _pdf_text(body: bytes) -> str:
    """The PDF's text as pdftotext (poppler-utils) reads it."""
    assert shutil.which("pdftotext"), "poppler-utils is missing: scripts/setup.sh installs it"
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=body, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def test_the_report_page_has_every_section_in_order_each_chart_with_its_table(seeded, coordinator):
    page = coordinator.get(f"/staff/reports/{QUARTER}")
    assert page.status_code == 200
    soup = page.soup
    assert soup.h1.get_text(strip=True) == "Safeguarding audit report: Quarter 4 of 2026"
    ids = [h2.get("id") for h2 in soup.select("#main-content h2[id]")]
    assert [i for i in ids if i in SECTION_ORDER] == SECTION_ORDER
    assert "year" not in ids, "a quarter has no year view"
    figures = soup.select(".app-report-figure")
    assert len(figures) >= 20
    for figure in figures:
        svg = figure.select_one("svg")
        assert svg["role"] == "img"
        title_id, desc_id = svg["aria-labelledby"].split()
        assert svg.find("title", id=title_id).get_text(strip=True)
        assert svg.find("desc", id=desc_id).get_text(strip=True)
        table = figure.select_one("table.govuk-table")
        assert table.caption and table.select("tbody tr")
    # The agreed scores' table: each principle's counts of 2, 1, 0, NA and NK, which add up to
    # the cases with an agreed record.
    table = next(
        t for t in soup.select("table") if "Agreed scores for each principle" in t.caption.text
    )
    for row in table.select("tbody tr"):
        cells = [td.get_text(strip=True) for td in row.select("td")]
        assert sum(int(c) for c in cells[:-1]) == int(cells[-1]) == 5
    text = soup.get_text(" ")
    # Checked free text is shown, unchecked is counted as waiting, with the way to check it.
    assert report_support.CHECKED_LEARNING in text
    assert report_support.CHECKED_RECOMMENDATION in text
    assert "waiting for a check" in text
    assert soup.select_one(".app-report-waiting a[href='/staff/reports/checks']")


def test_the_page_offers_both_editions_as_pdf_and_csv(seeded, coordinator):
    soup = coordinator.get(f"/staff/reports/{QUARTER}").soup
    links = {a["href"] for a in soup.select(".app-report-downloads a[href]")}
    for path in (
        f"/staff/reports/{QUARTER}.pdf",
        f"/staff/reports/{QUARTER}.csv",
        f"/staff/reports/{QUARTER}/published.pdf",
        f"/staff/reports/{QUARTER}/published.csv",
        f"/staff/reports/{QUARTER}/published",
    ):
        assert path in links, path
    names = [a.get_text(" ", strip=True) for a in soup.select(".app-report-downloads a[download]")]
    assert len(names) == len(set(names)) == 4, "each download says which edition it is"


def test_the_published_edition_shows_no_count_of_1_to_4(seeded, coordinator):
    soup = coordinator.get(f"/staff/reports/{QUARTER}/published").soup
    assert "Published edition" in soup.select_one(".govuk-caption-l").text
    # The action plan counts actions, not people, and stays exact (portal/reports/disclosure.py).
    tables = soup.select("section:not([aria-labelledby=actions]) table.app-report-table")
    counts = [
        td.get_text(strip=True)
        for table in tables
        for row in table.select("tbody tr")
        for td in row.select("td")
        if not td.get_text(strip=True).endswith("%") and td.get_text(strip=True) not in ("–", "")
    ]
    assert counts
    assert all(PUBLISHED_COUNT.match(c) for c in counts), counts
    assert "fewer than 5" in counts
    # Charts draw no bar for a suppressed count, and say it in words.
    chart_words = [
        t.get_text() for t in soup.select("section:not([aria-labelledby=actions]) svg .chart-value")
    ]
    assert "fewer than 5" in " ".join(chart_words)
    assert not any(re.fullmatch(r"[1-4]", w) for w in chart_words if w)


def test_a_year_shows_its_four_quarters_side_by_side(seeded, coordinator):
    report_support.seed("2026-Q1", cases=2)
    soup = coordinator.get("/staff/reports/2026").soup
    assert soup.h1.get_text(strip=True) == "Safeguarding audit report: The year 2026"
    year = soup.select_one("section[aria-labelledby=year]")
    assert year is not None
    quarters = year.select_one("table").select("tbody th")
    assert [q.get_text(strip=True) for q in quarters] == [f"2026-Q{n}" for n in range(1, 5)]
    trends = year.select("svg[role=img]")
    assert len(trends) == 6 + 12, "each principle and each question"
    words = [t.get_text() for t in trends[0].select("text")]
    assert {"0%", "100%", "Q1", "Q2", "Q3", "Q4"} <= set(words)


@pytest.mark.parametrize("edition", ["", "/published"])
def test_no_identifying_string_in_the_html_or_the_pdf(seeded, coordinator, edition):
    html = coordinator.get(f"/staff/reports/{QUARTER}{edition}").get_data(as_text=True)
    pdf = coordinator.get(f"/staff/reports/{QUARTER}{edition}.pdf")
    assert pdf.status_code == 200
    text = _pdf_text(pdf.data)
    words = " ".join(text.split())
    assert "Safeguarding Multi-Agency Case Audit" in words  # the PDF's text is read
    assert report_support.CHECKED_LEARNING[:40] in words
    for found in report_support.IDENTIFYING:
        assert found.lower() not in html.lower(), found
        assert found.lower() not in words.lower(), found
    for reference in (case.reference for case in seeded.cases):
        assert reference not in html and reference not in text


def test_the_pdf_is_tagged_titled_and_named_without_a_case(seeded, coordinator, app):
    response = coordinator.get(f"/staff/reports/{QUARTER}/published.pdf")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="safeguarding-audit-report-{QUARTER}-published.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.data))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog, "a tagged PDF"
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "en"
    assert reader.metadata.title.startswith("Safeguarding audit report: Quarter 4 of 2026")
    first = " ".join(reader.pages[0].extract_text().split())
    assert app.config["BOARD"].name in first
    assert "Quarter 4 of 2026" in first and "Published edition" in first
    assert len(reader.pages) > 4


def test_the_csv_downloads_for_each_edition(seeded, coordinator):
    for path, edition in ((f"/staff/reports/{QUARTER}.csv", "board"),) + (
        (f"/staff/reports/{QUARTER}/published.csv", "published"),
    ):
        response = coordinator.get(path)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="safeguarding-audit-report-{QUARTER}-{edition}.csv"'
        )
        body = response.get_data(as_text=True)
        for found in report_support.IDENTIFYING:
            assert found.lower() not in body.lower(), found


@pytest.mark.parametrize("role", ["coordinator", "admin", "learning_group"])
def test_coordinators_administrators_and_the_learning_group_read_the_report(app, client, role):
    sign_in(client, make_user(role, email=f"{role}@example.org"))
    for path in ("/staff/reports", f"/staff/reports/{QUARTER}", f"/staff/reports/{QUARTER}.csv"):
        assert client.get(path).status_code == 200, path
    menu = [
        a.get_text(strip=True)
        for a in client.get("/staff/reports").soup.select(".govuk-service-navigation__list a")
    ]
    assert "Reports" in menu


def test_only_those_who_may_check_free_text_are_offered_the_check(seeded, client):
    sign_in(client, make_user("learning_group", email="lig@example.org"))
    soup = client.get(f"/staff/reports/{QUARTER}").soup
    assert "waiting for a check" in soup.get_text()
    assert not soup.select("a[href='/staff/reports/checks']")


def test_a_facilitator_sees_no_report(app, client):
    sign_in(client, make_user("facilitator", email="fac@example.org"))
    for path in (
        "/staff/reports",
        f"/staff/reports/{QUARTER}",
        f"/staff/reports/{QUARTER}/published.pdf",
        f"/staff/reports/{QUARTER}.csv",
    ):
        assert client.get(path).status_code == 403, path
    menu = client.get("/staff/cases").soup.select(".govuk-service-navigation__list a")
    assert "Reports" not in [a.get_text(strip=True) for a in menu]


@pytest.mark.parametrize(
    "path",
    [
        "/staff/reports/2026-Q5",
        "/staff/reports/26-Q1",
        "/staff/reports/1999",
        "/staff/reports/2026-q4x",
        "/staff/reports/2026-Q4;DROP",
        "/staff/reports/nonsense.pdf",
        "/staff/reports/2026-Q0/published.csv",
        "/staff/reports/2026-Q4/unpublished",
    ],
)
def test_a_bad_period_is_page_not_found(coordinator, path):
    response = coordinator.get(path)
    assert response.status_code == 404
    assert response.soup.h1.get_text(strip=True) == "Page not found"


def test_the_chooser_goes_to_the_report_asked_for(seeded, coordinator):
    page = coordinator.get("/staff/reports")
    assert page.status_code == 200
    assert not page.soup.select(".govuk-error-summary")
    assert page.soup.select_one(f"a[href='/staff/reports/{QUARTER}']")
    assert page.soup.select_one("a[href='/staff/reports/2026']")
    found = coordinator.get("/staff/reports?period=2026-q4&edition=published")
    assert found.status_code == 302
    assert found.headers["Location"] == f"/staff/reports/{QUARTER}/published"
    found = coordinator.get("/staff/reports?period=+2026+&edition=board")
    assert found.headers["Location"] == "/staff/reports/2026"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=&edition=board", "Enter a quarter, like 2026-Q4, or a year, like 2026"),
        ("period=Quarter+4&edition=board", "Enter a quarter like 2026-Q4 or a year like 2026"),
        ("period=2026-Q4&edition=secret", "Select an edition"),
    ],
)
def test_the_chooser_says_what_is_wrong(coordinator, query, message):
    page = coordinator.get(f"/staff/reports?{query}")
    assert page.status_code == 200
    summary = page.soup.select_one(".govuk-error-summary")
    assert summary is not None and message in summary.get_text()
    assert page.soup.title.get_text().startswith("Error:")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(period=st.text(max_size=40), edition=st.text(max_size=20))
def test_anything_in_the_url_is_a_page_or_an_error_never_a_500(coordinator, period, edition):
    response = coordinator.get(
        "/staff/reports", query_string={"period": period, "edition": edition}
    )
    assert response.status_code in (200, 302)
    safe = "".join(c for c in period if c.isalnum() or c in "-_ ").strip()
    if safe:
        assert coordinator.get(f"/staff/reports/{safe}").status_code in (200, 404)
