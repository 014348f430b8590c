"""Order writes: create from a priced cart (拆单), pay, cancel, ship, confirm receipt. Refunds: refunds.py.

Other apps react through domain events (common/domain_events.py), published here inside each change's
transaction: OrdersPlaced, OrdersPaid, OrderCancelled, OrderShipping (may be refused), OrderShipped,
OrderReceived, OrderCompleted. This module reacts to PaymentSucceeded (subscribers.py).
"""

import re
from dataclasses import replace
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from wanshang.analytics.selectors import visitor_of
from wanshang.catalog.selectors import return_policies
from wanshang.common import events
from wanshang.common.domain_events import (
    OrderCancelled,
    OrderCompleted,
    OrderReceived,
    OrderShipped,
    OrderShipping,
    OrdersPaid,
    OrdersPlaced,
)
from wanshang.common.errors import Conflict, InvalidTransition, NotFound, ValidationError
from wanshang.common.money import allocate, fen_to_yuan_str
from wanshang.common.numbers import new_no
from wanshang.fulfillment.types import Carrier
from wanshang.inventory.services import Allocation, stock_confirm, stock_release, stock_reserve
from wanshang.orders.addresskey import address_key
from wanshang.orders.lateship import fen_to_points as fen_to_points  # the points a compensation is paid in
from wanshang.orders.lateship import late_compensation_fen as late_compensation_fen
from wanshang.orders.lateship import late_shipment_flag as late_shipment_flag
from wanshang.orders.lateship import late_shipments_flag as late_shipments_flag
from wanshang.orders.lateship import points_to_fen as points_to_fen
from wanshang.orders.models import Order, OrderEvent, OrderLine, OrderStatus
from wanshang.orders.selectors import order_facts
from wanshang.orders.transitions import transition
from wanshang.payments.services import payment_close, payment_lock, payment_refund_unclaimed

S = OrderStatus
TRACKING_RE = re.compile(r"^[A-Za-z0-9-]{6,40}$")


def allocations_of(order: Order) -> list[Allocation]:
    return [
        Allocation(sku_id=line.sku_id, warehouse_id=warehouse_id, quantity=quantity)
        for line in order.lines.all()
        for warehouse_id, quantity in line.allocations
    ]


