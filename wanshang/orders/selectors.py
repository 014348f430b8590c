from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, Sum
from django.utils import timezone

from wanshang.common.domain_events import LineFacts, OrderFacts
from wanshang.common.errors import NotFound, ValidationError
from wanshang.orders.models import LateShipment, Order, OrderEvent, OrderLine, OrderStatus

PAID_STATES = [
    OrderStatus.PAID,
    OrderStatus.SHIPPED,
    OrderStatus.RECEIVED,
    OrderStatus.COMPLETED,
    OrderStatus.REFUNDED,
]


def _with_lines(qs):
    return qs.select_related("shop", "payment").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("id"))
    )


def order_facts(order: Order) -> OrderFacts:
    """The order as the payload of a domain event (its lines read once, in id order)."""
    lines = tuple(
        LineFacts(
            line_id=line.pk,
            sku_id=line.sku_id,
            product_id=line.product_id,
            category_id=line.category_id,
            quantity=line.quantity,
            unit_price_fen=line.unit_price_fen,
            payable_fen=line.payable_fen,
            platform_fen=line.platform_fen,
            refunded_qty=line.refunded_qty,
            refunded_fen=line.refunded_fen,
            promotion_item_id=line.promotion_item_id,
        )
        for line in sorted(order.lines.all(), key=lambda line: line.pk)
    )
    return OrderFacts(
        order_id=order.pk,
        no=order.no,
        shop_id=order.shop_id,
        buyer_id=order.buyer_id,
        payment_id=order.payment_id,
        status=order.status,
        total_fen=order.total_fen,
        freight_fen=order.freight_fen,
        points_used=order.points_used,
        visitor=order.visitor,
        lines=lines,
    )


def order_get(*, order_id) -> Order:
    """Any order by id, for apps reacting to an order event (the publisher's transaction holds its lock)."""
    order = Order.objects.select_related("buyer", "payment").filter(pk=order_id).first()
    if order is None:
        raise NotFound("订单不存在")
    return order


def orders_by_ids(*, ids) -> list[Order]:
    return list(Order.objects.filter(pk__in=list(ids)).order_by("pk"))


def buyer_order_list(*, buyer, status: str | None = None):
    qs = _with_lines(Order.objects.filter(buyer=buyer))
    return qs.filter(status=status) if status else qs


def buyer_received_orders(*, buyer, since):
    """The buyer's orders received at or after `since` (their lines prefetched), newest receipt first: the
    lines 我的评价 offers to review or to add a 追评 to."""
    return buyer_order_list(buyer=buyer).filter(received_at__gte=since).order_by("-received_at", "-id")


def buyer_order_get(*, buyer, order_id) -> Order:
    """The buyer's own order; anyone else's id is NotFound."""
    order = (
        _with_lines(Order.objects.filter(buyer=buyer, pk=order_id))
        .prefetch_related("events", "refunds")
        .first()
    )
    if order is None:
        raise NotFound("订单不存在")
    return order


def seller_order_list(
    *, shop, status: str | None = None, q: str = "", date_from=None, date_to=None, late: bool = False
):
    """The shop's orders; `late`: only those flagged 延迟发货."""
    qs = _with_lines(Order.objects.for_shop(shop)).select_related("buyer", "late_shipment")
    if status:
        qs = qs.filter(status=status)
    if late:
        qs = qs.filter(late_shipment__isnull=False, late_shipment__exempt_reason="")
    if q:
        qs = qs.filter(
            Q(no=q) | Q(tracking_no=q) | Q(lines__title__icontains=q) | Q(address__receiver=q)
        ).distinct()
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs


def seller_order_get(*, shop, order_id) -> Order:
    order = (
        _with_lines(Order.objects.for_shop(shop).filter(pk=order_id))
        .select_related("buyer", "late_shipment")
        .prefetch_related(Prefetch("events", queryset=OrderEvent.objects.select_related("actor")), "refunds")
        .first()
    )
    if order is None:
        raise NotFound("订单不存在")
    return order


def seller_status_counts(*, shop) -> dict[str, int]:
    rows = Order.objects.for_shop(shop).values("status").annotate(n=Count("id"))
    counts = {s: 0 for s in OrderStatus.values}
    counts.update({r["status"]: r["n"] for r in rows})
    return counts


