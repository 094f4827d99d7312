"""`make run`'s demo data gives a quarterly report with every section filled in (issue 17)."""

from __future__ import annotations

from portal.reports.figures import report_for


def test_the_demo_report_has_every_section_filled_in(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    report = report_for("2026-Q4", "board")
    overview, scores, voice, msp = report.overview, report.scores, report.voice, report.msp
    assert overview.cases_audited.value >= 5
    assert len(overview.themes.cells) >= 3
    assert overview.organisations_invited.value == 2
    assert overview.returns.cell("on_time").count.value > 0
    for principle in scores.principles:
        assert principle.scores.total.value == overview.cases_audited.value
        assert principle.differences.total.value > 0
    assert scores.bands.total.value == overview.cases_audited.value
    assert scores.most_differed
    assert voice.invitations_sent.value > 0
    for breakdown in (voice.consent, voice.respondents, voice.formats, voice.languages):
        assert len([c for c in breakdown.cells if c.count.value]) >= 1, breakdown.measure
    assert voice.consent.cell("withdrawn").count.value >= 1
    assert voice.anonymous_only.value >= 1
    for question in voice.questions:
        assert question.answers.total.value > 0
    for breakdown in (msp.asked, msp.achieved, msp.felt_safer):
        assert breakdown.total.value > 0, breakdown.measure
    assert report.learning.items
    assert report.action_plan.actions and report.action_plan.waiting == 1
    assert [a for a in report.action_plan.actions if a.what]
    year = report_for("2026", "board").year
    assert [f.value is not None and f.value > 0 for f in year.cases_audited][2:] == [True, True]
    # Run again: nothing is added twice.
    app.test_cli_runner().invoke(args=["demo"])
    assert report_for("2026-Q4", "board").overview.cases_audited == overview.cases_audited