def orders_create(
    *, buyer, cart, address, payment, buyer_note: str = "", flash_holds=None, pickup_warehouses=None, now=None
) -> list[Order]:
    """Create one order per shop group of `cart` under `payment` and reserve their stock.

    `pickup_warehouses` {shop_id: warehouse_id}: the shops whose goods the buyer collects at a store (到店自提):
    their orders are pickup orders and take their stock from that store's warehouse only.

    `flash_holds` maps each flash-sale promotion item of the cart to the warehouse its units are set aside in
    (they are reserved already). Must run inside the caller's transaction. Raises OutOfStock (the transaction
    then rolls back). Promotions the cart used (coupons, flash-sale stock, points, group buys) are committed by
    the caller (`marketing.services.promotions_commit`) in the same transaction.
    """
    now = now or timezone.now()
    deadline = now + timedelta(minutes=settings.WANSHANG["ORDER_PAYMENT_TIMEOUT_MINUTES"])
    visitor = visitor_of(user_id=buyer.pk)[:32]
    policies = return_policies(
        products={line.product.pk: line.product for g in cart.groups for line in g.valid_lines}.values()
    )
    orders: list[Order] = []
    sku_order: dict[int, int] = {}
    pickup_warehouses = pickup_warehouses or {}
    for group in cart.groups:
        lines = group.valid_lines
        if not lines:
            continue
        order = Order.objects.create(
            no=new_no("W", now),
            buyer=buyer,
            shop_id=group.shop.pk,
            payment=payment,
            address=address.snapshot(),
            address_key=address_key(address.snapshot()),
            buyer_note=(buyer_note or "").strip()[:200],
            goods_fen=group.subtotal_fen,
            discount_fen=group.discount_fen,
            freight_fen=group.freight_fen,
            total_fen=group.total_fen,
            adjustments=[a.__dict__ for a in group.breakdown],
            pay_deadline=deadline,
            item_discount_fen=group.item_discount_fen,
            platform_fen=group.platform_fen,
            points_used=_points_share(cart, group),
            visitor=visitor,
            ship_within_hours=max(_ship_hours(line.product, group.shop) for line in lines),
            is_pickup=group.shop.pk in pickup_warehouses,
        )
        order._priced_lines = lines
        orders.append(order)
        for line in lines:
            sku_order[line.sku_id] = order.pk
    flash = {
        line.sku_id: line.item_price.item_id
        for order in orders
        for line in order._priced_lines
        if line.item_price is not None and line.item_price.kind == "flash_sale"
    }
    holds = flash_holds or {}
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
    only = {
        line.sku_id: pickup_warehouses[order.shop_id]
        for order in orders
        if order.is_pickup
        for line in order._priced_lines
    }
    reserved = stock_reserve(needs=needs, order_ids=sku_order, names=names, warehouses=only) if needs else []
    for a in reserved:
        allocations.setdefault(a.sku_id, []).append([a.warehouse_id, a.quantity])
    rows = []
    for order in orders:
        for line in order._priced_lines:
            rows.append(
                OrderLine(
                    order=order,
                    shop_id=order.shop_id,
                    sku_id=line.sku_id,
                    product_id=line.product.pk,
                    category_id=line.product.category_id,
                    title=line.product.title,
                    spec_text=line.sku.spec_text,
                    image=line.product.main_image,
                    unit_price_fen=line.unit_price_fen,
                    quantity=line.quantity,
                    subtotal_fen=line.subtotal_fen,
                    discount_fen=line.discount_fen,
                    payable_fen=line.payable_fen,
                    allocations=allocations[line.sku_id],
                    list_price_fen=line.list_price_fen,
                    promotion_id=line.item_price.promotion_id if line.item_price else None,
                    promotion_item_id=(line.item_price.item_id or None) if line.item_price else None,
                    promotion_label=line.item_price.label[:40] if line.item_price else "",
                    discounts=[a.__dict__ for a in line.adjustments],
                    platform_fen=line.platform_fen,
                    no_reason_return=policies[line.product.pk].eligible,
                    no_return_kind=policies[line.product.pk].kind,
                    no_return_reason=policies[line.product.pk].text[:200],
                )
            )
    OrderLine.objects.bulk_create(rows)
    OrderEvent.objects.bulk_create(
        [
            OrderEvent(
                order=o,
                shop_id=o.shop_id,
                from_status="",
                to_status=S.PENDING_PAYMENT,
                actor=buyer,
                actor_kind="buyer",
                note="买家下单",
            )
            for o in orders
        ]
    )
    events.publish(OrdersPlaced(payment_id=payment.pk, orders=tuple(order_facts(o) for o in orders), at=now))
    return orders


def _ship_hours(product, shop) -> int:
    """承诺发货时间 of one listing: its own promise, else the shop's, else the platform default."""
    return (
        product.ship_within_hours
        or getattr(shop, "ship_within_hours", None)
        or settings.WANSHANG["LATE_SHIPMENT_DEFAULT_HOURS"]
    )


def _points_share(cart, group) -> int:
    """The points spent on this shop's goods: the cart's points split by each group's points discount."""
    if not cart.points_used:
        return 0
    groups = [g for g in cart.groups if g.valid_lines]
    weights = [sum(a.amount_fen for a in g.breakdown if a.code == "points") for g in groups]
    if not sum(weights):
        return 0
    return allocate(cart.points_used, weights)[groups.index(group)]


def order_lock(order_id, **scope) -> Order:
    """Lock one order (inside the caller's transaction); `scope` narrows it (buyer=…, shop=…). NotFound."""
    order = Order.objects.select_for_update().filter(pk=order_id, **scope).first()
    if order is None:
        raise NotFound("订单不存在")
    return order


def order_lines_lock(order: Order) -> list[OrderLine]:
    """Lock an order's lines in id order, after the order row (inside the caller's transaction): after-sales
    caps what it refunds per line under these locks."""
    return list(OrderLine.objects.select_for_update().filter(order_id=order.pk).order_by("pk"))


