"""One walk through every public page per language and format, shared by the axe, reflow and
HTML tests: the browser visits each page once, and every check runs on it there."""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field

from portal.config import Settings
from portal.questionnaire import FORMATS

from .returns_walk import return_walk
from .site import AXE_TAGS, PUBLIC_AXE_TAGS, Site, describe, walk

# Every language the portal offers, from its configuration: languages added there are covered.
LANGUAGES = Settings().as_flask_config()["LANGUAGES"]
__all__ = ["FORMATS", "LANGUAGES", "Walks"]


@dataclass
class Walked:
    seen: list[str] = field(default_factory=list)
    axe: list[str] = field(default_factory=list)
    reflow: list[str] = field(default_factory=list)
    error: str | None = None  # the walk itself went wrong: every test on it fails with this

    def check(self) -> None:
        assert self.error is None, self.error
        assert len(self.seen) > 40, f"only {len(self.seen)} pages reached: {self.seen}"


class Walks:
    def __init__(self, driver, live):
        self.driver, self.live = driver, live
        self.done: dict[tuple[str, str], Walked] = {}

    def returns(self) -> Walked:
        """The agency's return (English only), walked once."""
        if "returns" not in self.done:
            self.done["returns"] = self._walk("en", "", return_walk, AXE_TAGS)
        return self.done["returns"]

    def get(self, lang: str, fmt: str) -> Walked:
        if (lang, fmt) not in self.done:
            self.done[lang, fmt] = self._walk(lang, fmt)
        return self.done[lang, fmt]

    def _walk(self, lang: str, fmt: str, how=None, tags=PUBLIC_AXE_TAGS) -> Walked:
        site = Site(self.driver, self.live)
        site.reset()
        result = Walked()

        def visit(label):
            result.seen.append(label)
            where = f"{label} ({site.path})"
            violations = site.axe(tags)
            if violations:
                result.axe.append(f"{where}:\n{describe(violations)}")
            problems = site.reflow()
            if problems:
                result.reflow.append(f"{where}:\n  " + "\n  ".join(problems))

        preloaded = site.preload_axe()
        try:
            if how is None:
                walk(site, visit, lang, fmt)
            else:
                how(site, visit)
        except Exception:  # noqa: BLE001 - reported by every test that uses this walk
            result.error = f"the walk in {lang}, {fmt} stopped:\n{traceback.format_exc()}"
        finally:
            site.stop_preloading(preloaded)
            site.reset()
        return result
