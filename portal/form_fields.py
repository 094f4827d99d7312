"""Form fields and cleaning shared by the public and staff forms."""

from __future__ import annotations

from wtforms import SelectMultipleField


def clean_text(value: str) -> str:
    """Line breaks as LF and no surrounding space. (Control characters never arrive: the
    request class removes them from every form, see portal/requests.py.)"""
    return value.replace("\r\n", "\n").strip()


class ChoicesField(SelectMultipleField):
    """Checkboxes whose values arrive once each, in the order the options are defined, however
    often and in whatever order they were sent (a value posted 5,000 times would otherwise be
    stored 5,000 times). Values that are not options are kept, last, for the form to refuse."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        sent = dict.fromkeys(self.data or ())
        codes = [choice[0] for choice in self.choices]
        self.data = [code for code in codes if code in sent] + [v for v in sent if v not in codes]