def orders_mark_paid(*, payment_id, amount_fen: int, gateway: str, now=None) -> list[Order]:
    """The payment arrived (PaymentSucceeded, inside the payment's transaction with its row locked): every
    pending order of it becomes paid and its stock is confirmed; publishes OrdersPaid.

    An order past its payment deadline is cancelled instead (the timeout job may not have run: the worker was
    down), and money that paid for no order goes back (`payments.payment_refund_unclaimed`).
    """
    now = now or timezone.now()
    paid = []
    for order in Order.objects.select_for_update().filter(payment_id=payment_id).order_by("pk"):
        if order.status != S.PENDING_PAYMENT:
            continue
        if order.pay_deadline and order.pay_deadline <= now:
            _cancel_locked(order, actor=None, actor_kind="system", reason="超时未付款，系统自动取消", now=now)
            continue
        transition(
            order,
            S.PAID,
            actor_kind="gateway",
            note=f"支付成功（{gateway}）",
            now=now,
            # a pickup order is never shipped: no shipping deadline, so never 延迟发货
            extra_fields={
                "ship_deadline": None if order.is_pickup else now + timedelta(hours=order.ship_within_hours)
            },
        )
        stock_confirm(allocations=allocations_of(order), order_id=order.pk)
        paid.append(order)
    if paid:
        events.publish(OrdersPaid(payment_id=payment_id, orders=tuple(order_facts(o) for o in paid), at=now))
    unclaimed = amount_fen - sum(o.total_fen for o in paid)
    if unclaimed > 0:
        # Money arrived for orders already cancelled (the timeout raced the payment): give it back.
        payment_refund_unclaimed(
            payment_id=payment_id, amount_fen=unclaimed, reason="付款时订单已超时取消，自动退款"
        )
    return paid


def order_cancel(*, order_id, actor=None, actor_kind: str, reason: str, buyer=None, now=None) -> Order:
    """Cancel an unpaid order and release its stock. A buyer may cancel only their own order."""
    reason = (reason or "").strip()[:200] or "买家取消"
    scope = {"buyer": buyer} if buyer is not None else {}
    payment_id = Order.objects.filter(pk=order_id, **scope).values_list("payment_id", flat=True).first()
    if payment_id is None:
        raise NotFound("订单不存在")
    with transaction.atomic():
        # Lock order: payment, then order, then stock — the same order as a payment notification takes.
        payment_lock(payment_id=payment_id)
        order = order_lock(order_id, **scope)
        _cancel_locked(order, actor=actor, actor_kind=actor_kind, reason=reason, now=now)
    return order


def _cancel_locked(order: Order, *, actor, actor_kind: str, reason: str, now=None) -> None:
    """Cancel a locked order (its payment row locked first). Stock rows before promotion rows, as checkout
    takes them: lines without a promotion item go back here; OrderCancelled's subscribers (marketing) decide
    where flash-sale units go and release the other promotion lines."""
    transition(
        order,
        S.CANCELLED,
        actor=actor,
        actor_kind=actor_kind,
        note=reason,
        now=now,
        extra_fields={"cancel_reason": reason},
    )
    plain = [
        Allocation(sku_id=line.sku_id, warehouse_id=w, quantity=q)
        for line in order.lines.all()
        if not line.promotion_item_id
        for w, q in line.allocations
    ]
    if plain:
        stock_release(allocations=plain, order_id=order.pk, actor=actor, reason=reason)
    events.publish(
        OrderCancelled(
            order=order_facts(order),
            reason=reason,
            actor_id=actor.pk if getattr(actor, "pk", None) else None,
            at=now,
        )
    )
    if not Order.objects.filter(payment_id=order.payment_id).exclude(status=S.CANCELLED).exists():
        payment_close(payment_id=order.payment_id)


