"""All locking querysets of the inventory, in one place.

Rows are locked in primary-key order so two orders holding the same SKUs in a different order
cannot deadlock each other. An inbound receipt is locked before its lines, and its lines before stock rows
(receipt → lines → stock), the same direction as orders → stock.
"""

from wanshang.inventory.models import InboundLine, InboundReceipt, Stock


def stocks_for_update(*, sku_ids) -> list[Stock]:
    ids = sorted(set(sku_ids))  # a list, not a generator: it is used more than once
    return list(Stock.objects.select_for_update().filter(sku_id__in=ids).order_by("pk"))


def stock_rows_for_update(*, stock_ids) -> list[Stock]:
    ids = sorted(set(stock_ids))
    return list(Stock.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def stock_row_for_update(*, sku_id, warehouse_id) -> Stock:
    return Stock.objects.select_for_update().get(sku_id=sku_id, warehouse_id=warehouse_id)


def receipt_for_update(*, shop, receipt_id) -> InboundReceipt | None:
    return InboundReceipt.objects.for_shop(shop).select_for_update().filter(pk=receipt_id).first()


def receipt_lines_for_update(*, receipt_id) -> list[InboundLine]:
    return list(InboundLine.objects.select_for_update().filter(receipt_id=receipt_id).order_by("pk"))
