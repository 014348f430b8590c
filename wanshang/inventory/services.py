"""Stock writes. Everything that moves stock runs inside the caller's transaction with the rows locked."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from wanshang.catalog.selectors import seller_sku_get
from wanshang.common.errors import Conflict, NotFound, OutOfStock, ValidationError
from wanshang.fulfillment.selectors import region_path
from wanshang.inventory.locks import stock_row_for_update, stock_rows_for_update, stocks_for_update
from wanshang.inventory.models import Stock, StockMovement, Warehouse
from wanshang.inventory.plans import plan_settings_save, sku_plan_save
from wanshang.inventory.receipts import receipt_cancel, receipt_create, receipt_receive, receipt_submit

__all__ = [
    "plan_settings_save",
    "receipt_cancel",
    "receipt_create",
    "receipt_receive",
    "receipt_submit",
    "sku_plan_save",
]

MAX_STOCK = 10_000_000


@dataclass(frozen=True)
class Allocation:
    sku_id: int
    warehouse_id: int
    quantity: int


# --- warehouses -------------------------------------------------------------------------------------------


def _warehouse_fields(*, name, district_code, detail, contact="", phone="") -> dict:
    name = (name or "").strip()
    if not 1 <= len(name) <= 60:
        raise ValidationError("仓库名称须为 1–60 字", field="name")
    region_text = ""
    if district_code:
        region_text = " ".join(r.name for r in region_path(code=district_code))
    return {
        "name": name,
        "district_code": district_code or "",
        "region_text": region_text,
        "detail": (detail or "").strip()[:200],
        "contact": (contact or "").strip()[:40],
        "phone": (phone or "").strip()[:20],
    }


@transaction.atomic
def warehouse_create(
    *, shop, name, district_code=None, detail="", contact="", phone="", is_default=False
) -> Warehouse:
    fields = _warehouse_fields(
        name=name, district_code=district_code, detail=detail, contact=contact, phone=phone
    )
    first = not Warehouse.objects.for_shop(shop).exists()
    if is_default or first:
        Warehouse.objects.for_shop(shop).filter(is_default=True).update(is_default=False)
    return Warehouse.objects.create(shop=shop, is_default=bool(is_default or first), **fields)


@transaction.atomic
def warehouse_update(
    *, shop, warehouse_id, name, district_code=None, detail="", contact="", phone="", is_default=False
) -> Warehouse:
    warehouse = Warehouse.objects.for_shop(shop).filter(pk=warehouse_id).first()
    if warehouse is None:
        raise NotFound("仓库不存在")
    for key, value in _warehouse_fields(
        name=name, district_code=district_code, detail=detail, contact=contact, phone=phone
    ).items():
        setattr(warehouse, key, value)
    if is_default and not warehouse.is_default:
        Warehouse.objects.for_shop(shop).filter(is_default=True).update(is_default=False)
        warehouse.is_default = True
    warehouse.save()
    return warehouse


def _default_warehouse(shop) -> Warehouse:
    warehouse = Warehouse.objects.for_shop(shop).filter(is_default=True).first()
    if warehouse is None:
        warehouse = warehouse_create(shop=shop, name="默认仓", is_default=True)
    return warehouse


# --- merchant adjustments -----------------------------------------------------------------------------


def stock_set(*, shop, sku, warehouse, on_hand: int, actor, reason: str) -> Stock:
    """Set the on-hand count of a SKU in a warehouse (盘点). Refuses to go below what open orders hold."""
    if isinstance(on_hand, bool) or not isinstance(on_hand, int) or not 0 <= on_hand <= MAX_STOCK:
        raise ValidationError(f"库存须为 0–{MAX_STOCK} 的整数", field="on_hand")
    if sku.shop_id != shop.pk or warehouse.shop_id != shop.pk:
        raise NotFound("SKU 或仓库不存在")
    reason = (reason or "").strip()[:200] or "手工调整"
    with transaction.atomic():
        Stock.objects.get_or_create(shop=shop, sku=sku, warehouse=warehouse)
        stock = stock_row_for_update(sku_id=sku.pk, warehouse_id=warehouse.pk)
        if on_hand < stock.reserved:
            raise Conflict(f"有 {stock.reserved} 件被未付款订单占用，库存不能低于此数")
        delta = on_hand - stock.on_hand
        if delta:
            Stock.objects.filter(pk=stock.pk).update(on_hand=on_hand)
            StockMovement.objects.create(
                shop=shop,
                sku=sku,
                warehouse=warehouse,
                kind=StockMovement.Kind.ADJUST,
                on_hand_delta=delta,
                actor_id=getattr(actor, "pk", actor),
                reason=reason,
            )
            stock.on_hand = on_hand
    return stock


def stock_set_default_warehouse(*, shop, sku, on_hand: int, actor, reason: str) -> Stock:
    return stock_set(
        shop=shop, sku=sku, warehouse=_default_warehouse(shop), on_hand=on_hand, actor=actor, reason=reason
    )


def stock_adjust(*, shop, sku_id, warehouse_id, on_hand: int, actor, reason: str) -> Stock:
    """Seller-center entry: look up both rows in the shop's scope, then set."""
    sku = seller_sku_get(shop=shop, sku_id=sku_id)
    warehouse = Warehouse.objects.for_shop(shop).filter(pk=warehouse_id).first()
    if warehouse is None:
        raise NotFound("仓库不存在")
    return stock_set(shop=shop, sku=sku, warehouse=warehouse, on_hand=on_hand, actor=actor, reason=reason)


