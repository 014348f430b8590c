"""Region multipliers (地域溢价): a plan's {province code: percent}, applied per search request and per audience
placement request (audience_serving.py keeps its plans' percents in its own index).

- **Input**: GB/T 2260 province codes (fulfillment's regions of level 1, e.g. 310000 上海市) → a whole percent
  0–`REGION_MAX`; a province not listed is 100. An unknown code or a percent out of range is refused.
- **The visitor's province**: the logged-in buyer's default address (`accounts.selectors.default_province_code`);
  nobody logged in, or no address: no province, every plan at 100 %.
- **Serving**: in that province a plan's bid (already × its hour multiplier) is × percent ÷ 100, at most the
  platform's maximum bid; 0 % leaves the plan out of the auction. The GSP price is computed on that bid, so it
  is never above it. The hard stop counts the plan's largest percent: its largest possible next charge is its
  highest bid × that percent.

Per process the plans' multipliers are kept with the serving index they were read for (`ServingIndex.key`:
every plan write changes the version, so a new index and a fresh read).
"""

import threading

from wanshang.accounts.selectors import default_province_code
from wanshang.ads.models import AdPlan
from wanshang.common.errors import ValidationError
from wanshang.fulfillment.selectors import region_children

REGION_MAX = 500

_lock = threading.Lock()
_held: dict = {"key": None, "plans": {}}


def province_codes() -> dict[str, str]:
    """Province code → name."""
    return {r.code: r.name for r in region_children(parent_code=None)}


def check_regions(regions) -> dict[str, int]:
    """A plan's region multipliers, checked: known province codes, whole percents 0–REGION_MAX."""
    if not isinstance(regions, dict):
        raise ValidationError("地域溢价须是 {省级编码: 百分比}", field="region_multipliers")
    known = province_codes()
    for code, pct in regions.items():
        if code not in known:
            raise ValidationError(f"未知的省级地区编码：{str(code)[:12]}", field="region_multipliers")
        if not isinstance(pct, int) or isinstance(pct, bool) or not 0 <= pct <= REGION_MAX:
            raise ValidationError(
                f"{known[code]}的地域溢价须是 0–{REGION_MAX} 的整数百分比", field="region_multipliers"
            )
    return {code: pct for code, pct in regions.items() if pct != 100}


def visitor_province(served, *, user_id: int | None) -> str:
    """The buyer's province, looked up only when a plan serving now has region multipliers: otherwise every
    plan is at 100 % wherever the buyer is, and a search page needs no address query."""
    if not user_id or not _plans(served):
        return ""
    return default_province_code(user_id=user_id)


def buyer_province(*, user_id: int | None, regional: bool) -> str:
    """The buyer's province for the audience placements: looked up only when `regional` (a plan serving there
    has region multipliers), as `visitor_province` does for search."""
    if not user_id or not regional:
        return ""
    return default_province_code(user_id=user_id)


def plan_percents(regions) -> dict[str, int]:
    """A plan's stored multipliers other than 100 (anything malformed left out)."""
    return {
        code: pct
        for code, pct in (regions if isinstance(regions, dict) else {}).items()
        if isinstance(pct, int) and not isinstance(pct, bool) and pct != 100
    }


def _plans(served) -> dict[int, dict[str, int]]:
    """plan id → its multipliers other than 100, for the plans of this serving index."""
    with _lock:
        if _held["key"] == served.key:
            return _held["plans"]
    rows = AdPlan.objects.filter(pk__in=list(served.plans)).exclude(region_multipliers={})
    plans = {}
    for pk, regions in rows.values_list("pk", "region_multipliers"):
        got = plan_percents(regions)
        if got:
            plans[pk] = got
    with _lock:
        _held["key"], _held["plans"] = served.key, plans
    return plans


def percents_in(served, province: str) -> dict[int, int]:
    """plan id → its percent in the province, for the plans not at 100 there."""
    if not province:
        return {}
    return {pk: regions[province] for pk, regions in _plans(served).items() if province in regions}


def peak_percent(served, plan_id: int) -> int:
    """The largest percent the plan bids at anywhere (at least 100): the hard stop's factor."""
    regions = _plans(served).get(plan_id)
    return max(100, *regions.values()) if regions else 100


def bid_in_region(bid_fen: int, percent: int, *, max_bid_fen: int) -> int:
    return min(max_bid_fen, max(1, bid_fen * percent // 100))
