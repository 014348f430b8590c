import pytest
from hypothesis import given
from hypothesis import strategies as st

from wanshang.common.errors import ValidationError
from wanshang.common.money import allocate, fen_to_yuan_str, percent_of, yuan_to_fen


@given(total=st.integers(min_value=-10**12, max_value=10**12),
       weights=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=40))
def test_allocation_always_sums_exactly(total, weights):
    parts = allocate(total, weights)
    assert sum(parts) == total
    assert len(parts) == len(weights)


@given(total=st.integers(min_value=0, max_value=10**9),
       weights=st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=20))
def test_allocation_is_proportional_within_one_fen(total, weights):
    parts = allocate(total, weights)
    wsum = sum(weights)
    for part, w in zip(parts, weights, strict=True):
        assert abs(part * wsum - total * w) < wsum  # |part − exact share| < 1 fen


@given(fen=st.integers(min_value=-10**12, max_value=10**12))
def test_yuan_text_round_trips(fen):
    text = fen_to_yuan_str(fen)
    if fen >= 0:
        assert yuan_to_fen(text) == fen


@pytest.mark.parametrize("text,fen", [("199", 19900), ("199.9", 19990), ("0.01", 1), ("1,299.00", 129900),
                                      ("¥12.30", 1230)])
def test_yuan_parsing(text, fen):
    assert yuan_to_fen(text) == fen


@pytest.mark.parametrize("text", ["-1", "abc", "1.234", "NaN", "Infinity", "1e20"])
def test_bad_amounts_are_refused(text):
    with pytest.raises(ValidationError):
        yuan_to_fen(text)


def test_percent_rounds_half_up():
    assert percent_of(10001, 500) == 500  # 500.05 → 500
    assert percent_of(10010, 500) == 501  # 500.5 → 501
