"""The quality score's inputs from real data, for the serving index and the keyword report alike.

- expected CTR: the keyword's own impressions and valid clicks over the last `WINDOW_DAYS`, against the average
  CTR of the keywords promoting products of the same category (the platform's while that category has seen
  fewer than `CATEGORY_MIN_IMPRESSIONS`, and `DEFAULT_CTR` while the platform has seen too few);
- relevance: the product's title, category path and attribute values, cut as the search index cuts them;
- buyer experience: the ad group's attributed orders per click against its category's, the product's
  written reviews, and its refund rate: orders paid in the last `REFUND_WINDOW_DAYS` with money back for any of
  the product's units ÷ its paid orders (`orders.selectors.refunded_orders`), smoothed toward the category's
  rate with a prior of `REFUND_PRIOR_ORDERS` orders, against the category's rate (the marketplace's while the
  category has fewer than `CATEGORY_MIN_ORDERS` paid orders, `DEFAULT_REFUND_RATE` while the marketplace has
  too; never below `MIN_REFUND_RATE`). A product nobody bought has no refund part (neutral).

The engine (`engine/quality.py`) turns these into the live score and the 1–10 display with its reasons.
"""

import functools
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from wanshang.ads.engine.types import CtrStats, Experience, ItemText
from wanshang.ads.traffic_models import AdClick, AdConversion, AdImpression
from wanshang.catalog.selectors import categories_by_id
from wanshang.orders.selectors import refunded_orders
from wanshang.reviews.selectors import product_rating_stats
from wanshang.search.selectors import index_words, query_words

WINDOW_DAYS = 30
DEFAULT_CTR = 0.02
DEFAULT_CVR = 0.03
CATEGORY_MIN_IMPRESSIONS = 1000
REFUND_WINDOW_DAYS = 90
REFUND_PRIOR_ORDERS = 20
CATEGORY_MIN_ORDERS = 100
DEFAULT_REFUND_RATE = 0.05
MIN_REFUND_RATE = 0.01
VALID_CLICKS = (AdClick.Status.CHARGED, AdClick.Status.DUPLICATE, AdClick.Status.UNPAID)


@functools.lru_cache(maxsize=200_000)
def _cut(word: str) -> tuple[str, ...]:
    return tuple(query_words(word))


def keyword_tokens(row) -> tuple[str, ...]:
    """A keyword's (or negative's) words: those stored when it was saved (the search box's cut), or for a row
    saved without them, the same cut made once per process."""
    return tuple(row.tokens) if row.tokens else _cut(row.word)


@dataclass(frozen=True)
class KeywordInputs:
    tokens: tuple[str, ...]
    ctr: CtrStats
    item: ItemText
    experience: Experience


def _item_text(product, categories) -> ItemText:
    names = [categories[int(pk)].name for pk in (product.category.path or "").strip("/").split("/") if pk]
    names = [n for n in names if n] or [product.category.name]
    values = " ".join(str(v) for v in (product.attributes or {}).values() if isinstance(v, str | int))
    return ItemText(
        title=index_words(product.title),
        category=tuple(w for name in names for w in index_words(name)),
        attributes=index_words(values) if values else (),
    )


def _rate(hits: int, trials: int, *, minimum: int, fallback: float) -> float:
    return hits / trials if trials >= minimum and hits > 0 else fallback


@dataclass(frozen=True)
class RefundInputs:
    paid_orders: int
    refunded_orders: int
    rate: float | None  # smoothed; None when nobody bought the product in the window
    category_rate: float