def seller_today(*, shop, now=None) -> dict:
    """Dashboard: today's orders placed, orders paid and paid amount (支付金额 includes freight)."""
    now = timezone.localtime(now or timezone.now())
    start = timezone.make_aware(datetime.combine(now.date(), time.min))
    placed = Order.objects.for_shop(shop).filter(created_at__gte=start).count()
    paid = (
        Order.objects.for_shop(shop)
        .filter(paid_at__gte=start, status__in=PAID_STATES)
        .aggregate(n=Count("id"), amount=Sum("total_fen"), buyers=Count("buyer", distinct=True))
    )
    return {
        "placed": placed,
        "paid_orders": paid["n"] or 0,
        "paid_fen": paid["amount"] or 0,
        "paid_buyers": paid["buyers"] or 0,
        "to_ship": Order.objects.for_shop(shop).filter(status=OrderStatus.PAID).count(),
    }


def platform_order_list(*, status: str | None = None, shop_id=None, q: str = ""):
    qs = Order.objects.select_related("shop", "buyer")
    if status:
        qs = qs.filter(status=status)
    if shop_id:
        qs = qs.filter(shop_id=shop_id)
    if q:
        qs = qs.filter(no=q)
    return qs


def platform_totals() -> dict:
    agg = Order.objects.filter(status__in=PAID_STATES).aggregate(n=Count("id"), amount=Sum("total_fen"))
    return {"paid_orders": agg["n"] or 0, "paid_fen": agg["amount"] or 0, "all_orders": Order.objects.count()}


ORDER_STATUSES = OrderStatus.choices


def platform_order_get(*, order_id) -> Order:
    """Any order with lines, events and refunds, for operators (read-only)."""
    order = (
        _with_lines(Order.objects.filter(pk=order_id))
        .select_related("buyer")
        .prefetch_related(Prefetch("events", queryset=OrderEvent.objects.select_related("actor")), "refunds")
        .first()
    )
    if order is None:
        raise NotFound("订单不存在")
    return order


# --- buyer order tabs (storefront "我的订单") ---------------------------------------------------------------

ORDER_STATUS_LABELS: dict[str, str] = dict(OrderStatus.choices)
BUYER_ORDER_TABS: dict[str, list[str]] = {
    "all": [],
    "unpaid": [OrderStatus.PENDING_PAYMENT],
    "to_ship": [OrderStatus.PAID],
    "to_receive": [OrderStatus.SHIPPED],
    "done": [OrderStatus.RECEIVED, OrderStatus.COMPLETED],
    "refund": [],  # orders with a refund request (any state) or refunded
}


def buyer_orders_by_tab(*, buyer, tab: str = "all"):
    """The buyer's orders for one "我的订单" tab, with lines, shop and refunds prefetched. Unknown tab → all."""
    qs = _with_lines(Order.objects.filter(buyer=buyer)).prefetch_related("refunds")
    if tab == "refund":
        return qs.filter(Q(status=OrderStatus.REFUNDED) | Q(refunds__isnull=False)).distinct()
    statuses = BUYER_ORDER_TABS.get(tab) or []
    return qs.filter(status__in=statuses) if statuses else qs


def buyer_tab_counts(*, buyer) -> dict[str, int]:
    """Badge counts of the tabs that ask for action (待付款, 待发货, 待收货)."""
    rows = dict(Order.objects.filter(buyer=buyer).values_list("status").annotate(n=Count("id")))
    return {
        tab: sum(rows.get(s, 0) for s in statuses)
        for tab, statuses in BUYER_ORDER_TABS.items()
        if tab in ("unpaid", "to_ship", "to_receive")
    }


def order_visitors_of(*, buyer_id: int) -> set[str]:
    """The visitor ids (the `wsv` browser cookie) the buyer's orders were placed from; for 数据中心 deletion."""
    return set(
        Order.objects.filter(buyer_id=buyer_id)
        .exclude(visitor="")
        .values_list("visitor", flat=True)
        .distinct()
    )


