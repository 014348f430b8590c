"""All locking querysets of the inventory, in one place.

Rows are locked in primary-key order so two orders holding the same SKUs in a different order
cannot deadlock each other.
"""

from wanshang.inventory.models import Stock


def stocks_for_update(*, sku_ids) -> list[Stock]:
    ids = sorted(set(sku_ids))  # a list, not a generator: it is used more than once
    return list(Stock.objects.select_for_update().filter(sku_id__in=ids).order_by("pk"))


def stock_rows_for_update(*, stock_ids) -> list[Stock]:
    ids = sorted(set(stock_ids))
    return list(Stock.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def stock_row_for_update(*, sku_id, warehouse_id) -> Stock:
    return Stock.objects.select_for_update().get(sku_id=sku_id, warehouse_id=warehouse_id)
