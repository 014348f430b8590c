"""Search jobs: repair what a crash missed, refresh stock and promotion flags, rebuild suggestion volumes."""

from datetime import timedelta

from wanshang.catalog.selectors import products_updated_since
from wanshang.common.scheduler import register
from wanshang.search.models import SearchDoc
from wanshang.search.services import index_products, refresh_signals, terms_refresh

CATCH_UP_WINDOW = timedelta(days=1)


@register("search.catch_up", every_seconds=600)
def catch_up(now):
    """Products changed in the last day whose document is older than the change (or missing): reindex.

    The outbox already retries every indexing event; this also covers changes made without one (an admin
    edit, a data fix). After a longer downtime: `manage.py search_rebuild`.
    """
    changed = products_updated_since(since=now - CATCH_UP_WINDOW)
    if not changed:
        return 0
    indexed = dict(
        SearchDoc.objects.filter(product_id__in=list(changed)).values_list("product_id", "indexed_at")
    )
    stale = [pid for pid, at in changed.items() if pid not in indexed or at > indexed[pid]]
    return index_products(product_ids=stale) if stale else 0


@register("search.signals", every_seconds=300)
def signals(now):
    """Stock and promotion flags (有货, 促销中) follow sales and promotion start/end times."""
    return refresh_signals(now=now)


@register("search.terms", every_seconds=3600)
def terms(now):
    return terms_refresh(now=now)