def buyer_spend_by_shop(*, buyer, shop_ids) -> dict[int, int]:
    """What the buyer has spent per shop on completed orders (marketing's membership levels)."""
    rows = (
        Order.objects.filter(buyer=buyer, shop_id__in=list(shop_ids), status=OrderStatus.COMPLETED)
        .values("shop_id")
        .annotate(total=Sum("total_fen"))
    )
    return {r["shop_id"]: r["total"] for r in rows}


def units_bought(*, buyer, promotion_ids) -> dict[int, int]:
    """Units the buyer bought under each promotion, cancelled and refunded orders aside (per-buyer limits)."""
    rows = (
        OrderLine.objects.filter(order__buyer=buyer, promotion_id__in=list(promotion_ids))
        .exclude(order__status__in=[OrderStatus.CANCELLED, OrderStatus.REFUNDED])
        .values("promotion_id")
        .annotate(n=Sum("quantity"))
    )
    return {r["promotion_id"]: r["n"] for r in rows}


# --- for recommendations (买了又买) -----------------------------------------------------------------------------


def paid_lines_since(*, since):
    """Every line of an order paid at or after `since` (cancelled-before-payment orders never are), oldest
    first, as (buyer_id, product_id, category_id, paid_at) tuples, streamed in chunks."""
    return (
        OrderLine.objects.filter(order__paid_at__gte=since, order__status__in=PAID_STATES)
        .order_by("order__paid_at", "id")
        .values_list("order__buyer_id", "product_id", "category_id", "order__paid_at")
        .iterator(chunk_size=5000)
    )


def shop_paid_line_count(*, shop, since, until) -> int:
    """The shop's 子订单 (order lines) paid in [since, until), whatever happened to them since: the
    denominator of the 数据中心's after-sales rates."""
    return (
        OrderLine.objects.for_shop(shop).filter(order__paid_at__gte=since, order__paid_at__lt=until).count()
    )


def products_bought_by(*, buyer_id: int, since) -> set[int]:
    """The products a buyer paid for at or after `since` (猜你喜欢 does not offer them again)."""
    return set(
        OrderLine.objects.filter(
            order__buyer_id=buyer_id, order__paid_at__gte=since, order__status__in=PAID_STATES
        ).values_list("product_id", flat=True)
    )


def products_of_payment(*, buyer_id: int, payment_no: str) -> list[int]:
    """The products of one of the buyer's payments (the order-complete page starts 买了又买 from them)."""
    return list(
        OrderLine.objects.filter(order__buyer_id=buyer_id, order__payment__no=payment_no)
        .order_by("id")
        .values_list("product_id", flat=True)
    )


# --- for 推广中心's quality score (refund rates) ------------------------------------------------------------------


def refunded_orders(*, since, product_ids=(), category_ids=()) -> dict[tuple[str, int], tuple[int, int]]:
    """(paid orders, refunded orders) since `since` by ("product", id) and ("category", id), and the whole
    marketplace's under ("all", 0): an order counts once per product (or category) it has lines of, and as
    refunded when money came back for any unit of those lines (`refunded_qty`, set by every refund, plain or
    after-sales). Orders paid at or after `since`, whatever their state now (a refunded order left PAID_STATES)."""
    paid = OrderLine.objects.filter(order__paid_at__gte=since)
    refunded = Count("order_id", distinct=True, filter=Q(refunded_qty__gt=0))
    out: dict[tuple[str, int], tuple[int, int]] = {}
    for scope, column, ids in (
        ("product", "product_id", product_ids),
        ("category", "category_id", category_ids),
    ):
        if ids:
            rows = (
                paid.filter(**{f"{column}__in": list(ids)})
                .values_list(column)
                .annotate(n=Count("order_id", distinct=True), r=refunded)
            )
            out.update({(scope, pk): (n, r) for pk, n, r in rows})
    total = paid.aggregate(n=Count("order_id", distinct=True), r=refunded)
    out[("all", 0)] = (total["n"] or 0, total["r"] or 0)
    return out


# --- for reviews (评价) ------------------------------------------------------------------------------------------

REVIEWABLE_STATES = [OrderStatus.RECEIVED, OrderStatus.COMPLETED]


