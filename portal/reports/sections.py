"""The report as a reader meets it: its sections in the issue's order, each figure a chart with
its data table beside it and a sentence that states what the chart shows. The staff page and
the PDF render these same values (templates/staff/_report_body.html), so the two never differ.
No Flask and no database: a Report in, plain values and SVG out.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from .charts import Bar, StackedRow, bar_chart, categories, column_chart, stacked_bar_chart
from .model import Breakdown, Figure, Report, Trend


@dataclass(frozen=True)
class Table:
    """A data table: its id (unique on the page), a caption, column headings, and rows whose
    first cell heads the row."""

    id: str
    caption: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Exhibit:
    """One figure: a heading, the sentence saying what it shows, its chart (None for a table
    alone) and its table."""

    heading: str
    finding: str
    chart: Markup | None
    table: Table


@dataclass(frozen=True)
class Section:
    id: str
    heading: str
    exhibits: tuple[Exhibit, ...]


def _share(figure: Figure) -> str:
    return figure.percent_text or "–"


def _of(figure: Figure, total: Figure) -> str:
    """ "5 of 12 (42%)", "fewer than 5 of 20", as the edition shows them."""
    words = f"{figure.text} of {total.text}"
    return f"{words} ({figure.percent_text})" if figure.percent_text else words


def breakdown_finding(breakdown: Breakdown, noun: str) -> str:
    """The largest category in words, or that there was none."""
    shown = [c for c in breakdown.cells if c.count.value]
    if not shown:
        if any(c.count.suppressed for c in breakdown.cells):
            return (
                f"Every count of {noun} is too small to show (fewer than 5, or hidden beside one)."
            )
        return f"No {noun} in this period."
    top = max(c.count.value for c in shown)
    leaders = [c for c in shown if c.count.value == top]
    if len(leaders) > 1:
        quoted = [f"“{c.label}”" for c in leaders]
        names = ", ".join(quoted[:-1]) + " and " + quoted[-1]
        return f"{names} were the most common {noun}, {leaders[0].count.text} each."
    cell = leaders[0]
    return f"The most common of the {noun} was “{cell.label}”: {_of(cell.count, breakdown.total)}."


def breakdown_table(table_id: str, breakdown: Breakdown, caption: str, first: str) -> Table:
    rows = [(c.label, c.count.text, _share(c.count)) for c in breakdown.cells]
    if not breakdown.multiple:
        rows.append(("Total", breakdown.total.text, ""))
    else:
        rows.append(("People answering (each may choose several)", breakdown.total.text, ""))
    return Table(table_id, caption, (first, "Count", "Share"), tuple(rows))


def breakdown_exhibit(
    chart_id: str, heading: str, breakdown: Breakdown, noun: str, first: str
) -> Exhibit:
    finding = breakdown_finding(breakdown, noun)
    bars = [Bar(c.label, c.count.value, c.count.text) for c in breakdown.cells]
    chart = bar_chart(chart_id, heading, finding, bars) if breakdown.cells else None
    table = breakdown_table(f"table-{chart_id}", breakdown, heading, first)
    return Exhibit(heading, finding, chart, table)


def counts_exhibit(table_id: str, title: str, rows: tuple[tuple[str, str], ...]) -> Exhibit:
    """A few counts of one kind as a table, with no chart or finding of their own."""
    return Exhibit(title, "", None, Table(table_id, title, ("Measure", "Count"), rows))


def trend_exhibit(chart_id: str, trend: Trend) -> Exhibit:
    """One principle or question across the year: the share of ``trend.measure`` in each
    quarter, on an axis from 0 to 100%."""
    heading = f"{trend.label} – “{trend.measure}”, by quarter"

    def words(point) -> str:
        if point.count.percent is not None:
            return point.count.percent_text
        if not point.base.value and not point.base.suppressed:
            return "none"
        return point.count.text

    bars = [Bar(p.quarter[-2:], p.count.percent, words(p)) for p in trend.points]
    known = [p for p in trend.points if p.count.percent is not None]
    if len(known) >= 2:
        first, last = known[0], known[-1]
        move = (
            "rose"
            if last.count.percent > first.count.percent
            else "fell"
            if last.count.percent < first.count.percent
            else "stayed"
        )
        finding = (
            f"“{trend.measure}” {move} from {first.count.percent_text} in {first.quarter} "
            f"to {last.count.percent_text} in {last.quarter}."
            if move != "stayed"
            else f"“{trend.measure}” stayed at {first.count.percent_text} "
            f"from {first.quarter} to {last.quarter}."
        )
    elif known:
        only = known[0]
        finding = f"“{trend.measure}” was {only.count.percent_text} in {only.quarter}, the only "
        finding += "quarter with a share to show."
    else:
        finding = f"No quarter has a share of “{trend.measure}” to show."
    chart = column_chart(chart_id, heading, finding, bars, top=100, unit="%")
    table = Table(
        f"table-{chart_id}",
        heading,
        ("Quarter", trend.measure, "Out of", "Share"),
        tuple((p.quarter, p.count.text, p.base.text, _share(p.count)) for p in trend.points),
    )
    return Exhibit(heading, finding, chart, table)


# --- The sections, in the order ------------------------------------------------------


def _overview(report: Report) -> Section:
    o = report.overview
    facts = counts_exhibit(
        "table-cases",
        "Cases and organisations",
        (
            ("Cases audited", o.cases_audited.text),
            ("Organisations asked for a return", o.organisations_invited.text),
        ),
    )
    return Section(
        "cases",
        "Cases audited",
        (
            facts,
            breakdown_exhibit("chart-themes", "Cases by theme", o.themes, "themes", "Theme"),
            breakdown_exhibit(
                "chart-returns", "Returns from organisations", o.returns, "returns", "Return"
            ),
        ),
    )


def _scores(report: Report) -> Section:
    s = report.scores
    keys = [(c.code, c.label) for c in s.principles[0].scores.cells] if s.principles else []
    cats = categories(keys)
    rows = [
        StackedRow(
            p.title, tuple(Bar(c.label, c.count.value, c.count.text) for c in p.scores.cells)
        )
        for p in s.principles
    ]
    fully = [(p, p.scores.cell("2")) for p in s.principles]
    known = [(p, c) for p, c in fully if c and c.count.value is not None]
    if known and any(c.count.value for _p, c in known):
        best = max(known, key=lambda pc: pc[1].count.percent or 0)
        worst = min(known, key=lambda pc: pc[1].count.percent or 0)
        finding = (
            f"{best[0].title} was most often fully met: {_of(best[1].count, best[0].scores.total)}."
            f" {worst[0].title} was least often fully met: "
            f"{_of(worst[1].count, worst[0].scores.total)}."
        )
    elif any(c and c.count.suppressed for _p, c in fully):
        finding = "Too few cases were fully met on any principle for the counts to be shown."
    else:
        finding = "No principle was agreed as fully met in this period."
    heading = "Agreed scores for each principle"
    table = Table(
        "table-chart-scores",
        heading,
        (
            "Principle",
            *[
                c.label  # "2 Fully met": the label names its score
                for c in (s.principles[0].scores.cells if s.principles else ())
            ],
            "Cases",
        ),
        tuple(
            (p.title, *[c.count.text for c in p.scores.cells], p.scores.total.text)
            for p in s.principles
        ),
    )
    agreed = Exhibit(
        heading,
        finding,
        stacked_bar_chart("chart-scores", heading, finding, cats, rows) if rows else None,
        table,
    )
    bands = breakdown_exhibit("chart-bands", "Cases by band", s.bands, "bands", "Band")
    titles = {p.code: p.title for p in s.principles}
    differed = [titles.get(code, code) for code in s.most_differed]
    diff_heading = "Where organisations’ own returns differed from the agreed score"
    diff_cats = categories(
        [(c.code, c.label) for c in s.principles[0].differences.cells] if s.principles else []
    )
    diff_rows = [
        StackedRow(
            p.title, tuple(Bar(c.label, c.count.value, c.count.text) for c in p.differences.cells)
        )
        for p in s.principles
    ]
    diff_finding = (
        f"Returns differed from the agreed score most often on {differed[0]}."
        if differed
        else "No organisation’s return differed from the agreed score."
    )
    diff_table = Table(
        "table-chart-differences",
        diff_heading,
        (
            "Principle",
            *[c.label for c in (s.principles[0].differences.cells if s.principles else ())],
            "Returns",
        ),
        tuple(
            (p.title, *[c.count.text for c in p.differences.cells], p.differences.total.text)
            for p in s.principles
        ),
    )
    differences = Exhibit(
        diff_heading,
        diff_finding,
        stacked_bar_chart("chart-differences", diff_heading, diff_finding, diff_cats, diff_rows)
        if diff_rows and diff_cats
        else None,
        diff_table,
    )
    return Section("scores", "Agreed scores", (agreed, bands, differences))


def _voice(report: Report) -> Section:
    v = report.voice
    facts = counts_exhibit(
        "table-voice",
        "Invitations and responses",
        (
            ("Invitations sent", v.invitations_sent.text),
            ("Responses", v.responses.text),
            ("Anonymous feedback only (consent declined)", v.anonymous_only.text),
        ),
    )
    exhibits = [
        facts,
        breakdown_exhibit("chart-consent", "Consent", v.consent, "consent decisions", "Consent"),
        breakdown_exhibit(
            "chart-respondents", "Who answered", v.respondents, "people answering", "Answered by"
        ),
        breakdown_exhibit("chart-formats", "Formats used", v.formats, "formats", "Format"),
        breakdown_exhibit(
            "chart-languages", "Languages used", v.languages, "languages", "Language"
        ),
    ]
    for q in v.questions:
        exhibits.append(
            breakdown_exhibit(
                f"chart-{q.id}", f"Question {q.number}: {q.title}", q.answers, "answers", "Answer"
            )
        )
    return Section("voice", "The adult’s voice", tuple(exhibits))


def _msp(report: Report) -> Section:
    m = report.msp
    return Section(
        "msp",
        "Making Safeguarding Personal",
        (
            breakdown_exhibit(
                "chart-msp-asked",
                "Asked about desired outcomes",
                m.asked,
                "answers",
                "Asked about desired outcomes",
            ),
            breakdown_exhibit(
                "chart-msp-achieved",
                "Where outcomes were expressed, were they achieved?",
                m.achieved,
                "outcomes",
                "Outcomes",
            ),
            breakdown_exhibit(
                "chart-msp-safer",
                "Do people feel safer now? (question 8)",
                m.felt_safer,
                "answers",
                "Answer",
            ),
        ),
    )


def _actions(report: Report) -> Section:
    plan = report.action_plan
    return Section(
        "actions",
        "Action plan",
        (
            breakdown_exhibit(
                "chart-actions", "Actions by status", plan.statuses, "statuses", "Status"
            ),
        ),
    )


def _year(report: Report) -> Section | None:
    year = report.year
    if year is None:
        return None
    facts = Exhibit(
        "Cases and responses by quarter",
        "",
        None,
        Table(
            "table-year",
            "Cases and responses by quarter",
            ("Quarter", "Cases audited", "Responses"),
            tuple(
                (q, c.text, r.text)
                for q, c, r in zip(year.quarters, year.cases_audited, year.responses, strict=True)
            ),
        ),
    )
    exhibits = [facts]
    exhibits += [trend_exhibit(f"chart-year-{t.code}", t) for t in year.principles]
    exhibits += [trend_exhibit(f"chart-year-{t.code}", t) for t in year.questions]
    return Section("year", "The year, quarter by quarter", tuple(exhibits))


LEARNING = ("learning", "Learning points and recommendations")


def contents(built: dict[str, Section]) -> list[tuple[str, str]]:
    """(id, heading) of every section in the order the report shows them."""
    order = [built[name] for name in ("cases", "scores", "voice", "msp")]
    rows = [(s.id, s.heading) for s in order]
    rows += [LEARNING, (built["actions"].id, built["actions"].heading)]
    if "year" in built:
        rows.append((built["year"].id, built["year"].heading))
    return rows


def build(report: Report) -> dict[str, Section]:
    """The report's figure sections by name: "cases", "scores", "voice", "msp", "actions" and,
    for a year, "year". Learning points and the action plan's lines are free text, rendered from
    the report itself."""
    sections = {
        "cases": _overview(report),
        "scores": _scores(report),
        "voice": _voice(report),
        "msp": _msp(report),
        "actions": _actions(report),
    }
    year = _year(report)
    if year:
        sections["year"] = year
    return sections