def orders_cancel_expired(*, now=None) -> int:
    """Cancel unpaid orders past their deadline. Idempotent; a missed run catches up."""
    now = now or timezone.now()
    ids = list(
        Order.objects.filter(status=S.PENDING_PAYMENT, pay_deadline__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
    done = 0
    for order_id in ids:
        try:
            order_cancel(order_id=order_id, actor_kind="system", reason="超时未付款，系统自动取消", now=now)
            done += 1
        except InvalidTransition:
            continue  # paid in the meantime
    return done


def order_ship(*, shop, order_id, carrier: str, tracking_no: str, actor) -> Order:
    """Merchant ships a paid order. Refused when an OrderShipping subscriber refuses: an open refund request
    (after-sales), a group buy that has not completed (marketing)."""
    if carrier not in Carrier.values:
        raise ValidationError("请选择快递公司", field="carrier")
    tracking_no = (tracking_no or "").strip()
    if carrier != Carrier.SELF and not TRACKING_RE.match(tracking_no):
        raise ValidationError("运单号须为 6–40 位字母、数字或“-”", field="tracking_no")
    with transaction.atomic():
        order = order_lock(order_id, shop=shop)
        facts = order_facts(order)  # the lines, read once for both events
        events.publish(OrderShipping(order=facts))
        transition(
            order,
            S.SHIPPED,
            actor=actor,
            actor_kind="seller",
            note=f"{Carrier(carrier).label} {tracking_no}".strip(),
            extra_fields={"carrier": carrier, "tracking_no": tracking_no},
        )
        events.publish(
            OrderShipped(order=replace(facts, status=order.status), carrier=carrier, tracking_no=tracking_no)
        )
    return order


def order_ship_part(
    *, order: Order, carrier: str, tracking_no: str, complete: bool, note: str, actor
) -> Order:
    """One package of a paid order left (shipping's 多包裹发货). The order must be locked by the caller
    (`order_lock`, then `order_lines_lock`). Every package asks the OrderShipping subscribers (an open refund
    request or group buy refuses it); the package that ships the last units moves the order to 已发货 through
    the state machine, an earlier one only notes the package on the order's timeline."""
    if order.status != S.PAID:
        raise InvalidTransition(f"订单{order.no}当前为“{S(order.status).label}”，不能发货")
    if order.is_pickup:
        raise InvalidTransition(f"订单{order.no}为到店自提订单，无需发货，请在门店核销提货码")
    facts = order_facts(order)
    events.publish(OrderShipping(order=facts))
    if not complete:
        OrderEvent.objects.create(
            order=order,
            shop_id=order.shop_id,
            from_status=order.status,
            to_status=order.status,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_kind="seller",
            note=note[:300],
        )
        return order
    transition(
        order,
        S.SHIPPED,
        actor=actor,
        actor_kind="seller",
        note=note,
        extra_fields={"carrier": carrier, "tracking_no": tracking_no},
    )
    events.publish(
        OrderShipped(order=replace(facts, status=order.status), carrier=carrier, tracking_no=tracking_no)
    )
    return order


def order_mark_delivered(*, order_id, at) -> bool:
    """The carrier reported the order's last package signed for (签收) at `at`: record it once, on a shipped
    order, so auto-receive counts from delivery. A conditional update: repeated pushes change nothing."""
    return bool(
        Order.objects.filter(pk=order_id, status=S.SHIPPED, delivered_at__isnull=True).update(delivered_at=at)
    )


def _complete(order: Order, *, actor=None, actor_kind: str, now=None, note: str = "", by_buyer=None) -> None:
    """Receipt confirmed, then 交易成功: settlement and points follow from OrderCompleted's subscribers."""
    transition(
        order,
        S.RECEIVED,
        actor=actor,
        actor_kind=actor_kind,
        note=note or ("买家确认收货" if actor_kind == "buyer" else "超时自动确认收货"),
        now=now,
    )
    facts = order_facts(order)
    by_buyer = actor_kind == "buyer" if by_buyer is None else by_buyer
    events.publish(OrderReceived(order=facts, by_buyer=by_buyer, at=now))
    transition(order, S.COMPLETED, actor_kind="system", note="交易成功", now=now)
    events.publish(OrderCompleted(order=replace(facts, status=order.status), at=now))


def order_confirm_receipt(*, buyer, order_id) -> Order:
    with transaction.atomic():
        order = order_lock(order_id, buyer=buyer)
        if order.is_pickup and order.status == S.PAID:
            raise InvalidTransition("到店自提订单在门店出示提货码、核销后即完成收货")
        _complete(order, actor=buyer, actor_kind="buyer")
    return order


def order_pickup_receive(*, order: Order, actor, store_name: str, now=None) -> Order:
    """到店自提: the store verified the pickup code, the buyer took the goods — received, then 交易成功, as when a
    buyer confirms receipt (settlement and points follow). `order` is locked by the caller (the stores app,
    which locks its pickup row after it). Raises InvalidTransition for an order not paid or not a pickup."""
    if not order.is_pickup:
        raise InvalidTransition(f"订单{order.no}不是到店自提订单")
    # Handing the goods over is this order's shipping: OrderShipping's subscribers refuse it the same way
    # (an open refund request or 仅退款 case, a group buy not yet filled).
    events.publish(OrderShipping(order=order_facts(order)))
    _complete(
        order,
        actor=actor,
        actor_kind="seller",
        now=now,
        note=f"门店核销提货（{store_name}）"[:300],
        by_buyer=True,  # the buyer took the goods in person: a receipt, not a timeout
    )
    return order


def orders_auto_receive(*, now=None) -> int:
    """Shipped orders confirm receipt N days after delivery (`delivered_at`, reported by the carrier's
    tracking) or, when delivery is unknown, N days after shipping. Idempotent; catches up after downtime."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.WANSHANG["ORDER_AUTO_RECEIVE_DAYS"])
    ids = list(
        Order.objects.filter(status=S.SHIPPED)
        .filter(Q(delivered_at__lte=cutoff) | Q(delivered_at__isnull=True, shipped_at__lte=cutoff))
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
    done = 0
    for order_id in ids:
        try:
            with transaction.atomic():
                order = order_lock(order_id)
                _complete(order, actor_kind="system", now=now)
            done += 1
        except InvalidTransition:
            continue
    return done


def order_refunded(
    *, order: Order, refund_no: str, amount_fen: int, is_full: bool, refund_lines, actor=None
) -> list[Allocation]:
    """After-sales sent a refund's money back: mark the refunded units on their lines (`refund_lines`:
    [[line_id, quantity, amount_fen]]), move a full refund's order to 已退款 or note a partial one on its
    timeline, and return which stock the units came from (units taken in order). The order must be locked."""
    actor_kind = "seller" if actor else "system"
    out = _refund_units(order, refund_lines)
    if is_full:
        transition(order, S.REFUNDED, actor=actor, actor_kind=actor_kind, note=f"退款 {refund_no} 已原路退回")
    else:
        OrderEvent.objects.create(
            order=order,
            shop_id=order.shop_id,
            from_status=order.status,
            to_status=order.status,
            actor=actor,
            actor_kind=actor_kind,
            note=f"部分退款 {refund_no} ¥{fen_to_yuan_str(amount_fen)} 已原路退回",
        )
    return out


def _refund_units(order: Order, refund_lines) -> list[Allocation]:
    out = []
    lines = {line.pk: line for line in order.lines.all()}
    for line_id, qty, amount in refund_lines:
        line = lines[line_id]
        skip, take = line.refunded_qty, qty
        for warehouse_id, allocated in line.allocations:
            if skip >= allocated:
                skip -= allocated
                continue
            n = min(allocated - skip, take)
            skip = 0
            if n:
                out.append(Allocation(sku_id=line.sku_id, warehouse_id=warehouse_id, quantity=n))
                take -= n
            if not take:
                break
        line.refunded_qty += qty
        line.refunded_fen += amount
        line.save(update_fields=["refunded_qty", "refunded_fen"])
    return out


def orders_forget_visitor(*, buyer_id: int) -> int:
    """Unlink the buyer's orders from the browsers they were placed in (their data-deletion request); the orders
    themselves stay. Returns how many orders changed."""
    return Order.objects.filter(buyer_id=buyer_id).exclude(visitor="").update(visitor="")