def buyer_line_get(*, buyer, line_id) -> OrderLine:
    """One line of the buyer's own orders, with its order and shop; anyone else's line is NotFound."""
    try:
        pk = int(line_id)
    except (TypeError, ValueError):
        raise NotFound("订单商品不存在") from None
    line = (
        OrderLine.objects.select_related("order", "order__shop", "shop")
        .filter(pk=pk, order__buyer=buyer)
        .first()
    )
    if line is None:
        raise NotFound("订单商品不存在")
    return line


def lines_due_default_review(*, received_before, exclude_line_ids, limit: int = 500) -> list[OrderLine]:
    """Lines of received orders (received at or before `received_before`, not fully refunded) that are not
    among `exclude_line_ids` (a queryset of line ids: those already reviewed), oldest receipt first."""
    return list(
        OrderLine.objects.select_related("order")
        .filter(order__status__in=REVIEWABLE_STATES, order__received_at__lte=received_before)
        .exclude(refunded_qty__gte=F("quantity"))
        .exclude(pk__in=exclude_line_ids)
        .order_by("order__received_at", "pk")[:limit]
    )


# --- 7天无理由退货 ---------------------------------------------------------------------------------------------

# The rule counts calendar days in China (暂行办法 §6), whatever the server's TIME_ZONE says.
RETURN_TZ = ZoneInfo("Asia/Shanghai")
RECEIVED_STATES = (OrderStatus.RECEIVED, OrderStatus.COMPLETED)


def _aware(now) -> datetime:
    if not isinstance(now, datetime):
        raise ValidationError("now 须为带时区的时间", field="now")
    if timezone.is_naive(now):
        raise ValidationError("now 须为带时区的时间（不能是无时区的本地时间）", field="now")
    return now


def no_reason_return_last_day(*, line: OrderLine) -> date | None:
    """The last calendar day (Asia/Shanghai) on which the line may be returned without a reason: receipt on
    day D counts days from D+1, so with 7 days the last one is D+7. None when the line was sold without
    7天无理由 or the order has not been received."""
    if not isinstance(line, OrderLine):
        raise ValidationError("line 须为订单行", field="line")
    order = line.order
    if not line.no_reason_return or order.received_at is None:
        return None
    received_day = order.received_at.astimezone(RETURN_TZ).date()
    return received_day + timedelta(days=settings.WANSHANG["NO_REASON_RETURN_DAYS"])


def no_reason_return_deadline(*, line: OrderLine) -> datetime | None:
    """The moment the window closes: the end of the last day, i.e. 00:00 Asia/Shanghai of the day after."""
    last = no_reason_return_last_day(line=line)
    if last is None:
        return None
    return datetime.combine(last + timedelta(days=1), time.min, tzinfo=RETURN_TZ)


def no_reason_return_open(*, line: OrderLine, now) -> bool:
    """May the buyer return this line without a reason at `now` (aware datetime)? The line was sold as
    eligible (snapshot at placement), its order is received (or completed), not fully refunded, and `now` is
    on or before the last day (no_reason_return_last_day). Raises ValidationError for a naive or missing
    `now` or something that is not an order line. Whether units remain to return is the caller's question."""
    now = _aware(now)
    last = no_reason_return_last_day(line=line)
    if last is None or line.order.status not in RECEIVED_STATES:
        return False
    return now.astimezone(RETURN_TZ).date() <= last


def order_return_windows(*, order: Order, now=None) -> dict[int, dict]:
    """Per line id: {"eligible", "reason", "last_day", "open"} for the order page and the API."""
    now = now or timezone.now()
    out = {}
    for line in order.lines.all():
        line.order = order  # the prefetched lines point at the same order: no query per line
        out[line.pk] = {
            "eligible": line.no_reason_return,
            "reason": line.no_return_reason,
            "last_day": no_reason_return_last_day(line=line),
            "open": no_reason_return_open(line=line, now=now),
        }
    return out


# --- 延迟发货 --------------------------------------------------------------------------------------------------


def late_shipment_of(*, order: Order) -> LateShipment | None:
    """The order's compensation for shipping late, or None (never late, or exempt)."""
    return LateShipment.objects.filter(order_id=order.pk, exempt_reason="").first()


