"""Tests of a difference between two proportions: G² (log-likelihood) and Fisher's exact test.

Both work on the 2×2 table of "statements with a label" and "statements without it" in
two groups. Written out here so that synth needs no statistics library.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# Below this expected count in any cell the chi-square approximation of G² is poor.
MIN_EXPECTED = 5.0


@dataclass(frozen=True)
class TestResult:
    """The outcome of comparing ``k_a`` of ``n_a`` with ``k_b`` of ``n_b``."""

    test: str  # "g2" or "fisher"
    statistic: float | None  # G² (Fisher's test has none)
    p: float


def chi2_sf_1(x: float) -> float:
    """P(X ≥ x) for a chi-square variable with one degree of freedom."""
    if x <= 0:
        return 1.0
    return math.erfc(math.sqrt(x / 2.0))


def _xlogx_ratio(observed: float, expected: float) -> float:
    return observed * math.log(observed / expected) if observed > 0 else 0.0


def g2(k_a: int, n_a: int, k_b: int, n_b: int) -> float:
    """The log-likelihood ratio statistic G² of the 2×2 table [[k_a, n_a-k_a], [k_b, n_b-k_b]]."""
    total = n_a + n_b
    hits = k_a + k_b
    if total == 0 or hits in (0, total) or 0 in (n_a, n_b):
        return 0.0
    cells = [
        (k_a, n_a, hits),
        (n_a - k_a, n_a, total - hits),
        (k_b, n_b, hits),
        (n_b - k_b, n_b, total - hits),
    ]
    return 2.0 * sum(_xlogx_ratio(o, row * col / total) for o, row, col in cells)


def _log_hypergeom(k: int, n_a: int, n_b: int, hits: int) -> float:
    """log P(k of the ``hits`` fall in group a) with fixed margins."""

    def log_comb(n: int, r: int) -> float:
        return math.lgamma(n + 1) - math.lgamma(r + 1) - math.lgamma(n - r + 1)

    return log_comb(n_a, k) + log_comb(n_b, hits - k) - log_comb(n_a + n_b, hits)


def fisher_exact(k_a: int, n_a: int, k_b: int, n_b: int) -> float:
    """Two-sided p-value of Fisher's exact test: the probability of every table with the
    same margins that is no more likely than the one observed."""
    hits = k_a + k_b
    low, high = max(0, hits - n_b), min(hits, n_a)
    observed = _log_hypergeom(k_a, n_a, n_b, hits)
    # Relative tolerance, as in R and SciPy, so ties in floating point count as equal.
    limit = observed + 1e-7
    p = sum(
        math.exp(lp)
        for lp in (_log_hypergeom(k, n_a, n_b, hits) for k in range(low, high + 1))
        if lp <= limit
    )
    return min(1.0, p)


def min_expected(k_a: int, n_a: int, k_b: int, n_b: int) -> float:
    """The smallest expected cell count of the 2×2 table under independence."""
    total = n_a + n_b
    if total == 0:
        return 0.0
    hits = k_a + k_b
    return min(r * c / total for r in (n_a, n_b) for c in (hits, total - hits))


def compare_proportions(k_a: int, n_a: int, k_b: int, n_b: int) -> TestResult:
    """G² when every expected count is at least 5, Fisher's exact test otherwise."""
    if min_expected(k_a, n_a, k_b, n_b) >= MIN_EXPECTED:
        stat = g2(k_a, n_a, k_b, n_b)
        return TestResult("g2", stat, chi2_sf_1(stat))
    return TestResult("fisher", None, fisher_exact(k_a, n_a, k_b, n_b))


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (q-values), in the order given.

    Testing many labels at once, some reach p < 0.05 by chance alone; a q-value below 0.05
    keeps the expected share of false discoveries among the significant ones under 5 %.
    The same values as R's ``p.adjust(p, "BH")``.
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [1.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] * m / rank)
        adjusted[i] = running
    return adjusted


def stars(p: float) -> str:
    """Conventional marks: * p < 0.05, ** p < 0.01, *** p < 0.001."""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""
