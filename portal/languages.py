"""The languages the public pages are offered in, named once.

Adding one is its message catalog (`scripts/translations.sh init xx`, then translate it) and
one line here; settings, the language switcher, staff forms and the tests all read this list.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str
    own_name: str  # what its speakers call it, as language switchers show it
    english_name: str  # for staff pages, which are in English

    @property
    def staff_label(self) -> str:
        if self.own_name == self.english_name:
            return self.english_name
        return f"{self.english_name} ({self.own_name})"


LANGUAGES = (
    Language("en", "English", "English"),
    Language("cy", "Cymraeg", "Welsh"),
    Language("pl", "Polski", "Polish"),
)
CODES = tuple(language.code for language in LANGUAGES)
OWN_NAMES = {language.code: language.own_name for language in LANGUAGES}
STAFF_LABELS = {language.code: language.staff_label for language in LANGUAGES}
