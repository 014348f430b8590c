"""Recommendation reads for the faces: 看了又看 / 买了又买 beside a product, 猜你喜欢 for a visitor.

Every answer passes the read-time filter (`_buyable`): a product is offered only while it is on sale in an
open shop (catalog) with stock left on an active SKU (inventory) — the tables may be an hour old, a product's
shelf status is not. The product itself, and for 猜你喜欢 what the visitor touched lately and what the buyer
paid for in the last 90 days, are never offered.
"""

from collections import defaultdict
from datetime import timedelta

from django.utils import timezone

from wanshang.analytics.selectors import recent_product_touches
from wanshang.catalog.selectors import active_skus_of_products, public_products_in_order
from wanshang.inventory.selectors import available_by_sku
from wanshang.orders.selectors import products_bought_by
from wanshang.recommendations import engine
from wanshang.recommendations.models import ProductPopularity, RelatedProduct
from wanshang.recommendations.types import RelatedKind

HISTORY_WINDOW = timedelta(days=30)  # the touches 猜你喜欢 starts from
BOUGHT_WINDOW = timedelta(days=90)  # what a buyer paid for in this window is not offered again
OVERFETCH = 3  # candidates read per product shown, for the read-time filter to drop some
POPULAR_POOL = 200


def _buyable(product_ids: list[int], *, limit: int) -> list:
    """The first `limit` of `product_ids` that a buyer can buy now, in order, as catalog products."""
    products = public_products_in_order(product_ids=product_ids)
    if not products:
        return []
    in_stock = set()
    skus = active_skus_of_products(product_ids=[p.pk for p in products])
    stock = available_by_sku(sku_ids=[s.pk for s in skus])
    for sku in skus:
        if stock.get(sku.pk, 0) > 0:
            in_stock.add(sku.product_id)
    return [p for p in products if p.pk in in_stock][:limit]


def popular_product_ids(*, limit: int = POPULAR_POOL, category_ids=None) -> list[int]:
    qs = ProductPopularity.objects.order_by("-score", "product_id")
    if category_ids is not None:
        qs = qs.filter(category_id__in=list(category_ids))
    return list(qs.values_list("product_id", flat=True)[:limit])


def related_products(*, product, kind: str, limit: int = 10) -> list:
    """看了又看 (`co_viewed`) or 买了又买 (`co_bought`) beside `product` (a catalog product), best first. 看了又看
    is topped up with the popular products of the product's category when it has too few neighbours."""
    ids = list(
        RelatedProduct.objects.filter(product_id=product.pk, kind=kind)
        .order_by("rank")
        .values_list("related_id", flat=True)[: limit * OVERFETCH]
    )
    if kind == RelatedKind.CO_VIEWED and len(ids) < limit * OVERFETCH:
        ids += popular_product_ids(limit=limit * OVERFETCH, category_ids=[product.category_id])
    ids = list(dict.fromkeys(i for i in ids if i != product.pk))
    return _buyable(ids, limit=limit)


def _neighbours(product_ids) -> dict[str, dict[int, list[tuple[int, float]]]]:
    table: dict[str, dict[int, list[tuple[int, float]]]] = defaultdict(lambda: defaultdict(list))
    rows = (
        RelatedProduct.objects.filter(product_id__in=list(product_ids))
        .order_by("product_id", "kind", "rank")
        .values_list("kind", "product_id", "related_id", "score")
    )
    for kind, product_id, related_id, score in rows:
        table[kind][product_id].append((related_id, score))
    return table


def _category_popular(category_ids) -> dict[int, list[tuple[int, float]]]:
    out: dict[int, list[tuple[int, float]]] = defaultdict(list)
    rows = (
        ProductPopularity.objects.filter(category_id__in=list(category_ids))
        .order_by("-score", "product_id")
        .values_list("category_id", "product_id", "score")[:POPULAR_POOL]
    )
    for category_id, product_id, score in rows:
        out[category_id].append((product_id, score))
    return out


def for_you(
    *,
    visitor: str = "",
    user_id: int | None = None,
    limit: int = 20,
    also_seen=(),
    exclude=(),
    now=None,
) -> list:
    """猜你喜欢 for a visitor (the `wsv` cookie id) and, signed in, that buyer: catalog products, best first.

    Starts from their product touches of the last 30 days (views, carts, favourites; newest weigh most) and,
    for a buyer, the products paid for in the last 90 days; `also_seen` adds products the caller knows of (the
    cart's). A new visitor gets the mall's popular products. `exclude` is never offered."""
    now = now or timezone.now()
    touches = recent_product_touches(visitor=visitor, user_id=user_id, since=now - HISTORY_WINDOW)
    bought = products_bought_by(buyer_id=user_id, since=now - BOUGHT_WINDOW) if user_id else set()
    seeds = engine.seeds_from(
        [(p, None, "cart") for p in also_seen] + [(p, c, k) for p, c, k, _ts in touches],
        bought=[(p, None) for p in sorted(bought)],
    )
    seeds.exclude.update(exclude)
    ranked = engine.for_you(
        seeds,
        neighbours=_neighbours(seeds.products) if seeds.products else {},
        category_popular=_category_popular(seeds.categories) if seeds.categories else {},
        popular=popular_product_ids(),
        limit=limit * OVERFETCH,
    )
    return _buyable(ranked, limit=limit)


def after_purchase(*, product_ids, visitor: str = "", user_id: int | None = None, limit: int = 10) -> list:
    """The order-complete page: 买了又买 of what was just bought, topped up with 猜你喜欢; never what was bought."""
    bought = list(dict.fromkeys(product_ids))
    table = _neighbours(bought).get(RelatedKind.CO_BOUGHT, {})
    scores: dict[int, float] = defaultdict(float)
    for product_id in bought:
        for related_id, score in table.get(product_id, ()):
            scores[related_id] += score
    ranked = [p for p, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])) if p not in set(bought)]
    shown = _buyable(ranked[: limit * OVERFETCH], limit=limit)
    if len(shown) < limit:
        more = for_you(
            visitor=visitor,
            user_id=user_id,
            limit=limit - len(shown),
            also_seen=bought,
            exclude={*bought, *(p.pk for p in shown)},
        )
        shown += more
    return shown
