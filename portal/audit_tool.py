"""Appendix 1, the Multi-Agency Safeguarding Audit tool, defined once as data.

The agency's return, the meeting page, the scoring rules (portal/scoring.py) and the report all
read this module; nothing else repeats a principle's title, a guidance question or a score code.
Wording is the source document's, word for word (only "Pleases"-style typing slips fixed). Staff
and agency pages are in English, so the strings are plain (babel.cfg ignores this module).
No Flask and no database here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Principle:
    code: str
    title: str
    # The source's one-line description of the principle ("The principles are of: ...").
    summary: str
    # "Has the response adhered to the principle of ...?", as the tool asks it.
    question: str
    # The five guidance questions, in order; a return stores the ticked ones by index (0-4).
    guidance: tuple[str, ...]


PRINCIPLES: tuple[Principle, ...] = (
    Principle(
        code="empowerment",
        title="Empowerment",
        summary="adults being supported and encouraged to make their own decisions on outcomes",
        question="Has the response adhered to the principle of Empowerment?",
        guidance=(
            "The safeguarding process has been fully explained to the adult or their advocate "
            "in a timely manner, so that the adult has the right support to make informed "
            "decisions regarding identifying outcomes and risk management.",
            "The outcomes of the adult at risk are identified by the adult, or their advocates, "
            "and the adult is supported throughout the safeguarding journey, with outcomes used "
            "as a benchmark throughout the process.",
            "If the individual lacks Mental Capacity has an appropriate advocate been identified "
            "and contacted and asked for a view and desired outcome in the individual’s best "
            "interests? Where situational capacity is limited, people are supported in their "
            "best interests, with a clear oversight of potential risk to others.",
            "Adults at risk and/or advocate are able to attend meetings in which their views are "
            "acknowledged and inform the process. Where they are not able to attend clear "
            "communication and feedback processes are identified to ensure good information "
            "sharing.",
            "At the end of the safeguarding adults process there is a recording and evaluation "
            "of the adults at risks (or families if they are deceased) experience of "
            "safeguarding.",
        ),
    ),
    Principle(
        code="prevention",
        title="Prevention",
        summary="taking action before harm occurs.",
        question="Has the response adhered to the principle of Prevention?",
        guidance=(
            "The adult or their advocate have clear information about abuse and how/where to "
            "report in the future.",
            "Judgements made on the balance of probabilities, and recommendations are made to "
            "prevent, minimise or reduce repeat abuse/victimisation.",
            "Plan includes longer term actions to minimise risk of further harm. This plan is "
            "shared effectively with all agencies",
            "Organisational learning prior to closure which is intended to minimise reoccurrence "
            "more widely across the partnership if appropriate.",
            "Evidence of working with family networks to make decisions and manage complex "
            "situations.",
        ),
    ),
    Principle(
        code="proportionality",
        title="Proportionality",
        summary="The least intrusive response appropriate to the risk presented.",
        question="Has the response adhered to the principle of Proportionality?",
        guidance=(
            "The approach has been the least intrusive possible whilst fully discharging Duty "
            "of Care.",
            "There is evidence of positive risk enablement with the adult or their advocate and "
            "the adult feels they have maintained/increased their independence following the "
            "safeguarding concern and outcomes being closed?",
            "Timings were proportionate to the level of involvement in the concern?",
            "The adult feels safe and in agreement with Safeguarding/ protection plans.",
            "The person identified as the Cause of risk has been given an opportunity to respond "
            "to the allegations against them. Support is in place for the Cause of Risk when "
            "they have Care and Support needs.",
        ),
    ),
    Principle(
        code="protection",
        title="Protection",
        summary="Support, action and representation.",
        question="Has the response adhered to the principle of Protection?",
        guidance=(
            "Measures are person-centred, appropriate and multi-agency with clear timescales, "
            "outcomes and a named responsible person.",
            "All procedural timescales are adhered to and the adult is kept informed where "
            "timescales are not met with reasonable explanation why.",
            "Protective actions declined by the adult are recorded with clear reason. "
            "Consideration for safe contact is noted (e.g. in domestic abuse cases) and "
            "appropriate intervention is considered.",
            "Adult at risk feels safer at the end of the process; if not reasons why are "
            "recorded with plans to mitigate this in the future. Transferrable risk has been "
            "considered and responded to and this is evidenced.",
            "If the alleged perpetrator is a vulnerable adult, have their needs been addressed?",
        ),
    ),
    Principle(
        code="partnership",
        title="Partnership",
        summary="working in partnership with the Adults at risk, other organisations, carers and "
        "communities. Local solutions through services working with their communities.",
        question="Has the response adhered to the principle of Partnership?",
        guidance=(
            "All appropriate partner agencies consulted and appropriate information shared with "
            "appropriate and timely feedback given to all relevant parties.",
            "Appropriate onward referrals have been made based on agreements reached by the "
            "safeguarding professionals supporting the adult (including MARAC, Quality "
            "Improvement teams, SAR referrals etc.)",
            "Professionals meetings / discussions are convened at the appropriate time with "
            "appropriate levels of information sharing. Discussion and outcomes / action plans "
            "are clearly recorded.",
            "There is evidence of a coordinated multiagency response and effective challenge "
            "where appropriate.",
            "The adult at risk or their representative was an equal partner in the process. "
            "Where professionals have a legal duty to report/act on behalf of the adult at risk "
            "this is clearly identified.",
        ),
    ),
    Principle(
        code="accountability",
        title="Accountability",
        summary="Accountability and transparency in safeguarding practice.",
        question="Has the response adhered to the principle of Accountability?",
        guidance=(
            "Safeguarding process in acceptable timescales; if not, delay reasons recorded "
            "(acceptable delay includes those made in regards to adult at risk needs)",
            "Management oversight and support, including staff supervisions was evidenced "
            "throughout",
            "Any delays or changes in process (i.e. extending enquiry boundaries are discussed "
            "with the Enquiry Manager, Cause of Risk and adult at risk or their representative.",
            "If the end result is not able to meet the outcome identified by the adult at risk "
            "or their representative, the reasons why are clearly recorded and justified.",
            "Protection plans include a named responsible person for completing actions – and "
            "detail how these will be reported / completed.",
        ),
    ),
)
PRINCIPLE_CODES: tuple[str, ...] = tuple(p.code for p in PRINCIPLES)
PRINCIPLES_BY_CODE: dict[str, Principle] = {p.code: p for p in PRINCIPLES}
GUIDANCE_COUNT = 5

# The scores, in the tool's order. 2, 1 and 0 are scores; NA and NK are not (portal/scoring.py
# leaves them out of the total and its maximum).
SCORES: dict[str, str] = {
    "2": "Fully met",
    "1": "Partially met",
    "0": "Unmet",
    "NA": "Not applicable",
    "NK": "Not known",
}
NUMERIC_SCORES: dict[str, int] = {"2": 2, "1": 1, "0": 0}
NOT_SCORED = ("NA", "NK")

# "Pleases answer the next questions using the guidance for each principle", as the tool puts the
# suggested guidance (the issue fixes the ambiguous reading: 4-5, 2-3, 0-1).
SCORE_GUIDANCE = "Please answer the next questions using the guidance for each principle"
SUGGESTED_SCORE_RULE = (
    "The suggested score comes from how many of the five guidance questions were considered: "
    "4 or 5 is fully met (2), 2 or 3 is partially met (1), 1 or none is unmet (0). The tool "
    "prints “4/5”, “2/4” and “1 or less”, which overlap; this is how the portal reads them."
)


@dataclass(frozen=True)
class Identifier:
    """A case identifier a coordinator may share with an organisation, so it can find its own
    records. ``attribute`` names where the value is kept: an AuditCase column, or
    ``adult.<column>`` for the case's adult participant."""

    code: str
    label: str
    attribute: str


