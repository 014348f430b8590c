"""Order writes: create from a priced cart (拆单), pay, cancel, ship, confirm receipt. Refunds: refunds.py."""

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from wanshang.common.errors import Conflict, NotFound, ValidationError
from wanshang.common.money import allocate
from wanshang.inventory.services import Allocation, stock_confirm, stock_release, stock_reserve
from wanshang.orders.models import Order, OrderLine, OrderStatus, Refund
from wanshang.orders.transitions import transition

S = OrderStatus
TRACKING_RE = re.compile(r"^[A-Za-z0-9-]{6,40}$")


def new_no(prefix: str, now=None) -> str:
    """A readable, time-ordered number: prefix + yymmddHHMMSS + 10 random digits.

    Six random digits collided in a benchmark at ~70 orders/s (birthday odds within one second); ten make a
    collision in the same second about one in 10^8 even at 100 numbers/s.
    """
    now = timezone.localtime(now or timezone.now())
    return f"{prefix}{now:%y%m%d%H%M%S}{secrets.randbelow(10**10):010d}"


def allocations_of(order: Order) -> list[Allocation]:
    return [Allocation(sku_id=line.sku_id, warehouse_id=warehouse_id, quantity=quantity)
            for line in order.lines.all() for warehouse_id, quantity in line.allocations]


def orders_create(*, buyer, cart, address, payment, buyer_note: str = "", now=None) -> list[Order]:
    """Create one order per shop group of `cart` under `payment` and reserve their stock.

    Must run inside the caller's transaction. Raises OutOfStock (the transaction then rolls back).
    Promotions the cart used (coupons, flash-sale stock, points, group buys) are committed by the caller
    (`marketing.services.promotions_commit`) in the same transaction.
    """
    from wanshang.analytics.services import orders_placed_record
    from wanshang.analytics.tracking import visitor_of

    now = now or timezone.now()
    deadline = now + timedelta(minutes=settings.WANSHANG["ORDER_PAYMENT_TIMEOUT_MINUTES"])
    visitor = visitor_of(user_id=buyer.pk)[:32]
    orders: list[Order] = []
    sku_order: dict[int, int] = {}
    for group in cart.groups:
        lines = group.valid_lines
        if not lines:
            continue
        order = Order.objects.create(
            no=new_no("W", now), buyer=buyer, shop=group.shop, payment=payment, address=address.snapshot(),
            buyer_note=(buyer_note or "").strip()[:200], goods_fen=group.subtotal_fen,
            discount_fen=group.discount_fen, freight_fen=group.freight_fen, total_fen=group.total_fen,
            adjustments=[a.__dict__ for a in group.breakdown], pay_deadline=deadline,
            item_discount_fen=group.item_discount_fen, platform_fen=group.platform_fen,
            points_used=_points_share(cart, group), visitor=visitor,
        )
        order._priced_lines = lines
        orders.append(order)
        for line in lines:
            sku_order[line.sku_id] = order.pk
    from wanshang.marketing.selectors import flash_hold_warehouses

    flash = {line.sku_id: line.item_price.item_id for order in orders for line in order._priced_lines
             if line.item_price is not None and line.item_price.kind == "flash_sale"}
    holds = flash_hold_warehouses(item_ids=flash.values()) if flash else {}
    allocations: dict[int, list] = {}
    for sku_id, item_id in flash.items():  # units set aside for the sale: already reserved in that warehouse
        if holds.get(item_id) is None:
            raise Conflict("秒杀库存未锁定，请稍后再试")
        allocations[sku_id] = []
    needs = {line.sku_id: line.quantity for order in orders for line in order._priced_lines}
    for order in orders:
        for line in order._priced_lines:
            if line.sku_id in flash:
                allocations[line.sku_id].append([holds[flash[line.sku_id]], line.quantity])
                needs.pop(line.sku_id)
    names = {line.sku_id: line.product.title for order in orders for line in order._priced_lines}
    for a in stock_reserve(needs=needs, order_ids=sku_order, names=names) if needs else []:
        allocations.setdefault(a.sku_id, []).append([a.warehouse_id, a.quantity])
    rows = []
    for order in orders:
        for line in order._priced_lines:
            rows.append(OrderLine(
                order=order, shop_id=order.shop_id, sku_id=line.sku_id, product_id=line.product.pk,
                category_id=line.product.category_id, title=line.product.title, spec_text=line.sku.spec_text,
                image=line.product.main_image, unit_price_fen=line.unit_price_fen, quantity=line.quantity,
                subtotal_fen=line.subtotal_fen, discount_fen=line.discount_fen, payable_fen=line.payable_fen,
                allocations=allocations[line.sku_id], list_price_fen=line.list_price_fen,
                promotion_id=line.item_price.promotion_id if line.item_price else None,
                promotion_item_id=(line.item_price.item_id or None) if line.item_price else None,
                promotion_label=line.item_price.label[:40] if line.item_price else "",
                discounts=[a.__dict__ for a in line.adjustments], platform_fen=line.platform_fen,
            ))
    OrderLine.objects.bulk_create(rows)
    from wanshang.orders.models import OrderEvent

    OrderEvent.objects.bulk_create([
        OrderEvent(order=o, shop_id=o.shop_id, from_status="", to_status=S.PENDING_PAYMENT, actor=buyer,
                   actor_kind="buyer", note="买家下单") for o in orders
    ])
    orders_placed_record(orders=orders, now=now)
    return orders


