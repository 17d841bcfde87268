"""G² and Fisher's exact test against cases worked out by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synth.analysis import stats


def test_g2_of_ten_in_a_hundred_against_thirty_in_a_hundred() -> None:
    # Expected counts 20/80 in both rows, so
    # G² = 2 (10 ln 10/20 + 90 ln 90/80 + 30 ln 30/20 + 70 ln 70/80) = 12.9715
    assert stats.g2(10, 100, 30, 100) == pytest.approx(12.9715, abs=1e-3)
    result = stats.compare_proportions(10, 100, 30, 100)
    assert result.test == "g2"
    # P(chi-square with 1 df ≥ 12.97) = 3.16e-4
    assert result.p == pytest.approx(3.16e-4, rel=0.01)
    assert stats.stars(result.p) == "***"


def test_chi_square_critical_value_gives_five_percent() -> None:
    assert stats.chi2_sf_1(3.8415) == pytest.approx(0.05, abs=1e-4)
    assert stats.chi2_sf_1(6.6349) == pytest.approx(0.01, abs=1e-4)


def test_equal_shares_give_no_evidence_of_change() -> None:
    assert stats.g2(20, 100, 40, 200) == pytest.approx(0.0, abs=1e-12)
    assert stats.compare_proportions(20, 100, 40, 200).p == pytest.approx(1.0)


def test_fisher_on_the_tea_tasting_table() -> None:
    # [[3, 1], [1, 3]]: tables as or less likely are k = 0, 1, 3, 4 of 4 in the first row:
    # (1 + 16 + 16 + 1) / C(8, 4) = 34/70
    assert stats.fisher_exact(3, 4, 1, 4) == pytest.approx(34 / 70)
    # [[4, 0], [0, 4]]: only the two extreme tables, 2/70
    assert stats.fisher_exact(4, 4, 0, 4) == pytest.approx(2 / 70)


def test_small_expected_counts_use_fisher() -> None:
    result = stats.compare_proportions(3, 4, 1, 4)
    assert result.test == "fisher" and result.statistic is None
    assert result.p == pytest.approx(34 / 70)


def test_fisher_sums_exact_probabilities_on_an_uneven_table() -> None:
    # [[1, 9], [6, 4]]: hypergeometric with 7 hits among 20, 10 per row.
    def prob(k: int) -> float:
        return math.comb(10, k) * math.comb(10, 7 - k) / math.comb(20, 7)

    observed = prob(1)
    expected = sum(prob(k) for k in range(8) if prob(k) <= observed * (1 + 1e-9))
    assert stats.fisher_exact(1, 10, 6, 10) == pytest.approx(expected)
    assert stats.fisher_exact(1, 10, 6, 10) == pytest.approx(0.05728, abs=1e-4)


@given(
    st.integers(0, 60).flatmap(lambda n_a: st.tuples(st.integers(0, n_a), st.just(n_a))),
    st.integers(0, 60).flatmap(lambda n_b: st.tuples(st.integers(0, n_b), st.just(n_b))),
)
def test_swapping_the_sides_gives_the_same_p_value(a: tuple[int, int], b: tuple[int, int]) -> None:
    (k_a, n_a), (k_b, n_b) = a, b
    forward = stats.compare_proportions(k_a, n_a, k_b, n_b)
    backward = stats.compare_proportions(k_b, n_b, k_a, n_a)
    assert forward.test == backward.test
    assert forward.p == pytest.approx(backward.p, rel=1e-9)
    assert 0.0 < forward.p <= 1.0


def test_benjamini_hochberg_gives_the_values_of_r_p_adjust() -> None:
    p = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216]
    # p.adjust(p, "BH") in R
    expected = [0.01, 0.04, 0.084, 0.084, 0.084, 0.1, 0.10571, 0.216, 0.216, 0.216]
    assert stats.benjamini_hochberg(p) == pytest.approx(expected, abs=1e-5)
    shuffled = [p[i] for i in (9, 0, 4, 2)]
    assert stats.benjamini_hochberg(shuffled) == pytest.approx([0.216, 0.004, 0.056, 0.056])
    assert stats.benjamini_hochberg([]) == []