# Appendix 1's case identifiers, and the date the concern was raised from its "mandatory
# information" (enough to find the right episode); the address comes from the adult's contact
# details. Never the adult's answers.
CASE_IDENTIFIERS: tuple[Identifier, ...] = (
    Identifier("name", "Name", "adult_name"),
    Identifier("known_as", "Known as", "adult_known_as"),
    Identifier("date_of_birth", "Date of Birth", "date_of_birth"),
    Identifier("care_first_number", "Care First No", "care_first_number"),
    Identifier("nhs_number", "NHS number", "nhs_number"),
    Identifier("agency_system_id", "Agency’s System Identifier", "agency_system_id"),
    Identifier("address", "Address", "adult.address"),
    Identifier("concern_raised_on", "Date concern raised", "concern_raised_on"),
)
IDENTIFIERS: dict[str, str] = {i.code: i.label for i in CASE_IDENTIFIERS}
IDENTIFIERS_BY_CODE: dict[str, Identifier] = {i.code: i for i in CASE_IDENTIFIERS}

# The return's free-text fields (ReturnRequest columns of the same names), labelled as the tool
# labels them. The tool prints "Learning points and recommendations" as one box; the issue asks
# for them apart.
RETURN_FIELDS: dict[str, str] = {
    "desired_outcome": "What would the person like as an outcome to the safeguarding enquiry?",
    "summary": "Summary (including best practice)",
    "learning_points": "Learning points",
    "recommendations": "Recommendations",
    "documents_reviewed": "Documents Reviewed",
    "documents_not_available": "Documents not available",
}
PRACTITIONERS_LABEL = "Participants and roles"
TOTAL_LABEL = "Total Score"

# What the adult said that bears on each principle: questionnaire question ids (see
# portal/questionnaire.py's QUESTIONS), shown beside the principle at the meeting.
ADULT_VOICE: dict[str, tuple[str, ...]] = {
    # Listened to; someone to support them; able to say what they wanted to happen.
    "empowerment": ("q1", "q4", "q5"),
    # The right information to feel safe; knowing who to contact if unsafe again.
    "prevention": ("q2", "q9"),
    # Happy with how people dealt with it throughout, and with the outcome.
    "proportionality": ("q7", "q6"),
    # Feeling safer now; knowing who to contact.
    "protection": ("q8", "q9"),
    # Understanding the information; what other organisations could do better.
    "partnership": ("q3", "q10"),
    # Able to say what they wanted, and whether the outcome met it.
    "accountability": ("q5", "q6"),
}
