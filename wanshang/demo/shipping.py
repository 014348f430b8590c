"""Demo 发货与物流: each shop gets a sandbox 电子面单 account (its default warehouse as the sender) and 库位 on
its stock rows; the demo's shipped orders of the last 30 days get their package, tracked by the sandbox carrier
(whose trace unfolds with the clock, so most are 已签收 and a few still on the way); one more order of a shop is
shipped 4 days ago with a number whose sandbox trace stops after 运输中, so the 物流异常 list has a stall.
All through the real services: account_save, shipment_backfill, shipment_create, tracking_poll, stalls_flag."""

from datetime import timedelta

from wanshang.common.errors import DomainError
from wanshang.inventory.selectors import seller_stock_list
from wanshang.inventory.services import stock_bin_set
from wanshang.orders.models import Order, OrderStatus
from wanshang.shipping.selectors import sandbox_number_stalls
from wanshang.shipping.services import (
    account_save,
    shipment_backfill,
    shipment_create,
    stalls_flag,
    tracking_poll,
)

DEFAULT_CARRIER = {"lanxin-digital": "SF", "shanhetian-food": "SF", "yunchu-appliances": "JD"}
ZONES = "ABCD"


def _sender(demo) -> dict:
    warehouse = next((w for w in demo.warehouses if w.is_default), None) or (demo.warehouses or [None])[0]
    parts = (getattr(warehouse, "region_text", "") or "浙江省 杭州市 余杭区").split()
    parts += ["", "", ""]
    return {
        "sender_name": (getattr(warehouse, "contact", "") or demo.spec.get("name", "")[:10] or "仓库")[:30],
        "sender_phone": getattr(warehouse, "phone", "") or "057188880000",
        "sender_province": parts[0] or "浙江省",
        "sender_city": parts[1] or "杭州市",
        "sender_district": parts[2],
        "sender_address": (getattr(warehouse, "detail", "") or "仓前街道文一西路 1288 号")[:120],
    }


def _bins(demo) -> int:
    done = 0
    for i, stock in enumerate(seller_stock_list(shop=demo.shop)):
        label = f"{ZONES[(i // 24) % 4]}-{(i // 6) % 4 + 1:02d}-{i % 6 + 1}"
        done += stock_bin_set(
            shop=demo.shop, sku_id=stock.sku_id, warehouse_id=stock.warehouse_id, bin_location=label
        )
    return done


def _stalling_no(prefix: str, start: int) -> str:
    return next(
        f"{prefix}{n:010d}"
        for n in range(start, start + 1000)
        if sandbox_number_stalls(tracking_no=f"{prefix}{n:010d}")
    )


def shipping_create(*, shops, now, log) -> None:
    accounts = bins = packages = 0
    for demo in shops:
        try:
            account_save(
                shop=demo.shop,
                provider="sandbox",
                carrier=DEFAULT_CARRIER.get(demo.spec["slug"], "ZTO"),
                sender=_sender(demo),
            )
            accounts += 1
        except DomainError as exc:
            log(f"  {demo.shop.name} 物流账户未设置：{exc.message}")
        bins += _bins(demo)
    shipped = Order.objects.filter(
        status__in=[OrderStatus.SHIPPED, OrderStatus.RECEIVED, OrderStatus.COMPLETED],
        shipped_at__gte=now - timedelta(days=30),
    ).order_by("pk")
    for order_id in shipped.values_list("pk", flat=True):
        packages += shipment_backfill(order_id=order_id, provider="sandbox") is not None
    stalled = _stall_one(shops, now)
    points = tracking_poll(now=now, limit=5000)
    alerts = stalls_flag(now=now)
    log(
        f"  物流账户 {accounts} 个，库位 {bins} 个，包裹 {packages + stalled} 个，轨迹 {points} 条，物流异常 {alerts} 条"
    )


def _stall_one(shops, now) -> int:
    """One paid order of the first shop that has one, shipped 4 days ago with a number that stalls."""
    for demo in shops:
        order = Order.objects.for_shop(demo.shop).filter(status=OrderStatus.PAID).order_by("pk").first()
        if order is None:
            continue
        try:
            shipment_create(
                shop=demo.shop,
                order_id=order.pk,
                carrier="ZTO",
                tracking_no=_stalling_no("ZT", order.pk * 7),
                provider="sandbox",
                actor=demo.member("warehouse").user,
                now=now - timedelta(days=4),
            )
        except DomainError:
            continue
        return 1
    return 0
