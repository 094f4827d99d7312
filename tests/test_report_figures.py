"""The Board edition's figures, worked out in SQL from seeded cases whose every count is known
(tests/report_support.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import date

from portal.audit_tool import PRINCIPLE_CODES
from portal.extensions import db
from portal.models import AuditCase, Meeting, ReturnRequest, utcnow
from portal.reports.figures import board_report, report_for
from portal.reports.model import PUBLISHED
from portal.scoring import total
from portal.services import text_checks

from .report_support import AGREED, CHECKED_ACTION, CHECKED_LEARNING, RETURNED, seed


def counts(breakdown) -> dict[str, int]:
    return {cell.code: cell.count.value for cell in breakdown.cells}


def test_cases_themes_and_returns(app):
    seed("2026-Q4", cases=5)
    seed("2026-Q3", cases=2)
    db.session.add(AuditCase(reference="NOT-MET-YET", quarter="2026-Q4", theme="Self-neglect"))
    db.session.commit()
    report = board_report("2026-Q4")
    assert report.overview.cases_audited.value == 5
    # Cases 2 to 6 of the seeding (numbered across both quarters): even ones are Self-neglect.
    assert counts(report.overview.themes) == {"Self-neglect": 3, "Financial abuse": 2}
    assert report.overview.organisations_invited.value == 2
    # The second organisation returns late for odd-numbered cases: 3 and 5 here.
    assert counts(report.overview.returns) == {"on_time": 8, "late": 2, "not_returned": 0}


def test_a_revoked_request_never_returned_is_not_counted(app):
    seeded = seed("2026-Q4", cases=1)
    db.session.execute(
        db.update(ReturnRequest)
        .where(ReturnRequest.case_id == seeded.cases[0].id)
        .values(submitted_at=None)
    )
    first = db.session.scalars(db.select(ReturnRequest)).first()
    first.revoked_at = utcnow()
    db.session.commit()
    assert counts(board_report("2026-Q4").overview.returns) == {
        "on_time": 0,
        "late": 0,
        "not_returned": 1,
    }


def test_agreed_scores_bands_and_differences(app):
    seed("2026-Q4", cases=5)
    report = board_report("2026-Q4")
    for index, principle in enumerate(report.scores.principles):
        assert principle.code == PRINCIPLE_CODES[index]
        expected = Counter(row[index] for row in AGREED)
        assert counts(principle.scores) == {s: expected[s] for s in ("2", "1", "0", "NA", "NK")}
        assert principle.scores.total.value == 5
        agreed = [row[index] for row in AGREED if row[index] in "012"]
        mine = RETURNED[index]
        assert counts(principle.differences) == {
            "same": 2 * sum(a == mine for a in agreed),
            "higher": 2 * sum(mine > a for a in agreed),
            "lower": 2 * sum(mine < a for a in agreed),
        }
    # The bands are portal/scoring.py's, case by case.
    bands = Counter(
        total(dict(zip(PRINCIPLE_CODES, row, strict=True))).band or "too_few" for row in AGREED
    )
    assert counts(report.scores.bands) == {
        code: bands[code]
        for code in ("outstanding", "good", "requires_improvement", "inadequate", "too_few")
    }
    # Prevention: the returns' 0 against agreed 2, 1, 0, 2, 1 differs most often.
    assert report.scores.most_differed[0] == "prevention"


def test_the_adults_voice(app):
    seed("2026-Q4", cases=5)
    voice = board_report("2026-Q4").voice
    assert voice.invitations_sent.value == 5
    assert voice.responses.value == 5
    assert counts(voice.consent) == {"given": 2, "declined": 2, "withdrawn": 1, "not_recorded": 0}
    assert voice.anonymous_only.value == 1
    assert counts(voice.respondents) == {"adult": 4, "representative": 1}
    assert counts(voice.formats) == {"standard": 3, "easy_read": 2}
    assert counts(voice.languages) == {"en": 3, "cy": 2, "pl": 0}
    questions = {q.id: q for q in voice.questions}
    assert len(questions) == 12
    # Counted: cases 0 and 1 (consent given) and 2 (declined, anonymous feedback agreed);
    # not case 3 (withdrawn) nor 4 (declined outright).
    q1 = counts(questions["q1"].answers)
    assert q1 == {
        "always": 1,
        "quite_a_bit": 1,
        "not_very_much": 1,
        "not_at_all": 0,
        "not_answered": 0,
        "no_answer": 0,
    }
    assert questions["q1"].answers.total.value == 3
    q11 = questions["q11"].answers
    assert q11.multiple
    assert counts(q11)["forum"] == 3
    assert counts(q11)["staff_training"] == 1
    assert q11.total.value == 3
    assert counts(questions["q10"].answers) == {"written": 3, "no_answer": 0}


def test_making_safeguarding_personal_in_sg4a_categories(app):
    seed("2026-Q4", cases=5)
    msp = board_report("2026-Q4").msp
    assert counts(msp.asked) == {
        "asked_expressed": 2,
        "asked_not_expressed": 1,
        "not_asked": 1,
        "dont_know": 0,
        "not_recorded": 1,
    }
    assert [c.label for c in msp.asked.cells] == [
        "Yes, they were asked and outcomes were expressed",
        "Yes, they were asked but no outcomes were expressed",
        "No",
        "Don’t know",
        "Not recorded",
    ]
    # Only where outcomes were expressed: outcomes_met yes and partly.
    assert counts(msp.achieved) == {
        "fully": 1,
        "partially": 1,
        "not_achieved": 0,
        "not_recorded": 0,
    }
    assert counts(msp.felt_safer)["a_lot_safer"] == 1
    assert msp.felt_safer.total.value == 3


def test_free_text_shows_only_once_checked_and_an_edit_needs_a_new_check(app):
    seeded = seed("2026-Q4", cases=5)
    report = board_report("2026-Q4")
    learning = [i.text for i in report.learning.items if i.kind == "learning_point"]
    assert learning == [CHECKED_LEARNING]
    # Agreed at five meetings, said once.
    assert len([i for i in report.learning.items if i.kind == "recommendation"]) == 1
    assert report.learning.waiting == 4
    assert [a.what for a in report.action_plan.actions if a.what] == [CHECKED_ACTION]
    assert report.action_plan.waiting == 9
    assert counts(report.action_plan.statuses)["open"] == 5

    meeting = db.session.scalar(db.select(Meeting).filter_by(case_id=seeded.cases[0].id))
    meeting.learning_points = CHECKED_LEARNING + " Also Zennorwick."
    db.session.commit()
    report = board_report("2026-Q4")
    assert not [i for i in report.learning.items if i.kind == "learning_point"]
    assert report.learning.waiting == 5
    piece = next(p for p in text_checks.waiting() if p.text.endswith("Also Zennorwick."))
    assert text_checks.check(piece.key, piece.digest, seeded.checker.id)
    assert board_report("2026-Q4").learning.waiting == 4


def test_a_year_puts_its_quarters_side_by_side(app):
    seed("2026-Q3", cases=2)
    seed("2026-Q4", cases=5)
    seed("2025-Q4", cases=1)
    report = board_report("2026")
    assert report.overview.cases_audited.value == 7
    year = report.year
    assert year.quarters == ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")
    assert [f.value for f in year.cases_audited] == [0, 0, 2, 5]
    assert [f.value for f in year.responses] == [0, 0, 2, 5]
    empowerment = year.principles[0]
    # Cases numbered 0-1 in Q3 and 2-6 in Q4 take AGREED rows number % 5.
    fully = [sum(AGREED[n % 5][0] == "2" for n in numbers) for numbers in ([0, 1], range(2, 7))]
    assert [p.count.value for p in empowerment.points] == [0, 0, *fully]
    assert len(year.questions) == 12
    assert board_report("2026-Q4").year is None


def test_an_empty_period_is_all_zeros_in_both_editions(app):
    for edition in ("board", PUBLISHED):
        report = report_for("2031", edition)
        assert report.overview.cases_audited.value == 0
        assert report.voice.responses.value == 0
        assert report.learning.items == ()
        assert all(p.count.percent is None for p in report.year.principles[0].points)


def test_the_published_edition_shows_no_small_count(app):
    seed("2026-Q4", cases=7, held_on=date(2026, 11, 20))
    from portal.reports.csv_export import rows

    report = report_for("2026-Q4", PUBLISHED)
    assert report.edition == PUBLISHED
    checked = 0
    for row in rows(report):
        if row.section in ("Action plan", "Learning"):
            continue  # actions, not people (and each action is listed)
        value = row.figure.value
        assert value is None or (value % 5 == 0 and not 1 <= value <= 4), row
        checked += 1
    assert checked > 100
