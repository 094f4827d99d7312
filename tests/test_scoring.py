"""The scoring rules: suggested score, total, applicable maximum and band, over every
combination of six scores (5**6 = 15,625) and as properties."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.audit_tool import PRINCIPLE_CODES, SCORES
from portal.scoring import BANDS, BANDS_EXPLAINED, Total, band_for, suggested_score, total

ALL = list(itertools.product(SCORES, repeat=len(PRINCIPLE_CODES)))
ORDER = list(BANDS)  # best first
scores = st.fixed_dictionaries({code: st.sampled_from(list(SCORES)) for code in PRINCIPLE_CODES})


def _scores(combination) -> dict[str, str]:
    return dict(zip(PRINCIPLE_CODES, combination, strict=True))


def _rank(result: Total) -> int:
    return ORDER.index(result.band)


@pytest.mark.parametrize(
    ("ticked", "score"), [(0, "0"), (1, "0"), (2, "1"), (3, "1"), (4, "2"), (5, "2")]
)
def test_suggested_score(ticked, score):
    assert suggested_score(ticked) == score


@pytest.mark.parametrize("ticked", [-1, 6])
def test_suggested_score_refuses_impossible_counts(ticked):
    with pytest.raises(ValueError):
        suggested_score(ticked)


def test_every_combination():
    assert len(ALL) == 5**6
    for combination in ALL:
        result = total(_scores(combination))
        numbers = [int(s) for s in combination if s in ("0", "1", "2")]
        assert result.total == sum(numbers)
        assert result.maximum == 2 * len(numbers)
        assert result.scored == len(numbers)
        assert 0 <= result.total <= result.maximum <= 12
        if len(numbers) < 4:
            assert result.band is None
            assert result.band_label == "Too few scored"
        else:
            share = result.total / result.maximum
            expected = (
                "outstanding"
                if share == 1
                else "good"
                if share >= 8 / 12
                else "requires_improvement"
                if share >= 6 / 12
                else "inadequate"
            )
            assert result.band == expected, combination
            assert result.band_label == BANDS[expected]


def test_bands_on_all_six_scored_match_the_tools_printed_totals():
    for combination in itertools.product("012", repeat=6):
        result = total(_scores(combination))
        assert result.maximum == 12
        expected = (
            "outstanding"
            if result.total == 12
            else "good"
            if 8 <= result.total <= 11
            else "requires_improvement"
            if 6 <= result.total <= 7
            else "inadequate"
        )
        assert result.band == expected


def test_all_fully_met_is_outstanding_and_all_unmet_inadequate():
    assert total(dict.fromkeys(PRINCIPLE_CODES, "2")) == Total(12, 12, 6, "outstanding")
    assert total(dict.fromkeys(PRINCIPLE_CODES, "0")) == Total(0, 12, 6, "inadequate")
    assert total(dict.fromkeys(PRINCIPLE_CODES, "NA")) == Total(0, 0, 0, None)


@given(scores, st.sampled_from(PRINCIPLE_CODES))
def test_raising_one_score_never_lowers_the_band(given_scores, principle):
    current = given_scores[principle]
    if current not in ("0", "1"):
        return
    before = total(given_scores)
    after = total({**given_scores, principle: str(int(current) + 1)})
    assert after.total == before.total + 1
    assert after.maximum == before.maximum
    if before.band is not None:
        assert _rank(after) <= _rank(before)


@given(scores, st.sampled_from(PRINCIPLE_CODES), st.sampled_from(["NA", "NK"]))
def test_na_and_nk_are_left_out_alike(given_scores, principle, not_scored):
    result = total({**given_scores, principle: not_scored})
    other = total({**given_scores, principle: "NK" if not_scored == "NA" else "NA"})
    assert result == other
    without = {k: v for k, v in given_scores.items() if k != principle}
    assert total(without) == result


@given(scores)
def test_order_of_principles_does_not_matter(given_scores):
    assert total(dict(reversed(given_scores.items()))) == total(given_scores)


def test_band_on_the_share_of_the_applicable_maximum():
    assert band_for(8, 8) == "outstanding"
    assert band_for(6, 8) == "good"  # 9/12 of it
    assert band_for(5, 8) == "requires_improvement"  # 7.5/12
    assert band_for(3, 8) == "inadequate"


def test_unknown_principles_and_scores_are_refused():
    with pytest.raises(ValueError):
        total({"kindness": "2"})
    with pytest.raises(ValueError):
        total({"empowerment": "3"})


def test_the_overlap_is_explained():
    assert "8-12" in BANDS_EXPLAINED and "6-8" in BANDS_EXPLAINED
