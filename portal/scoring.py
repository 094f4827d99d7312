"""Scoring rules for Appendix 1: the suggested score, the total, its applicable maximum and the
band. Pure rules, no Flask and no database; the agency's return, the meeting and the report all
use them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from .audit_tool import GUIDANCE_COUNT, NUMERIC_SCORES, PRINCIPLE_CODES

BANDS: dict[str, str] = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
# The share of the applicable maximum each band starts at, best first (12, 8 and 6 out of 12).
BAND_THRESHOLDS: tuple[tuple[str, Fraction], ...] = (
    ("outstanding", Fraction(12, 12)),
    ("good", Fraction(8, 12)),
    ("requires_improvement", Fraction(6, 12)),
    ("inadequate", Fraction(0)),
)
# Below this many principles scored 0, 1 or 2, a band would say more than the scores do.
MIN_SCORED_FOR_BAND = 4
TOO_FEW_SCORED = "Too few scored"

BANDS_EXPLAINED = (
    "Bands: 12 Outstanding, 8 to 11 Good, 6 to 7 Requires improvement, 5 or below Inadequate. "
    "The audit tool prints Good as 8-12 and Requires Improvement as 6-8, which overlap; the "
    "portal reads them as above. Principles scored NA (not applicable) or NK (not known) do not "
    "count: the total is shown out of the maximum for the principles scored (2 each), and the "
    "band is chosen on the same share of it (12, 8 and 6 out of 12). With fewer than four "
    "principles scored there is no band."
)


def suggested_score(ticked: int) -> str:
    """The score suggested by how many of a principle's five guidance questions were
    considered: 4-5 fully met ("2"), 2-3 partially met ("1"), 0-1 unmet ("0")."""
    if not 0 <= ticked <= GUIDANCE_COUNT:
        raise ValueError(f"ticked must be 0 to {GUIDANCE_COUNT}, not {ticked}")
    if ticked >= 4:
        return "2"
    if ticked >= 2:
        return "1"
    return "0"


@dataclass(frozen=True)
class Total:
    """A set of principle scores summed: ``total`` out of ``maximum`` (2 for each principle
    scored 0, 1 or 2), ``scored`` principles counted, and the band code, or None when too few
    were scored."""

    total: int
    maximum: int
    scored: int
    band: str | None

    @property
    def band_label(self) -> str:
        """The band as shown, or "Too few scored"."""
        return BANDS[self.band] if self.band else TOO_FEW_SCORED


def band_for(total: int, maximum: int) -> str:
    """The band for a total out of an applicable maximum, on the share 12/12, 8/12, 6/12."""
    if maximum <= 0:
        raise ValueError("no principle scored")
    share = Fraction(total, maximum)
    return next(code for code, start in BAND_THRESHOLDS if share >= start)


def total(scores: Mapping[str, str]) -> Total:
    """Sum the principles' scores (principle code -> "2", "1", "0", "NA" or "NK"; a missing
    principle or an empty score counts as not scored). Unknown principles or scores raise
    ValueError."""
    unknown = set(scores) - set(PRINCIPLE_CODES)
    if unknown:
        raise ValueError(f"unknown principles: {sorted(unknown)}")
    numbers = []
    for code, score in scores.items():
        if score in NUMERIC_SCORES:
            numbers.append(NUMERIC_SCORES[score])
        elif score not in ("NA", "NK", "", None):
            raise ValueError(f"unknown score {score!r} for {code}")
    points, maximum = sum(numbers), 2 * len(numbers)
    band = band_for(points, maximum) if len(numbers) >= MIN_SCORED_FOR_BAND else None
    return Total(total=points, maximum=maximum, scored=len(numbers), band=band)
