"""The rows of check your answers and the confirmation's copy, from the definition."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, g, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..models import Response
from ..questionnaire import STEPS, Progress, Step
from ..wording import current_format, say
from .runner import CHECK, route
from .saving import current_values

SECTION_TITLES = {
    "who": "about",
    "representative": "about",
    "consent": "consent",
    "anonymous": "consent",
}


def _once(key: tuple, make: Callable[[], str]) -> str:
    """The words ``make`` gives for ``key`` in this request's language and format, worked out
    once per app. A row's label, its option words and its change link are the same for everyone
    who sees them in that language and format (the catalogs, the board's names and the URL map
    are fixed while the app runs); translating them and building the links was a third of check
    answers' time. The keys are finite (pages, fields, options, languages, formats), so nothing
    is evicted."""
    words = g.get("summary_words")
    if words is None:
        # Looked up once a request: the language and format were a third of the lookups' time.
        memo = current_app.extensions.setdefault("summary_wording", {})
        words = g.summary_words = memo.setdefault((str(get_locale()), current_format()), {})
    found = words.get(key)
    if found is None:
        found = words[key] = make()
    return found


def _option_words(step: Step, spec, code: str) -> str | None:
    option = spec.option(code)
    if option is None:
        return None
    return _once(("option", step.id, spec.id, code), lambda: say(option.text))


def _value_html(step: Step, spec, value) -> Markup:
    if spec.kind in ("radios", "checkboxes"):
        codes = value if isinstance(value, list) else ([value] if value else [])
        words = [w for w in (_option_words(step, spec, code) for code in codes) if w is not None]
        if len(words) > 1:
            items = Markup("").join(Markup("<li>%s</li>") % w for w in words)
            return Markup('<ul class="govuk-list govuk-list--bullet">%s</ul>') % items
        return escape(words[0]) if words else escape(_("Not answered"))
    if spec.kind == "declaration":
        return escape(_("Yes") if value else _("No"))
    if not value:
        return escape(_("Not given"))
    lines = Markup("<br>").join(escape(line) for line in str(value).splitlines())
    return lines


def _row(key, value: Markup, page: str, change_links: bool, hidden: str) -> dict:
    row = {"key": {"text": key}, "value": {"html": value}}
    if change_links:
        row["actions"] = {
            "items": [
                {
                    "href": _once(
                        ("change", page), lambda: url_for("journey.page", page=page, change=1)
                    ),
                    "text": _once(("change",), lambda: _("Change")),
                    "visuallyHiddenText": hidden,
                }
            ]
        }
    return row


def summary_rows(response: Response, state: Progress, change_links: bool) -> list[dict]:
    """Sections of rows, one section per part of the journey, in the order the pages came."""
    sections: dict[str, dict] = {}
    titles = {
        "about": _("About you"),
        "consent": _("Sharing your information"),
        "questions": _("Your experience"),
        "contact": _("Your contact details"),
    }
    for page in route(state):
        if page == CHECK:
            continue
        step = STEPS[page]
        section_id = SECTION_TITLES.get(page, "contact" if page == "contact" else "questions")
        section = sections.setdefault(section_id, {"title": titles[section_id], "rows": []})
        values = current_values(step, response)
        if step.is_question:
            section["rows"].append(question_row(step, values, change_links))
            continue
        for spec in step.fields:
            value = values.get(spec.id)
            if step.id == "consent" and spec.id != "decision" and state.decision != "agree":
                continue
            if spec.id == "relationship" and state.respondent != "representative":
                continue
            label = _once(("label", page, spec.id), lambda spec=spec: say(spec.label))
            section["rows"].append(
                _row(label, _value_html(step, spec, value), page, change_links, label)
            )
    return list(sections.values())


def question_row(step: Step, values: dict, change_links: bool) -> dict:
    parts = []
    main = step.fields[0]
    if main.kind in ("radios", "checkboxes"):
        parts.append(_value_html(step, main, values.get(main.id)))
    comment = values.get(f"{step.id}_comment")
    if comment:
        text = Markup("<br>").join(escape(line) for line in comment.splitlines())
        parts.append(Markup('<p class="govuk-body">%s</p>') % text)
    elif not parts:
        parts.append(escape(_("Not answered")))
    key = _once(
        ("question", step.id),
        lambda: _("Question %(number)s: %(text)s", number=step.number, text=say(step.title)),
    )
    return _row(key, Markup("").join(parts), step.id, change_links, key)
