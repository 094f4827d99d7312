"""The Board edition of the quarterly report, worked out from the database.

Every count is an SQL aggregate (GROUP BY, COUNT, CASE sums) over the period's cases; Python only
arranges the grouped counts into the report model (portal/reports/model.py) and hashes the free
text it is about to show. A case belongs to a period by AuditCase.quarter; it is audited once its
meeting record is saved. Nothing here reads a name, reference, identifier, date of birth, place
or contact detail, and free text is shown only once a member of staff has checked it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import aliased

from ..audit_tool import NUMERIC_SCORES, PRINCIPLES, SCORES
from ..extensions import db
from ..languages import STAFF_LABELS
from ..models import (
    Action,
    Answer,
    AuditCase,
    ConsentRecord,
    Invitation,
    Meeting,
    MeetingPrinciple,
    Organisation,
    Response,
    ReturnPrinciple,
    ReturnRequest,
    TextCheck,
)
from ..models.audit import ACTION_STATUSES
from ..models.cases import FORMATS, OUTCOMES_ASKED, RECIPIENTS
from ..models.reports import text_digest
from ..questionnaire import QUESTIONS, STANDARD, Step
from ..scoring import BAND_THRESHOLDS, BANDS, MIN_SCORED_FOR_BAND, TOO_FEW_SCORED
from ..wording import say
from .disclosure import published
from .model import (
    BOARD,
    PUBLISHED,
    ActionLine,
    ActionPlan,
    Breakdown,
    Figure,
    Learning,
    MakingSafeguardingPersonal,
    Overview,
    Period,
    PrincipleScores,
    QuarterPoint,
    Question,
    Report,
    Scores,
    TextItem,
    Trend,
    Voice,
    YearView,
)

NUMERIC = tuple(NUMERIC_SCORES)
TOO_FEW = "too_few"
RETURN_TIMING = {
    "on_time": "Returned before the meeting",
    "late": "Returned on or after the meeting day",
    "not_returned": "Not returned",
}
DIFFERENCES = {
    "same": "Same as agreed",
    "higher": "Higher than agreed",
    "lower": "Lower than agreed",
}
CONSENT = {
    "given": "Consent given",
    "declined": "Consent declined",
    "withdrawn": "Consent withdrawn",
    "not_recorded": "No decision recorded",
}
NOT_RECORDED = "not_recorded"
ASKED = {
    **{code: str(label) for code, label in OUTCOMES_ASKED.items()},
    NOT_RECORDED: "Not recorded",
}
# The case record's "Have outcomes been met?" (OUTCOMES_MET) in SG4a's words; "not known" or no
# answer is not one of SG4a's, so it is counted apart as not recorded.
ACHIEVED_FROM_MET = {"yes": "fully", "partly": "partially", "no": "not_achieved"}
ACHIEVED = {
    "fully": "Fully achieved",
    "partially": "Partially achieved",
    "not_achieved": "Not achieved",
    NOT_RECORDED: "Not recorded",
}
NO_ANSWER, WRITTEN, ANSWERED = "no_answer", "written", "answered"
TEXT_KINDS = {"learning_points": "learning_point", "recommendations": "recommendation"}


def _grouped(stmt: Select) -> dict[tuple, int]:
    """Count the rows of ``stmt`` (labelled columns) grouped by all its columns, in SQL: the
    statement is wrapped as a subquery so CASE expressions group by their label alike on SQLite
    and PostgreSQL."""
    rows = stmt.subquery()
    columns = list(rows.c)
    counted = select(*columns, func.count()).group_by(*columns)
    return {tuple(row[:-1]): row[-1] for row in db.session.execute(counted)}


def _sum_by(counts: dict[tuple, int], *positions: int) -> Counter:
    """Re-total grouped counts by some of their key's positions (a few dozen keys at most)."""
    totals: Counter = Counter()
    for key, n in counts.items():
        picked = tuple(key[p] for p in positions)
        totals[picked[0] if len(picked) == 1 else picked] += n
    return totals


