"""Comparisons with other shops, anonymised: the category average and the top shops of the category.

Peers are the open shops whose main category (first 经营类目) is the shop's. No single competitor's figures
are shown: an average is shown only over at least MIN_PEERS shops.
"""

from django.core.cache import cache

from wanshang.insights import boards
from wanshang.insights.metrics import METRICS, Period, sources_from
from wanshang.merchants.selectors import shops_main_category

MIN_PEERS = 3
TOP_N = 5
CACHE_SECONDS = 600


def peer_ids(shop) -> list[int]:
    main = shops_main_category()
    mine = main.get(shop.pk)
    return sorted(pk for pk, cat in main.items() if cat == mine and pk != shop.pk) if mine else []


def _cache_key(name, shop, period: Period) -> str:
    live = int(period.live_end.timestamp() // 300) if period.live_end else 0
    return f"analytics:{name}:{shop.pk}:{period.key}:{period.start}:{period.end}:{live}"


def category_average(*, shop, period: Period) -> dict | None:
    """{metric: the average over peer shops} (each shop's figure averaged, shops without a base left out),
    or None with fewer than MIN_PEERS peers."""
    key = _cache_key("avg", shop, period)
    hit = cache.get(key)
    if hit is not None:
        return hit or None

    peers = peer_ids(shop)
    result: dict = {}
    if len(peers) >= MIN_PEERS:
        per_shop = list(boards.counts_of_shops(peers, period)[0].values())
        values = {}
        for attr, _label, _kind in METRICS:
            xs = [getattr(c, attr) for c in per_shop if getattr(c, attr) is not None]
            values[attr] = sum(xs) / len(xs) if xs else None
        result = {"peers": len(peers), "values": values}
    cache.set(key, result, CACHE_SECONDS)
    return result or None


def _pooled(shop_ids, period: Period) -> dict:
    """Source mix and conversion of a group of shops, pooled (sums over the group, never one shop's)."""
    uv = buyers = paid = 0
    mix: dict[str, int] = {}
    counts, _stored = boards.counts_of_shops(shop_ids, period)
    for pk, by_source in boards.sources_of_shops(shop_ids, period).items():
        c = counts[pk]
        uv, buyers, paid = uv + c.uv, buyers + c.paid_buyers, paid + c.paid_fen
        for row in sources_from(by_source)["level1"]:
            mix[row["code"]] = mix.get(row["code"], 0) + row["visitors"]
    total = sum(mix.values())
    return {
        "uv": uv,
        "conversion": buyers / uv if uv else None,
        "uv_value_fen": paid / uv if uv else None,
        "per_buyer_fen": paid / buyers if buyers else None,
        "mix": {code: (n / total if total else None) for code, n in mix.items()},
    }


def competition(*, shop, period: Period) -> dict:
    """The shop's traffic-source mix and conversion against the pooled top shops of its category."""
    mine = _pooled([shop.pk], period)
    peers = peer_ids(shop)
    paid = {pk: c.paid_fen for pk, c in boards.counts_of_shops(peers, period)[0].items()}
    top_ids = sorted(peers, key=lambda pk: (-paid.get(pk, 0), pk))[:TOP_N]
    top_ids = [pk for pk in top_ids if paid.get(pk, 0) > 0]
    if len(top_ids) < MIN_PEERS:
        return {"mine": mine, "top": None, "top_n": len(top_ids), "min_peers": MIN_PEERS}
    key = _cache_key("top", shop, period)
    top = cache.get(key)
    if top is None:
        top = _pooled(top_ids, period)
        cache.set(key, top, CACHE_SECONDS)
    return {"mine": mine, "top": top, "top_n": len(top_ids), "min_peers": MIN_PEERS}
