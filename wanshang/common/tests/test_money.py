import pytest
from hypothesis import given
from hypothesis import strategies as st

from wanshang.common.errors import ValidationError
from wanshang.common.money import MAX_FEN, allocate, fen_to_yuan_str, percent_of, yuan_to_fen


@given(
    total=st.integers(min_value=-(10**12), max_value=10**12),
    weights=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=40),
)
def test_allocation_always_sums_exactly(total, weights):
    parts = allocate(total, weights)
    assert sum(parts) == total
    assert len(parts) == len(weights)


@given(
    total=st.integers(min_value=0, max_value=10**9),
    weights=st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=20),
)
def test_allocation_is_proportional_within_one_fen(total, weights):
    parts = allocate(total, weights)
    wsum = sum(weights)
    for part, w in zip(parts, weights, strict=True):
        assert abs(part * wsum - total * w) < wsum  # |part − exact share| < 1 fen


def _allocate_reference(total: int, weights: list[int]) -> list[int]:
    """Largest remainder, written plainly (the version before the fast path of issue 13)."""
    if sum(weights) == 0:
        weights = [1] * len(weights)
    wsum, sign, amount = sum(weights), (-1 if total < 0 else 1), abs(total)
    floors = [amount * w // wsum for w in weights]
    remainders = [(amount * w % wsum, -i) for i, w in enumerate(weights)]
    for _, neg_i in sorted(remainders, reverse=True)[: amount - sum(floors)]:
        floors[-neg_i] += 1
    return [sign * f for f in floors]


@given(
    total=st.integers(min_value=-(10**9), max_value=10**9),
    weights=st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=12),
)
def test_allocation_matches_the_plain_largest_remainder_split(total, weights):
    assert allocate(total, weights) == _allocate_reference(total, weights)


@given(fen=st.integers(min_value=-(10**12), max_value=10**12))
def test_yuan_text_round_trips(fen):
    text = fen_to_yuan_str(fen)
    if fen >= 0:
        assert yuan_to_fen(text) == fen


@pytest.mark.parametrize(
    "text,fen", [("199", 19900), ("199.9", 19990), ("0.01", 1), ("1,299.00", 129900), ("¥12.30", 1230)]
)
def test_yuan_parsing(text, fen):
    assert yuan_to_fen(text) == fen


@pytest.mark.parametrize(
    "text",
    [
        "-1",
        "abc",
        "1.234",
        "NaN",
        "Infinity",
        "1e20",
        "1e2",
        "1e30",
        "1e400",
        "-1e400",
        "9" * 27,
        "9" * 400,
        "sNaN",
        "-inf",
        "1E-2",
        "0x10",
        "1_000",
        "",
        "¥",
        ".",
        "1.2.3",
        "1." + "0" * 40 + "1",
        "10000000000.01",
    ],
)
def test_bad_amounts_are_refused(text):
    with pytest.raises(ValidationError):
        yuan_to_fen(text)


@pytest.mark.parametrize(
    "text,fen",
    [
        ("１９９．５", 19950),
        ("1." + "0" * 400, 100),
        ("10000000000", MAX_FEN),
        ("-0", 0),
        (".5", 50),
        (" 12 ", 1200),
    ],
)
def test_unusual_but_valid_amounts(text, fen):
    assert yuan_to_fen(text) == fen


_NUMBERISH = st.one_of(
    st.text(),
    st.text(alphabet="0123456789.,-+eE ¥￥_xXnaNIfiy０１２９．", max_size=60),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(str),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.from_regex(r"\A[+-]?[0-9]{0,40}(\.[0-9]{0,40})?([eE][+-]?[0-9]{1,6})?\Z"),
)


@given(text=_NUMBERISH)
def test_any_text_is_fen_within_bounds_or_a_validation_error(text):
    try:
        fen = yuan_to_fen(text)
    except ValidationError:
        return
    assert type(fen) is int and 0 <= fen <= MAX_FEN


@given(value=st.decimals(allow_nan=True, allow_infinity=True))
def test_any_decimal_is_fen_within_bounds_or_a_validation_error(value):
    try:
        fen = yuan_to_fen(value)
    except ValidationError:
        return
    assert type(fen) is int and 0 <= fen <= MAX_FEN and fen == value * 100


def test_percent_rounds_half_up():
    assert percent_of(10001, 500) == 500  # 500.05 → 500
    assert percent_of(10010, 500) == 501  # 500.5 → 501