def _scored(period: Period):
    """The period's audited cases: those whose meeting record is saved."""
    return (
        select(AuditCase.id.label("case_id"), AuditCase.quarter, Meeting.id.label("meeting_id"))
        .join(Meeting, Meeting.case_id == AuditCase.id)
        .where(AuditCase.quarter.in_(period.quarters), Meeting.recorded_at.is_not(None))
        .subquery()
    )


def _in_period(period: Period):
    return select(AuditCase.id).where(AuditCase.quarter.in_(period.quarters))


# --- Cases, themes and returns -----------------------------------------------------------------


def _overview(period: Period, audited) -> Overview:
    themes = _grouped(
        select(func.coalesce(AuditCase.theme, "").label("theme")).join(
            audited, audited.c.case_id == AuditCase.id
        )
    )
    by_theme = {key[0]: n for key, n in themes.items()}
    theme_order = sorted(by_theme, key=lambda t: (-by_theme[t], t == "", t))
    cases_audited = sum(by_theme.values())

    counted = or_(ReturnRequest.revoked_at.is_(None), ReturnRequest.submitted_at.is_not(None))
    # On time: submitted before the day of the meeting (or with no meeting held yet).
    timing = case(
        (ReturnRequest.submitted_at.is_(None), "not_returned"),
        (
            or_(Meeting.held_on.is_(None), func.date(ReturnRequest.submitted_at) < Meeting.held_on),
            "on_time",
        ),
        else_="late",
    )
    returns = _grouped(
        select(timing.label("timing"))
        .join(AuditCase, AuditCase.id == ReturnRequest.case_id)
        .outerjoin(Meeting, Meeting.case_id == ReturnRequest.case_id)
        .where(AuditCase.quarter.in_(period.quarters), counted)
    )
    invited = db.session.scalar(
        select(func.count(func.distinct(ReturnRequest.organisation_id))).where(
            ReturnRequest.case_id.in_(_in_period(period)), counted
        )
    )
    return Overview(
        cases_audited=Figure.exact(cases_audited),
        themes=Breakdown.exact(
            "Cases audited by theme",
            [(t, t or "No theme") for t in theme_order],
            by_theme,
        ),
        organisations_invited=Figure.exact(invited or 0),
        returns=Breakdown.exact(
            "Organisations’ returns asked for", RETURN_TIMING.items(), _sum_by(returns, 0)
        ),
    )


# --- Agreed scores, bands and differences -------------------------------------------------------


def _score_counts(audited) -> dict[tuple, int]:
    """(quarter, principle, score) -> cases, for the audited cases."""
    return _grouped(
        select(audited.c.quarter, MeetingPrinciple.principle, MeetingPrinciple.score).join(
            audited, audited.c.meeting_id == MeetingPrinciple.meeting_id
        )
    )


def _band_counts(audited) -> Counter:
    """Cases by band, worked out in SQL as portal/scoring.py does: the share of the applicable
    maximum (2 per principle scored 0, 1 or 2), with too few principles scored giving none."""
    score = MeetingPrinciple.score
    per_case = (
        select(
            audited.c.meeting_id,
            func.sum(case((score == "2", 2), (score == "1", 1), else_=0)).label("points"),
            func.sum(case((score.in_(NUMERIC), 1), else_=0)).label("scored"),
        )
        .select_from(audited)
        .outerjoin(MeetingPrinciple, MeetingPrinciple.meeting_id == audited.c.meeting_id)
        .group_by(audited.c.meeting_id)
        .subquery()
    )
    points, scored = per_case.c.points, per_case.c.scored
    # share >= n/d, with the maximum 2 * scored: points * d >= 2 * scored * n.
    band = case(
        (scored < MIN_SCORED_FOR_BAND, TOO_FEW),
        *(
            (points * start.denominator >= 2 * scored * start.numerator, code)
            for code, start in BAND_THRESHOLDS
        ),
    )
    return _sum_by(_grouped(select(band.label("band"))), 0)


