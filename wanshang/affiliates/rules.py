"""The commission arithmetic, pure functions over integers (docs/affiliates.md "Money").

Rounding rules, each applied once:
- a line's commission = its base × the plan's rate, rounded half up to the fen (`common.money.percent_of`);
- the order's commission is the sum of its lines' (never a rate applied to the order's total);
- the platform's service fee = commission × fee rate rounded DOWN (the promoter keeps the odd fen), and the
  promoter's earning is the rest, so fee + earning = commission exactly;
- after a refund everything is recomputed from the lines' kept bases with the same functions; what a clawback
  takes back is the difference of the two results, so settled − clawed back is always the commission of what
  the buyer finally kept. Every function here is monotone in the base, so a difference is never negative.
"""

from dataclasses import dataclass

from wanshang.common.money import percent_of

BPS = 10_000


@dataclass(frozen=True)
class Split:
    amount_fen: int  # what the shop pays
    fee_fen: int  # the platform's service fee, out of the promoter's share
    earning_fen: int  # the promoter's

    def minus(self, other: "Split") -> "Split":
        return Split(
            self.amount_fen - other.amount_fen,
            self.fee_fen - other.fee_fen,
            self.earning_fen - other.earning_fen,
        )


def line_commission(*, base_fen: int, rate_bps: int) -> int:
    """One line: base × rate, half up to the fen."""
    return percent_of(max(base_fen, 0), rate_bps)


def fee_split(*, amount_fen: int, fee_bps: int) -> Split:
    """(commission, fee, earning): the fee is rounded down, the promoter gets the remainder."""
    fee = amount_fen * fee_bps // BPS
    return Split(amount_fen, fee, amount_fen - fee)


def kept_base(*, payable_fen: int, refunded_fen: int) -> int:
    """What the buyer paid for a line's items and kept (freight is never on a line)."""
    return max(payable_fen - refunded_fen, 0)


def estimate_per_item(*, price_fen: int, rate_bps: int, fee_bps: int) -> int:
    """The promoter's estimated earning on one item sold at `price_fen` (shown in the promoter center)."""
    return fee_split(
        amount_fen=line_commission(base_fen=price_fen, rate_bps=rate_bps), fee_bps=fee_bps
    ).earning_fen
