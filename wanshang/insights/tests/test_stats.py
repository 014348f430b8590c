"""A/B statistics against values worked out by hand (with math.erfc, not NormalDist, for the p-values)."""

from math import ceil, erfc, sqrt

import pytest

from wanshang.insights import stats

Z975 = 1.959963984540054  # z_{0.975}, from tables
Z80 = 0.8416212335729143  # z_{0.80}


def test_two_proportion_z_test_pooled():
    # given 200/1000 vs 250/1000
    # pooled p = 450/2000 = 0.225; SE = √(0.225·0.775·(1/1000+1/1000)) = √0.00034875 = 0.0186748
    # z = (0.20 − 0.25) / 0.0186748 = −2.6774; two-sided p = erfc(2.6774/√2) = 0.00742
    pooled = 450 / 2000
    se = sqrt(pooled * (1 - pooled) * (2 / 1000))
    z_hand = -0.05 / se
    assert pooled == 0.225
    assert z_hand == pytest.approx(-2.6774, abs=1e-4)

    z, p = stats.proportion_ztest(200, 1000, 250, 1000)

    assert z == pytest.approx(z_hand, rel=1e-12)
    assert p == pytest.approx(erfc(abs(z_hand) / sqrt(2)), rel=1e-9)
    assert p == pytest.approx(0.00742, abs=5e-5)


def test_difference_interval_uses_the_unpooled_standard_error():
    # SE = √(0.2·0.8/1000 + 0.25·0.75/1000) = √0.0003475 = 0.0186414; 0.05 ± 1.95996·SE = [0.013464, 0.086536]
    se = sqrt(0.2 * 0.8 / 1000 + 0.25 * 0.75 / 1000)
    diff, low, high = stats.proportion_diff_ci(200, 1000, 250, 1000)
    assert diff == pytest.approx(0.05)
    assert low == pytest.approx(0.05 - Z975 * se) == pytest.approx(0.013464, abs=1e-6)
    assert high == pytest.approx(0.05 + Z975 * se) == pytest.approx(0.086536, abs=1e-6)


def test_comparison_is_variant_minus_control():
    cmp = stats.compare_proportions(control=(200, 1000), variant=(250, 1000))
    assert cmp.diff == pytest.approx(0.05)
    assert cmp.z == pytest.approx(2.6774, abs=1e-4)
    assert cmp.significant


def test_no_variance_or_empty_arm_gives_no_test():
    assert stats.proportion_ztest(0, 100, 0, 100) is None
    assert stats.proportion_ztest(1, 0, 1, 10) is None
    assert stats.compare_proportions(control=(0, 0), variant=(1, 10)) is None
    cmp = stats.compare_proportions(control=(0, 50), variant=(0, 50))
    assert cmp.diff == 0 and cmp.p_value is None and not cmp.significant


def test_sample_size_per_arm_for_ten_to_twelve_percent():
    # p̄ = 0.11; (1.95996·√(2·0.11·0.89) + 0.84162·√(0.09+0.1056))² / 0.02² = (0.867270 + 0.372220)² / 0.0004
    #   = 1.536336 / 0.0004 = 3840.85 → 3841
    hand = (Z975 * sqrt(2 * 0.11 * 0.89) + Z80 * sqrt(0.10 * 0.90 + 0.12 * 0.88)) ** 2 / 0.02**2
    assert hand == pytest.approx(3840.85, abs=0.01)
    assert stats.sample_size_per_arm(0.10, 0.12) == ceil(hand) == 3841
    assert stats.sample_size_per_arm(0.12, 0.10) == 3841  # symmetric


@pytest.mark.parametrize("p1,p2", [(0, 0.1), (0.1, 1), (0.1, 0.1), (-0.1, 0.2)])
def test_sample_size_refuses_impossible_rates(p1, p2):
    with pytest.raises(ValueError):
        stats.sample_size_per_arm(p1, p2)


def test_welch_interval_and_p_value_on_revenue_per_visitor():
    # control: 0, 0, 100, 300 (fen); variant: 0, 200, 400, 600
    # means 100 and 300; sample variances (n − 1): control 60000/3 = 20000, variant 200000/3
    control, variant = [0, 0, 100, 300], [0, 200, 400, 600]
    m1, m2 = sum(control) / 4, sum(variant) / 4
    v1 = sum((x - m1) ** 2 for x in control) / 3
    v2 = sum((x - m2) ** 2 for x in variant) / 3
    se = sqrt(v1 / 4 + v2 / 4)
    z_hand = (m2 - m1) / se

    cmp = stats.compare_means(control=stats.Sample.of(control), variant=stats.Sample.of(variant))

    assert (m1, m2, v1, v2) == (100, 300, 20000, 200000 / 3)
    assert cmp.diff == pytest.approx(200)
    assert cmp.low == pytest.approx(200 - Z975 * se) and cmp.high == pytest.approx(200 + Z975 * se)
    assert cmp.z == pytest.approx(z_hand)
    assert cmp.p_value == pytest.approx(erfc(z_hand / sqrt(2)))


def test_sample_variance_is_exact_for_large_fen_sums():
    values = [10**9 + 1, 10**9 + 2, 10**9 + 3]  # floats would lose the 1, 2, 3 in Σx² ≈ 3·10¹⁸
    sample = stats.Sample.of(values)
    assert sample.variance == 1.0
    assert stats.Sample.of([5]).variance is None
    assert stats.compare_means(control=stats.Sample.of([5]), variant=stats.Sample.of([1, 2])) is None


def test_arm_intervals():
    low, high = stats.proportion_ci(20, 100)
    half = Z975 * sqrt(0.2 * 0.8 / 100)
    assert (low, high) == (pytest.approx(0.2 - half), pytest.approx(0.2 + half))
    assert stats.proportion_ci(0, 0) is None
    assert stats.proportion_ci(0, 10) == (0.0, 0.0)


def test_assignment_is_the_documented_hash():
    from hashlib import sha256

    visitor = "0123456789abcdef0123456789abcdef"
    expected = int(sha256(f"title-test:7:{visitor}".encode()).hexdigest()[:8], 16) % 100
    assert stats.assignment_bucket(key="title-test", experiment_id=7, visitor=visitor) == expected


def test_pick_by_weight_takes_the_first_arm_whose_cumulative_weight_exceeds_the_bucket():
    weights = [50, 30, 20]
    assert [stats.pick_by_weight(b, weights) for b in (0, 49, 50, 79, 80, 99)] == [0, 0, 1, 1, 2, 2]