def _points_share(cart, group) -> int:
    """The points spent on this shop's goods: the cart's points split by each group's points discount."""
    if not cart.points_used:
        return 0
    groups = [g for g in cart.groups if g.valid_lines]
    weights = [sum(a.amount_fen for a in g.breakdown if a.code == "points") for g in groups]
    if not sum(weights):
        return 0
    return allocate(cart.points_used, weights)[groups.index(group)]


def _lock_order(order_id, **scope) -> Order:
    order = Order.objects.select_for_update().filter(pk=order_id, **scope).first()
    if order is None:
        raise NotFound("订单不存在")
    return order


def orders_mark_paid(*, payment, now=None) -> list[Order]:
    """The payment arrived: every pending order of it becomes paid and its stock is confirmed.

    Inside the payment's transaction, with the payment row locked.
    """
    from wanshang.catalog.services import product_sales_add

    paid = []
    sales: dict[int, int] = {}
    for order in Order.objects.select_for_update().filter(payment=payment).order_by("pk"):
        if order.status != S.PENDING_PAYMENT:
            continue
        transition(order, S.PAID, actor_kind="gateway", note=f"支付成功（{payment.gateway}）", now=now)
        stock_confirm(allocations=allocations_of(order), order_id=order.pk)
        for line in order.lines.all():
            sales[line.product_id] = sales.get(line.product_id, 0) + line.quantity
        paid.append(order)
    product_sales_add(product_quantities=sales)
    if paid:
        from wanshang.analytics.services import orders_paid_record
        from wanshang.compliance.services import transaction_prices_record
        from wanshang.marketing.lifecycle import orders_paid

        orders_paid(orders=paid, now=now)
        transaction_prices_record(orders=paid, now=now)
        orders_paid_record(orders=paid, now=now)
    return paid


def order_cancel(*, order_id, actor=None, actor_kind: str, reason: str, buyer=None, now=None) -> Order:
    """Cancel an unpaid order and release its stock. A buyer may cancel only their own order."""
    from wanshang.payments.services import payment_close_if_all_cancelled, payment_lock

    reason = (reason or "").strip()[:200] or "买家取消"
    scope = {"buyer": buyer} if buyer is not None else {}
    payment_id = Order.objects.filter(pk=order_id, **scope).values_list("payment_id", flat=True).first()
    if payment_id is None:
        raise NotFound("订单不存在")
    with transaction.atomic():
        # Lock order: payment, then order, then stock — the same order as a payment notification takes.
        payment_lock(payment_id=payment_id)
        order = _lock_order(order_id, **scope)
        transition(order, S.CANCELLED, actor=actor, actor_kind=actor_kind, note=reason, now=now,
                   extra_fields={"cancel_reason": reason})
        from wanshang.marketing.lifecycle import order_released

        # Stock rows before promotion rows, as checkout takes them; flash-sale units may go back to the sale
        # (still reserved), so lines with a promotion item are released after the promotions have spoken.
        lines = list(order.lines.all())

        def release(selected):
            allocations = [Allocation(sku_id=line.sku_id, warehouse_id=w, quantity=q)
                           for line in selected for w, q in line.allocations]
            if allocations:
                stock_release(allocations=allocations, order_id=order.pk, actor=actor, reason=reason)

        release([line for line in lines if not line.promotion_item_id])
        kept = order_released(order=order, now=now)
        release([line for line in lines if line.promotion_item_id and line.pk not in kept])
        payment_close_if_all_cancelled(payment_id=order.payment_id)
    return order


