import functools

from django.db.models import F, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from wanshang.catalog.selectors import seller_skus_on_sale, skus_for_purchase
from wanshang.common import rawsql
from wanshang.common.errors import NotFound
from wanshang.inventory.exports import XLSX as XLSX_CONTENT_TYPE
from wanshang.inventory.exports import plan_headers, stock_plan_xlsx
from wanshang.inventory.models import InboundReceipt, Stock, StockMovement, Warehouse
from wanshang.inventory.plans import (
    SORTS as PLAN_SORTS,
)
from wanshang.inventory.plans import (
    WINDOW_CHOICES as PLAN_WINDOWS,
)
from wanshang.inventory.plans import (
    CampaignCover,
    PlanRow,
    campaign_cover_short,
    in_transit_by_sku,
    plan_settings_get,
    receipt_get,
    receipt_list,
    sku_plan_get,
    stock_plan,
)
from wanshang.inventory.receipts import OPEN_STATUSES as RECEIPT_OPEN_STATUSES
from wanshang.inventory.receipts import can_move as receipt_can_move

RECEIPT_STATUS_LABELS = dict(InboundReceipt.Status.choices)

__all__ = [
    "XLSX_CONTENT_TYPE",
    "plan_headers",
    "stock_plan_xlsx",
    "PLAN_SORTS",
    "PLAN_WINDOWS",
    "RECEIPT_OPEN_STATUSES",
    "RECEIPT_STATUS_LABELS",
    "CampaignCover",
    "PlanRow",
    "campaign_cover_short",
    "in_transit_by_sku",
    "plan_settings_get",
    "receipt_can_move",
    "receipt_get",
    "receipt_list",
    "sku_plan_get",
    "stock_plan",
]


def available_by_sku(*, sku_ids) -> dict[int, int]:
    """Units a buyer can still order, per SKU, over all warehouses (one plain statement: pricing reads it on
    every cart view, so it skips the ORM's per-query cost, see `common.rawsql`)."""
    ids = list(sku_ids)
    if not ids:
        return {}
    sku, on_hand, reserved = (rawsql.column(Stock, f) for f in ("sku", "on_hand", "reserved"))
    found = rawsql.rows(
        f"SELECT {sku}, SUM({on_hand} - {reserved}) FROM {rawsql.table(Stock)}"  # noqa: S608
        f" WHERE {sku} IN ({rawsql.placeholders(len(ids))}) GROUP BY {sku}",
        ids,
        model=Stock,
    )
    return {sku_id: max(int(avail or 0), 0) for sku_id, avail in found}


@functools.cache
def _stock_column() -> str:
    """The SKU's units over all warehouses as a column of `catalog.skus_for_purchase`'s statement."""
    sku, on_hand, reserved = (rawsql.column(Stock, f) for f in ("sku", "on_hand", "reserved"))
    return (
        f"(SELECT SUM({on_hand} - {reserved}) FROM {rawsql.table(Stock)}"  # noqa: S608  (identifiers from meta)
        f" WHERE {sku} = {rawsql.column(Stock._meta.get_field('sku').related_model, 'id')})"
    )


def buyable_with_stock(*, sku_ids) -> tuple[dict, dict[int, int]]:
    """`catalog.skus_for_purchase` and `available_by_sku` of the same SKUs in one statement (pricing reads both
    on every cart view; one round trip instead of two)."""
    found = skus_for_purchase(sku_ids=sku_ids, extra=_stock_column())
    stock = {sku_id: max(int(b.extra), 0) for sku_id, b in found.items() if b.extra is not None}
    return found, stock


def available_in_warehouse(*, sku_ids, warehouse_id) -> dict[int, int]:
    """Units a buyer can still order per SKU from one warehouse (到店自提 takes the store's stock only)."""
    rows = Stock.objects.filter(sku_id__in=list(sku_ids), warehouse_id=warehouse_id).values_list(
        "sku_id", "on_hand", "reserved"
    )
    return {sku_id: max(on_hand - reserved, 0) for sku_id, on_hand, reserved in rows}


def warehouse_list(*, shop) -> list[Warehouse]:
    return list(Warehouse.objects.for_shop(shop))


def warehouse_get(*, shop, warehouse_id) -> Warehouse:
    warehouse = Warehouse.objects.for_shop(shop).filter(pk=warehouse_id).first()
    if warehouse is None:
        raise NotFound("仓库不存在")
    return warehouse


def seller_stock_list(*, shop, q: str = "", warehouse_id=None, low_only: bool = False):
    """Stock rows of the shop with SKU and product, optionally only those at or below safety stock."""
    qs = Stock.objects.for_shop(shop).select_related("sku__product", "warehouse").filter(sku__is_active=True)
    if warehouse_id:
        qs = qs.filter(warehouse_id=warehouse_id)
    if q:
        qs = qs.filter(sku__product__title__icontains=q) | qs.filter(sku__barcode=q)
    # not "available": that name is Stock's read-only property (same value), which the annotation cannot set
    qs = qs.annotate(available_units=F("on_hand") - F("reserved"))
    if low_only:
        qs = qs.filter(available_units__lte=F("sku__safety_stock"))
    return qs.order_by("sku__product_id", "sku_id", "warehouse_id")


def low_stock_skus(*, shop):
    """SKUs whose total available stock is at or below their safety stock (safety stock > 0 or sold out)."""
    total = (
        Stock.objects.filter(sku_id=OuterRef("pk"))
        .values("sku_id")
        .annotate(t=Sum(F("on_hand") - F("reserved")))
        .values("t")
    )
    return (
        seller_skus_on_sale(shop=shop)
        .annotate(available=Coalesce(Subquery(total, output_field=IntegerField()), 0))
        .filter(available__lte=F("safety_stock"))
        .order_by("available", "pk")
    )


def movement_list(*, shop, sku_id=None, order_id=None, limit: int = 200):
    qs = StockMovement.objects.for_shop(shop).select_related("sku__product", "warehouse", "actor")
    if sku_id:
        qs = qs.filter(sku_id=sku_id)
    if order_id:
        qs = qs.filter(order_id=order_id)
    return qs[:limit]


def seller_sku_stocks(*, shop, sku_id) -> list[Stock]:
    """Stock rows of one of the shop's SKUs, one per warehouse that has a row (`.available` is a property)."""
    return list(
        Stock.objects.for_shop(shop)
        .filter(sku_id=sku_id)
        .select_related("warehouse")
        .order_by("warehouse_id")
    )


def stock_bins(*, shop, sku_ids) -> dict[tuple[int, int], str]:
    """{(sku_id, warehouse_id): 库位} of the shop's stock rows (the pick list's order)."""
    rows = Stock.objects.for_shop(shop).filter(sku_id__in=list(sku_ids))
    return {
        (r.sku_id, r.warehouse_id): r.bin_location
        for r in rows.only("sku_id", "warehouse_id", "bin_location")
    }