def _difference_counts(audited) -> dict[tuple, int]:
    """(principle, same|higher|lower) -> submitted returns whose score for the principle is
    compared with the agreed one (both scored 0, 1 or 2; the codes order as the scores do)."""
    agreed = aliased(MeetingPrinciple)
    compared = case(
        (ReturnPrinciple.score == agreed.score, "same"),
        (ReturnPrinciple.score > agreed.score, "higher"),
        else_="lower",
    )
    return _grouped(
        select(ReturnPrinciple.principle, compared.label("difference"))
        .join(ReturnRequest, ReturnRequest.id == ReturnPrinciple.return_id)
        .join(audited, audited.c.case_id == ReturnRequest.case_id)
        .join(
            agreed,
            and_(
                agreed.meeting_id == audited.c.meeting_id,
                agreed.principle == ReturnPrinciple.principle,
            ),
        )
        .where(
            ReturnRequest.submitted_at.is_not(None),
            ReturnPrinciple.score.in_(NUMERIC),
            agreed.score.in_(NUMERIC),
        )
    )


def _scores(score_counts: dict[tuple, int], audited) -> Scores:
    by_score = _sum_by(score_counts, 1, 2)
    by_difference = _difference_counts(audited)
    principles = []
    for principle in PRINCIPLES:
        scores = {s: by_score[(principle.code, s)] for s in SCORES}
        differences = {d: by_difference.get((principle.code, d), 0) for d in DIFFERENCES}
        principles.append(
            PrincipleScores(
                code=principle.code,
                title=principle.title,
                scores=Breakdown.exact(
                    f"Agreed scores: {principle.title}",
                    ((code, f"{code} {label}") for code, label in SCORES.items()),
                    scores,
                ),
                differences=Breakdown.exact(
                    f"Organisations’ returns against the agreed score: {principle.title}",
                    DIFFERENCES.items(),
                    differences,
                ),
            )
        )

    def differed(p: PrincipleScores) -> float:
        total = p.differences.total.value or 0
        same = p.differences.cell("same").count.value or 0
        return (total - same) / total if total else 0.0

    ranked = sorted(principles, key=lambda p: -differed(p))
    bands = _band_counts(audited)
    return Scores(
        principles=tuple(principles),
        bands=Breakdown.exact("Cases by band", [*BANDS.items(), (TOO_FEW, TOO_FEW_SCORED)], bands),
        most_differed=tuple(p.code for p in ranked if differed(p) > 0),
    )


# --- The adult's voice ----------------------------------------------------------------------


def _consent_status():
    decision = ConsentRecord.decision
    return case(
        (decision == "decline", "declined"),
        (and_(decision == "agree", ConsentRecord.withdrawn_at.is_not(None)), "withdrawn"),
        (decision == "agree", "given"),
        else_=NOT_RECORDED,
    )


def _responses(period: Period):
    """The period's submitted responses with their consent status, as SQL to count over."""
    return (
        select(
            AuditCase.quarter,
            _consent_status().label("consent"),
            func.coalesce(ConsentRecord.anonymous_feedback, "").label("anonymous"),
            func.coalesce(Response.respondent, "adult").label("respondent"),
            Response.format,
            Response.language,
            case((_answers_count(), 1), else_=0).label("counts"),
        )
        .join(Invitation, Invitation.id == Response.invitation_id)
        .join(AuditCase, AuditCase.id == Invitation.case_id)
        .outerjoin(ConsentRecord, ConsentRecord.response_id == Response.id)
        .where(AuditCase.quarter.in_(period.quarters), Response.status == "submitted")
        .subquery()
    )


