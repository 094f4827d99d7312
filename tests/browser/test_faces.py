"""The feeling scales' faces as a person sees them: on questions 6, 7 and 8 in Easy Read, in every
language, each step's face drawn at 48 px is a different picture from every other step's, in
colour, in grey, and in forced colours (a dark high-contrast theme)."""

from __future__ import annotations

import io
from itertools import combinations

import pytest
from PIL import Image, ImageChops

from portal.questionnaire import EASY_READ, FACES, QUESTIONS

from .site import CONSENT_RIGHT
from .walks import LANGUAGES

FEELING_SCALES = ("q6", "q7", "q8")
SIZE = 48
# Two faces are different pictures when at least this share of their pixels differ by more than
# a quarter of the grey scale: a mouth of another shape, not a few pixels of antialiasing.
MIN_DIFFERENT = 0.04
FORCED_DARK = [
    {"name": "forced-colors", "value": "active"},
    {"name": "prefers-color-scheme", "value": "dark"},
]


def different(a: Image.Image, b: Image.Image) -> float:
    """The share of pixels that differ by more than 64 in 255 in any channel."""
    difference = ImageChops.difference(a, b).get_flattened_data()
    return sum(1 for pixel in difference if max(pixel) > 64) / (SIZE * SIZE)


def faces_at_48px(site) -> list[Image.Image]:
    """The page's faces, in the order of the answers, each drawn 48 px square."""
    faces = site.driver.find_elements("css selector", ".app-er-choices .app-er-face")
    shots = []
    for face in faces:
        site.run("arguments[0].style.width = arguments[0].style.height = '48px'", face)
        shot = Image.open(io.BytesIO(face.screenshot_as_png)).convert("RGB")
        assert shot.size == (SIZE, SIZE), shot.size
        shots.append(shot)
    return shots


def assert_all_differ(shots: list[Image.Image], where: str) -> float:
    """Every pair of ``shots`` is a different picture; returns the least share that differs."""
    least = 1.0
    for (i, a), (j, b) in combinations(enumerate(shots), 2):
        share = different(a, b)
        assert share >= MIN_DIFFERENT, (
            f"{where}: {FACES[i]} and {FACES[j]} differ in {share:.1%} of their pixels"
        )
        least = min(least, share)
    return least


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_feeling_scale_has_four_faces_that_differ_at_48px(site, lang):
    site.go(site.new_link())
    site.prefer(lang, EASY_READ)
    site.send()
    site.expect("/feedback/who")
    site.send({"respondent": "adult"})
    site.expect("/feedback/consent")
    site.send(CONSENT_RIGHT)
    checked = []
    for step in QUESTIONS:
        site.expect(f"/feedback/{step.id}")
        if step.id in FEELING_SCALES:
            colour = faces_at_48px(site)
            assert len(colour) == len(FACES), f"{step.id}: {len(colour)} faces"
            assert len({shot.tobytes() for shot in colour}) == len(FACES)
            assert_all_differ(colour, f"{lang} {step.id} in colour")
            grey = [shot.convert("L").convert("RGB") for shot in colour]
            assert_all_differ(grey, f"{lang} {step.id} in grey")

            site.cdp("Emulation.setEmulatedMedia", features=FORCED_DARK)
            try:
                assert site.run("return matchMedia('(forced-colors: active)').matches")
                forced = faces_at_48px(site)
            finally:
                site.cdp("Emulation.setEmulatedMedia", features=[])
            assert_all_differ(forced, f"{lang} {step.id} in forced colours")
            # The theme's colours, not ours: light lines on the dark background.
            for shot in forced:
                assert shot.convert("L").getpixel((1, 1)) < 64
            checked.append(step.id)
        site.send()
    assert checked == list(FEELING_SCALES)
