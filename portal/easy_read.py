"""Easy Read wording for the public pages that are not in the questionnaire definition (start,
check answers, confirmation, already sent, link not working, session ended, errors, contact).

Each page is a list of blocks: one picture (a Mulberry symbol in ``static/easy_read/``) on the
left and a few short lines on the right. Templates render them with the macros in
``templates/public/_easy_read.html``; tests hold every sentence here, and in the definition, to
the Easy Read rules. Pictures are decorative (``alt=""``): the words beside them say the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from flask import Flask
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from .questionnaire import EASY_READ, FACES, STEPS, Step, Text
from .static_files import asset_url


@dataclass(frozen=True)
class Block:
    picture: str
    lines: tuple

    def __init__(self, picture: str, *lines):
        object.__setattr__(self, "picture", picture)
        object.__setattr__(self, "lines", lines)


CONTACT = {
    "heading": _l("Get help or ask for a new link"),
    "phone": Block("telephone_handset", _l("Phone us:")),
    "email": Block("email", _l("Email us:")),
    "danger": Block("warning_light", _l("Are you in danger now? Call 999.")),
}

PAGES: dict[str, dict[str, tuple[Block, ...]]] = {
    "start": {
        "resuming": (
            Block(
                "save", _l("You started before. We saved your answers."), _l("You can carry on.")
            ),
        ),
        "about": (
            Block(
                "protect_,_to",
                _l("Workers helped to keep you safe."),
                _l("This is called safeguarding."),
            ),
            Block(
                "group_work",
                _l("%(board)s checks how well the workers did."),
                _l("This check is called an audit."),
                _l("We chose your safeguarding for the audit."),
            ),
            Block(
                "talk_1_,_to",
                _l("We want to know how it went for you."),
                _l("Tell us the good things and the bad things."),
                _l("This helps us make things better for other people."),
            ),
            Block(
                "share_,_to",
                _l("First we ask if we can share your information."),
                _l("Then we ask you %(count)s questions."),
            ),
        ),
        "before_heading": (_l("Before you start"),),
        "before": (
            Block("clock", _l("It takes about 10 minutes.")),
            Block(
                "skip_,_to",
                _l("You do not have to answer every question."),
                _l("You can skip any question."),
            ),
            Block(
                "save",
                _l("You can stop at any time."),
                _l("We save your answers as you go."),
                _l("Use the same link to carry on later."),
            ),
            Block(
                "help_,_to",
                _l("Someone can help you fill in the form."),
                _l("Or they can fill it in for you."),
            ),
            Block("key_1", _l("The report about the audit will not say your name.")),
            Block(
                "telephone_handset",
                _l("You can answer on the phone instead."),
                _l("Call us on %(phone)s."),
            ),
        ),
    },
    "check": {
        "intro": (
            Block(
                "vote_,_to",
                _l("Look at your answers."),
                _l("You can change any answer before you send them."),
            ),
        ),
        "send_heading": (_l("Now send your answers"),),
        "send": (
            Block(
                "post_letter_,_to",
                _l("When you are happy, send your answers."),
                _l("After you send them, you cannot change them here."),
                _l("You can still contact us to change them."),
            ),
        ),
    },
    "confirmation": {
        "thanks": (
            Block(
                "great",
                _l("Thank you. Your views are really important to us."),
                _l("Keep your reference. It helps us find your answers."),
            ),
        ),
        "next_heading": (_l("What happens next"),),
        "declined": (
            Block("key_1", _l("We will not share your information at the audit meeting.")),
        ),
        "anonymous": (
            Block(
                "group_work",
                _l("We will only add your answers to everyone else’s."),
                _l("Nobody will know which answers are yours."),
            ),
        ),
        "agreed": (
            Block(
                "group_work",
                _l("We will share your views at the audit meeting."),
                _l("We will not share anything you asked us to keep private."),
            ),
            Block(
                "letter",
                _l("After the audit, we will contact you."),
                _l("We will tell you what we found out."),
                _l("We will tell you what we will do next."),
            ),
        ),
        "change_heading": (_l("If you change your mind"),),
        "change": (
            Block(
                "change_mind_,_to",
                _l("You can change your mind about sharing at any time."),
                _l("Contact us and tell us your reference."),
            ),
        ),
        "withdraw": (
            Block(
                "web_address",
                _l("You can also use this link to stop us sharing your information."),
                _l("Keep the link safe. Or print this page."),
            ),
        ),
        "print_heading": (_l("A copy of your answers"),),
        "print": (Block("print", _l("You can print this page to keep a copy.")),),
    },
    "already_sent": {
        "body": (
            Block(
                "post_letter_,_to",
                _l("Thank you. We have your answers."),
                _l("You do not need to do anything else."),
            ),
            Block(
                "change_mind_,_to",
                _l("Do you want to change an answer?"),
                _l("Or did you change your mind about sharing?"),
                _l("Please contact us."),
            ),
        ),
    },
    "link_not_working": {
        "body": (
            Block(
                "weak_link",
                _l("The link may be copied wrong."),
                _l("Or the link may be too old."),
            ),
            Block(
                "telephone_handset",
                _l("We can send you a new link."),
                _l("Or you can tell us your views on the phone."),
            ),
        ),
    },
    "session_ended": {
        "body": (
            Block(
                "save",
                _l("This page has stopped working."),
                _l("We kept the answers you saved."),
            ),
            Block("unlock_,_to", _l("To carry on, open the link we sent you again.")),
        ),
    },
    "400": {
        "body": (
            Block(
                "mistake_no_wrong",
                _l("Something went wrong with this page."),
                _l("Go back and try again."),
            ),
        ),
    },
    "404": {
        "body": (
            Block(
                "lost",
                _l("We cannot find this page."),
                _l("Did you type the web address? Check it is right."),
            ),
        ),
    },
    "413": {
        "body": (
            Block(
                "write_,_to",
                _l("You sent us too much at once."),
                _l("Did you write a long answer? Make it shorter."),
                _l("Then go back and try again."),
            ),
        ),
    },
    "429": {
        "body": (
            Block(
                "wait_,_to",
                _l("There have been too many tries."),
                _l("Wait a few minutes. Then try again."),
            ),
        ),
    },
    "500": {
        "body": (
            Block(
                "broken",
                _l("Something is wrong with our website."),
                _l("Please try again later."),
                _l("We kept the answers you saved."),
            ),
        ),
        "reference": (_l("Tell us this code if you contact us:"),),
    },
    "session_expired": {
        "body": (
            Block(
                "clock",
                _l("This page was too old, so we did not save it."),
                _l("This keeps your answers safe."),
                _l("We kept the answers you saved before."),
            ),
            Block(
                "unlock_,_to",
                _l("Go back and load the page again."),
                _l("Or open the link we sent you again."),
            ),
        ),
    },
}

# Pictures named in templates rather than here or in the definition: the date on the consent
# page (templates/public/step.html) and "Not happy?" in the Easy Read privacy notice.
TEMPLATE_PICTURES = ("calendar", "sad_lady")


def picture_url(name: str) -> str:
    # Content-hashed like every static file, since browsers keep them for a year.
    return asset_url(f"easy_read/{name}.svg")


def step_pictures(step: Step) -> Iterator[str]:
    if step.picture:
        yield step.picture
    for paragraph in step.intro:
        if paragraph.picture:
            yield paragraph.picture
    for spec in step.fields:
        if spec.picture:
            yield spec.picture
        for option in spec.options:
            if option.picture:
                yield option.picture


def pictures_used() -> list[str]:
    """Every Mulberry picture the portal shows, for the credits page and the tests (the feeling
    scales' faces are our own, drawn inline)."""
    names: set[str] = set()
    for step in STEPS.values():
        names.update(step_pictures(step))
    for page in PAGES.values():
        for part in page.values():
            names.update(b.picture for b in part if isinstance(b, Block))
    names.update(b.picture for b in CONTACT.values() if isinstance(b, Block))
    names.update(TEMPLATE_PICTURES)
    return sorted(names - set(FACES), key=str.lower)


def definition_texts() -> Iterator[tuple[str, object]]:
    """Every piece of Easy Read wording in the questionnaire definition, with where it is."""
    for step in STEPS.values():
        yield f"{step.id}.title", step.title.get(EASY_READ)
        for i, paragraph in enumerate(step.intro):
            yield f"{step.id}.intro{i}", paragraph.get(EASY_READ)
        for spec in step.fields:
            for part in ("label", "hint", "required", "name"):
                text = getattr(spec, part)
                if isinstance(text, Text):
                    yield f"{spec.id}.{part}", text.get(EASY_READ)
            for option in spec.options:
                yield f"{spec.id}.{option.code}", option.text.get(EASY_READ)


def page_texts() -> Iterator[tuple[str, object]]:
    """Every piece of Easy Read wording for the other public pages."""
    for page, parts in PAGES.items():
        for part, items in parts.items():
            for item in items:
                lines = item.lines if isinstance(item, Block) else (item,)
                for line in lines:
                    yield f"{page}.{part}", line
    for key, item in CONTACT.items():
        for line in item.lines if isinstance(item, Block) else (item,):
            yield f"contact.{key}", line


def init_app(app: Flask) -> None:
    # The faces' drawings, read once through the template loader: pages draw them inline, so that
    # they take the text colour (and forced colours) and cost no request.
    env = app.jinja_env
    faces = {
        # Our own drawings, as trusted as the templates beside them.
        name: Markup(env.loader.get_source(env, f"public/faces/{name}.svg")[0].strip())  # noqa: S704
        for name in FACES
    }

    @app.context_processor
    def _easy_read():
        return {
            "easy_pages": PAGES,
            "easy_contact": CONTACT,
            "picture_url": picture_url,
            "faces": faces,
        }