def _answers_count():
    """Whose answers count: consent given and not withdrawn, or declined with anonymous
    feedback agreed. On the columns themselves, so the planner can estimate it."""
    consent = ConsentRecord
    return or_(
        and_(consent.decision == "agree", consent.withdrawn_at.is_(None)),
        and_(consent.decision == "decline", consent.anonymous_feedback == "yes"),
    )


def _counted(grouped: dict[tuple, int]) -> Counter:
    """Responses whose answers count, by quarter, from the grouped responses."""
    counted: Counter = Counter()
    for key, n in grouped.items():
        if key[6]:
            counted[key[0]] += n
    return counted


def _answer_counts(period: Period) -> dict[tuple, int]:
    """(quarter, question id, codes, written) -> answers, for the responses that count. Codes
    are grouped as stored, so question 11's ticks come as a few dozen combinations at most."""
    counted = (
        select(Response.id, AuditCase.quarter)
        .join(Invitation, Invitation.id == Response.invitation_id)
        .join(AuditCase, AuditCase.id == Invitation.case_id)
        .join(ConsentRecord, ConsentRecord.response_id == Response.id)
        .where(
            AuditCase.quarter.in_(period.quarters),
            Response.status == "submitted",
            _answers_count(),
        )
        # OFFSET 0 keeps PostgreSQL from merging this into the outer join: the answers are then
        # joined once, to the responses that count, not through each of these tables in turn
        # (half the time with 150,000 answers).
        .offset(0)
        .subquery()
    )
    written = case((func.coalesce(Answer.comment, "") != "", 1), else_=0)
    return _grouped(
        select(counted.c.quarter, Answer.question_id, Answer.codes, written.label("written")).join(
            counted, counted.c.id == Answer.response_id
        )
    )


def _option_counts(question: Step, answers: dict[tuple, int]) -> Counter:
    """One question's count per category, with (quarter, category) keys: each option code, or
    "written" for a question answered in words only; and ANSWERED, the answers with any of them
    (one person may tick several of question 11's boxes)."""
    counts: Counter = Counter()
    main = question.fields[0]
    known = {o.code for o in main.options}
    for (quarter, qid, codes, written), n in answers.items():
        if qid != question.id:
            continue
        found = {WRITTEN} if not known and written else set((codes or "").split()) & known
        for code in found:
            counts[(quarter, code)] += n
        if found:
            counts[(quarter, ANSWERED)] += n
    return counts


def _question_categories(question: Step) -> list[tuple[str, str]]:
    main = question.fields[0]
    if not main.options:
        return [(WRITTEN, "Wrote an answer")]
    return [(o.code, say(o.text, STANDARD)) for o in main.options]


def _question(question: Step, counts: Counter, base: int) -> Question:
    categories = _question_categories(question)
    by_code = {code: counts[code] for code, _label in categories}
    by_code[NO_ANSWER] = max(base - counts[ANSWERED], 0)
    return Question(
        id=question.id,
        number=question.number,
        title=say(question.title, STANDARD),
        answers=Breakdown.exact(
            f"Question {question.number}",
            [*categories, (NO_ANSWER, "No answer")],
            by_code,
            total=base,
            multiple=question.fields[0].kind == "checkboxes",
        ),
    )