# --- order flows (called inside the orders' transaction) ---------------------------------------------------


def stock_reserve(
    *,
    needs: dict[int, int],
    order_ids: dict[int, int],
    names: dict[int, str],
    warehouses: dict[int, int] | None = None,
) -> list[Allocation]:
    """Reserve `needs` {sku_id: qty}: from the default warehouse first, then the others by id, splitting a
    line over warehouses when no single one holds enough (the sum is what the storefront shows).
    `warehouses` {sku_id: warehouse_id} pins a SKU to one warehouse (到店自提: the store's).

    `order_ids` maps sku_id → order id for the ledger. Must run inside a transaction.
    Raises OutOfStock naming the product when any SKU lacks stock; the caller's transaction then rolls back.
    """
    rows = stocks_for_update(sku_ids=needs.keys())
    by_sku: dict[int, list[Stock]] = {}
    for row in rows:
        by_sku.setdefault(row.sku_id, []).append(row)
    default_ids = set(
        Warehouse.objects.filter(pk__in={r.warehouse_id for r in rows}, is_default=True).values_list(
            "pk", flat=True
        )
    )
    allocations, movements = [], []
    for sku_id in sorted(needs):
        qty = needs[sku_id]
        candidates = sorted(by_sku.get(sku_id, []), key=lambda r: (r.warehouse_id not in default_ids, r.pk))
        if warehouses and sku_id in warehouses:
            candidates = [r for r in candidates if r.warehouse_id == warehouses[sku_id]]
        left = sum(max(r.on_hand - r.reserved, 0) for r in candidates)
        if left < qty:
            raise OutOfStock.of(names.get(sku_id, sku_id), left)
        remaining = qty
        for row in candidates:
            take = min(remaining, row.on_hand - row.reserved)
            if take <= 0:
                continue
            updated = Stock.objects.filter(pk=row.pk, on_hand__gte=F("reserved") + take).update(
                reserved=F("reserved") + take
            )
            if updated != 1:  # cannot happen under the row lock; the guard keeps SQLite and PostgreSQL honest
                raise OutOfStock.of(names.get(sku_id, sku_id), 0)
            row.reserved += take
            remaining -= take
            allocations.append(Allocation(sku_id=sku_id, warehouse_id=row.warehouse_id, quantity=take))
            movements.append(
                StockMovement(
                    shop_id=row.shop_id,
                    sku_id=sku_id,
                    warehouse_id=row.warehouse_id,
                    kind=StockMovement.Kind.RESERVE,
                    reserved_delta=take,
                    order_id=order_ids.get(sku_id),
                    reason="下单占用",
                )
            )
            if remaining == 0:
                break
    StockMovement.objects.bulk_create(movements)
    return allocations


def stock_hold(*, sku_id: int, quantity: int, reason: str, warehouse_id: int | None = None) -> int:
    """Set units aside (a flash sale's own stock): reserved in one warehouse, no order. Returns the warehouse id.

    Takes the warehouse with the most available units unless one is named; raises OutOfStock when no single
    warehouse has `quantity` available.
    """
    rows = [r for r in stocks_for_update(sku_ids=[sku_id]) if warehouse_id in (None, r.warehouse_id)]
    rows.sort(key=lambda r: (-(r.on_hand - r.reserved), r.pk))
    if not rows or rows[0].on_hand - rows[0].reserved < quantity:
        best = rows[0].on_hand - rows[0].reserved if rows else 0
        raise OutOfStock(f"单个仓库可售库存不足（最多 {best} 件），请减少活动库存")
    row = rows[0]
    if not Stock.objects.filter(pk=row.pk, on_hand__gte=F("reserved") + quantity).update(
        reserved=F("reserved") + quantity
    ):
        raise OutOfStock("可售库存不足")
    StockMovement.objects.create(
        shop_id=row.shop_id,
        sku_id=sku_id,
        warehouse_id=row.warehouse_id,
        kind=StockMovement.Kind.RESERVE,
        reserved_delta=quantity,
        reason=reason[:200],
    )
    return row.warehouse_id


