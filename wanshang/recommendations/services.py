"""Recommendation writes: the build of the related-product and popularity tables (run by tasks.py)."""

from collections import Counter, defaultdict
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from wanshang.analytics.selectors import latest_event_id, product_touches_since
from wanshang.orders.selectors import paid_lines_since
from wanshang.recommendations.engine import co_occurrence, popularity_scores
from wanshang.recommendations.models import BuildState, ProductPopularity, RelatedProduct
from wanshang.recommendations.types import RelatedKind

CO_VIEW_WINDOW = timedelta(days=30)  # 看了又看: visitor-days of the last 30 days
CO_BUY_WINDOW = timedelta(days=180)  # 买了又买: what each buyer paid for in the last 180 days
POPULAR_VIEW_WINDOW = timedelta(days=7)
POPULAR_BUY_WINDOW = timedelta(days=30)
REBUILD_AFTER = timedelta(hours=24)  # with no new event, the windows still slide: rebuild once a day


def _view_baskets(*, now):
    """Visitor-day → products touched; product → distinct visitors of the last 7 days; product → category."""
    baskets: dict[tuple, set[int]] = defaultdict(set)
    recent: dict[int, set[str]] = defaultdict(set)
    categories: dict[int, int] = {}
    recent_since = now - POPULAR_VIEW_WINDOW
    for visitor, user_id, product_id, category_id, _kind, ts in product_touches_since(
        since=now - CO_VIEW_WINDOW
    ):
        who = visitor or (f"u{user_id}" if user_id else "")
        if not who:
            continue
        baskets[(who, timezone.localtime(ts).date())].add(product_id)
        if ts >= recent_since:
            recent[product_id].add(who)
        if category_id:
            categories[product_id] = category_id
    return baskets, Counter({p: len(v) for p, v in recent.items()}), categories


def _buy_baskets(*, now):
    """Buyer → products paid for (180 days); product → distinct buyers of the last 30 days; → category."""
    baskets: dict[int, set[int]] = defaultdict(set)
    recent: dict[int, set[int]] = defaultdict(set)
    categories: dict[int, int] = {}
    recent_since = now - POPULAR_BUY_WINDOW
    for buyer_id, product_id, category_id, paid_at in paid_lines_since(since=now - CO_BUY_WINDOW):
        baskets[buyer_id].add(product_id)
        if paid_at >= recent_since:
            recent[product_id].add(buyer_id)
        categories[product_id] = category_id
    return baskets, Counter({p: len(v) for p, v in recent.items()}), categories


def _related_rows(kind: str, table) -> list[RelatedProduct]:
    return [
        RelatedProduct(
            kind=kind, product_id=product_id, related_id=related_id, rank=rank, score=score, together=together
        )
        for product_id, rows in table.items()
        for rank, (related_id, score, together) in enumerate(rows, start=1)
    ]


def recommendations_build(*, now=None, force: bool = False) -> int:
    """Rebuild 看了又看, 买了又买 and popularity from their windows of events and paid orders.

    A full recompute, so it is idempotent (the same data gives the same rows) and a run after any downtime
    catches up by itself. Skipped when no event arrived since the last build and that build is under a day
    old (paid orders are events too: 商品支付). Returns the related pairs written (0 when skipped)."""
    now = now or timezone.now()
    with transaction.atomic():
        # one build at a time: a second worker waits here, then finds the first one's build fresh and skips
        state, _ = BuildState.objects.select_for_update().get_or_create(pk=1)
        latest = latest_event_id()
        fresh = state.built_at is not None and now - state.built_at < REBUILD_AFTER
        if not force and fresh and state.event_id == latest:
            return 0
        viewed, visitors, categories = _view_baskets(now=now)
        bought, buyers, bought_categories = _buy_baskets(now=now)
        categories.update(bought_categories)
        rows = _related_rows(RelatedKind.CO_VIEWED, co_occurrence(viewed.values())) + _related_rows(
            RelatedKind.CO_BOUGHT, co_occurrence(bought.values())
        )
        popular = [
            ProductPopularity(
                product_id=p,
                category_id=categories.get(p),
                visitors=visitors[p],
                buyers=buyers[p],
                score=score,
            )
            for p, score in popularity_scores(visitors, buyers).items()
        ]
        RelatedProduct.objects.all().delete()
        RelatedProduct.objects.bulk_create(rows, batch_size=2000)
        ProductPopularity.objects.all().delete()
        ProductPopularity.objects.bulk_create(popular, batch_size=2000)
        state.event_id, state.built_at, state.pairs = latest, now, len(rows)
        state.save()
    return len(rows)
