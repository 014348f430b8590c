"""商品分析: each product's visitors, add-to-cart and payment conversion, and what to look at.

A product is flagged 'high intent, low conversion' when, among the shop's products with enough visitors to
judge (MIN_VISITORS), its add-to-cart rate is in the top third and its payment conversion in the bottom third
(by rank: at most ⌈n/3⌉ of those products are at least as high, resp. at most as low).
"""

from bisect import bisect_left, bisect_right

from django.utils.translation import gettext_noop

from wanshang.catalog.selectors import active_skus_of_products, seller_product_list
from wanshang.insights import boards
from wanshang.insights.metrics import Period, _ratio
from wanshang.inventory.selectors import available_by_sku

MIN_VISITORS = 10
HINTS = [
    gettext_noop("价格：与同类商品比是否偏高，优惠是否在详情页写清楚"),
    gettext_noop("主图与详情：主图是否清晰、卖点是否在首屏"),
    gettext_noop("评价：差评和问答是否让人犹豫"),
    gettext_noop("库存与规格：热门规格是否缺货、发货时间是否写明"),
]


def _traffic_and_sales(shop, period: Period) -> tuple[dict[int, dict], dict[int, dict]]:
    """({product id: uv, pv, cart visitors}, {product id: buyers, paid fen, units}): the shop's stored board
    (boards.py), or computed now."""
    board = boards.board(shop, period, parts=("products", "sales"))
    traffic = {
        pid: {"product_id": pid, "uv": uv, "pv": pv, "cart_visitors": carts}
        for pid, (uv, pv, carts) in (board.products or {}).items()
    }
    sales = {
        pid: {"product_id": pid, "buyers": buyers, "paid_fen": fen, "quantity": units}
        for pid, (buyers, fen, units) in (board.sales or {}).items()
    }
    return traffic, sales


def _in_third(value: float, ordered: list[float], *, top: bool) -> bool:
    """Whether `value` is in the top (or bottom) third: at most ⌈n/3⌉ products are at least (at most) as
    good, so a value shared by many products is not in a third just because one product beats it.
    `ordered`: all the values, sorted (counted by bisection: a shop has hundreds of products)."""
    limit = -(-len(ordered) // 3)
    as_good = len(ordered) - bisect_left(ordered, value) if top else bisect_right(ordered, value)
    return as_good <= limit


def product_analysis(*, shop, period: Period, limit: int = 50) -> list[dict]:
    """Products by paid amount (then visitors): UV, PV, 加购率, paid buyers/amount/units, 支付转化率, flags."""
    traffic, sales = _traffic_and_sales(shop, period)
    ids = set(traffic) | set(sales)
    titles = dict(seller_product_list(shop=shop).filter(pk__in=ids).values_list("pk", "title"))
    rows = []
    for pid in ids:
        t, s = traffic.get(pid, {}), sales.get(pid, {})
        uv = t.get("uv", 0)
        rows.append(
            {
                "product_id": pid,
                "title": titles.get(pid, f"#{pid}"),
                "uv": uv,
                "pv": t.get("pv") or 0,
                "cart_visitors": t.get("cart_visitors", 0),
                "cart_rate": _ratio(t.get("cart_visitors", 0), uv),
                "paid_buyers": s.get("buyers", 0),
                "paid_fen": s.get("paid_fen") or 0,
                "quantity": s.get("quantity") or 0,
                "conversion": _ratio(s.get("buyers", 0), uv),
                "flag": False,
                "hints": [],
            }
        )
    judged = [r for r in rows if r["uv"] >= MIN_VISITORS]
    if len(judged) >= 3:
        carts, convs = sorted(r["cart_rate"] for r in judged), sorted(r["conversion"] for r in judged)
        flagged = [
            r
            for r in judged
            if _in_third(r["cart_rate"], carts, top=True) and _in_third(r["conversion"], convs, top=False)
        ]
        skus = active_skus_of_products(product_ids=[r["product_id"] for r in flagged])
        stock = available_by_sku(sku_ids=[s.pk for s in skus])
        left: dict[int, int] = {}
        for sku in skus:
            left[sku.product_id] = left.get(sku.product_id, 0) + stock.get(sku.pk, 0)
        for r in flagged:
            r["flag"] = True
            r["hints"] = list(HINTS)
            if left.get(r["product_id"], 0) <= 0:
                r["hints"].insert(0, gettext_noop("当前可售库存为 0：买家加购后无法下单"))
    rows.sort(key=lambda r: (-r["paid_fen"], -r["uv"], r["product_id"]))
    return rows[:limit]
