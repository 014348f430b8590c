"""发货与物流 reads: a shop's packages, accounts, alerts and pick lists; a buyer's order timeline."""

from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch, Q, Sum

from wanshang.common.errors import NotFound
from wanshang.inventory.selectors import stock_bins, warehouse_list
from wanshang.orders.selectors import seller_order_get
from wanshang.shipping.carriers.sandbox import stalls
from wanshang.shipping.models import (
    CarrierAccount,
    Provider,
    Shipment,
    ShipmentAlert,
    ShipmentLine,
    TrackingEvent,
    TrackState,
)

STATE_LABELS = dict(TrackState.choices)
PROVIDER_LABELS = {
    Provider.SANDBOX.value: Provider.SANDBOX.label,
    Provider.KDNIAO.value: Provider.KDNIAO.label,
}


def _full(qs):
    return qs.select_related("order").prefetch_related(
        Prefetch("lines", queryset=ShipmentLine.objects.order_by("id")),
        Prefetch("events", queryset=TrackingEvent.objects.order_by("at", "id")),
    )


def account_of(*, shop) -> CarrierAccount | None:
    return CarrierAccount.objects.for_shop(shop).first()


def order_shipments(*, order) -> list[Shipment]:
    """The packages of an order the caller already may see (seller_order_get / buyer_order_get), with their
    lines and their timeline in time order."""
    return list(_full(Shipment.objects.filter(order_id=order.pk).order_by("package_no")))


def seller_shipment_list(*, shop, state: str = "", q: str = ""):
    qs = _full(Shipment.objects.for_shop(shop)).order_by("-id")
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(tracking_no=q.strip()) | qs.filter(order__no=q.strip())
    return qs


def seller_shipment_get(*, shop, shipment_id) -> Shipment:
    shipment = _full(Shipment.objects.for_shop(shop).filter(pk=shipment_id)).first()
    if shipment is None:
        raise NotFound("包裹不存在")
    return shipment


def seller_shipments_by_ids(*, shop, ids) -> list[Shipment]:
    """The shop's packages among `ids` (another shop's ids are simply absent), in the order asked."""
    rows = {s.pk: s for s in _full(Shipment.objects.for_shop(shop).filter(pk__in=list(ids)))}
    return [rows[i] for i in ids if i in rows]


def seller_orders_by_ids(*, shop, ids) -> list:
    """The shop's orders among `ids`; NotFound names the first that is not the shop's."""
    return [seller_order_get(shop=shop, order_id=i) for i in dict.fromkeys(ids)]


@dataclass
class ShipLine:
    line: object
    shipped: int
    remaining: int


def ship_plan(*, order) -> list[ShipLine]:
    """Each line of an order with its units shipped so far and still to ship (refunded units never ship)."""
    shipped = dict(
        ShipmentLine.objects.filter(shipment__order_id=order.pk)
        .values("order_line_id")
        .annotate(n=Sum("quantity"))
        .values_list("order_line_id", "n")
    )
    out = []
    for line in order.lines.all():
        done = shipped.get(line.pk, 0)
        out.append(
            ShipLine(line=line, shipped=done, remaining=max(line.quantity - line.refunded_qty - done, 0))
        )
    return out


def seller_alert_list(*, shop, open_only: bool = True):
    qs = ShipmentAlert.objects.for_shop(shop).select_related("shipment", "shipment__order").order_by("-id")
    return qs.filter(resolved_at=None) if open_only else qs


def seller_alert_count(*, shop) -> int:
    return ShipmentAlert.objects.for_shop(shop).filter(resolved_at=None).count()


@dataclass
class PickRow:
    warehouse: str
    bin_location: str
    sku_id: int
    title: str
    spec_text: str
    quantity: int
    orders: list[str] = field(default_factory=list)


def pick_list(*, shop, order_ids) -> list[PickRow]:
    """拣货单: the units still to ship of the chosen orders, summed per warehouse, 库位 and SKU, in the order
    a picker walks (warehouse, bin, SKU). Units come from the warehouses reserved for each line."""
    orders = seller_orders_by_ids(shop=shop, ids=order_ids)
    names = {w.pk: w.name for w in warehouse_list(shop=shop)}
    rows: dict[tuple, PickRow] = {}
    lines = [(order, sl) for order in orders for sl in ship_plan(order=order) if sl.remaining]
    bins = stock_bins(shop=shop, sku_ids={sl.line.sku_id for _, sl in lines})
    for order, sl in lines:
        line, left = sl.line, sl.remaining
        allocations = line.allocations or [[None, line.quantity]]
        skip = line.quantity - left  # units already shipped or refunded: taken from the first warehouses
        for warehouse_id, allocated in allocations:
            n = min(max(allocated - skip, 0), left)
            skip = max(skip - allocated, 0)
            if not n:
                continue
            left -= n
            key = (warehouse_id, line.sku_id)
            row = rows.get(key)
            if row is None:
                row = rows[key] = PickRow(
                    warehouse=names.get(warehouse_id, "默认仓"),
                    bin_location=bins.get((line.sku_id, warehouse_id), ""),
                    sku_id=line.sku_id,
                    title=line.title,
                    spec_text=line.spec_text,
                    quantity=0,
                )
            row.quantity += n
            if order.no not in row.orders:
                row.orders.append(order.no)
    return sorted(rows.values(), key=lambda r: (r.warehouse, r.bin_location or "~", r.sku_id))


def buyer_timeline(*, order) -> list[Shipment]:
    """The packages of the buyer's order (already checked by buyer_order_get) with their timelines."""
    return order_shipments(order=order)


def sandbox_number_stalls(*, tracking_no: str) -> bool:
    """Whether the sandbox carrier's trace of this number stops after 运输中 (the demo's 物流异常)."""
    return stalls(tracking_no)


def orders_signed_at(*, order_ids) -> dict[int, object]:
    """For the orders whose every package the carrier shows as signed (已签收): when the last was signed.
    Orders with a package not signed, or without packages, are left out. One grouped query."""
    ids = list(order_ids)[:500]
    if not ids:
        return {}
    rows = (
        Shipment.objects.filter(order_id__in=ids)
        .values("order_id")
        .annotate(
            packages=Count("id"),
            signed=Count("id", filter=Q(state=TrackState.SIGNED)),
            last=Max("delivered_at"),
            last_event=Max("last_event_at"),
        )
    )
    return {
        r["order_id"]: r["last"] or r["last_event"]
        for r in rows
        if r["packages"] and r["packages"] == r["signed"]
    }


def shipped_units_by_line(*, order_id) -> dict[int, int]:
    """Units of each order line already in a package (order line id → units); lines never shipped are left out.
    After-sales reads it under the order's row lock (shipping packs under the same lock)."""
    rows = (
        ShipmentLine.objects.filter(shipment__order_id=order_id)
        .values("order_line_id")
        .annotate(n=Sum("quantity"))
        .order_by()
    )
    return {r["order_line_id"]: r["n"] for r in rows}
