"""The consent form (Appendix 4) and the Safeguarding Experience Tool (Appendix 2), defined once.

Pages, validation, check answers, storage, staff views and reports all read this module; nothing
else repeats a question's wording or its option codes. Answers are stored as the option codes
below, so responses given in any format or language are counted together.

Wording is the source document's, word for word, with the board's and council's names taken from
configuration (``%(council)s``, ``%(area)s``). Easy Read wording sits beside the standard wording
against the same option codes. Pictures are files in ``static/easy_read/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def N_(message: str) -> str:
    """Marks wording for the message catalogs and gives it back as it is (gettext's no-op
    marker, which pybabel extracts by default), so this module needs no Flask: the wording is
    translated where it is shown, by portal/wording.py's say()."""
    return message


STANDARD = "standard"
EASY_READ = "easy_read"
FORMATS = (STANDARD, EASY_READ)

COMMENT_MAX = 2000
NAME_MAX = 120
SHORT_MAX = 200


@dataclass(frozen=True)
class Text:
    """One piece of wording, in standard and (optionally) Easy Read form. ``picture`` is the
    Easy Read picture shown beside it when it stands as a block of its own (an intro paragraph).
    A Text whose standard form is None is shown in Easy Read only (an extra explanation).
    The wording is message ids marked with N_ here, lazy strings in the Flask modules that add
    their own (answers/forms.py, easy_read.py); say() shows either in the active language."""

    standard: object
    easy: object = None
    picture: str | None = None

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


COMMENT_PICTURE = "write_,_to"


