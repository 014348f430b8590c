"""The audience auction's arithmetic (引力魔方): predicted CTR per placement and the candidate that puts a
CPC and a CPM bid on one scale, so the GSP auction (`auction.run_auction`) ranks both on eCPM.

- pCTR of an ad group at a placement: its impressions n and clicks k there, smoothed toward the placement's
  average c̄ with a prior of m impressions: p̂ = (k + m·c̄) ÷ (n + m) (a new group starts at the average).
- A candidate's rank is its expected earnings per thousand impressions, in fen (eCPM):
  CPC: bid × multiplier × p̂ × 1000; CPM: bid × multiplier (the bid is already per thousand).
  So `quality` is 1000·p̂ for CPC and 1.0 for CPM, `bid_fen` the bid after the crowd's multiplier.
- GSP then charges a CPC winner ⌈next eCPM ÷ (1000·p̂)⌉ + 1 fen per click and a CPM winner the next eCPM + 1
  fen per thousand — never above its own (multiplied) bid.
- The reserve is on the same scale: the reserve price per click at the placement's average CTR,
  reserve × c̄ × 1000 fen per thousand (at least 1).
"""

from dataclasses import dataclass

from wanshang.ads.engine.types import Candidate

PRIOR_IMPRESSIONS = 200
DEFAULT_PLACEMENT_CTR = 0.01  # until a placement has MIN_PLACEMENT_IMPRESSIONS of its own
MIN_PLACEMENT_IMPRESSIONS = 1000
CTR_FLOOR = 0.0001


def placement_ctr(impressions: int, clicks: int) -> float:
    """The placement's average CTR, or the default while it has too few impressions to say."""
    if impressions < MIN_PLACEMENT_IMPRESSIONS:
        return DEFAULT_PLACEMENT_CTR
    return max(CTR_FLOOR, min(1.0, clicks / impressions))


def predicted_ctr(impressions: int, clicks: int, average: float, prior: int = PRIOR_IMPRESSIONS) -> float:
    """p̂ = (k + m·c̄) ÷ (n + m), kept within [CTR_FLOOR, 1]."""
    n, k = max(0, impressions), max(0, min(clicks, max(0, impressions)))
    return max(CTR_FLOOR, min(1.0, (k + prior * average) / (n + prior)))


def multiplied_bid(bid_fen: int, multiplier_pct: int, max_bid_fen: int) -> int:
    """The group's bid × the crowd's multiplier (percent), whole fen, at least 1, at most the maximum bid."""
    return min(max_bid_fen, max(1, bid_fen * multiplier_pct // 100))


def reserve_ecpm(reserve_fen: int, average_ctr: float) -> int:
    """The reserve price per click at the placement's average CTR, as fen per thousand impressions."""
    return max(1, round(reserve_fen * average_ctr * 1000))


@dataclass(frozen=True, slots=True)
class AudienceAd:
    """What a won audience slot carries back (the click token reads these names)."""

    group_id: int
    plan_id: int
    shop_id: int
    product_id: int
    crowd_id: int
    billing: str  # "cpc" / "cpm"
    keyword_id: int = 0


def candidate(ad: AudienceAd, *, bid_fen: int, pctr: float) -> Candidate:
    """The auction's candidate of an ad: rank = bid × quality = eCPM (see the module's docstring)."""
    quality = 1.0 if ad.billing == "cpm" else pctr * 1000
    return Candidate(ad_id=ad.group_id, bid_fen=bid_fen, quality=quality, group=ad.group_id, ad=ad)


def cpm_block_fen(per_mille_prices) -> int:
    """What a block of impressions costs: Σ its per-thousand prices ÷ 1000, rounded down (the fraction of a fen
    is the merchant's)."""
    return sum(per_mille_prices) // 1000