def orders_cancel_expired(*, now=None) -> int:
    """Cancel unpaid orders past their deadline. Idempotent; a missed run catches up."""
    from wanshang.common.errors import InvalidTransition

    now = now or timezone.now()
    ids = list(Order.objects.filter(status=S.PENDING_PAYMENT, pay_deadline__lte=now)
               .order_by("pk").values_list("pk", flat=True)[:1000])
    done = 0
    for order_id in ids:
        try:
            order_cancel(order_id=order_id, actor_kind="system", reason="超时未付款，系统自动取消", now=now)
            done += 1
        except InvalidTransition:
            continue  # paid in the meantime
    return done


def order_ship(*, shop, order_id, carrier: str, tracking_no: str, actor) -> Order:
    """Merchant ships a paid order. Refused while the buyer's refund request is open."""
    from wanshang.fulfillment.models import Carrier

    if carrier not in Carrier.values:
        raise ValidationError("请选择快递公司", field="carrier")
    tracking_no = (tracking_no or "").strip()
    if carrier != Carrier.SELF and not TRACKING_RE.match(tracking_no):
        raise ValidationError("运单号须为 6–40 位字母、数字或“-”", field="tracking_no")
    with transaction.atomic():
        order = _lock_order(order_id, shop=shop)
        if Refund.objects.filter(order=order, status=Refund.Status.REQUESTED).exists():
            raise Conflict("买家已申请退款，请先处理退款申请")
        from wanshang.marketing.lifecycle import shipping_blocked_reason

        blocked = shipping_blocked_reason(order=order)
        if blocked:
            raise Conflict(blocked)
        transition(order, S.SHIPPED, actor=actor, actor_kind="seller",
                   note=f"{Carrier(carrier).label} {tracking_no}".strip(),
                   extra_fields={"carrier": carrier, "tracking_no": tracking_no})
    return order


def _complete(order: Order, *, actor=None, actor_kind: str, now=None) -> None:
    from wanshang.payments.settlement import settlement_record

    transition(order, S.RECEIVED, actor=actor, actor_kind=actor_kind,
               note="买家确认收货" if actor_kind == "buyer" else "超时自动确认收货", now=now)
    transition(order, S.COMPLETED, actor_kind="system", note="交易成功", now=now)
    settlement_record(order=order, now=now)
    from wanshang.marketing.lifecycle import order_completed

    order_completed(order=order)


def order_confirm_receipt(*, buyer, order_id) -> Order:
    with transaction.atomic():
        order = _lock_order(order_id, buyer=buyer)
        _complete(order, actor=buyer, actor_kind="buyer")
    return order


def orders_auto_receive(*, now=None) -> int:
    """Shipped orders confirm receipt after N days. Idempotent; catches up after downtime."""
    from wanshang.common.errors import InvalidTransition

    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.WANSHANG["ORDER_AUTO_RECEIVE_DAYS"])
    ids = list(Order.objects.filter(status=S.SHIPPED, shipped_at__lte=cutoff)
               .order_by("pk").values_list("pk", flat=True)[:1000])
    done = 0
    for order_id in ids:
        try:
            with transaction.atomic():
                order = _lock_order(order_id)
                _complete(order, actor_kind="system", now=now)
            done += 1
        except InvalidTransition:
            continue
    return done


def orders_forget_visitor(*, buyer_id: int) -> int:
    """Unlink the buyer's orders from the browsers they were placed in (their data-deletion request); the orders
    themselves stay. Returns how many orders changed."""
    return Order.objects.filter(buyer_id=buyer_id).exclude(visitor="").update(visitor="")
