"""Statistics for A/B tests (../shared/DOMAIN.md, "A/B tests"). Pure functions of counts and sums, no database.

Differences are always variant − control. A test that cannot be computed (an empty arm, no variance) gives
None instead of a number, so a page shows "—" rather than a misleading 0 or a division error.
"""

from dataclasses import dataclass
from hashlib import sha256
from math import ceil, sqrt
from statistics import NormalDist

_NORMAL = NormalDist()

ALPHA = 0.05
POWER = 0.8


def z_critical(alpha: float = ALPHA) -> float:
    """The two-sided critical value z_{α/2} (1.95996… for α = 0.05)."""
    return _NORMAL.inv_cdf(1 - alpha / 2)


def two_sided_p(z: float) -> float:
    """P(|Z| ≥ |z|) for a standard normal Z."""
    return 2 * _NORMAL.cdf(-abs(z))


@dataclass(frozen=True)
class Comparison:
    """Variant vs control: the difference, its confidence interval, the test statistic and p-value."""

    diff: float
    low: float
    high: float
    z: float | None
    p_value: float | None

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < ALPHA


def proportion_ztest(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float] | None:
    """Two-proportion z-test with the pooled p̂ = (x1+x2)/(n1+n2): (z, two-sided p) for p̂1 − p̂2.

    None when an arm is empty or p̂ is 0 or 1 (no variance, nothing to test)."""
    if n1 <= 0 or n2 <= 0:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    se = sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return None
    z = (x1 / n1 - x2 / n2) / se
    return z, two_sided_p(z)


def proportion_diff_ci(
    x1: int, n1: int, x2: int, n2: int, *, alpha: float = ALPHA
) -> tuple[float, float, float] | None:
    """p̂2 − p̂1 with its (1−α) confidence interval from the unpooled standard error: (diff, low, high)."""
    if n1 <= 0 or n2 <= 0:
        return None
    p1, p2 = x1 / n1, x2 / n2
    se = sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    diff = p2 - p1
    half = z_critical(alpha) * se
    return diff, diff - half, diff + half


def compare_proportions(*, control: tuple[int, int], variant: tuple[int, int]) -> Comparison | None:
    """Conversion of a variant against the control, each given as (converters, visitors)."""
    (x1, n1), (x2, n2) = control, variant
    ci = proportion_diff_ci(x1, n1, x2, n2)
    if ci is None:
        return None
    test = proportion_ztest(x1, n1, x2, n2)
    z, p = (
        (-test[0], test[1]) if test else (None, None)
    )  # the test is control − variant; report variant − control
    return Comparison(diff=ci[0], low=ci[1], high=ci[2], z=z, p_value=p)


@dataclass(frozen=True)
class Sample:
    """A sample of per-visitor values summarised by its size, sum and sum of squares (e.g. fen paid).

    With integer values (fen) the sums stay exact Python integers, so the variance does not lose digits to
    the cancellation of two large sums."""

    n: int
    total: int | float
    total_sq: int | float

    @classmethod
    def of(cls, values) -> "Sample":
        values = list(values)
        return cls(n=len(values), total=sum(values), total_sq=sum(v * v for v in values))

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def variance(self) -> float | None:
        """The sample variance (n − 1 in the denominator); None below two observations."""
        if self.n < 2:
            return None
        return max(0.0, (self.n * self.total_sq - self.total * self.total) / (self.n * (self.n - 1)))


def compare_means(*, control: Sample, variant: Sample, alpha: float = ALPHA) -> Comparison | None:
    """Welch's test on means with the normal approximation (large samples): mean2 − mean1, its (1−α) interval
    mean2 − mean1 ± z·√(s1²/n1 + s2²/n2), z = diff / SE and the two-sided p-value.

    None when either arm has fewer than two observations."""
    if control.variance is None or variant.variance is None:
        return None
    se = sqrt(control.variance / control.n + variant.variance / variant.n)
    diff = variant.mean - control.mean
    half = z_critical(alpha) * se
    if se == 0:
        return Comparison(diff=diff, low=diff, high=diff, z=None, p_value=None)
    z = diff / se
    return Comparison(diff=diff, low=diff - half, high=diff + half, z=z, p_value=two_sided_p(z))


def proportion_ci(x: int, n: int, *, alpha: float = ALPHA) -> tuple[float, float] | None:
    """One arm's rate with its normal-approximation (Wald) interval, for the error bars of a chart."""
    if n <= 0:
        return None
    p = x / n
    half = z_critical(alpha) * sqrt(p * (1 - p) / n)
    return max(0.0, p - half), min(1.0, p + half)


def mean_ci(sample: Sample, *, alpha: float = ALPHA) -> tuple[float, float] | None:
    """One arm's mean with its normal-approximation interval (None below two observations)."""
    if sample.variance is None:
        return None
    half = z_critical(alpha) * sqrt(sample.variance / sample.n)
    return sample.mean - half, sample.mean + half


def sample_size_per_arm(p1: float, p2: float, *, alpha: float = ALPHA, power: float = POWER) -> int:
    """Visitors needed in each arm to detect p1 → p2 with a two-sided test at α and the given power:
    n = (z_{α/2}·√(2p̄(1−p̄)) + z_β·√(p1(1−p1) + p2(1−p2)))² / (p1 − p2)², rounded up.

    Raises ValueError unless 0 < p1, p2 < 1 and p1 ≠ p2."""
    if not (0 < p1 < 1 and 0 < p2 < 1):
        raise ValueError("rates must be strictly between 0 and 1")
    if p1 == p2:
        raise ValueError("the two rates must differ")
    p_bar = (p1 + p2) / 2
    z_a, z_b = z_critical(alpha), _NORMAL.inv_cdf(power)
    root = z_a * sqrt(2 * p_bar * (1 - p_bar)) + z_b * sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return ceil(root * root / ((p1 - p2) ** 2))


def assignment_bucket(*, key: str, experiment_id: int, visitor: str) -> int:
    """0–99: where a visitor falls in an experiment, the same on every request and every process."""
    digest = sha256(f"{key}:{experiment_id}:{visitor}".encode()).hexdigest()
    return int(digest[:8], 16) % 100


def pick_by_weight(bucket: int, weights: list[int]) -> int:
    """The index of the first arm whose cumulative weight exceeds `bucket` (weights sum to 100)."""
    total = 0
    for index, weight in enumerate(weights):
        total += weight
        if bucket < total:
            return index
    return len(weights) - 1  # only reachable if the weights sum to less than 100; the service refuses that