def comment_field(qid: str, label=None, easy=None, hint: Text | None = None) -> Field:
    return Field(
        id=f"{qid}_comment",
        kind="textarea",
        label=Text(label or N_("Comments"), easy or N_("Do you want to tell us more?")),
        hint=hint or Text(None, N_("You do not have to write anything.")),
        name=Text(label or N_("Comments"), N_("Tell us more")),
        max_length=COMMENT_MAX,
        spellcheck=True,
        picture=COMMENT_PICTURE,
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
    if not options and comment is None:
        # A question answered only in words: the question itself labels the box.
        comment = Field(
            id=f"{qid}_comment",
            kind="textarea",
            label=text,
            hint=hint,
            name=Text(N_("Your answer"), N_("Your answer")),
            max_length=COMMENT_MAX,
            spellcheck=True,
            picture=picture,
        )
    fields.append(comment or comment_field(qid))
    return Step(
        id=qid, title=text, fields=tuple(fields), store="answer", number=number, picture=picture
    )


def opt(code: str, standard, easy=None, picture: str | None = None, exclusive=False) -> Option:
    return Option(code=code, text=Text(standard, easy), picture=picture, exclusive=exclusive)


NOT_ANSWERED = opt(
    "not_answered", N_("Not answered"), N_("I do not want to answer."), picture="non_speaking"
)

# --- Who is filling this in ----------------------------------------------------------------

WHO = Step(
    id="who",
    title=Text(N_("Who is filling this in?"), N_("Who is filling in this form?")),
    store="response",
    picture="ask_,_to",
    fields=(
        Field(
            id="respondent",
            kind="radios",
            label=Text(N_("Who is filling this in?"), N_("Who is filling in this form?")),
            required=Text(
                N_("Select who is filling this in"), N_("Choose who is filling in this form.")
            ),
            options=(
                opt(
                    "adult",
                    N_("I am the person the safeguarding was about"),
                    N_("Me. The safeguarding was about me."),
                    picture="I",
                ),
                opt(
                    "representative",
                    N_("I am filling this in for someone else"),
                    N_("I am filling it in for someone else."),
                    picture="help_,_to",
                ),
            ),
        ),
    ),
)

REPRESENTATIVE_BASES = (
    opt(
        "lpa",
        N_("Lasting power of attorney"),
        N_("I have lasting power of attorney. This legal paper lets me decide things for them."),
        picture="sign_,_to",
    ),
    opt(
        "deputy",
        N_("Deputy appointed by the Court of Protection"),
        N_("A court made me their deputy. A deputy can decide things for them."),
        picture="Houses_of_Parliament",
    ),
    opt(
        "advocate",
        N_("Advocate or IMCA"),
        N_("I am their advocate. An advocate helps someone say what they want."),
        picture="talk_2_,_to",
    ),
    opt(
        "family",
        N_("Family member or friend"),
        N_("I am in their family. Or I am their friend."),
        picture="family",
    ),
    opt("other", N_("Other"), N_("Something else."), picture="think_,_to"),
)

REPRESENTATIVE = Step(
    id="representative",
    title=Text(N_("About you"), N_("About you")),
    store="response",
    picture="help_,_to",
    intro=(
        Text(
            N_("Tell us who you are and why you are answering for the adult."),
            N_("Tell us who you are. Tell us why you are answering for the person."),
            picture="help_,_to",
        ),
    ),
    fields=(
        Field(
            id="representative_name",
            kind="text",
            label=Text(N_("Your full name"), N_("Your full name")),
            required=Text(N_("Enter your full name"), N_("Write your full name.")),
            name=Text(N_("Your full name")),
            max_length=NAME_MAX,
            autocomplete="name",
            spellcheck=False,
            picture="write_,_to",
        ),
        Field(
            id="representative_relationship",
            kind="text",
            label=Text(N_("Your relationship to the adult"), N_("How do you know the person?")),
            hint=Text(
                N_("For example, daughter, friend or advocate"),
                N_("For example, I am their daughter. Or I am their friend."),
            ),
            required=Text(
                N_("Enter your relationship to the adult"), N_("Write how you know the person.")
            ),
            name=Text(N_("Your relationship to the adult"), N_("How you know the person")),
            max_length=NAME_MAX,
            picture="family",
        ),
        Field(
            id="representative_basis",
            kind="radios",
            label=Text(
                N_("On what basis are you acting for the adult?"),
                N_("Why can you answer for the person?"),
            ),
            required=Text(
                N_("Select on what basis you are acting for the adult"),
                N_("Choose why you can answer for the person."),
            ),
            options=REPRESENTATIVE_BASES,
        ),
    ),
)

# --- Consent (Appendix 4) -------------------------------------------------------------------

CONSENT_STATEMENTS = (
    Text(
        N_(
            "This audit will be carried out confidentially and in line with any limitations "
            "outlined before."
        ),
        N_("We keep the audit private. We will not share anything you ask us to keep private."),
        picture="key_1",
    ),
    Text(
        N_(
            "I understand that I can change my mind to the sharing of my personal information at "
            "any time and agree to inform the relevant professional if I wish to do so."
        ),
        N_(
            "You can change your mind about sharing at any time. "
            "If you do, tell the worker who asked you."
        ),
        picture="change_mind_,_to",
    ),
    Text(
        N_(
            "I understand that information may need to be shared without my permission if my "
            "safety or any other person is at risk or if the information is needed to help stop "
            "or solve a crime."
        ),
        N_(
            "Sometimes we must share information without asking you. "
            "We do this if you or someone else is in danger. "
            "We also do this to help stop a crime or find out who did it."
        ),
        picture="warning_light",
    ),
    # The source names the Data Protection Act 1998, repealed in 2018; the law in force is named.
    Text(
        N_(
            "I understand that any information about me will be held securely by %(council)s, "
            "whether in electronic format or on paper and that my personal information is "
            "protected by the Data Protection Act 2018."
        ),
        N_(
            "%(council)s keeps your information safe. "
            "It keeps it on computers and on paper. "
            "A law called the Data Protection Act protects your information."
        ),
        picture="locker",
    ),
)

CONSENT = Step(
    id="consent",
    title=Text(N_("Information sharing consent"), N_("Can we share your information?")),
    store="consent",
    picture="share_,_to",
    intro=CONSENT_STATEMENTS,
    fields=(
        Field(
            id="decision",
            kind="radios",
            label=Text(
                N_("Do you agree to your information being shared for the audit?"),
                N_("Can we share your information with the people doing the audit?"),
            ),
            required=Text(
                N_("Select whether you agree to your information being shared"),
                N_("Choose yes or no."),
            ),
            options=(
                opt(
                    "agree",
                    N_(
                        "I agree to the information about me being shared with other "
                        "professionals in relevant organisations and agencies"
                    ),
                    N_("Yes. You can share my information with the workers doing the audit."),
                    picture="correct",
                ),
                opt(
                    "decline",
                    N_("I do not agree to the information about me being shared"),
                    N_("No. Do not share my information."),
                    picture="mistake_no_wrong",
                ),
            ),
        ),
        Field(
            id="subject_name",
            kind="text",
            label=Text(
                N_("Your name or the person you’re representing"),
                N_("Who is the form about? Write their name."),
            ),
            hint=Text(None, N_("This is your name. Or the name of the person you are helping.")),
            required=Text(
                N_("Enter your name or the name of the person you’re representing"),
                N_("Write the name of the person the form is about."),
            ),
            required_if=("decision", "agree"),
            name=Text(
                N_("Your name or the person you’re representing"),
                N_("The name of the person the form is about"),
            ),
            max_length=NAME_MAX,
            spellcheck=False,
            picture="I",
        ),
        Field(
            id="completed_by",
            kind="text",
            label=Text(
                N_("Name of person completing this form"),
                N_("Who is filling in this form? Write their name."),
            ),
            required=Text(
                N_("Enter the name of the person completing this form"),
                N_("Write the name of the person filling in this form."),
            ),
            required_if=("decision", "agree"),
            name=Text(
                N_("Name of person completing this form"),
                N_("The name of the person filling in this form"),
            ),
            max_length=NAME_MAX,
            autocomplete="name",
            spellcheck=False,
            picture="write_,_to",
        ),
        Field(
            id="relationship",
            kind="text",
            label=Text(
                N_("Relationship to adult if being completed by a representative"),
                N_("How do you know the person?"),
            ),
            name=Text(N_("Relationship to adult"), N_("How you know the person")),
            max_length=NAME_MAX,
            picture="family",
        ),
        Field(
            id="signature",
            kind="text",
            label=Text(N_("Signature"), N_("Sign the form")),
            hint=Text(
                N_("Type your full name to sign"),
                N_("Type your full name. This is your signature."),
            ),
            required=Text(
                N_("Type your full name to sign the form"),
                N_("Type your full name to sign the form."),
            ),
            required_if=("decision", "agree"),
            name=Text(N_("Signature"), N_("Your signature")),
            max_length=NAME_MAX,
            spellcheck=False,
            picture="sign_,_to",
        ),
        Field(
            id="declaration",
            kind="declaration",
            label=Text(
                N_("I confirm that typing my name is my signature on this form"),
                N_("I agree that typing my name is my signature."),
            ),
            required=Text(
                N_("Confirm that typing your name is your signature"),
                N_("Tick the box to show that typing your name is your signature."),
            ),
            required_if=("decision", "agree"),
        ),
        Field(
            id="restrictions",
            kind="textarea",
            label=Text(
                N_(
                    "Is there any information you prefer not to be shared or any person or "
                    "organisation you would not want your information shared with?"
                ),
                N_("Is there anything we must not share? Or anyone we must not tell?"),
            ),
            hint=Text(None, N_("You do not have to write anything.")),
            name=Text(N_("What not to share"), N_("What we must not share")),
            max_length=COMMENT_MAX,
            spellcheck=True,
            picture="non_speaking",
        ),
        Field(
            id="comments",
            kind="textarea",
            label=Text(
                N_(
                    "Please share with us any comments or feedback on your experiences of "
                    "Safeguarding in %(area)s"
                ),
                N_("Do you want to tell us anything about safeguarding in %(area)s?"),
            ),
            hint=Text(None, N_("You do not have to write anything.")),
            name=Text(N_("Comments"), N_("Anything else")),
            max_length=COMMENT_MAX,
            spellcheck=True,
            picture="talk_1_,_to",
        ),
    ),
)

ANONYMOUS = Step(
    id="anonymous",
    title=Text(
        N_("Would you still like to tell us about your experience?"),
        N_("Do you still want to tell us how things went?"),
    ),
    store="consent",
    picture="talk_1_,_to",
    fields=(
        Field(
            id="anonymous_feedback",
            kind="radios",
            label=Text(
                N_("Would you still like to tell us about your experience?"),
                N_("Do you still want to tell us how things went?"),
            ),
            hint=Text(
                N_(
                    "We will not share your information at the audit meeting. If you answer our "
                    "questions, your answers will only be counted in anonymous totals."
                ),
                N_(
                    "We will not share your information at the audit meeting. "
                    "We will only add your answers to everyone else’s. "
                    "Nobody will know which answers are yours."
                ),
            ),
            required=Text(
                N_("Select yes if you would still like to tell us about your experience"),
                N_("Choose yes or no."),
            ),
            options=(
                opt(
                    "yes",
                    N_("Yes, I will answer the questions"),
                    N_("Yes. I will answer the questions."),
                    picture="correct",
                ),
                opt(
                    "no",
                    N_("No, send my decision now"),
                    N_("No. Send my choice now."),
                    picture="mistake_no_wrong",
                ),
            ),
        ),
    ),
)

# --- The Safeguarding Experience Tool (Appendix 2) -------------------------------------------

# Easy Read pictures for the answer scales: the same picture means the same step on every scale.
ALL, MOST, LITTLE, NONE = "great", "good", "bad", "mistake_no_wrong"
YES, NO, UNSURE = "correct", "mistake_no_wrong", "think_,_to"
# Faces for the 4-step feeling scales, happy (q6, q7) and safer (q8): our own drawings
# (templates/public/faces/), not Mulberry's, whose faces differ by a few lines. Their mouths go
# from a wide smile to a deep frown, so the steps differ in shape small, in grey and in forced
# colours.
FACES = ("face_wide_smile", "face_smile", "face_frown", "face_deep_frown")
VERY_HAPPY, QUITE_HAPPY, NOT_VERY_HAPPY, NOT_AT_ALL_HAPPY = FACES
A_LOT_SAFER, QUITE_SAFER, NOT_MUCH_SAFER, NOT_AT_ALL_SAFER = FACES


def happy_scale(standard: tuple) -> tuple[Option, ...]:
    """Questions 6 and 7 share one Easy Read scale; the question says what it is about."""
    very, quite, not_very, not_at_all = standard
    return (
        opt("very_happy", very, N_("I am very happy."), VERY_HAPPY),
        opt("quite_happy", quite, N_("I am quite happy."), QUITE_HAPPY),
        opt("not_very_happy", not_very, N_("I am not very happy."), NOT_VERY_HAPPY),
        opt("not_at_all_happy", not_at_all, N_("I am not happy at all."), NOT_AT_ALL_HAPPY),
        NOT_ANSWERED,
    )


QUESTIONS: tuple[Step, ...] = (
    question(
        1,
        Text(
            N_(
                "Did you feel listened to during conversations and meetings with people about "
                "helping you feel safe?"
            ),
            N_("People talked with you about keeping safe. Did you feel they listened to you?"),
        ),
        (
            opt(
                "always",
                N_("I was always listened to"),
                N_("People always listened to me."),
                ALL,
            ),
            opt(
                "quite_a_bit",
                N_("I was listened to quite a bit"),
                N_("People listened to me quite a lot."),
                MOST,
            ),
            opt(
                "not_very_much",
                N_("I was not listened to very much"),
                N_("People did not listen to me very much."),
                LITTLE,
            ),
            opt(
                "not_at_all",
                N_("I was not listened to at all"),
                N_("People did not listen to me at all."),
                NONE,
            ),
            NOT_ANSWERED,
        ),
        picture="hear_,_to",
    ),
    question(
        2,
        Text(
            N_(
                "Did you get the right information to help you feel safe during the safeguarding "
                "concern?"
            ),
            N_("Did people give you the right information to help you feel safe?"),
        ),
        (
            opt("a_lot", N_("I got a lot of information"), N_("I got a lot of information."), ALL),
            opt(
                "quite_a_lot",
                N_("I got quite a lot of information"),
                N_("I got quite a lot of information."),
                MOST,
            ),
            opt(
                "not_very_much",
                N_("I did not get very much information"),
                N_("I did not get much information."),
                LITTLE,
            ),
            opt(
                "none",
                N_("I did not get any information"),
                N_("I did not get any information."),
                NONE,
            ),
            NOT_ANSWERED,
        ),
        hint=Text(
            N_("This could be verbal or written information."),
            N_("People could tell you things. Or they could give you things to read."),
        ),
        picture="read_,_to",
    ),
    question(
        3,
        Text(
            N_(
                "Were you able to understand the information given to you during the "
                "safeguarding concern?"
            ),
            N_("Could you understand the information people gave you?"),
        ),
        (
            opt(
                "all",
                N_("I was able to understand all of the information"),
                N_("I understood all of it."),
                ALL,
            ),
            opt(
                "most",
                N_("I was able to understand most of the information"),
                N_("I understood most of it."),
                MOST,
            ),
            opt(
                "not_much",
                N_("I was not able to understand much of the information"),
                N_("I did not understand much of it."),
                LITTLE,
            ),
            opt(
                "none",
                N_("I was not able to understand any of the information"),
                N_("I did not understand any of it."),
                "confused_lady",
            ),
            opt(
                "no_information",
                N_("I did not get any information"),
                N_("I did not get any information."),
                NONE,
            ),
            NOT_ANSWERED,
        ),
        picture="think_,_to",
    ),
    question(
        4,
        Text(
            N_("Did you have someone to support you through the safeguarding?"),
            N_("Did someone help and support you through the safeguarding?"),
        ),
        (
            opt("yes", N_("Yes"), N_("Yes."), YES),
            opt("no", N_("No"), N_("No."), NO),
            opt("decline", N_("Decline"), N_("I do not want to say."), "non_speaking"),
        ),
        hint=Text(
            N_("This could have been a friend, family member, IMCA or advocate."),
            N_(
                "This could be a friend or someone in your family. "
                "Or it could be an advocate. "
                "An advocate helps you say what you want."
            ),
        ),
        comment=comment_field("q4", N_("Please specify"), N_("Who helped you?")),
        picture="hold_hands_,_to",
    ),
    question(
        5,
        Text(
            N_("Were you able to say what you wanted to happen?"),
            N_("Could you say what you wanted to happen?"),
        ),
        (
            opt("yes", N_("Yes"), N_("Yes."), YES),
            opt("no", N_("No"), N_("No."), NO),
            opt("partially", N_("Partially"), N_("Partly. I could say some of it."), "half"),
            opt("unsure", N_("Unsure"), N_("I am not sure."), UNSURE),
        ),
        picture="talk_1_,_to",
    ),
    question(
        6,
        Text(
            N_(
                "How happy are you with the outcome of the safeguarding and the service or "
                "support you received?"
            ),
            N_("How happy are you with how things ended? And with the help you got?"),
        ),
        happy_scale(
            (
                N_("I am very happy with the end result"),
                N_("I am quite happy with the end result"),
                N_("I am not very happy with end result"),
                N_("I am not at all happy with the end result"),
            )
        ),
        picture="finish",
    ),
    question(
        7,
        Text(
            N_(
                "How happy are you with the way people dealt with the safeguarding concern "
                "throughout?"
            ),
            N_(
                "How happy are you with how people dealt with your safeguarding, from start to end?"
            ),
        ),
        happy_scale(
            (
                N_("I am very happy with how people dealt with the concern"),
                N_("I am quite happy with how people dealt with the concern"),
                N_("I am not very happy with how people dealt with the concern"),
                N_("I am not at all happy with how people dealt with the concern"),
            )
        ),
        picture="meet_,_to",
    ),
    question(
        8,
        Text(
            N_("Do you feel safer now than you did before the safeguarding process was started?"),
            N_("Do you feel safer now than before the safeguarding started?"),
        ),
        (
            opt(
                "a_lot_safer",
                N_("I feel a lot safer now"),
                N_("I feel a lot safer now."),
                A_LOT_SAFER,
            ),
            opt(
                "quite_a_bit_safer",
                N_("I feel quite a bit safer now"),
                N_("I feel quite a bit safer now."),
                QUITE_SAFER,
            ),
            opt(
                "not_much_safer",
                N_("I feel not much safer now"),
                N_("I do not feel much safer now."),
                NOT_MUCH_SAFER,
            ),
            opt(
                "not_at_all_safer",
                N_("I feel not at all safer now"),
                N_("I do not feel any safer now."),
                NOT_AT_ALL_SAFER,
            ),
            NOT_ANSWERED,
        ),
        picture="protect_,_to",
    ),
    question(
        9,
        Text(
            N_(
                "Do you know who to contact if you feel unsafe or need further support or "
                "information?"
            ),
            N_(
                "Do you know who to contact if you feel unsafe? "
                "Or if you need more help or information?"
            ),
        ),
        (
            opt("yes", N_("Yes"), N_("Yes."), YES),
            opt("no", N_("No"), N_("No."), NO),
            opt("unsure", N_("Unsure"), N_("I am not sure."), UNSURE),
        ),
        picture="telephone_handset",
    ),
    # The source leaves this sentence unfinished ("Is there anything else you think Devon council
    # (or other organisations)"); it is completed with what the question plainly asks.
    question(
        10,
        Text(
            N_(
                "Is there anything else you think %(council)s (or other organisations) could do "
                "better?"
            ),
            N_("Could %(council)s do anything better? Or could other services do better?"),
        ),
        hint=Text(None, N_("You do not have to write anything.")),
        picture="correct_thought",
    ),
    question(
        11,
        Text(
            N_(
                "Would you be happy to talk to %(council)s (or other organisations) to help us "
                "improve the way we support people to stay safe?"
            ),
            N_(
                "Would you talk to %(council)s or other services? "
                "This would help us get better at keeping people safe."
            ),
        ),
        (
            opt(
                "forum",
                N_(
                    "I would be interested in joining a forum to share the views of people who "
                    "have experienced safeguarding and their families"
                ),
                N_(
                    "I would like to join a group for people who had safeguarding. "
                    "The group shares their views and their families’ views."
                ),
                "group_work",
            ),
            opt(
                "staff_training",
                N_(
                    "I would be interested in taking part in staff training sessions to share my "
                    "experience"
                ),
                N_("I would like to help train workers. I would tell them what happened to me."),
                "teacher_1a",
            ),
            opt(
                "training_resources",
                N_(
                    "I would be interested in helping organisations to develop training "
                    "resources (such as videos or real life stories)"
                ),
                N_(
                    "I would like to help make things to train workers. "
                    "For example, videos or true stories."
                ),
                "video_camera",
            ),
            opt(
                "know_more",
                N_(
                    "I would like to know more before I make a decision – please contact me to "
                    "discuss further"
                ),
                N_("I want to know more before I decide. Please contact me to talk about it."),
                "ask_,_to",
            ),
            opt(
                "not_interested",
                N_("I would not be interested in being contacted in this way"),
                N_("I do not want to be contacted about this."),
                NO,
                exclusive=True,
            ),
        ),
        kind="checkboxes",
        hint=Text(N_("Select all that apply."), N_("You can choose more than one answer.")),
        picture="talk_3_,_to",
    ),
    question(
        12,
        Text(
            N_(
                "Is there anything you would like to tell us about the questions or taking part "
                "in this interview?"
            ),
            N_("Do you want to tell us anything about these questions? Or about taking part?"),
        ),
        hint=Text(None, N_("You do not have to write anything.")),
        picture="ask_,_to",
    ),
)

CONTACT = Step(
    id="contact",
    title=Text(N_("Your contact details"), N_("How can we contact you?")),
    store="response",
    picture="telephone_handset",
    intro=(
        Text(
            N_(
                "If you are happy for us to contact you about your feedback please give us your "
                "name and contact details."
            ),
            N_(
                "We may want to talk to you about your answers. "
                "If that is OK, tell us how to contact you."
            ),
            picture="talk_2_,_to",
        ),
        Text(
            N_("You do not have to. Leave this page empty if you would rather we did not."),
            N_("You do not have to tell us. You can leave this page empty."),
            picture="skip_,_to",
        ),
    ),
    fields=(
        Field(
            id="contact_name",
            name=Text(N_("Name"), N_("Your name")),
            kind="text",
            label=Text(N_("Name"), N_("Your name")),
            max_length=NAME_MAX,
            autocomplete="name",
            spellcheck=False,
            picture="I",
        ),
        Field(
            id="contact_representative_name",
            name=Text(N_("Name of representative"), N_("The name of the person helping you")),
            kind="text",
            label=Text(
                N_("Name of representative if this is completed on your behalf"),
                N_("Is someone filling in this form for you? Write their name here."),
            ),
            max_length=NAME_MAX,
            spellcheck=False,
            picture="help_,_to",
        ),
        Field(
            id="contact_phone",
            name=Text(N_("Phone number"), N_("Your phone number")),
            kind="phone",
            label=Text(N_("Phone number"), N_("Your phone number")),
            max_length=30,
            autocomplete="tel",
            width="20",
            picture="mobile_phone",
        ),
        Field(
            id="contact_address",
            name=Text(N_("Address"), N_("Your address")),
            kind="textarea",
            label=Text(N_("Address"), N_("Your address")),
            max_length=500,
            autocomplete="street-address",
            picture="house",
        ),
        Field(
            id="contact_email",
            name=Text(N_("Email"), N_("Your email address")),
            kind="email",
            label=Text(N_("Email"), N_("Your email address")),
            max_length=254,
            autocomplete="email",
            spellcheck=False,
            picture="email",
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
