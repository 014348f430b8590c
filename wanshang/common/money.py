"""Money is integer fen (分). These helpers are the only place fen meets yuan text."""

import re
import unicodedata
from decimal import Decimal

from wanshang.common.errors import ValidationError

MAX_FEN = 10**12  # 100 亿元: far above any single price, well inside BigIntegerField
_MAX_YUAN = Decimal(MAX_FEN) / 100
# A plain amount after cleaning: digits with an optional sign and decimal point; no exponent, NaN or infinity.
_AMOUNT_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def fen_to_yuan_str(fen: int) -> str:
    """12345 -> '123.45'; -5 -> '-0.05'."""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def yuan_to_fen(text: str | int | Decimal, *, field: str = "price") -> int:
    """Parse a yuan amount typed by a person ('199', '199.9', '1,299.00', '¥12.30', full-width '１９９') into fen.

    Raises ValidationError for anything but a plain non-negative amount of at most MAX_FEN fen with at most two
    decimals: exponents ('1e30'), NaN and infinity are refused as text, never passed on to Decimal arithmetic
    (whose 28-digit context raises InvalidOperation on large values).
    """
    if isinstance(text, int | Decimal) and not isinstance(text, bool):
        value = Decimal(text)
        if not value.is_finite():
            raise ValidationError(f"“{text}” 不是有效的金额", field=field)
    else:
        cleaned = unicodedata.normalize("NFKC", str(text)).strip()
        cleaned = cleaned.replace(",", "").replace("¥", "").replace(" ", "")
        if not _AMOUNT_RE.fullmatch(cleaned):
            shown = str(text) if len(str(text)) <= 20 else str(text)[:20] + "…"
            raise ValidationError(f"“{shown}” 不是有效的金额，请填写如 199 或 199.90", field=field)
        value = Decimal(cleaned)
    if value < 0:
        raise ValidationError("金额不能为负数", field=field)
    if value > _MAX_YUAN:
        raise ValidationError(f"金额过大（最多 {fen_to_yuan_str(MAX_FEN)} 元）", field=field)
    fen = _exact_fen(value)
    if fen is None:
        raise ValidationError("金额最多两位小数", field=field)
    return fen


def _exact_fen(value: Decimal) -> int | None:
    """A non-negative amount of at most MAX_FEN fen × 100 as an int, or None with more than two decimals.

    Exact integer arithmetic on the digits: Decimal's context would round a long '1.000…0001' to 1.
    """
    _sign, digits, exp = value.as_tuple()
    digits = list(digits)
    while exp < 0 and len(digits) > 1 and digits[-1] == 0:
        digits.pop()
        exp += 1
    if not any(digits):
        return 0
    if exp < -2:
        return None
    return int("".join(map(str, digits))) * 10 ** (exp + 2)


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
    short = amount - sum(floors)
    if short:  # the largest remainders get one fen more, the earlier index first on a tie
        order = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % wsum), i))
        for i in order[:short]:
            floors[i] += 1
    return floors if sign == 1 else [-f for f in floors]


def percent_of(amount_fen: int, basis_points: int) -> int:
    """amount × bps / 10000, rounded half up to the fen (commission, rates)."""
    return (amount_fen * basis_points + 5000) // 10000
