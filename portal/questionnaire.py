"""The consent form (Appendix 4) and the Safeguarding Experience Tool (Appendix 2), defined once.

Pages, validation, check answers, storage, staff views and reports all read this module; nothing else
repeats a question's wording or its option codes. Answers are stored as the option codes below, so
responses given in any format or language are counted together.

Wording is the source document's, word for word, with the board's and council's names taken from
configuration (``%(council)s``, ``%(area)s``). Easy Read wording sits beside the standard wording
against the same option codes. Pictures are files in ``static/easy_read/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

STANDARD = "standard"
EASY_READ = "easy_read"
FORMATS = (STANDARD, EASY_READ)

COMMENT_MAX = 2000
NAME_MAX = 120
SHORT_MAX = 200


@dataclass(frozen=True)
class Text:
    """One piece of wording, in standard and (optionally) Easy Read form."""

    standard: object
    easy: object = None

    def get(self, fmt: str):
        return self.easy if fmt == EASY_READ and self.easy is not None else self.standard


@dataclass(frozen=True)
class Option:
    code: str
    text: Text
    picture: str | None = None
    exclusive: bool = False  # a "none of these" checkbox that clears the others


@dataclass(frozen=True)
class Field:
    """One input on a page. ``id`` is the storage name: an attribute for the respondent and
    consent steps, or the question id for questions."""

    id: str
    kind: str  # radios | checkboxes | text | textarea | declaration | email | phone
    label: Text
    hint: Text | None = None
    options: tuple[Option, ...] = ()
    max_length: int = SHORT_MAX
    autocomplete: str | None = None
    spellcheck: bool | None = None
    width: str | None = None  # GOV.UK input width class suffix
    picture: str | None = None
    # The error shown when it is left empty; None means the field may be left empty.
    required: Text | None = None
    # Required only when another field on the page has this value, e.g. ("decision", "agree").
    required_if: tuple[str, str] | None = None
    # A short name for messages such as "Comments must be 2000 characters or fewer".
    name: Text | None = None

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True)
class Step:
    """One page of the journey."""

    id: str
    title: Text  # the page's h1 (or fieldset legend acting as the h1)
    fields: tuple[Field, ...]
    store: str  # response | consent | answer
    intro: tuple[Text, ...] = ()
    picture: str | None = None
    number: int | None = None  # question number, for questions
    summary_label: Text | None = None  # what check answers calls it, if not the title

    @property
    def is_question(self) -> bool:
        return self.store == "answer"

    @property
    def main(self) -> Field:
        return self.fields[0]

    def field(self, field_id: str) -> Field:
        return next(f for f in self.fields if f.id == field_id)


def comment_field(qid: str, label=None, easy=None, hint: Text | None = None) -> Field:
    return Field(
        id=f"{qid}_comment",
        kind="textarea",
        label=Text(label or _l("Comments"), easy or _l("Tell us more (you do not have to)")),
        hint=hint,
        name=Text(label or _l("Comments")),
        max_length=COMMENT_MAX,
        spellcheck=True,
    )


def question(
    number: int,
    text: Text,
    options: tuple[Option, ...] = (),
    kind: str = "radios",
    hint: Text | None = None,
    comment: Field | None = None,
    picture: str | None = None,
) -> Step:
    qid = f"q{number}"
    fields: list[Field] = []
    if options:
        fields.append(Field(id=qid, kind=kind, label=text, hint=hint, options=options))
    fields.append(comment or comment_field(qid))
    return Step(
        id=qid, title=text, fields=tuple(fields), store="answer", number=number, picture=picture
    )


def opt(code: str, standard, easy=None, picture: str | None = None, exclusive=False) -> Option:
    return Option(code=code, text=Text(standard, easy), picture=picture, exclusive=exclusive)


NOT_ANSWERED = opt("not_answered", _l("Not answered"), _l("I do not want to answer"))

# --- Who is filling this in ----------------------------------------------------------------

WHO = Step(
    id="who",
    title=Text(_l("Who is filling this in?"), _l("Who is filling this in?")),
    store="response",
    fields=(
        Field(
            id="respondent",
            kind="radios",
            label=Text(_l("Who is filling this in?"), _l("Who is filling this in?")),
            required=Text(
                _l("Select who is filling this in"), _l("Choose who is filling this in.")
            ),
            options=(
                opt(
                    "adult",
                    _l("I am the person the safeguarding was about"),
                    _l("Me. The safeguarding was about me."),
                ),
                opt(
                    "representative",
                    _l("I am filling this in for someone else"),
                    _l("I am helping someone else. I am answering for them."),
                ),
            ),
        ),
    ),
)

REPRESENTATIVE_BASES = (
    opt("lpa", _l("Lasting power of attorney"), _l("I have power of attorney for them")),
    opt("deputy", _l("Deputy appointed by the Court of Protection"), _l("I am their deputy")),
    opt("advocate", _l("Advocate or IMCA"), _l("I am their advocate")),
    opt("family", _l("Family member or friend"), _l("I am family or a friend")),
    opt("other", _l("Other"), _l("Something else")),
)

REPRESENTATIVE = Step(
    id="representative",
    title=Text(_l("About you"), _l("About you")),
    store="response",
    intro=(
        Text(
            _l("Tell us who you are and why you are answering for the adult."),
            _l("Tell us who you are."),
        ),
    ),
    fields=(
        Field(
            id="representative_name",
            kind="text",
            label=Text(_l("Your full name"), _l("Your name")),
            required=Text(_l("Enter your full name"), _l("Write your name.")),
            name=Text(_l("Your full name")),
            max_length=NAME_MAX,
            autocomplete="name",
            spellcheck=False,
        ),
        Field(
            id="representative_relationship",
            kind="text",
            label=Text(_l("Your relationship to the adult"), _l("How do you know them?")),
            hint=Text(_l("For example, daughter, friend or advocate"), _l("For example, my mum")),
            required=Text(
                _l("Enter your relationship to the adult"), _l("Write how you know them.")
            ),
            name=Text(_l("Your relationship to the adult")),
            max_length=NAME_MAX,
        ),
        Field(
            id="representative_basis",
            kind="radios",
            label=Text(
                _l("On what basis are you acting for the adult?"),
                _l("Why are you answering for them?"),
            ),
            required=Text(
                _l("Select on what basis you are acting for the adult"),
                _l("Choose why you are answering for them."),
            ),
            options=REPRESENTATIVE_BASES,
        ),
    ),
)

# --- Consent (Appendix 4) -------------------------------------------------------------------

CONSENT_STATEMENTS = (
    Text(
        _l(
            "This audit will be carried out confidentially and in line with any limitations "
            "outlined before."
        ),
        _l("We keep the audit private."),
    ),
    Text(
        _l(
            "I understand that I can change my mind to the sharing of my personal information at "
            "any time and agree to inform the relevant professional if I wish to do so."
        ),
        _l("You can change your mind at any time. Just tell us."),
    ),
    Text(
        _l(
            "I understand that information may need to be shared without my permission if my "
            "safety or any other person is at risk or if the information is needed to help stop "
            "or solve a crime."
        ),
        _l(
            "Sometimes we must share information without asking. "
            "This is when someone is in danger. Or to stop a crime."
        ),
    ),
    # The source names the Data Protection Act 1998, repealed in 2018; the law in force is named.
    Text(
        _l(
            "I understand that any information about me will be held securely by %(council)s, "
            "whether in electronic format or on paper and that my personal information is "
            "protected by the Data Protection Act 2018."
        ),
        _l("%(council)s keeps your information safe. The law protects it."),
    ),
)

CONSENT = Step(
    id="consent",
    title=Text(_l("Information sharing consent"), _l("Can we share your information?")),
    store="consent",
    intro=CONSENT_STATEMENTS,
    fields=(
        Field(
            id="decision",
            kind="radios",
            label=Text(
                _l("Do you agree to your information being shared for the audit?"),
                _l("Can we share your information for the audit?"),
            ),
            required=Text(
                _l("Select whether you agree to your information being shared"),
                _l("Choose yes or no."),
            ),
            options=(
                opt(
                    "agree",
                    _l(
                        "I agree to the information about me being shared with other "
                        "professionals in relevant organisations and agencies"
                    ),
                    _l("Yes. You can share my information with the people doing the audit."),
                ),
                opt(
                    "decline",
                    _l("I do not agree to the information about me being shared"),
                    _l("No. Do not share my information."),
                ),
            ),
        ),
        Field(
            id="subject_name",
            kind="text",
            label=Text(
                _l("Your name or the person you’re representing"),
                _l("Your name, or the name of the person you are helping"),
            ),
            required=Text(
                _l("Enter your name or the name of the person you’re representing"),
                _l("Write your name. Or the name of the person you are helping."),
            ),
            required_if=("decision", "agree"),
            name=Text(_l("Your name or the person you’re representing")),
            max_length=NAME_MAX,
            spellcheck=False,
        ),
        Field(
            id="completed_by",
            kind="text",
            label=Text(_l("Name of person completing this form"), _l("Your name")),
            required=Text(
                _l("Enter the name of the person completing this form"), _l("Write your name.")
            ),
            required_if=("decision", "agree"),
            name=Text(_l("Name of person completing this form")),
            max_length=NAME_MAX,
            autocomplete="name",
            spellcheck=False,
        ),
        Field(
            id="relationship",
            kind="text",
            label=Text(
                _l("Relationship to adult if being completed by a representative"),
                _l("How do you know the person?"),
            ),
            name=Text(_l("Relationship to adult")),
            max_length=NAME_MAX,
        ),
        Field(
            id="signature",
            kind="text",
            label=Text(_l("Signature"), _l("Sign here")),
            hint=Text(_l("Type your full name to sign"), _l("Type your full name.")),
            required=Text(_l("Type your full name to sign the form"), _l("Type your name.")),
            required_if=("decision", "agree"),
            name=Text(_l("Signature")),
            max_length=NAME_MAX,
            spellcheck=False,
        ),
        Field(
            id="declaration",
            kind="declaration",
            label=Text(
                _l("I confirm that typing my name is my signature on this form"),
                _l("Typing my name is my signature."),
            ),
            required=Text(
                _l("Confirm that typing your name is your signature"),
                _l("Tick the box to sign."),
            ),
            required_if=("decision", "agree"),
        ),
        Field(
            id="restrictions",
            kind="textarea",
            label=Text(
                _l(
                    "Is there any information you prefer not to be shared or any person or "
                    "organisation you would not want your information shared with?"
                ),
                _l("Is there anything we must not share? Or anyone we must not tell?"),
            ),
            name=Text(_l("What not to share")),
            max_length=COMMENT_MAX,
            spellcheck=True,
        ),
        Field(
            id="comments",
            kind="textarea",
            label=Text(
                _l(
                    "Please share with us any comments or feedback on your experiences of "
                    "Safeguarding in %(area)s"
                ),
                _l("Is there anything else you want to tell us?"),
            ),
            name=Text(_l("Comments")),
            max_length=COMMENT_MAX,
            spellcheck=True,
        ),
    ),
)

ANONYMOUS = Step(
    id="anonymous",
    title=Text(
        _l("Would you still like to tell us about your experience?"),
        _l("Do you still want to tell us how it went?"),
    ),
    store="consent",
    fields=(
        Field(
            id="anonymous_feedback",
            kind="radios",
            label=Text(
                _l("Would you still like to tell us about your experience?"),
                _l("Do you still want to tell us how it went?"),
            ),
            hint=Text(
                _l(
                    "We will not share your information at the audit meeting. If you answer our "
                    "questions, your answers will only be counted in anonymous totals."
                ),
                _l("We will not share your information. We will only count your answers."),
            ),
            required=Text(
                _l("Select yes if you would still like to tell us about your experience"),
                _l("Choose yes or no."),
            ),
            options=(
                opt("yes", _l("Yes, I will answer the questions"), _l("Yes")),
                opt("no", _l("No, send my decision now"), _l("No")),
            ),
        ),
    ),
)

# --- The Safeguarding Experience Tool (Appendix 2) -------------------------------------------

QUESTIONS: tuple[Step, ...] = (
    question(
        1,
        Text(
            _l(
                "Did you feel listened to during conversations and meetings with people about "
                "helping you feel safe?"
            )
        ),
        (
            opt("always", _l("I was always listened to")),
            opt("quite_a_bit", _l("I was listened to quite a bit")),
            opt("not_very_much", _l("I was not listened to very much")),
            opt("not_at_all", _l("I was not listened to at all")),
            NOT_ANSWERED,
        ),
    ),
    question(
        2,
        Text(
            _l(
                "Did you get the right information to help you feel safe during the safeguarding "
                "concern?"
            )
        ),
        (
            opt("a_lot", _l("I got a lot of information")),
            opt("quite_a_lot", _l("I got quite a lot of information")),
            opt("not_very_much", _l("I did not get very much information")),
            opt("none", _l("I did not get any information")),
            NOT_ANSWERED,
        ),
        hint=Text(_l("This could be verbal or written information.")),
    ),
    question(
        3,
        Text(
            _l(
                "Were you able to understand the information given to you during the "
                "safeguarding concern?"
            )
        ),
        (
            opt("all", _l("I was able to understand all of the information")),
            opt("most", _l("I was able to understand most of the information")),
            opt("not_much", _l("I was not able to understand much of the information")),
            opt("none", _l("I was not able to understand any of the information")),
            opt("no_information", _l("I did not get any information")),
            NOT_ANSWERED,
        ),
    ),
    question(
        4,
        Text(_l("Did you have someone to support you through the safeguarding?")),
        (
            opt("yes", _l("Yes")),
            opt("no", _l("No")),
            opt("decline", _l("Decline")),
        ),
        hint=Text(_l("This could have been a friend, family member, IMCA or advocate.")),
        comment=comment_field("q4", _l("Please specify")),
    ),
    question(
        5,
        Text(_l("Were you able to say what you wanted to happen?")),
        (
            opt("yes", _l("Yes")),
            opt("no", _l("No")),
            opt("partially", _l("Partially")),
            opt("unsure", _l("Unsure")),
        ),
    ),
    question(
        6,
        Text(
            _l(
                "How happy are you with the outcome of the safeguarding and the service or "
                "support you received?"
            )
        ),
        (
            opt("very_happy", _l("I am very happy with the end result")),
            opt("quite_happy", _l("I am quite happy with the end result")),
            opt("not_very_happy", _l("I am not very happy with end result")),
            opt("not_at_all_happy", _l("I am not at all happy with the end result")),
            NOT_ANSWERED,
        ),
    ),
    question(
        7,
        Text(
            _l(
                "How happy are you with the way people dealt with the safeguarding concern throughout?"
            )
        ),
        (
            opt("very_happy", _l("I am very happy with how people dealt with the concern")),
            opt("quite_happy", _l("I am quite happy with how people dealt with the concern")),
            opt("not_very_happy", _l("I am not very happy with how people dealt with the concern")),
            opt(
                "not_at_all_happy",
                _l("I am not at all happy with how people dealt with the concern"),
            ),
            NOT_ANSWERED,
        ),
    ),
    question(
        8,
        Text(_l("Do you feel safer now than you did before the safeguarding process was started?")),
        (
            opt("a_lot_safer", _l("I feel a lot safer now")),
            opt("quite_a_bit_safer", _l("I feel quite a bit safer now")),
            opt("not_much_safer", _l("I feel not much safer now")),
            opt("not_at_all_safer", _l("I feel not at all safer now")),
            NOT_ANSWERED,
        ),
    ),
    question(
        9,
        Text(
            _l(
                "Do you know who to contact if you feel unsafe or need further support or information?"
            )
        ),
        (
            opt("yes", _l("Yes")),
            opt("no", _l("No")),
            opt("unsure", _l("Unsure")),
        ),
    ),
    # The source leaves this sentence unfinished ("Is there anything else you think Devon council
    # (or other organisations)"); it is completed with what the question plainly asks.
    question(
        10,
        Text(
            _l(
                "Is there anything else you think %(council)s (or other organisations) could do "
                "better?"
            )
        ),
    ),
    question(
        11,
        Text(
            _l(
                "Would you be happy to talk to %(council)s (or other organisations) to help us "
                "improve the way we support people to stay safe?"
            )
        ),
        (
            opt(
                "forum",
                _l(
                    "I would be interested in joining a forum to share the views of people who "
                    "have experienced safeguarding and their families"
                ),
            ),
            opt(
                "staff_training",
                _l(
                    "I would be interested in taking part in staff training sessions to share my "
                    "experience"
                ),
            ),
            opt(
                "training_resources",
                _l(
                    "I would be interested in helping organisations to develop training "
                    "resources (such as videos or real life stories)"
                ),
            ),
            opt(
                "know_more",
                _l(
                    "I would like to know more before I make a decision – please contact me to "
                    "discuss further"
                ),
            ),
            opt(
                "not_interested",
                _l("I would not be interested in being contacted in this way"),
                exclusive=True,
            ),
        ),
        kind="checkboxes",
        hint=Text(_l("Select all that apply.")),
    ),
    question(
        12,
        Text(
            _l(
                "Is there anything you would like to tell us about the questions or taking part "
                "in this interview?"
            )
        ),
    ),
)

CONTACT = Step(
    id="contact",
    title=Text(_l("Your contact details"), _l("How can we contact you?")),
    store="response",
    intro=(
        Text(
            _l(
                "If you are happy for us to contact you about your feedback please give us your "
                "name and contact details."
            ),
            _l("We may want to talk to you about your answers."),
        ),
        Text(
            _l("You do not have to. Leave this page empty if you would rather we did not."),
            _l("You do not have to give us your details."),
        ),
    ),
    fields=(
        Field(
            id="contact_name",
            name=Text(_l("Name")),
            kind="text",
            label=Text(_l("Name"), _l("Your name")),
            max_length=NAME_MAX,
            autocomplete="name",
            spellcheck=False,
        ),
        Field(
            id="contact_representative_name",
            name=Text(_l("Name of representative")),
            kind="text",
            label=Text(
                _l("Name of representative if this is completed on your behalf"),
                _l("The name of the person helping you"),
            ),
            max_length=NAME_MAX,
            spellcheck=False,
        ),
        Field(
            id="contact_phone",
            name=Text(_l("Phone number")),
            kind="phone",
            label=Text(_l("Phone number"), _l("Your phone number")),
            max_length=30,
            autocomplete="tel",
            width="20",
        ),
        Field(
            id="contact_address",
            name=Text(_l("Address")),
            kind="textarea",
            label=Text(_l("Address"), _l("Your address")),
            max_length=500,
            autocomplete="street-address",
        ),
        Field(
            id="contact_email",
            name=Text(_l("Email")),
            kind="email",
            label=Text(_l("Email"), _l("Your email address")),
            max_length=254,
            autocomplete="email",
            spellcheck=False,
        ),
    ),
)

STEPS: dict[str, Step] = {
    s.id: s for s in (WHO, REPRESENTATIVE, CONSENT, ANONYMOUS, *QUESTIONS, CONTACT)
}
QUESTION_IDS = tuple(q.id for q in QUESTIONS)
QUESTIONS_BY_ID = {q.id: q for q in QUESTIONS}


def option_label(step: Step, field_id: str, code: str, fmt: str = STANDARD):
    """The words for a stored option code, for check answers and staff views."""
    found = step.field(field_id).option(code)
    return found.text.get(fmt) if found else code


@dataclass
class Progress:
    """What the runner needs to know about a draft to choose the next page."""

    respondent: str | None = None
    decision: str | None = None
    anonymous_feedback: str | None = None
    answered: set[str] = field(default_factory=set)