def stock_unhold(*, sku_id: int, warehouse_id: int, quantity: int, reason: str) -> None:
    """Give set-aside units back to normal sale."""
    if quantity <= 0:
        return
    (row,) = [r for r in stocks_for_update(sku_ids=[sku_id]) if r.warehouse_id == warehouse_id]
    if not Stock.objects.filter(pk=row.pk, reserved__gte=quantity).update(reserved=F("reserved") - quantity):
        raise Conflict("库存占用数据不一致，已拒绝操作")
    StockMovement.objects.create(
        shop_id=row.shop_id,
        sku_id=sku_id,
        warehouse_id=warehouse_id,
        kind=StockMovement.Kind.RELEASE,
        reserved_delta=-quantity,
        reason=reason[:200],
    )


def _apply(allocations: list[Allocation], *, kind: str, order_id: int, actor=None, reason: str):
    """Apply a confirm/release/return to locked rows. Inside the caller's transaction.

    `actor`: the user who caused it, or their id (an event handler knows only the id), or None."""
    actor_id = getattr(actor, "pk", actor)
    stock_ids = {}
    for a in allocations:
        row = (
            Stock.objects.filter(sku_id=a.sku_id, warehouse_id=a.warehouse_id)
            .values_list("pk", flat=True)
            .first()
        )
        if row is None:
            raise Conflict("库存记录缺失")
        stock_ids[(a.sku_id, a.warehouse_id)] = row
    locked = {(r.sku_id, r.warehouse_id): r for r in stock_rows_for_update(stock_ids=stock_ids.values())}
    movements = []
    for a in sorted(allocations, key=lambda x: stock_ids[(x.sku_id, x.warehouse_id)]):
        row = locked[(a.sku_id, a.warehouse_id)]
        if kind == StockMovement.Kind.CONFIRM:
            on_hand_delta, reserved_delta = -a.quantity, -a.quantity
        elif kind == StockMovement.Kind.RELEASE:
            on_hand_delta, reserved_delta = 0, -a.quantity
        elif kind == StockMovement.Kind.RETURN:
            on_hand_delta, reserved_delta = a.quantity, 0
        else:
            raise ValueError(kind)
        if row.reserved + reserved_delta < 0:
            raise Conflict("库存占用数据不一致，已拒绝操作")
        Stock.objects.filter(pk=row.pk).update(
            on_hand=F("on_hand") + on_hand_delta, reserved=F("reserved") + reserved_delta
        )
        movements.append(
            StockMovement(
                shop_id=row.shop_id,
                sku_id=a.sku_id,
                warehouse_id=a.warehouse_id,
                kind=kind,
                on_hand_delta=on_hand_delta,
                reserved_delta=reserved_delta,
                order_id=order_id,
                actor_id=actor_id,
                reason=reason,
            )
        )
    StockMovement.objects.bulk_create(movements)


def stock_confirm(*, allocations: list[Allocation], order_id: int) -> None:
    """Payment received: reserved units leave on-hand stock."""
    _apply(allocations, kind=StockMovement.Kind.CONFIRM, order_id=order_id, reason="付款扣减")


def stock_release(
    *, allocations: list[Allocation], order_id: int, actor=None, reason: str = "订单取消"
) -> None:
    """Unpaid order cancelled or timed out: the reservation is given back."""
    _apply(allocations, kind=StockMovement.Kind.RELEASE, order_id=order_id, actor=actor, reason=reason)


def stock_return(
    *, allocations: list[Allocation], order_id: int, actor=None, reason: str = "退款回库"
) -> None:
    """Paid, unshipped order refunded: the units go back on hand."""
    _apply(allocations, kind=StockMovement.Kind.RETURN, order_id=order_id, actor=actor, reason=reason)


@transaction.atomic
def warehouse_set_default(*, shop, warehouse_id) -> Warehouse:
    """Make one of the shop's warehouses the default one (orders reserve from it first)."""
    warehouse = Warehouse.objects.for_shop(shop).select_for_update().filter(pk=warehouse_id).first()
    if warehouse is None:
        raise NotFound("仓库不存在")
    if not warehouse.is_default:
        Warehouse.objects.for_shop(shop).filter(is_default=True).update(is_default=False)
        warehouse.is_default = True
        warehouse.save(update_fields=["is_default"])
    return warehouse


def stock_bin_set(*, shop, sku_id, warehouse_id, bin_location: str) -> int:
    """Set the 库位 (bin) of the shop's stock row of a SKU in a warehouse; the pick list walks bins in order.
    A plain update of a label (no quantity moves): returns the rows changed, 0 when there is no such row."""
    bin_location = (bin_location or "").strip()
    if len(bin_location) > 30:
        raise ValidationError("库位最多 30 个字符", field="bin_location")
    return (
        Stock.objects.for_shop(shop)
        .filter(sku_id=sku_id, warehouse_id=warehouse_id)
        .update(bin_location=bin_location)
    )