def late_shipments_list(*, shop_id=None, q: str = ""):
    """Every late-shipment compensation and exemption, newest first (the platform's list); `shop_id` narrows it."""
    qs = LateShipment.objects.select_related("order", "shop", "buyer")
    if shop_id:
        qs = qs.filter(shop_id=shop_id)
    if q:
        qs = qs.filter(order__no=q)
    return qs


def seller_late_shipment_count(*, shop) -> int:
    return LateShipment.objects.for_shop(shop).filter(exempt_reason="").count()


def late_shipment_totals(*, shop_id=None) -> dict[str, int]:
    qs = LateShipment.objects.filter(exempt_reason="")
    if shop_id:
        qs = qs.filter(shop_id=shop_id)
    agg = qs.aggregate(n=Count("id"), amount=Sum("amount_fen"), points=Sum("points"))
    return {"count": agg["n"] or 0, "amount_fen": agg["amount"] or 0, "points": agg["points"] or 0}


def seller_order_id_by_no(*, shop, no: str) -> int | None:
    """The id of the shop's order with this number (shipping's Excel import), or None."""
    return Order.objects.for_shop(shop).filter(no=no.strip()).values_list("pk", flat=True).first()


def shop_order_times_of_buyers(*, shop_id: int, buyer_ids, since, until) -> dict[int, list]:
    """When each of `buyer_ids` placed an order in the shop within [since, until), oldest first (客服数据's
    询单转化率: did a buyer who chatted order afterwards)."""
    out: dict[int, list] = {}
    rows = (
        Order.objects.filter(
            shop_id=shop_id, buyer_id__in=list(buyer_ids), created_at__gte=since, created_at__lt=until
        )
        .order_by("created_at")
        .values_list("buyer_id", "created_at")
    )
    for buyer_id, created_at in rows:
        out.setdefault(buyer_id, []).append(created_at)
    return out


def accounts_sharing_address(*, buyer_id: int, since, keys_limit: int = 20, limit: int = 50) -> int:
    """How many other accounts placed an order since `since` to a delivery address (normalised: addresskey.py)
    the buyer also sent an order to since then; counted up to `limit`. Bounded: the buyer's newest
    `keys_limit` addresses, each looked up through the (address_key, created_at) index."""
    keys = list(
        dict.fromkeys(
            Order.objects.filter(buyer_id=buyer_id, created_at__gte=since)
            .exclude(address_key="")
            .order_by("-id")
            .values_list("address_key", flat=True)[: keys_limit * 5]
        )
    )[:keys_limit]
    if not keys:
        return 0
    others = (
        Order.objects.filter(address_key__in=keys, created_at__gte=since)
        .exclude(buyer_id=buyer_id)
        .order_by()
        .values_list("buyer_id", flat=True)
        .distinct()[:limit]
    )
    return len(list(others))


def buyer_paid_order_count(*, buyer_id: int, since) -> int:
    """Orders the buyer paid since `since` (cancelled before payment aside): the base of the refund rates."""
    return Order.objects.filter(buyer_id=buyer_id, paid_at__gte=since).count()


# --- 体检中心 (health reads these, one query each over all shops) --------------------------------------------


def shops_due_and_late(*, shop_ids, since, until) -> dict[int, tuple[int, int]]:
    """shop → (orders whose shipping deadline fell in [since, until), of those the 延迟发货 ones not exempted)."""
    due = dict(
        Order.objects.filter(shop_id__in=list(shop_ids), ship_deadline__gte=since, ship_deadline__lt=until)
        .values_list("shop_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    late = dict(
        LateShipment.objects.filter(
            shop_id__in=list(shop_ids), deadline__gte=since, deadline__lt=until, exempt_reason=""
        )
        .values_list("shop_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {s: (due.get(s, 0), late.get(s, 0)) for s in set(due) | set(late)}


def shops_paid_orders(*, shop_ids, since, until) -> dict[int, tuple[int, int]]:
    """shop → (orders paid in [since, until), what the buyers paid for them in fen); refunds not taken off."""
    rows = (
        Order.objects.filter(shop_id__in=list(shop_ids), paid_at__gte=since, paid_at__lt=until)
        .values_list("shop_id")
        .annotate(n=Count("id"), fen=Sum("total_fen"))
        .order_by()
    )
    return {shop_id: (n, fen or 0) for shop_id, n, fen in rows}