def _voice(period: Period, grouped: dict[tuple, int], answers: dict[tuple, int]) -> Voice:
    """``grouped``: (quarter, consent, anonymous, respondent, format, language, counts) ->
    responses."""
    consent = _sum_by(grouped, 1)
    anonymous_only = sum(n for key, n in grouped.items() if key[1:3] == ("declined", "yes"))
    sent = db.session.scalar(
        select(func.count())
        .select_from(Invitation)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(
            Invitation.case_id.in_(_in_period(period)),
            # Links, not the placeholders holding answers a facilitator recorded; a link revoked
            # unanswered (replaced, or sent by mistake) is not counted.
            or_(Response.id.is_(None), Response.method == "online"),
            or_(Invitation.revoked_at.is_(None), Response.id.is_not(None)),
        )
    )
    base = sum(_counted(grouped).values())
    questions = tuple(_question(q, _sum_by(_option_counts(q, answers), 1), base) for q in QUESTIONS)
    languages = _sum_by(grouped, 5)
    return Voice(
        invitations_sent=Figure.exact(sent or 0),
        responses=Figure.exact(sum(grouped.values())),
        consent=Breakdown.exact("Consent", CONSENT.items(), consent),
        anonymous_only=Figure.exact(anonymous_only),
        respondents=Breakdown.exact(
            "Answered by", ((c, str(label)) for c, label in RECIPIENTS.items()), _sum_by(grouped, 3)
        ),
        formats=Breakdown.exact(
            "Format", ((c, str(label)) for c, label in FORMATS.items()), _sum_by(grouped, 4)
        ),
        languages=Breakdown.exact(
            "Language",
            [(c, label) for c, label in STAFF_LABELS.items()]
            + [(c, c) for c in sorted(languages) if c not in STAFF_LABELS],
            languages,
        ),
        questions=questions,
    )


# --- Making Safeguarding Personal -------------------------------------------------------------


def _msp(audited, safer: Question) -> MakingSafeguardingPersonal:
    asked = _grouped(
        select(func.coalesce(AuditCase.outcomes_asked, NOT_RECORDED).label("asked")).join(
            audited, audited.c.case_id == AuditCase.id
        )
    )
    achieved = case(
        *((AuditCase.outcomes_met == met, code) for met, code in ACHIEVED_FROM_MET.items()),
        else_=NOT_RECORDED,
    )
    achieved_counts = _grouped(
        select(achieved.label("achieved"))
        .join(audited, audited.c.case_id == AuditCase.id)
        .where(AuditCase.outcomes_asked == "asked_expressed")
    )
    return MakingSafeguardingPersonal(
        asked=Breakdown.exact("Asked about desired outcomes", ASKED.items(), _sum_by(asked, 0)),
        achieved=Breakdown.exact(
            "Where outcomes were expressed, were they achieved?",
            ACHIEVED.items(),
            _sum_by(achieved_counts, 0),
        ),
        felt_safer=Breakdown(
            "Feel safer now than before the safeguarding started (question 8)",
            safer.answers.cells,
            safer.answers.total,
        ),
    )


# --- Free text, checked -----------------------------------------------------------------------


def _checked(text: str | None, digest: str | None) -> bool:
    return bool(text) and digest == text_digest(text)


def _learning(audited) -> Learning:
    """The checked learning points and recommendations, and how many wait for a check. The
    same words with the same check come once, counted, so each distinct text is hashed once."""
    items: dict[TextItem, None] = {}
    waiting = 0
    for field, kind in TEXT_KINDS.items():
        text = getattr(Meeting, field)
        check = aliased(TextCheck)
        rows = db.session.execute(
            select(text, check.text_sha256, func.count(), func.min(Meeting.held_on))
            .join(audited, audited.c.meeting_id == Meeting.id)
            .outerjoin(check, and_(check.meeting_id == Meeting.id, check.field == field))
            .where(text.is_not(None), text != "")
            .group_by(text, check.text_sha256)
            .order_by(func.min(Meeting.held_on), text)
        )
        for words, digest, count, _first in rows:
            if _checked(words, digest):
                items[TextItem(kind, words)] = None
            else:
                waiting += count
    # The same words agreed at several meetings are said once.
    return Learning(items=tuple(items), waiting=waiting)


