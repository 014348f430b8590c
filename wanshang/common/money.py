"""Money is integer fen (分). These helpers are the only place fen meets yuan text."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from wanshang.common.errors import ValidationError

MAX_FEN = 10**12  # 100 亿元: far above any single price, well inside BigIntegerField


def fen_to_yuan_str(fen: int) -> str:
    """12345 -> '123.45'; -5 -> '-0.05'."""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def yuan_to_fen(text: str | int | Decimal, *, field: str = "price") -> int:
    """Parse a yuan amount typed by a person ('199', '199.9', '199.90') into fen.

    Raises ValidationError for text that is not a non-negative amount with at most two decimals.
    """
    try:
        value = Decimal(str(text).strip().replace(",", "").replace("¥", "").replace("￥", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError(f"“{text}” 不是有效的金额", field=field) from None
    if not value.is_finite() or value < 0:
        raise ValidationError("金额不能为负数", field=field)
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError("金额最多两位小数", field=field)
    fen = int((value * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    if fen > MAX_FEN:
        raise ValidationError("金额过大", field=field)
    return fen


def allocate(total: int, weights: list[int]) -> list[int]:
    """Split `total` fen over `weights` proportionally; the parts always sum to `total`.

    Largest-remainder method; ties go to the earlier index, so the result is deterministic.
    All-zero weights split evenly.
    """
    if not weights:
        if total:
            raise ValueError("cannot allocate a non-zero total over no parts")
        return []
    if any(w < 0 for w in weights):
        raise ValueError("weights must be non-negative")
    wsum = sum(weights)
    if wsum == 0:
        weights = [1] * len(weights)
        wsum = len(weights)
    sign = -1 if total < 0 else 1
    amount = abs(total)
    floors = [amount * w // wsum for w in weights]
    remainders = [(amount * w % wsum, -i) for i, w in enumerate(weights)]
    short = amount - sum(floors)
    for _, neg_i in sorted(remainders, reverse=True)[:short]:
        floors[-neg_i] += 1
    return [sign * f for f in floors]


def percent_of(amount_fen: int, basis_points: int) -> int:
    """amount × bps / 10000, rounded half up to the fen (commission, rates)."""
    return (amount_fen * basis_points + 5000) // 10000