def refund_inputs(products, *, now=None) -> dict[int, RefundInputs]:
    """product id → its refund figures, for Product rows (category_id read). Two grouped queries."""
    products = list(products)
    since = (now or timezone.now()) - timedelta(days=REFUND_WINDOW_DAYS)
    counts = refunded_orders(
        since=since,
        product_ids={p.pk for p in products},
        category_ids={p.category_id for p in products},
    )
    n, r = counts[("all", 0)]
    platform = r / n if n >= CATEGORY_MIN_ORDERS else DEFAULT_REFUND_RATE
    out = {}
    for p in products:
        cn, cr = counts.get(("category", p.category_id), (0, 0))
        cat = max(cr / cn if cn >= CATEGORY_MIN_ORDERS else platform, MIN_REFUND_RATE)
        paid, refunded = counts.get(("product", p.pk), (0, 0))
        rate = (refunded + REFUND_PRIOR_ORDERS * cat) / (paid + REFUND_PRIOR_ORDERS) if paid else None
        out[p.pk] = RefundInputs(paid, refunded, rate, cat)
    return out


def keyword_inputs(keywords, *, now=None) -> dict[int, KeywordInputs]:
    """keyword id → its quality inputs, for AdKeyword rows with `group.product.category` loaded. A handful of
    grouped queries whatever the number of keywords."""
    keywords = list(keywords)
    if not keywords:
        return {}
    since = (now or timezone.now()) - timedelta(days=WINDOW_DAYS)
    ids = [k.pk for k in keywords]
    group_ids = {k.group_id for k in keywords}
    imps = dict(
        AdImpression.objects.filter(keyword_id__in=ids, ts__gte=since)
        .values_list("keyword_id")
        .annotate(n=Count("id"))
    )
    valid = AdClick.objects.filter(ts__gte=since, status__in=VALID_CLICKS)
    clicks = dict(valid.filter(keyword_id__in=ids).values_list("keyword_id").annotate(n=Count("id")))
    group_clicks = dict(valid.filter(group_id__in=group_ids).values_list("group_id").annotate(n=Count("id")))
    group_orders = dict(
        AdConversion.objects.filter(group_id__in=group_ids, paid_at__gte=since)
        .values_list("group_id")
        .annotate(n=Count("order_id", distinct=True))
    )
    # category averages over this set's keywords (the platform's as the fallback)
    by_cat: dict[int, list[int]] = {}
    for k in keywords:
        by_cat.setdefault(k.group.product.category_id, [0, 0])
        row = by_cat[k.group.product.category_id]
        row[0] += imps.get(k.pk, 0)
        row[1] += clicks.get(k.pk, 0)
    total_imps = sum(r[0] for r in by_cat.values())
    total_clicks = sum(r[1] for r in by_cat.values())
    platform_ctr = _rate(total_clicks, total_imps, minimum=CATEGORY_MIN_IMPRESSIONS, fallback=DEFAULT_CTR)
    total_group_clicks = sum(group_clicks.values())
    platform_cvr = _rate(sum(group_orders.values()), total_group_clicks, minimum=200, fallback=DEFAULT_CVR)
    cat_ctr = {
        cat: _rate(r[1], r[0], minimum=CATEGORY_MIN_IMPRESSIONS, fallback=platform_ctr)
        for cat, r in by_cat.items()
    }
    ratings = product_rating_stats(product_ids={k.group.product_id for k in keywords})
    refunds = refund_inputs({k.group.product_id: k.group.product for k in keywords}.values(), now=now)
    categories = categories_by_id()
    items: dict[int, ItemText] = {}
    out = {}
    for k in keywords:
        product = k.group.product
        if product.pk not in items:
            items[product.pk] = _item_text(product, categories)
        stars, count = ratings.get(product.pk, (None, 0))
        out[k.pk] = KeywordInputs(
            tokens=keyword_tokens(k),
            ctr=CtrStats(
                impressions=imps.get(k.pk, 0),
                clicks=clicks.get(k.pk, 0),
                category_ctr=cat_ctr[product.category_id],
            ),
            item=items[product.pk],
            experience=Experience(
                clicks=group_clicks.get(k.group_id, 0),
                orders=group_orders.get(k.group_id, 0),
                category_cvr=platform_cvr,
                review_score=stars,
                review_count=count,
                refund_rate=refunds[product.pk].rate,
                category_refund_rate=refunds[product.pk].category_rate,
                paid_orders=refunds[product.pk].paid_orders,
                refunded_orders=refunds[product.pk].refunded_orders,
            ),
        )
    return out