def _quarter_of(day) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _action_plan(period: Period) -> ActionPlan:
    in_period = Action.case_id.in_(_in_period(period))
    statuses = _grouped(select(Action.status).where(in_period))
    rows = db.session.execute(
        select(Action.what, Organisation.name, Action.status, Action.due_on, TextCheck.text_sha256)
        .join(Organisation, Organisation.id == Action.owner_organisation_id)
        .outerjoin(TextCheck, and_(TextCheck.action_id == Action.id, TextCheck.field == "what"))
        .where(in_period)
        .order_by(Action.due_on, Action.id)
    )
    labels = {code: str(label) for code, label in ACTION_STATUSES.items()}
    lines = [
        ActionLine(
            what=what if _checked(what, digest) else None,
            organisation=organisation,
            status=status,
            status_label=labels.get(status, status),
            due=_quarter_of(due_on),
        )
        for what, organisation, status, due_on, digest in rows
    ]
    return ActionPlan(
        actions=tuple(lines),
        statuses=Breakdown.exact(
            "Actions by status",
            ((c, str(label)) for c, label in ACTION_STATUSES.items()),
            _sum_by(statuses, 0),
        ),
        waiting=sum(1 for line in lines if line.what is None),
    )


# --- The year view ----------------------------------------------------------------------------


def _points(quarters: Iterable[str], counts: Counter, bases: Counter) -> tuple[QuarterPoint, ...]:
    return tuple(
        QuarterPoint(q, Figure.exact(counts[q], bases[q]), Figure.exact(bases[q])) for q in quarters
    )


def _year(
    period: Period,
    audited,
    score_counts: dict[tuple, int],
    answers: dict[tuple, int],
    grouped: dict[tuple, int],
) -> YearView:
    quarters = period.quarters
    counting, responses_by_quarter = _counted(grouped), _sum_by(grouped, 0)
    audited_by_quarter = _sum_by(_grouped(select(audited.c.quarter)), 0)
    principles = []
    for principle in PRINCIPLES:
        fully = Counter(
            {
                q: n
                for (q, code, score), n in score_counts.items()
                if (code, score) == (principle.code, "2")
            }
        )
        scored = Counter()
        for (q, code, score), n in score_counts.items():
            if code == principle.code and score in NUMERIC:
                scored[q] += n
        principles.append(
            Trend(
                principle.code, principle.title, "Fully met (2)", _points(quarters, fully, scored)
            )
        )
    questions = []
    for question in QUESTIONS:
        code, label = _question_categories(question)[0]
        by_quarter = Counter(
            {q: n for (q, c), n in _option_counts(question, answers).items() if c == code}
        )
        questions.append(
            Trend(
                question.id,
                f"Question {question.number}: {say(question.title, STANDARD)}",
                label,
                _points(quarters, by_quarter, counting),
            )
        )
    return YearView(
        quarters=quarters,
        cases_audited=tuple(Figure.exact(audited_by_quarter[q]) for q in quarters),
        responses=tuple(Figure.exact(responses_by_quarter[q]) for q in quarters),
        principles=tuple(principles),
        questions=tuple(questions),
    )


# --- The report -------------------------------------------------------------------------------


def board_report(period: Period | str) -> Report:
    """The Board edition (exact counts) for a quarter ("2026-Q4") or a year ("2026")."""
    if isinstance(period, str):
        period = Period.parse(period)
    audited = _scored(period)
    answers = _answer_counts(period)
    # (quarter, consent, anonymous, respondent, format, language, counts) -> responses.
    grouped = _grouped(select(_responses(period)))
    score_counts = _score_counts(audited)
    voice = _voice(period, grouped, answers)
    safer = next(q for q in voice.questions if q.id == "q8")
    return Report(
        period=period,
        edition=BOARD,
        overview=_overview(period, audited),
        scores=_scores(score_counts, audited),
        voice=voice,
        msp=_msp(audited, safer),
        learning=_learning(audited),
        action_plan=_action_plan(period),
        year=None if period.quarter else _year(period, audited, score_counts, answers, grouped),
    )


def report_for(period: Period | str, edition: str) -> Report:
    """The report for a period in an edition (BOARD or PUBLISHED); ValueError for others."""
    if edition not in (BOARD, PUBLISHED):
        raise ValueError(f"unknown edition {edition!r}")
    board = board_report(period)
    return board if edition == BOARD else published(board)
