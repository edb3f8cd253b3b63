"""The two tests `syncbench compare` runs, for pairs compare --pair cannot
form (two settings of one primitive, or workloads without one): the
percentile bootstrap of median(b) / median(a) and the Mann-Whitney U test,
computed as harness/compare.c computes them -- the same generator, seed and
resample order, the same ranks and tie correction -- so that where both
apply they give the same figures (tests/test_page.sh checks it against
`compare --pair`)."""
import math
from functools import lru_cache

import numpy as np

BOOTSTRAP_ROUNDS = 2000
EXACT_MAX = 20
SEED = 0x9E3779B97F4A7C15
MASK = (1 << 64) - 1


@lru_cache(maxsize=64)
def resample_indices(n, m):
    """(A's indices, B's indices), each BOOTSTRAP_ROUNDS rows, drawn by
    compare.c's xorshift64* in its order: A's n draws, then B's m, per round."""
    state = SEED
    a = np.empty((BOOTSTRAP_ROUNDS, n), dtype=np.int64)
    b = np.empty((BOOTSTRAP_ROUNDS, m), dtype=np.int64)
    for r in range(BOOTSTRAP_ROUNDS):
        for side, k in ((a, n), (b, m)):
            for i in range(k):
                state ^= state >> 12
                state ^= (state << 25) & MASK
                state ^= state >> 27
                side[r, i] = ((state * 0x2545F4914F6CDD1D) & MASK) % k
    return a, b


def ratio_interval(a, b):
    """(lo, hi) of the 95% percentile-bootstrap interval of median(b) / median(a)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    ia, ib = resample_indices(len(a), len(b))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.median(b[ib], axis=1) / np.median(a[ia], axis=1)
    ratios = np.sort(ratios[~np.isnan(ratios)])
    if len(ratios) < BOOTSTRAP_ROUNDS // 2:
        return math.nan, math.nan
    return float(ratios[int(0.025 * len(ratios))]), float(ratios[int(0.975 * len(ratios)) - 1])


@lru_cache(maxsize=64)
def u_counts(n, m):
    """How many orderings of n x's and m y's have exactly u pairs with x > y."""
    f = {(i, j): None for i in range(n + 1) for j in range(m + 1)}
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 or j == 0:
                f[i, j] = np.zeros(n * m + 1)
                f[i, j][0] = 1
                continue
            shifted = np.zeros(n * m + 1)
            shifted[j:] = f[i - 1, j][:n * m + 1 - j]
            f[i, j] = shifted + f[i, j - 1]
    return f[n, m]


def mann_whitney_p(x, y):
    """Two-sided p: exact without ties up to EXACT_MAX a side, else the
    normal approximation with tie and continuity correction."""
    n, m = len(x), len(y)
    values = sorted([(v, True) for v in x] + [(v, False) for v in y], key=lambda t: t[0])
    rank_sum_x = tie_term = 0.0
    i = 0
    while i < len(values):
        j = i
        while j < len(values) and values[j][0] == values[i][0]:
            j += 1
        midrank, t = (i + j + 1) / 2, j - i
        rank_sum_x += sum(midrank for k in range(i, j) if values[k][1])
        tie_term += t * t * t - t
        i = j
    u = rank_sum_x - n * (n + 1) / 2
    if tie_term == 0 and n <= EXACT_MAX and m <= EXACT_MAX:
        counts = u_counts(n, m)
        k = np.arange(len(counts))
        below, above = counts[k <= u].sum(), counts[k >= u].sum()
        return float(min(1.0, 2 * min(below, above) / counts.sum()))
    total = n + m
    var = n * m / 12 * ((total + 1) - tie_term / (total * (total - 1)))
    if var <= 0:
        return 1.0
    z = (abs(u - n * m / 2) - 0.5) / math.sqrt(var)
    return 1.0 if z <= 0 else math.erfc(z / math.sqrt(2))
