"""库存计划: the formulas, as pure functions over plain numbers (docs/stock-planning.md).

  daily rate      r = units sold in the sales window (payment deductions − refunds back on hand) / window days
  safety stock    S = the SKU's or shop's safety units when set, else ⌈r × safety days⌉
  days of cover     = (available + in transit arriving within the lead time) / r       (r = 0: None, shown "—")
  reorder point     = ⌈r × lead time + S⌉
  suggested qty     = max(0, ⌈r × (lead time + review period) + S − available − in transit⌉), rounded up to
                      a multiple of the pack size; 0 when r = 0 (nothing sells: no suggestion)

Rates are fractions (units per day, a statistic); stock and quantities are whole units.
"""

import math
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class PlanInput:
    sold: int  # net units sold in the window (never below 0 once netted)
    window_days: int
    available: int
    in_transit: int  # all open inbound units
    in_transit_in_lead: int  # the part expected within the lead time
    lead_days: int
    review_days: int
    safety_days: int
    safety_units: int | None = None
    pack_size: int = 1


@dataclass(frozen=True)
class Plan:
    rate: Fraction
    cover_days: Fraction | None  # None: nothing sells, cover is unbounded
    safety: int
    reorder_point: int
    suggested: int
    needs_reorder: bool


def daily_rate(*, sold: int, window_days: int) -> Fraction:
    if window_days <= 0:
        raise ValueError("window_days must be positive")
    return Fraction(max(sold, 0), window_days)


def safety_stock(*, rate: Fraction, safety_days: int, safety_units: int | None) -> int:
    if safety_units is not None:
        return max(safety_units, 0)
    return math.ceil(rate * max(safety_days, 0))


def days_of_cover(*, rate: Fraction, available: int, in_transit_in_lead: int) -> Fraction | None:
    if rate <= 0:
        return None
    return Fraction(max(available, 0) + max(in_transit_in_lead, 0)) / rate


def reorder_point(*, rate: Fraction, lead_days: int, safety: int) -> int:
    return math.ceil(rate * max(lead_days, 0) + safety)


def round_up_to_pack(quantity: int, pack_size: int) -> int:
    pack = max(pack_size or 1, 1)
    return -(-quantity // pack) * pack


def suggested_quantity(
    *,
    rate: Fraction,
    lead_days: int,
    review_days: int,
    safety: int,
    available: int,
    in_transit: int,
    pack_size=1,
) -> int:
    if rate <= 0:
        return 0
    need = rate * (max(lead_days, 0) + max(review_days, 0)) + safety - max(available, 0) - max(in_transit, 0)
    return round_up_to_pack(max(0, math.ceil(need)), pack_size)


def plan(p: PlanInput) -> Plan:
    rate = daily_rate(sold=p.sold, window_days=p.window_days)
    safety = safety_stock(rate=rate, safety_days=p.safety_days, safety_units=p.safety_units)
    point = reorder_point(rate=rate, lead_days=p.lead_days, safety=safety)
    suggested = suggested_quantity(
        rate=rate,
        lead_days=p.lead_days,
        review_days=p.review_days,
        safety=safety,
        available=p.available,
        in_transit=p.in_transit,
        pack_size=p.pack_size,
    )
    position = max(p.available, 0) + max(p.in_transit, 0)
    return Plan(
        rate=rate,
        cover_days=days_of_cover(rate=rate, available=p.available, in_transit_in_lead=p.in_transit_in_lead),
        safety=safety,
        reorder_point=point,
        suggested=suggested,
        needs_reorder=rate > 0 and position <= point and suggested > 0,
    )


def campaign_shortfall(
    *,
    rate: Fraction,
    uplift_pct: int,
    available: int,
    arriving_before_end: int,
    days_to_start: Fraction,
    campaign_days: Fraction,
) -> tuple[Fraction | None, int] | None:
    """Will stock last through a campaign? Before the start the SKU sells at its usual rate, during the
    campaign at rate × uplift. Returns None when it lasts (or nothing sells), else (cover in campaign days,
    units short at the expected rate)."""
    if rate <= 0 or campaign_days <= 0:
        return None
    at_start = Fraction(max(available, 0) + max(arriving_before_end, 0)) - rate * max(days_to_start, 0)
    at_start = max(at_start, Fraction(0))
    campaign_rate = rate * Fraction(max(uplift_pct, 100), 100)
    cover = at_start / campaign_rate
    if cover >= campaign_days:
        return None
    return cover, math.ceil(campaign_rate * campaign_days - at_start)
